"""Disclosure and the leadership dashboard in a real browser: the public search and a body's page (with a
corrected version), region totals, the dashboard in Chinese with ECharts and a drill-down by clicking a
bar, the clerk confirming its figures, the monthly report download. axe-core runs on every public page
and must find no serious or critical violation.

The .docx report is saved to var/screenshots/monthly-report.docx; render it to PNG by hand with
``python manage.py render_report --file var/screenshots/monthly-report.docx`` (LibreOffice + pdftoppm).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "var" / "screenshots"
AXE_URL = "/static/vendor/axe-core/axe.min.js"


def axe_serious(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (served by the app itself, so the CSP allows it) and keep serious/critical findings."""
    page.add_script_tag(url=AXE_URL)
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


PUBLIC_PAGES = [
    ("/disclosure/", "public-disclosure-search"),
    ("/disclosure/regions/", "public-disclosure-regions"),
    ("/disclosure/methodology/", "public-disclosure-methodology"),
    ("/disclosure/open-data/", "public-disclosure-open-data"),
    ("/", "public-home-disclosure"),
]


@pytest.mark.parametrize(("path", "name"), PUBLIC_PAGES)
def test_public_disclosure_pages_pass_axe(page: Any, shot: Any, path: str, name: str) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == 200
    assert response.headers["cache-control"].startswith("public, max-age=")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    shot(page, name)
    found = axe_serious(page)
    assert not found, found


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
    found = axe_serious(page)
    assert not found, found


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


def test_the_leader_downloads_the_monthly_report(page: Any, login: Any, shot: Any) -> None:
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
    info.value.save_as(str(SCREENSHOTS / "monthly-report.xlsx"))
