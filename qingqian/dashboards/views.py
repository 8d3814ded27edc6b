"""Pages of the leadership dashboard: the dashboard itself, the lists behind each chart (drill-down), and
payment performance per body. Read-only: nothing here writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from qingqian.accounts.choices import Role
from qingqian.accounts.decorators import role_required
from qingqian.core.permissions import Action
from qingqian.dashboards import conf
from qingqian.dashboards.selectors import dashboard_for
from qingqian.disclosure import figures
from qingqian.disclosure.models import PublishedPerformance
from qingqian.ledger import selectors as ledger
from qingqian.ledger.choices import Bucket, ItemStatus
from qingqian.registry.choices import Level, OrganisationKind
from qingqian.registry.models import Organisation, Region

VIEWERS = (Role.LEADERSHIP, Role.TASKFORCE_OFFICE, Role.AUDITOR)
STAFF = (
    Role.TASKFORCE_OFFICE,
    Role.DEPARTMENT_HANDLER,
    Role.COUNTY_HANDLER,
    Role.DEBTOR_CLERK,
    Role.AUDITOR,
    Role.LEADERSHIP,
)


@role_required(*VIEWERS)
def home(request: HttpRequest) -> HttpResponse:
    data = dashboard_for(request.user, refresh=request.GET.get("refresh") == "1")
    return render(
        request,
        "dashboards/home.html",
        {
            "d": data,
            "computed_at": dt.datetime.fromisoformat(data["computed_at"]),
            "cache_minutes": max(1, conf.cache_seconds() // 60),
            "chart_labels": _chart_labels(),
        },
    )


def _chart_labels() -> dict[str, str]:
    """The words the dashboard's ECharts draw (static/dashboards/dashboard.js reads them from json_script):
    translated here, so the script itself holds no text."""
    return {
        "wan": _("万元"),
        "wan_value": _("{value} 万元"),
        "outstanding": _("尚欠金额"),
        "month_cleared": _("当月清偿"),
        "cumulative_cleared": _("累计清偿"),
        "month_axis": _("当月（万元）"),
        "cumulative_axis": _("累计（万元）"),
        "undisputed": _("无分歧"),
        "disputed": _("有分歧"),
        "instalments": _("{b}\n{c}期"),
        "met": _("按期履行"),
        "breached": _("违约"),
        "pending": _("未到期"),
        "adherence": _("履约率"),
        "cases": _("件"),
        "review_rate": _("审查按时率"),
        "transfer_rate": _("转办按时率"),
        "handle_rate": _("办理按时率"),
        "satisfaction": _("企业满意率"),
    }


def _describe(filters: dict[str, str]) -> list[str]:
    """Human labels of the active drill-down filters."""
    out = []
    kinds = dict(OrganisationKind.choices)
    buckets = dict(Bucket.choices)
    for key, value in filters.items():
        if key == "debtor_kind":
            out.append(_("单位类型：%(v)s") % {"v": kinds.get(value, value)})
        elif key == "level":
            out.append(_("层级：%(v)s") % {"v": dict(Level.choices).get(value, value)})
        elif key == "region" and value.isdigit():
            name = Region.objects.filter(pk=int(value)).values_list("name", flat=True).first()
            out.append(_("区域：%(v)s") % {"v": name or value})
        elif key in ("department", "debtor") and value.isdigit():
            name = Organisation.objects.filter(pk=int(value)).values_list("name", flat=True).first()
            text = _("责任部门：%(v)s") if key == "department" else _("欠款单位：%(v)s")
            out.append(text % {"v": name or value})
        elif key == "bucket":
            out.append(_("账龄：%(v)s") % {"v": buckets.get(value, value)})
        elif key == "disputed":
            out.append(_("有分歧") if value == "1" else _("无分歧"))
        elif key == "plan":
            out.append(_("执行还款计划") if value == "1" else _("无还款计划"))
        elif key == "status":
            out.append(str(dict(ItemStatus.choices).get(value, value)))
        elif key == "campaign":
            out.append(_("专项行动 #%(v)s") % {"v": value})
        else:
            out.append(f"{key}={value}")
    return out


@role_required(*VIEWERS)
def items(request: HttpRequest) -> HttpResponse:
    """The ledger items behind a chart: the same filters, so the total here equals the chart's figure."""
    filters = ledger.clean_filters(request.GET)
    qs = ledger.item_list_for(user=request.user, filters=filters)
    totals = ledger.totals_of(qs)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboards/items.html",
        {
            "page": page,
            "totals": totals,
            "filters": filters,
            "described": _describe(filters),
            "as_of": timezone.localtime(),
        },
    )


