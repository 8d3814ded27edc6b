"""The monthly progress report (调度/通报): on demand (the office) and on a schedule (`monthly_report`
command, idempotent per month), each kept with its serial number (发文字号) and the figures it used."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qingqian.core.errors import InvalidInput
from qingqian.core.events import record_event
from qingqian.core.permissions import Action, require
from qingqian.disclosure import conf, documents
from qingqian.disclosure.choices import ReportTrigger
from qingqian.disclosure.models import MonthlyReport, ReportCounter
from qingqian.registry.models import Region


def previous_month(today: dt.date) -> dt.date:
    first = today.replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def month_end(period: dt.date) -> dt.date:
    nxt = dt.date(period.year + (period.month == 12), period.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _date_text(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def report_figures(*, region: Region, period: dt.date, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything the report says, read through the dashboard (i.e. the ledger and complaint selectors)
    with the read scope of the region's leadership. The report is a Chinese 公文 by design (docs/i18n.md):
    it is built in the source language whatever the language of the person asking for it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _report_figures(region=region, period=period, now=now)


def _report_figures(*, region: Region, period: dt.date, now: dt.datetime | None) -> dict[str, Any]:
    from qingqian.dashboards.selectors import RegionReader, build_dashboard
    from qingqian.ledger.selectors import cleared_total

    now = timezone.localtime(now or timezone.now())
    reader = RegionReader(region)
    dash = build_dashboard(reader, today=now.date())
    end = min(month_end(period), now.date())
    period_cleared = cleared_total(user=reader, date_from=period, date_to=end)
    issuer = conf.report_issuer()
    return {
        "issuer": issuer,
        "title": _("关于%(y)s年%(m)s月全市清理拖欠中小企业账款工作进展情况的通报")
        % {"y": period.year, "m": period.month},
        "addressees": _("各县（市、区）清欠工作办公室，市清欠工作专班各成员单位："),
        "copy_to": _("市清理拖欠企业账款工作领导小组各成员。"),
        "period": period.isoformat(),
        "period_text": _("%(y)s年%(m)s月") % {"y": period.year, "m": period.month},
        "period_cleared": f"{period_cleared:.2f}",
        "as_of": dash["computed_at"],
        "as_of_text": _date_text(now.date()),
        "date_text": _date_text(now.date()),
        "region": region.name,
        "totals": dash["outstanding"]["totals"],
        "cleared": dash["cleared"],
        "outstanding": {"by_kind": dash["outstanding"]["by_kind"]},
        "plans": {k: v for k, v in dash["plans"].items() if k != "worst"},
        "complaints": dash["complaints"],
        "campaigns": dash["campaigns"],
        "rankings": dash["rankings"],
    }


def _next_serial(year: int) -> int:
    counter, _created = ReportCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@transaction.atomic
def report_generate(
    *,
    actor: Any,
    period: dt.date | None = None,
    trigger: str = ReportTrigger.MANUAL,
    region: Region | None = None,
    now: dt.datetime | None = None,
) -> MonthlyReport:
    """Build the report for `period` (the first day of a month; default the previous month), give it the
    next serial number of the year and keep the .docx, the .xlsx and the figures."""
    require(actor, Action.CREATE, MonthlyReport)
    from qingqian.dashboards.selectors import root_region

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    period = (period or previous_month(today)).replace(day=1)
    if period > today:
        raise InvalidInput(_("不能生成未来月份的通报。"), fields={"period": [_("请选择本月或以前的月份。")]})
    region = region or root_region()
    figures = report_figures(region=region, period=period, now=now)
    serial = _next_serial(today.year)
    doc_number = f"{conf.report_doc_prefix()}〔{today.year}〕{serial}号"
    figures["doc_number"] = doc_number
    docx = documents.report_docx(figures)
    xlsx = documents.report_xlsx(figures)
    report = MonthlyReport.objects.create(
        period=period,
        serial=serial,
        serial_year=today.year,
        doc_number=doc_number,
        title=figures["title"],
        trigger=trigger,
        generated_at=now,
        generated_by=actor if getattr(actor, "is_authenticated", False) else None,
        region=region,
        figures=figures,
        docx=docx,
        xlsx=xlsx,
        docx_sha256=hashlib.sha256(docx).hexdigest(),
        xlsx_sha256=hashlib.sha256(xlsx).hexdigest(),
    )
    record_event(
        actor=actor,
        action="disclosure.report.generated",
        obj=report,
        data={
            "doc_number": doc_number,
            "period": period,
            "trigger": trigger,
            "cleared_total": figures["cleared"]["total"],
            "balance": figures["totals"]["balance"],
        },
    )
    return report


def report_generate_scheduled(
    *, today: dt.date | None = None, region: Region | None = None
) -> tuple[MonthlyReport, bool]:
    """The scheduled run: the previous month's report, once (a second run returns the same report)."""
    from qingqian.dashboards.selectors import root_region

    today = today or timezone.localdate()
    period = previous_month(today)
    region = region or root_region()
    existing = MonthlyReport.objects.filter(
        period=period, region=region, trigger=ReportTrigger.SCHEDULED
    ).first()
    if existing is not None:
        return existing, False
    try:
        return report_generate(
            actor=None, period=period, trigger=ReportTrigger.SCHEDULED, region=region
        ), True
    except IntegrityError:  # a concurrent scheduler run made it first
        found = MonthlyReport.objects.get(period=period, region=region, trigger=ReportTrigger.SCHEDULED)
        return found, False


def amount_figures(value: Any) -> str:
    return documents.amount_text(Decimal(str(value)))
