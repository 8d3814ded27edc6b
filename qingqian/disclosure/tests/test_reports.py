"""The monthly progress report: a 公文-style .docx and an .xlsx with the same figures, kept with a serial."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import cn2an
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from qingqian.core.errors import NotPermitted
from qingqian.disclosure import services
from qingqian.disclosure.models import MonthlyReport
from qingqian.ledger.selectors import cleared_total, item_list_for, totals_of


def _docx_text(content: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append("|".join(c.text for c in row.cells))
    return "\n".join(parts)


def test_the_office_generates_a_report_with_the_ledger_figures_in_figures_and_capitals(world: Any) -> None:
    report = services.report_generate(actor=world.office, period=dt.date(2026, 10, 1))
    year = timezone.localdate().year
    assert re.fullmatch(rf"石清欠办〔{year}〕\d+号", report.doc_number)
    text = _docx_text(bytes(report.docx))
    total = cleared_total(user=world.leader)
    balance = totals_of(item_list_for(user=world.leader)).balance
    assert report.doc_number in text and "2026年10月" in text and "通报" in text
    assert f"{total:,.2f}元（{cn2an.an2cn(f'{total:.2f}', 'rmb')}）" in text
    assert f"{balance:,.2f}元" in text
    assert "清偿率＝累计已确认清偿金额÷" in text
    assert report.figures["cleared"]["total"] == f"{total:.2f}"

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(bytes(report.xlsx)), read_only=True)
    sheet = book["关键指标"]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=5, max_col=2, values_only=True) if row[0]}
    assert Decimal(str(values["累计清偿金额（元）"])).quantize(Decimal("0.01")) == total
    assert Decimal(str(values["尚欠金额（元）"])).quantize(Decimal("0.01")) == balance
    assert {"责任部门排名", "县（市、区）排名", "分月清偿", "按单位类型"} <= set(book.sheetnames)


def test_serial_numbers_increase_and_only_the_office_generates(world: Any) -> None:
    first = services.report_generate(actor=world.office)
    second = services.report_generate(actor=world.office)
    assert second.serial == first.serial + 1 and second.serial_year == first.serial_year
    with pytest.raises(NotPermitted):
        services.report_generate(actor=world.leader)


def test_the_scheduled_run_makes_last_months_report_once(world: Any) -> None:
    before = MonthlyReport.objects.count()
    out = io.StringIO()
    call_command("monthly_report", stdout=out)
    call_command("monthly_report", stdout=out)
    assert MonthlyReport.objects.count() in (before, before + 1)  # the demo seed may have made it already
    report, created = services.report_generate_scheduled()
    assert not created and report.trigger == "scheduled"
    assert MonthlyReport.objects.filter(period=report.period, trigger="scheduled").count() == 1


def test_readers_download_the_files_and_see_the_list(world: Any, client_for: Any) -> None:
    report = MonthlyReport.objects.order_by("pk").first()
    assert report is not None
    c = client_for(world.leader)
    page = c.get(reverse("disclosure:reports")).content.decode()
    assert report.doc_number in page
    docx = c.get(reverse("disclosure:report_download", args=[report.pk, "docx"]))
    assert docx.status_code == 200 and docx["Content-Type"].endswith("wordprocessingml.document")
    assert bytes(docx.content) == bytes(report.docx)
    xlsx = c.get(reverse("disclosure:report_download", args=[report.pk, "xlsx"]))
    assert xlsx["Content-Type"].endswith("spreadsheetml.sheet")


def test_the_office_generates_one_from_the_page(world: Any, client_for: Any) -> None:
    before = MonthlyReport.objects.count()
    response = client_for(world.office).post(reverse("disclosure:report_generate"), {"period": "2026-09"})
    assert response.status_code == 302
    assert MonthlyReport.objects.count() == before + 1
    assert MonthlyReport.objects.order_by("-pk").first().period == dt.date(2026, 9, 1)  # type: ignore[union-attr]
