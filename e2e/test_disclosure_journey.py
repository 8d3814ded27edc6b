"""Disclosure and the leadership dashboard in a real browser: the public search and a body's page (with a
corrected version), region totals, the dashboard in Chinese with ECharts and a drill-down by clicking a
bar, the clerk confirming its figures, the monthly report download. axe-core runs on every page shown
(the `shot` fixture) and must find no serious or critical violation.

The monthly report's .docx is rendered to PDF and PNG with LibreOffice and pdftoppm
(var/screenshots/monthly-report.pdf, monthly-report-1.png) so a person can look at it; `make e2e`
installs them (libreoffice-writer-nogui, poppler-utils) when missing.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "var" / "screenshots"

PUBLIC_PAGES = [
    ("/", "public-home-disclosure"),
    ("/disclosure/", "public-disclosure-search"),
    ("/disclosure/bodies/{body}/", "public-disclosure-body-page"),
    ("/disclosure/regions/", "public-disclosure-regions"),
    ("/disclosure/methodology/", "public-disclosure-methodology"),
    ("/disclosure/open-data/", "public-disclosure-open-data"),
]


@pytest.mark.parametrize(("path", "name"), PUBLIC_PAGES)
def test_public_disclosure_pages_pass_axe(page: Any, shot: Any, path: str, name: str) -> None:
    if "{body}" in path:
        page.goto("/disclosure/?q=新华区第一中学")
        path = page.locator("table a[href^='/disclosure/bodies/']").first.get_attribute("href")
    response = page.goto(path)
    assert response is not None
    assert response.status == 200
    assert response.headers["cache-control"].startswith("public, max-age=")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    shot(page, name)  # runs axe-core: no serious or critical violation


def test_the_public_searches_a_body_and_sees_both_versions_of_a_correction(page: Any, shot: Any) -> None:
    page.goto("/disclosure/")
    page.fill("#f-q", "新华区第一中学")
    with page.expect_navigation():
        page.click("form[role=search] button[type=submit]")
    assert "新华区第一中学" in page.inner_text("table")
    shot(page, "public-disclosure-search-result")
    with page.expect_navigation():
        page.click("table >> text=新华区第一中学")
    main = page.inner_text("main")
    assert "更正说明" in main
    assert "第 2 版" in main
    page.click("details summary")  # the earlier version, with its figures
    assert "第 1 版" in page.inner_text("details")
    shot(page, "public-disclosure-body")


def test_the_leader_sees_the_dashboard_in_chinese_and_drills_down_from_a_bar(
    page: Any, login: Any, shot: Any
) -> None:
    login(page, "leader")
    page.goto("/dashboards/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert "驾驶舱" in page.inner_text("h1")
    page.wait_for_function("document.querySelectorAll('.qq-chart canvas').length >= 9")
    assert "数据截至" in page.inner_text("main")
    shot(page, "dashboard-leader")
    # click the first bar of "按区域的尚欠金额": the list behind it opens
    point = page.evaluate(
        """() => {
            const el = document.getElementById('chart-region');
            const chart = echarts.getInstanceByDom(el);
            const value = chart.getOption().series[0].data[0];
            const [x, y] = chart.convertToPixel({seriesIndex: 0}, [value / 2, 0]);
            const box = el.getBoundingClientRect();
            return {x: box.left + x, y: box.top + y};
        }"""
    )
    with page.expect_navigation():
        page.mouse.click(point["x"], point["y"])
    assert "/dashboards/items/" in page.url
    assert "台账明细" in page.inner_text("h1")
    shot(page, "dashboard-drilldown-items")


def test_the_clerk_confirms_its_figures_and_the_office_sees_the_board(
    page: Any, login: Any, shot: Any
) -> None:
    login(page, "clerk")
    page.goto("/disclosure/returns/")
    with page.expect_navigation():
        page.click("table >> text=石家庄市教育局")
    shot(page, "disclosure-return-clerk")
    with page.expect_navigation():
        page.click("button:has-text('确认无误')")
    assert "待主管部门审核" in page.inner_text("main")
    login(page, "office")
    page.goto("/disclosure/returns/")
    assert "公开期限" in page.inner_text("main")
    shot(page, "disclosure-board-office")


def test_the_leader_downloads_the_monthly_report_and_it_renders_to_pdf_and_png(
    page: Any, login: Any, shot: Any
) -> None:
    from python_calamine import CalamineWorkbook

    login(page, "leader")
    page.goto("/disclosure/reports/")
    shot(page, "monthly-reports")
    with page.expect_download() as info:
        page.click("table >> text=Word")
    target = SCREENSHOTS / "monthly-report.docx"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    info.value.save_as(str(target))
    assert target.stat().st_size > 10_000
    with page.expect_download() as info:
        page.click("table >> text=Excel")
    xlsx = SCREENSHOTS / "monthly-report.xlsx"
    info.value.save_as(str(xlsx))
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.read_bytes()))
    assert book.sheet_names == ["关键指标", "责任部门排名", "县（市、区）排名", "分月清偿", "按单位类型"]
    key = book.get_sheet_by_name("关键指标").to_python()
    assert key[3][:3] == ["指标", "数值", "大写 / 说明"]
    values: dict[Any, Any] = {row[0]: row[1] for row in key[4:] if row and row[0]}
    assert values["尚欠金额（元）"] > 0
    assert values["累计清偿金额（元）"] > 0
    assert values["尚欠金额（元）"] == values["其中：无分歧金额（元）"] + values["其中：有分歧金额（元）"]
    for label in ("还款计划履约率", "审查按时率", "转办按时率", "办理按时率", "企业满意率"):
        assert values[label] == "—" or 0 <= values[label] <= 1, (label, values[label])  # shown as 0.0%
    months = book.get_sheet_by_name("分月清偿").to_python()
    assert months[0] == ["月份", "当月清偿（元）", "累计清偿（元）"]
    assert len(months) > 1
    # the .docx as a person sees it: LibreOffice → PDF → PNG (pdftoppm)
    for old in SCREENSHOTS.glob("monthly-report-*.png"):
        old.unlink()
    rendered = subprocess.run(
        [sys.executable, "manage.py", "render_report", "--file", str(target), "--out", str(SCREENSHOTS)],
        cwd=ROOT,
        env={**os.environ, "QINGQIAN_ENV": "development", "DATABASE_URL": "sqlite:///:memory:"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert rendered.returncode == 0, rendered.stderr[-2000:]
    assert (SCREENSHOTS / "monthly-report.pdf").stat().st_size > 10_000
    pngs = sorted(SCREENSHOTS.glob("monthly-report-*.png"))
    assert pngs
    assert all(p.stat().st_size > 20_000 for p in pngs), pngs
