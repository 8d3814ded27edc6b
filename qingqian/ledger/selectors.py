"""Reads of the arrears ledger, always scoped by the user (`.restrict(user, action)`).

The cleared-amount figures here are the only ones: the dashboards read these selectors, so the city's
headline number ("累计帮助企业清理欠款…亿元") is the sum of payments the SMEs confirmed, nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone
from django.utils.translation import gettext as _

from qingqian.core.money import quantize_money
from qingqian.core.permissions import Action
from qingqian.ledger.choices import (
    EntryBucket,
    EntryKind,
    InstalmentState,
    ItemStatus,
    PlanStatus,
    ReportStatus,
)
from qingqian.ledger.models import (
    ArrearsItem,
    Campaign,
    CampaignItem,
    Instalment,
    LedgerEntry,
    LedgerWarning,
    PaymentReport,
    RepaymentPlan,
)
from qingqian.registry.models import Region

ZERO = Decimal("0.00")


def _q(value: Any) -> Decimal:
    """A summed amount, exact to the fen (SQLite sums decimals as floating point)."""
    return quantize_money(Decimal(value)) if value is not None else ZERO


#: Filters the list, the export and the API understand (query-string names).
FILTER_NAMES = (
    "q",
    "debtor",
    "creditor",
    "region",
    "department",
    "debtor_kind",
    "level",
    "status",
    "bucket",
    "source",
    "subject_kind",
    "disputed",
    "overdue",
    "warnings",
    "plan",
    "balance_min",
    "balance_max",
    "campaign",
)


def clean_filters(raw: Any) -> dict[str, str]:
    """Only known, non-empty filters (from a QueryDict or a dict), as strings."""
    out: dict[str, str] = {}
    for name in FILTER_NAMES:
        value = raw.get(name) if hasattr(raw, "get") else None
        if value not in (None, ""):
            out[name] = str(value).strip()
    return out


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _money(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except ArithmeticError:
        return None


def apply_filters(qs: QuerySet[ArrearsItem], filters: dict[str, str]) -> QuerySet[ArrearsItem]:
    f = filters
    if f.get("q"):
        q = f["q"]
        qs = qs.filter(
            Q(contract_number__icontains=q)
            | Q(contract_name__icontains=q)
            | Q(debtor__name__icontains=q)
            | Q(creditor__name__icontains=q)
            | Q(project_name__icontains=q)
        )
    for name, lookup in (
        ("debtor", "debtor_id"),
        ("creditor", "creditor_id"),
        ("department", "debtor__responsible_department_id"),
        ("campaign", "campaign_memberships__campaign_id"),
    ):
        pk = _int(f.get(name))
        if pk is not None:
            qs = qs.filter(**{lookup: pk})
    region = _int(f.get("region"))
    if region is not None:
        path = Region.objects.filter(pk=region).values_list("path", flat=True).first()
        qs = qs.filter(debtor__region__path__startswith=path) if path else qs.none()
    for name, lookup in (
        ("debtor_kind", "debtor__kind"),
        ("level", "debtor__level"),
        ("status", "status"),
        ("source", "source"),
        ("subject_kind", "subject_kind"),
        ("bucket", "aging__bucket"),
    ):
        if f.get(name):
            qs = qs.filter(**{lookup: f[name]})
    if f.get("disputed") == "1":
        qs = qs.filter(disputed_amount__gt=0)
    elif f.get("disputed") == "0":
        qs = qs.filter(disputed_amount=0)
    if f.get("overdue") == "1":
        qs = qs.filter(aging__overdue_days__gt=0, balance__gt=0)
    if f.get("warnings") == "1":
        qs = qs.filter(warnings__resolved_at__isnull=True).distinct()
    if f.get("plan") == "1":
        qs = qs.filter(plans__status=PlanStatus.APPROVED)
    elif f.get("plan") == "0":
        qs = qs.exclude(plans__status=PlanStatus.APPROVED)
    low, high = _money(f.get("balance_min")), _money(f.get("balance_max"))
    if low is not None:
        qs = qs.filter(balance__gte=low)
    if high is not None:
        qs = qs.filter(balance__lte=high)
    return qs


def item_list_for(*, user: Any, filters: dict[str, str] | None = None) -> QuerySet[ArrearsItem]:
    qs = ArrearsItem.objects.restrict(user, Action.VIEW).select_related(
        "debtor", "debtor__region", "creditor", "aging"
    )
    return apply_filters(qs, filters or {}).order_by("-balance", "-id")


@dataclass
class Totals:
    count: int = 0
    open_count: int = 0
    principal: Decimal = ZERO
    paid: Decimal = ZERO
    written_off: Decimal = ZERO
    balance: Decimal = ZERO
    disputed: Decimal = ZERO
    interest: Decimal = ZERO
    pending_reports: int = 0

    @property
    def undisputed(self) -> Decimal:
        return self.balance - self.disputed


def totals_of(qs: QuerySet[ArrearsItem]) -> Totals:
    """Sums over a (filtered, restricted) item queryset. Disputed and undisputed are kept apart.

    Plain COUNT, not COUNT(DISTINCT): the scopes and filters join only single-valued relations (or, for the
    warnings filter, ask for `.distinct()`, which Django aggregates over a subquery), so no item appears
    twice; a DISTINCT aggregate would sort every row and keep PostgreSQL from aggregating in parallel
    (docs/perf/ledger-list.md)."""
    agg = qs.order_by().aggregate(
        n=Count("id"),
        n_open=Count("id", filter=Q(status=ItemStatus.OPEN)),
        s_principal=Sum("principal_total"),
        s_paid=Sum("paid_total"),
        s_written_off=Sum("written_off_total"),
        s_balance=Sum("balance"),
        s_disputed=Sum("disputed_amount"),
        s_interest=Sum("aging__interest", filter=Q(balance__gt=0)),
    )
    return Totals(
        count=agg["n"] or 0,
        open_count=agg["n_open"] or 0,
        principal=_q(agg["s_principal"]),
        paid=_q(agg["s_paid"]),
        written_off=_q(agg["s_written_off"]),
        balance=_q(agg["s_balance"]),
        disputed=_q(agg["s_disputed"]),
        interest=_q(agg["s_interest"]),
        pending_reports=PaymentReport.objects.filter(
            item__in=qs.values("pk"), status=ReportStatus.REPORTED
        ).count(),
    )


# --- Cleared amounts (confirmed payments) -----------------------------------------------------------


def cleared_entries_for(
    *,
    user: Any,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    filters: dict[str, str] | None = None,
) -> QuerySet[LedgerEntry]:
    """Confirmed payments (and their reversals) the user may see, by payment date, for items matching
    `filters` (the same filters as the list: region, department, debtor kind, …)."""
    qs = LedgerEntry.objects.restrict(user, Action.VIEW).filter(bucket=EntryBucket.PAYMENT)
    if filters:
        items = apply_filters(ArrearsItem.objects.all(), filters)
        qs = qs.filter(item__in=items.values("pk"))
    if date_from:
        qs = qs.filter(effective_on__gte=date_from)
    if date_to:
        qs = qs.filter(effective_on__lte=date_to)
    return qs


def cleared_total(
    *,
    user: Any,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    filters: dict[str, str] | None = None,
) -> Decimal:
    """The cumulative cleared amount: Σ payments the SMEs confirmed (net of reversals)."""
    agg = cleared_entries_for(user=user, date_from=date_from, date_to=date_to, filters=filters).aggregate(
        t=Sum("amount")
    )
    return _q(agg["t"])


BREAKDOWNS = {
    "region": ("item__debtor__region_id", "item__debtor__region__name"),
    "department": ("item__debtor__responsible_department_id", "item__debtor__responsible_department__name"),
    "debtor_kind": ("item__debtor__kind", "item__debtor__kind"),
    "debtor": ("item__debtor_id", "item__debtor__name"),
}
PERIODS = {"month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}


@dataclass(frozen=True)
class BreakdownRow:
    key: Any
    label: str
    amount: Decimal
    payments: int
    items: int


def cleared_breakdown(
    *,
    user: Any,
    by: str,
    period: str = "month",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    filters: dict[str, str] | None = None,
) -> list[BreakdownRow]:
    """Cleared amount by period (month/quarter/year of the payment date), region, department, debtor
    kind or debtor. The rows add up to `cleared_total` for the same arguments."""
    from qingqian.registry.choices import OrganisationKind

    qs = cleared_entries_for(user=user, date_from=date_from, date_to=date_to, filters=filters).order_by()
    metrics = {
        "amount": Sum("amount"),
        "payments": Count("id", filter=Q(kind=EntryKind.PAYMENT)),
        "items": Count("item_id", distinct=True),
    }
    rows: list[BreakdownRow] = []
    if by == "period":
        trunc = PERIODS.get(period, TruncMonth)
        for r in qs.annotate(p=trunc("effective_on")).values("p").annotate(**metrics).order_by("p"):
            start = r["p"]
            label = _period_label(start, period)
            rows.append(BreakdownRow(start, label, _q(r["amount"]), r["payments"], r["items"]))
        return rows
    if by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}")
    key, label = BREAKDOWNS[by]
    kinds = dict(OrganisationKind.choices)
    for r in qs.values(key, label).annotate(**metrics).order_by("-amount"):
        text = r[label]
        if by == "debtor_kind":
            text = str(kinds.get(text, text))
        rows.append(BreakdownRow(r[key], str(text or "—"), _q(r["amount"]), r["payments"], r["items"]))
    return rows


def _period_label(start: Any, period: str) -> str:
    if start is None:
        return "—"
    if isinstance(start, dt.datetime):
        start = start.date()
    if period == "year":
        return _("%(y)s年") % {"y": start.year}
    if period == "quarter":
        return _("%(y)s年第%(q)s季度") % {"y": start.year, "q": (start.month - 1) // 3 + 1}
    return _("%(y)s年%(m)s月") % {"y": start.year, "m": start.month}


# --- Debtor page, plans, warnings ----------------------------------------------------------------------


@dataclass
class Adherence:
    judged: int = 0
    met: int = 0
    breached: int = 0
    pending: int = 0
    planned_due: Decimal = ZERO
    plans: int = 0

    @property
    def rate(self) -> int | None:
        return round(self.met * 100 / self.judged) if self.judged else None


def plan_adherence(*, user: Any, debtor_id: int | None = None) -> Adherence:
    """Instalments judged met or breached (by the sweeper) over the plans the user may see."""
    plans = RepaymentPlan.objects.restrict(user, Action.VIEW).filter(
        status__in=[PlanStatus.APPROVED, PlanStatus.SUPERSEDED]
    )
    if debtor_id is not None:
        plans = plans.filter(item__debtor_id=debtor_id)
    inst = Instalment.objects.filter(plan__in=plans.values("pk"))
    agg = inst.aggregate(
        met=Count("id", filter=Q(state=InstalmentState.MET)),
        breached=Count("id", filter=Q(state=InstalmentState.BREACHED)),
        pending=Count("id", filter=Q(state=InstalmentState.PENDING, plan__status=PlanStatus.APPROVED)),
        planned_due=Sum("amount", filter=Q(due_on__lt=timezone.localdate())),
    )
    return Adherence(
        judged=agg["met"] + agg["breached"],
        met=agg["met"],
        breached=agg["breached"],
        pending=agg["pending"],
        planned_due=_q(agg["planned_due"]),
        plans=plans.filter(status=PlanStatus.APPROVED).count(),
    )


def plan_adherence_by_debtor(*, user: Any, filters: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Per debtor: instalments met / breached, for rankings (plan adherence per debtor)."""
    plans = RepaymentPlan.objects.restrict(user, Action.VIEW).filter(
        status__in=[PlanStatus.APPROVED, PlanStatus.SUPERSEDED]
    )
    if filters:
        plans = plans.filter(item__in=apply_filters(ArrearsItem.objects.all(), filters).values("pk"))
    rows = (
        Instalment.objects.filter(plan__in=plans.values("pk"))
        .values(debtor_id=F("plan__item__debtor_id"), debtor_name=F("plan__item__debtor__name"))
        .annotate(
            met=Count("id", filter=Q(state=InstalmentState.MET)),
            breached=Count("id", filter=Q(state=InstalmentState.BREACHED)),
        )
        .order_by("debtor_name")
    )
    out = []
    for r in rows:
        judged = r["met"] + r["breached"]
        out.append({**r, "judged": judged, "rate": round(r["met"] * 100 / judged) if judged else None})
    return out