def _month(value: str) -> tuple[dt.date, dt.date] | None:
    try:
        start = dt.date.fromisoformat(value[:7] + "-01")
    except ValueError:
        return None
    nxt = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@role_required(*VIEWERS)
def payments(request: HttpRequest) -> HttpResponse:
    """Confirmed payments behind the cleared-amount figures (by payment date)."""
    filters = ledger.clean_filters(request.GET)
    date_from, date_to = _date(request.GET.get("date_from")), _date(request.GET.get("date_to"))
    month = request.GET.get("month") or ""
    if month and (span := _month(month)):
        date_from, date_to = span
    qs = ledger.cleared_entries_for(user=request.user, date_from=date_from, date_to=date_to, filters=filters)
    total = ledger.cleared_total(user=request.user, date_from=date_from, date_to=date_to, filters=filters)
    page = Paginator(
        qs.select_related("item", "item__debtor", "item__creditor").order_by("-effective_on", "-id"), 50
    ).get_page(request.GET.get("page"))
    params = {**filters}
    for k, v in (
        ("month", month),
        ("date_from", request.GET.get("date_from")),
        ("date_to", request.GET.get("date_to")),
    ):
        if v:
            params[k] = str(v)
    return render(
        request,
        "dashboards/payments.html",
        {
            "page": page,
            "total": total,
            "date_from": date_from,
            "date_to": date_to,
            "filters": params,
            "described": _describe(filters),
            "as_of": timezone.localtime(),
        },
    )


@role_required(*STAFF)
def performance(request: HttpRequest) -> HttpResponse:
    """Payment performance per body for a year (UK payment-practices style), within the user's scope,
    with a five-year trend for one body; the office may publish a body's figures."""
    today = timezone.localdate()
    raw_year = str(request.GET.get("year") or "")
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= today.year else today.year - 1
    items_qs = ledger.item_list_for(user=request.user)
    date_from, date_to = dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)
    per_body = figures.payment_performance(date_from=date_from, date_to=date_to, items=items_qs)
    overall = figures.payment_performance(date_from=date_from, date_to=date_to, items=items_qs, by="all").get(
        None, figures.Performance()
    )
    names = dict(Organisation.objects.filter(pk__in=list(per_body)).values_list("pk", "name"))
    published = {
        p.body_id: p
        for p in PublishedPerformance.objects.current().filter(year=year, body_id__in=list(per_body))
    }
    rows = sorted(
        (
            {"body_id": k, "name": names.get(k, str(k)), "p": v, "published": published.get(k)}
            for k, v in per_body.items()
        ),
        key=lambda r: (-(r["p"].paid_count), r["name"]),
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    body_text = str(request.GET.get("body") or "")
    trend: list[dict[str, Any]] = []
    selected = None
    if body_text.isdigit():
        selected = Organisation.objects.restrict(request.user, Action.VIEW).filter(pk=int(body_text)).first()
    if selected is not None:
        by_year = figures.payment_performance(
            date_from=dt.date(year - 4, 1, 1),
            date_to=date_to,
            items=items_qs,
            debtor_ids=[selected.pk],
            by="year",
        )
        trend = [{"year": y, "p": by_year.get(y, figures.Performance())} for y in range(year - 4, year + 1)]
    return render(
        request,
        "dashboards/performance.html",
        {
            "year": year,
            "years": list(range(today.year, today.year - 6, -1)),
            "page": page,
            "overall": overall,
            "selected": selected,
            "trend": trend,
            "trend_chart": [_trend_point(t["year"], t["p"]) for t in trend],
            "trend_labels": {
                "days": _("天"),
                "within_term": _("期限内付清"),
                "within_30": _("30日内付清"),
                "within_60": _("60日内付清"),
                "avg_days": _("平均付款天数"),
            },
            "is_office": request.user.has_role(Role.TASKFORCE_OFFICE),  # type: ignore[union-attr]
            "can_publish_year": year < today.year,
            "filters": {"year": year, **({"body": selected.pk} if selected else {})},
            "as_of": timezone.localtime(),
        },
    )


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _trend_point(year: int, p: figures.Performance) -> dict[str, Any]:
    return {
        "year": year,
        "within_term": _num(p.within_term_pct),
        "within_30": _num(p.within_30_pct),
        "within_60": _num(p.within_60_pct),
        "avg_days": _num(p.avg_days_to_pay),
        "paid": p.paid_count,
    }
