"""Reads of complaints. Every list a user sees is `.restrict(user, VIEW)`-scoped.

Also the statistics the dashboards issue uses: per department and per region, counts by state,
on-time rates (review, transfer, handling), average handling days, satisfaction, amounts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from qingqian.complaints import conf
from qingqian.complaints.choices import OPEN_STATES, Channel, Lateness, Status
from qingqian.complaints.models import Complaint, ComplaintContract, PendingDebtor
from qingqian.core.permissions import Action
from qingqian.registry.models import Organisation, Region

SORTS = {
    "due": ("due_on", "id"),
    "-received": ("-received_on", "-id"),
    "-amount": ("-amount_claimed", "-id"),
    "-id": ("-id",),
}
DEADLINE_FILTERS = {
    "due_soon": [Lateness.DUE_SOON],
    "overdue": [Lateness.OVERDUE],
    "seriously_overdue": [Lateness.SERIOUSLY_OVERDUE],
    "late": [Lateness.OVERDUE, Lateness.SERIOUSLY_OVERDUE],
    "on_time": [Lateness.ON_TIME, Lateness.DUE_SOON],
}
FILTER_KEYS = (
    "q",
    "status",
    "department",
    "region",
    "deadline",
    "channel",
    "amount_min",
    "amount_max",
    "key_debtor",
    "open",
    "sort",
    "respondent",
    "pending",
)


def clean_filters(raw: Any) -> dict[str, Any]:
    """Query-string filters → typed values; unknown or malformed values are dropped, never errors."""
    get = raw.get if hasattr(raw, "get") else dict(raw).get
    out: dict[str, Any] = {}
    q = (get("q") or "").strip()
    if q:
        out["q"] = q[:100]
    status = get("status") or ""
    if status in Status.values or status in ("open", "closed_all", "all"):
        out["status"] = status
    for key in ("department", "region", "respondent"):
        v = str(get(key) or "")
        if v.isdigit():
            out[key] = int(v)
    if get("deadline") in DEADLINE_FILTERS:
        out["deadline"] = get("deadline")
    if get("channel") in Channel.values:
        out["channel"] = get("channel")
    for key in ("amount_min", "amount_max"):
        v = str(get(key) or "").replace(",", "").strip()
        try:
            if v:
                out[key] = Decimal(v)
        except ArithmeticError:
            pass
    if str(get("key_debtor") or "") in ("1", "true", "on"):
        out["key_debtor"] = True
    if str(get("pending") or "") in ("1", "true", "on"):
        out["pending"] = True
    if get("sort") in SORTS:
        out["sort"] = get("sort")
    return out


def key_debtor_ids(respondent_ids: list[int] | None = None) -> list[int]:
    """Respondents with at least N open complaints (重点欠款单位); optionally only among `respondent_ids`."""
    qs = Complaint.objects.all()
    if respondent_ids is not None:
        qs = qs.filter(respondent_id__in=respondent_ids)
    return list(
        qs.filter(status__in=list(OPEN_STATES), respondent__isnull=False)
        .values("respondent_id")
        .annotate(n=Count("id"))
        .filter(n__gte=conf.key_debtor_min_open())
        .values_list("respondent_id", flat=True)
    )


def complaint_list_for(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Complaint]:
    f = filters or {}
    qs = Complaint.objects.restrict(user, Action.VIEW)
    if f.get("q"):
        q = f["q"]
        qs = qs.filter(
            Q(number__iexact=q)
            | Q(upstream_ref__iexact=q)
            | Q(complainant_name__icontains=q)
            | Q(respondent_name__icontains=q)
        )
    status = f.get("status")
    if status == "open":
        qs = qs.filter(status__in=list(OPEN_STATES))
    elif status == "closed_all":
        qs = qs.exclude(status__in=list(OPEN_STATES))
    elif status and status != "all":
        qs = qs.filter(status=status)
    if f.get("department"):
        qs = qs.filter(responsible_department_id=f["department"])
    if f.get("respondent"):
        qs = qs.filter(respondent_id=f["respondent"])
    if f.get("region"):
        path = Region.objects.filter(pk=f["region"]).values_list("path", flat=True).first()
        qs = qs.filter(region_path__startswith=path) if path else qs.none()
    if f.get("deadline"):
        qs = qs.filter(lateness__in=DEADLINE_FILTERS[f["deadline"]], status__in=list(OPEN_STATES))
    if f.get("channel"):
        qs = qs.filter(channel=f["channel"])
    if f.get("amount_min") is not None:
        qs = qs.filter(amount_claimed__gte=f["amount_min"])
    if f.get("amount_max") is not None:
        qs = qs.filter(amount_claimed__lte=f["amount_max"])
    if f.get("pending"):
        qs = qs.filter(respondent__isnull=True)
    if f.get("key_debtor"):
        qs = qs.filter(respondent_id__in=key_debtor_ids())
    order = SORTS.get(f.get("sort") or "-id", SORTS["-id"])
    return qs.select_related("responsible_department", "region").order_by(*order)


def complaint_for(*, user: Any, pk: int) -> Complaint:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Complaint.objects.restrict(user, Action.VIEW).select_related(
            "responsible_department__region", "respondent__region", "complainant", "region", "pending_debtor"
        ),
        pk=pk,
    )


@dataclass
class Duplicate:
    case: Complaint
    why: str


def duplicates_for(*, user: Any, case: Complaint) -> list[Duplicate]:
    """Other open cases with the same contract, or the same complainant and respondent (shown to the reviewer)."""
    visible = (
        Complaint.objects.restrict(user, Action.VIEW).exclude(pk=case.pk).filter(status__in=list(OPEN_STATES))
    )
    found: dict[int, Duplicate] = {}
    numbers = [
        n for n in ComplaintContract.objects.filter(complaint=case).values_list("number", flat=True) if n
    ]
    if numbers:
        same_contract = visible.filter(
            pk__in=ComplaintContract.objects.filter(number__in=numbers).values("complaint_id"),
            respondent_name=case.respondent_name,
        )[:20]
        for c in same_contract:
            found[c.pk] = Duplicate(c, _("同一合同"))
    same_parties = visible.filter(
        complainant_uscc=case.complainant_uscc, respondent_name=case.respondent_name
    )[:20]
    for c in same_parties:
        found.setdefault(c.pk, Duplicate(c, _("同一投诉人与被投诉单位")))
    return list(found.values())


def respondent_open_count(case: Complaint) -> int:
    if not case.respondent_id:
        return 0
    return Complaint.objects.filter(respondent_id=case.respondent_id, status__in=list(OPEN_STATES)).count()


def pending_debtors_for(*, user: Any) -> QuerySet[PendingDebtor]:
    return PendingDebtor.objects.restrict(user, Action.VIEW).filter(status="pending").order_by("created_at")


def departments_for_routing() -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(kind="department", active=True)
        .select_related("region")
        .order_by("level", "region__path", "name")
    )


# --- Statistics ----------------------------------------------------------------------------------------


@dataclass
class StatRow:
    key: int | None
    label: str
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    review_done: int = 0
    review_on_time: int = 0
    transfer_done: int = 0
    transfer_on_time: int = 0
    handle_done: int = 0
    handle_on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    handling_days_total: int = 0
    amount_claimed: Decimal = Decimal("0.00")
    amount_resolved: Decimal = Decimal("0.00")

    @staticmethod
    def _rate(n: int, d: int) -> float | None:
        return round(n / d, 4) if d else None

    @property
    def review_on_time_rate(self) -> float | None:
        return self._rate(self.review_on_time, self.review_done)

    @property
    def transfer_on_time_rate(self) -> float | None:
        return self._rate(self.transfer_on_time, self.transfer_done)

    @property
    def handle_on_time_rate(self) -> float | None:
        return self._rate(self.handle_on_time, self.handle_done)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._rate(self.satisfied, self.rated)

    @property
    def average_handling_days(self) -> float | None:
        return round(self.handling_days_total / self.handle_done, 1) if self.handle_done else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "total": self.total,
            "by_status": self.by_status,
            "review_on_time_rate": self.review_on_time_rate,
            "transfer_on_time_rate": self.transfer_on_time_rate,
            "handle_on_time_rate": self.handle_on_time_rate,
            "average_handling_days": self.average_handling_days,
            "satisfaction_rate": self.satisfaction_rate,
            "amount_claimed": self.amount_claimed,
            "amount_resolved": self.amount_resolved,
        }


def statistics(
    *,
    user: Any,
    group_by: str = "department",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[StatRow]:
    """Complaint statistics per responsible department (`group_by="department"`) or region (`"region"`),
    for cases received in [date_from, date_to], within the user's scope."""
    if group_by not in ("department", "region"):
        raise ValueError("group_by must be 'department' or 'region'")
    qs = Complaint.objects.restrict(user, Action.VIEW)
    if date_from:
        qs = qs.filter(received_on__gte=date_from)
    if date_to:
        qs = qs.filter(received_on__lte=date_to)
    key = "responsible_department_id" if group_by == "department" else "region_id"
    rows: dict[int | None, StatRow] = {}

    def row(k: int | None) -> StatRow:
        if k not in rows:
            rows[k] = StatRow(key=k, label="")
        return rows[k]

    for k, status, n, claimed, resolved in (
        qs.values(key, "status")
        .annotate(n=Count("id"), c=Sum("amount_claimed"), r=Sum("amount_resolved"))
        .values_list(key, "status", "n", "c", "r")
    ):
        r = row(k)
        r.total += n
        r.by_status[status] = n
        r.amount_claimed += claimed or 0
        r.amount_resolved += resolved or 0
    for k, rd, rot, td, tot, rated, sat in (
        qs.values(key)
        .annotate(
            rd=Count("id", filter=Q(reviewed_on__isnull=False)),
            rot=Count("id", filter=Q(reviewed_on__isnull=False, reviewed_on__lte=F("review_due_on"))),
            td=Count("id", filter=Q(transferred_on__isnull=False)),
            tot=Count("id", filter=Q(transferred_on__isnull=False, transferred_on__lte=F("transfer_due_on"))),
            rated=Count("id", filter=Q(satisfied__isnull=False)),
            sat=Count("id", filter=Q(satisfied=True)),
        )
        .values_list(key, "rd", "rot", "td", "tot", "rated", "sat")
    ):
        r = row(k)
        r.review_done, r.review_on_time, r.transfer_done, r.transfer_on_time = rd, rot, td, tot
        r.rated, r.satisfied = rated, sat
    for k, transferred, submitted, due in qs.filter(
        result_submitted_on__isnull=False, transferred_on__isnull=False
    ).values_list(key, "transferred_on", "result_submitted_on", "handle_due_on"):
        r = row(k)
        r.handle_done += 1
        r.handling_days_total += max(0, (submitted - transferred).days)
        if due is None or submitted <= due:
            r.handle_on_time += 1
    ids = [k for k in rows if k is not None]
    model = Organisation if group_by == "department" else Region
    names = dict(model.objects.filter(pk__in=ids).values_list("pk", "name"))
    for k, r in rows.items():
        r.label = (
            names.get(k, "") if k is not None else (_("未转办") if group_by == "department" else _("未知"))
        )
    return sorted(rows.values(), key=lambda r: (-r.total, r.label))


def explain_routing_for(case: Complaint) -> Any:
    from qingqian.registry.selectors import explain_routing

    return explain_routing(case.respondent) if case.respondent is not None else None