def warnings_for(*, user: Any, open_only: bool = True, **lookups: Any) -> QuerySet[LedgerWarning]:
    qs = LedgerWarning.objects.restrict(user, Action.VIEW).filter(**lookups)
    if open_only:
        qs = qs.filter(resolved_at__isnull=True)
    return qs.select_related("item", "debtor", "plan", "instalment", "payment_report")


@dataclass
class DebtorSummary:
    totals: Totals
    adherence: Adherence
    warnings: list[LedgerWarning] = field(default_factory=list)
    cleared: Decimal = ZERO


def debtor_summary(*, user: Any, debtor_id: int) -> DebtorSummary:
    items = item_list_for(user=user, filters={"debtor": str(debtor_id)})
    return DebtorSummary(
        totals=totals_of(items),
        adherence=plan_adherence(user=user, debtor_id=debtor_id),
        warnings=list(warnings_for(user=user, debtor_id=debtor_id)[:200]),
        cleared=cleared_total(user=user, filters={"debtor": str(debtor_id)}),
    )


def reports_for(*, user: Any, status: str | None = None, **lookups: Any) -> QuerySet[PaymentReport]:
    qs = PaymentReport.objects.restrict(user, Action.VIEW).filter(**lookups)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("item", "item__debtor", "item__creditor")


