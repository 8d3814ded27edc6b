"""Disclosure API. `public_router` (mounted at /public): published data only, read-only, no
authentication, cacheable for anonymous readers (``Cache-Control: public, max-age=DISCLOSURE_PUBLIC_MAX_AGE``).
`router` (mounted at /disclosure): returns and completeness for staff, scoped (``no-store``)."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from ninja import Field, Path, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.pagination import paginate

from qingqian.core.api import ErrorOut, Pagination
from qingqian.core.errors import NotPermitted
from qingqian.core.permissions import grants_of
from qingqian.disclosure import conf, selectors
from qingqian.disclosure.models import PublishedDisclosure

public_router = Router(tags=["public"], auth=None)
router = Router(tags=["disclosure"])

ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
YEAR: Any = Query(None, ge=2000, le=2100, description="年度")
STATUS: Any = Query(None, max_length=20)
ID: Any = Path(..., ge=1, le=2**63 - 1)
STAFF_ROLES = {
    "taskforce_office",
    "department_handler",
    "county_handler",
    "debtor_clerk",
    "auditor",
    "leadership",
}


# --- Public ---------------------------------------------------------------------------------------------


def cacheable(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A successful read by an anonymous client may be kept by browsers and shared caches for
    DISCLOSURE_PUBLIC_MAX_AGE seconds (the security middleware keeps `no-store` for everything else)."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = run(request, *args, **kwargs)
        if response.status_code == 200 and not request.user.is_authenticated:
            response["Cache-Control"] = f"public, max-age={conf.public_max_age()}"
            patch_vary_headers(response, ("Cookie",))
        return response

    return wrapper


class DisclosureOut(Schema):
    body_id: int
    body_name: str
    body_kind: str
    region_code: str
    region_name: str
    year: int
    as_of: dt.date
    overdue_count: int
    overdue_amount: Decimal
    paid_late_count: int
    avg_days_late: Decimal | None
    version: int
    correction_reason: str
    approver: str
    publisher: str
    published_at: dt.datetime
    content_hash: str


class Mapped:
    """A queryset seen through a row mapper: what the shared `Pagination` slices and counts."""

    def __init__(self, qs: Any, fn: Any) -> None:
        self.qs, self.fn = qs, fn

    def count(self) -> int:
        return int(self.qs.count())

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return [self.fn(row) for row in self.qs[window]]


def _out(s: PublishedDisclosure) -> dict[str, Any]:
    return {
        "body_id": s.body_id,
        "body_name": s.body_name,
        "body_kind": s.body_kind,
        "region_code": s.region.code,
        "region_name": s.region.name,
        "year": s.year,
        "as_of": s.as_of,
        "overdue_count": s.overdue_count,
        "overdue_amount": s.overdue_amount,
        "paid_late_count": s.paid_late_count,
        "avg_days_late": s.avg_days_late,
        "version": s.version,
        "correction_reason": s.correction_reason,
        "approver": s.approver_name,
        "publisher": s.publisher_name,
        "published_at": s.published_at,
        "content_hash": s.content_hash,
    }


class DisclosureFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    region_code: str | None = Field(None, max_length=12)
    kind: str | None = Field(None, max_length=20)
    q: str | None = Field(None, max_length=50)


@decorate_view(cacheable)
@public_router.get(
    "/disclosures", response=list[DisclosureOut], summary="各单位现行公开数据（公开，只读）", auth=None
)
@paginate(Pagination)
def public_disclosures(request: HttpRequest, filters: Query[DisclosureFilters]) -> Any:
    qs = selectors.current_snapshots(year=filters.year).select_related("region")
    if filters.region_code:
        code = filters.region_code.strip()
        qs = qs.filter(Q(region_path__startswith=f"{code}/") | Q(region_path__contains=f"/{code}/"))
    if filters.kind:
        qs = qs.filter(body_kind=filters.kind)
    if filters.q:
        qs = qs.filter(body_name__icontains=filters.q[:50])
    return Mapped(qs.order_by("year", "body_id"), _out)


class BodyOut(Schema):
    body_id: int
    name: str
    kind: str
    region_code: str
    region_name: str
    versions: list[DisclosureOut]


@decorate_view(cacheable)
@public_router.get(
    "/disclosures/{body_id}",
    response={200: BodyOut, 404: ErrorOut},
    summary="一个单位各年度全部公开版本（含更正）",
    auth=None,
)
def public_body(request: HttpRequest, body_id: int = ID) -> Any:
    org = get_object_or_404(selectors.public_bodies().select_related("region"), pk=body_id)
    versions = selectors.snapshots().filter(body=org).select_related("region").order_by("-year", "-version")
    return {
        "body_id": org.pk,
        "name": org.name,
        "kind": org.kind,
        "region_code": org.region.code,
        "region_name": org.region.name,
        "versions": [_out(s) for s in versions],
    }


class RegionTotalOut(Schema):
    region_id: int | None
    name: str
    bodies: int
    published: int
    overdue_count: int
    overdue_amount: Decimal
    paid_late_count: int


class RegionTotalsOut(Schema):
    year: int
    total: RegionTotalOut
    regions: list[RegionTotalOut]


def _total(t: Any) -> dict[str, Any]:
    return {
        "region_id": t.key,
        "name": t.label,
        "bodies": t.bodies,
        "published": t.published,
        "overdue_count": t.overdue_count,
        "overdue_amount": t.overdue_amount,
        "paid_late_count": t.paid_late_count,
    }


@decorate_view(cacheable)
@public_router.get("/regions", response=RegionTotalsOut, summary="区域与全市汇总（公开）", auth=None)
def public_regions(request: HttpRequest, year: int | None = YEAR) -> Any:
    year = year or selectors.default_year()
    total, rows = selectors.region_totals(year=year)
    return {"year": year, "total": _total(total), "regions": [_total(r) for r in rows]}


class PerformanceOut(Schema):
    body_id: int
    body_name: str
    region_code: str
    year: int
    paid_count: int
    within_term_pct: str | None
    within_30_pct: str | None
    within_60_pct: str | None
    over_60_pct: str | None
    avg_days_to_pay: str | None
    avg_days_late: str | None
    version: int
    is_current: bool
    published_at: str
    content_hash: str


@decorate_view(cacheable)
@public_router.get(
    "/performance", response=list[PerformanceOut], summary="已公开的付款表现（公开）", auth=None
)
def public_performance(request: HttpRequest, year: int | None = YEAR) -> Any:
    return selectors.performance_rows(year=year)


# --- Staff ----------------------------------------------------------------------------------------------


def _require_staff(request: HttpRequest) -> None:
    if not any(g.role in STAFF_ROLES for g in grants_of(request.user)):
        raise NotPermitted()


class ReturnOut(Schema):
    id: int
    body_id: int
    body_name: str
    year: int
    version: int
    status: str
    as_of: dt.date
    deadline: dt.date
    overdue_count: int
    overdue_amount: Decimal
    paid_late_count: int
    avg_days_late: Decimal | None
    drafted_overdue_count: int
    drafted_overdue_amount: Decimal
    corrected: bool
    correction_reason: str
    reopen_reason: str
    published_at: dt.datetime | None


def _ret(r: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "body_id": r.body_id,
        "body_name": r.body.name,
        "year": r.year,
        "version": r.version,
        "status": r.status,
        "as_of": r.as_of,
        "deadline": r.deadline,
        "overdue_count": r.overdue_count,
        "overdue_amount": r.overdue_amount,
        "paid_late_count": r.paid_late_count,
        "avg_days_late": r.avg_days_late,
        "drafted_overdue_count": r.drafted_overdue_count,
        "drafted_overdue_amount": r.drafted_overdue_amount,
        "corrected": r.corrected,
        "correction_reason": r.correction_reason,
        "reopen_reason": r.reopen_reason,
        "published_at": r.published_at,
    }


@router.get("/returns", response=list[ReturnOut], summary="年度公开报送（按权限范围）")
@paginate(Pagination)
def list_returns(request: HttpRequest, year: int | None = YEAR, status: str | None = STATUS) -> Any:
    _require_staff(request)
    qs = selectors.returns_for(user=request.user)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return Mapped(qs.order_by("-year", "body_id", "-version"), _ret)


@router.get("/returns/{return_id}", response={200: ReturnOut, **ERRORS}, summary="一份年度公开报送")
def get_return(request: HttpRequest, return_id: int = ID) -> Any:
    _require_staff(request)
    return _ret(selectors.return_for(user=request.user, pk=return_id))


class CompletenessOut(Schema):
    year: int
    deadline: dt.date
    days_left: int
    bodies: int
    published: int
    by_status: dict[str, int]


@router.get(
    "/completeness", response={200: CompletenessOut, 403: ErrorOut}, summary="年度公开完成情况（按权限范围）"
)
def completeness(request: HttpRequest, year: int | None = YEAR) -> Any:
    _require_staff(request)
    year = year or timezone.localdate().year - 1
    board = selectors.board_for(user=request.user, year=year)
    return {
        "year": year,
        "deadline": board.deadline,
        "days_left": board.days_left,
        "bodies": board.total,
        "published": board.published,
        "by_status": {k: v for k, v in board.counts.items() if k not in ("published_any", "correcting")},
    }
