"""Dashboard API (read-only): the dashboard's figures and payment performance, within the caller's scope."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from qingqian.core.api import ErrorOut
from qingqian.core.errors import NotPermitted
from qingqian.core.permissions import grants_of
from qingqian.dashboards.selectors import dashboard_for
from qingqian.disclosure import figures
from qingqian.ledger.selectors import item_list_for
from qingqian.registry.models import Organisation

router = Router(tags=["dashboards"])

VIEWERS = {"leadership", "taskforce_office", "auditor"}
STAFF = VIEWERS | {"department_handler", "county_handler", "debtor_clerk"}


def _require(request: HttpRequest, roles: set[str]) -> None:
    if not any(g.role in roles for g in grants_of(request.user)):
        raise NotPermitted()


@router.get(
    "/summary", response={200: dict[str, Any], 403: ErrorOut}, summary="驾驶舱全部指标（领导、专班、审计）"
)
def summary(request: HttpRequest, refresh: bool = False) -> Any:
    _require(request, VIEWERS)
    return dashboard_for(request.user, refresh=refresh)


class PerformanceRow(Schema):
    body_id: int
    body_name: str
    paid_count: int
    within_term_pct: str | None
    within_30_pct: str | None
    within_60_pct: str | None
    over_60_pct: str | None
    avg_days_to_pay: str | None
    late_count: int
    avg_days_late: str | None


def _s(value: Any) -> str | None:
    return None if value is None else str(value)


@router.get(
    "/performance",
    response={200: list[PerformanceRow], 403: ErrorOut},
    summary="各单位付款表现（按权限范围）",
)
def performance(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100)) -> Any:
    _require(request, STAFF)
    today = timezone.localdate()
    year = year or today.year - 1
    rows = figures.payment_performance(
        date_from=dt.date(year, 1, 1),
        date_to=min(dt.date(year, 12, 31), today),
        items=item_list_for(user=request.user),
    )
    names = dict(Organisation.objects.filter(pk__in=list(rows)).values_list("pk", "name"))
    out = []
    for body_id, p in sorted(rows.items()):
        values = p.as_dict()
        out.append(
            {
                "body_id": body_id,
                "body_name": names.get(body_id, ""),
                "paid_count": p.paid_count,
                "late_count": p.late_count,
                **{
                    k: _s(values[k])
                    for k in (
                        "within_term_pct",
                        "within_30_pct",
                        "within_60_pct",
                        "over_60_pct",
                        "avg_days_to_pay",
                        "avg_days_late",
                    )
                },
            }
        )
    return out