def portal_items_for(*, user: Any) -> QuerySet[ArrearsItem]:
    """The SME's receivables: the items where its enterprise is the creditor."""
    return item_list_for(user=user).order_by("status", "-balance", "-id")


# --- Campaigns ---------------------------------------------------------------------------------------


@dataclass
class CampaignProgress:
    items_at_start: int
    amount_at_start: Decimal
    cleared: Decimal
    written_off: Decimal
    left: Decimal
    items_closed: int
    items_left: int

    @property
    def percent(self) -> int:
        if not self.amount_at_start:
            return 0
        done = self.amount_at_start - self.left
        return max(0, min(100, int(done * 100 / self.amount_at_start)))


def campaign_progress(*, user: Any, campaign: Campaign) -> CampaignProgress:
    """Against the scope at the start: what was owed then, confirmed payments since, what is left now."""
    members = CampaignItem.objects.restrict(user, Action.VIEW).filter(campaign=campaign)
    start = members.aggregate(n=Count("id"), amount=Sum("balance_at_start"))
    item_ids = members.values("item_id")
    moved = LedgerEntry.objects.filter(
        item_id__in=item_ids, recorded_at__gte=campaign.started_at or timezone.now()
    ).aggregate(
        paid=Sum("amount", filter=Q(bucket=EntryBucket.PAYMENT)),
        off=Sum("amount", filter=Q(bucket=EntryBucket.WRITE_OFF)),
    )
    now = ArrearsItem.objects.filter(pk__in=item_ids).aggregate(
        left=Sum("balance"),
        closed=Count("id", filter=Q(status=ItemStatus.CLOSED)),
        open=Count("id", filter=Q(balance__gt=0)),
    )
    return CampaignProgress(
        items_at_start=start["n"] or 0,
        amount_at_start=_q(start["amount"]),
        cleared=_q(moved["paid"]),
        written_off=_q(moved["off"]),
        left=_q(now["left"]),
        items_closed=now["closed"] or 0,
        items_left=now["open"] or 0,
    )
