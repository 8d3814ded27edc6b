"""Turning ledger objects into the API's output shapes (plain dicts the schemas validate)."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from qingqian.core.permissions import Action
from qingqian.ledger import selectors
from qingqian.ledger.models import ArrearsItem, Campaign, ImportJob, RepaymentPlan


class Mapped:
    """A queryset whose page is mapped through `fn` (for `@paginate` with dict outputs)."""

    def __init__(self, qs: Any, fn: Any) -> None:
        self.qs, self.fn = qs, fn

    def __getitem__(self, index: slice) -> list[Any]:
        return [self.fn(x) for x in self.qs[index]]

    def count(self) -> int:
        return int(self.qs.count())


def _filters(filters: Any) -> dict[str, str]:
    return selectors.clean_filters(filters.dict(exclude_none=True))


def _item(request: HttpRequest, item_id: int, action: str = Action.VIEW) -> ArrearsItem:
    return get_object_or_404(
        ArrearsItem.objects.restrict(request.user, action).select_related("debtor__region", "creditor"),
        pk=item_id,
    )


def _aging(item: ArrearsItem) -> dict[str, Any]:
    try:
        aging = item.aging
    except ArrearsItem.aging.RelatedObjectDoesNotExist:
        return {}
    return {"overdue_days": aging.overdue_days, "bucket": aging.bucket, "interest": aging.interest}


def item_out(item: ArrearsItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "debtor_id": item.debtor_id,
        "debtor_name": item.debtor.name,
        "creditor_id": item.creditor_id,
        "creditor_name": item.creditor.name,
        "creditor_size_class": item.creditor_size_class,
        "contract_number": item.contract_number,
        "contract_name": item.contract_name,
        "subject_kind": item.subject_kind,
        "signed_on": item.signed_on,
        "contract_amount": item.contract_amount,
        "status": item.status,
        "source": item.source,
        "principal_total": item.principal_total,
        "paid_total": item.paid_total,
        "written_off_total": item.written_off_total,
        "balance": item.balance,
        "disputed_amount": item.disputed_amount,
        "undisputed_amount": item.undisputed_amount,
        "due_on": item.due_on,
        "regulation": item.regulation,
        "reconciled_at": item.reconciled_at,
        "closed_at": item.closed_at,
        **_aging(item),
    }


def item_detail_out(item: ArrearsItem) -> dict[str, Any]:
    item.refresh_from_db()
    out = item_out(item)
    for name in (
        "delivered_on",
        "acceptance_required",
        "acceptance_period_days",
        "accepted_on",
        "settlement_confirmed_on",
        "agreed_term_days",
        "agreed_annual_rate",
        "clauses",
        "project_name",
        "source_ref",
        "note",
        "start_on",
        "term_days",
        "annual_rate_percent",
        "close_basis",
    ):
        out[name] = getattr(item, name)
    shown = item.shown_assessment  # the stored codes and references with their texts, as before
    out["findings"], out["explanation"] = shown.findings, shown.explanation
    return out


def plan_out(plan: RepaymentPlan) -> dict[str, Any]:
    return {
        **{
            f: getattr(plan, f)
            for f in (
                "id",
                "item_id",
                "version",
                "revises_id",
                "reason",
                "status",
                "total",
                "grace_days",
                "proposed_at",
                "decided_at",
                "decided_by_id",
                "decision_note",
            )
        },
        "instalments": [
            {"seq": i.seq, "due_on": i.due_on, "amount": i.amount, "state": i.state}
            for i in plan.instalments.order_by("seq")
        ],
    }


def totals_out(t: selectors.Totals) -> dict[str, Any]:
    return {**t.__dict__, "undisputed": t.undisputed}


def campaign_out(campaign: Campaign, user: Any, *, progress: bool = False) -> dict[str, Any]:
    out = {
        f: getattr(campaign, f)
        for f in ("id", "name", "region_id", "scope", "starts_on", "deadline", "status", "started_at")
    }
    if progress:
        p = selectors.campaign_progress(user=user, campaign=campaign)
        out["progress"] = {**p.__dict__, "percent": p.percent}
    return out


def import_out(job: ImportJob) -> dict[str, Any]:
    fields = (
        "id",
        "original_name",
        "unit",
        "status",
        "phase",
        "total_rows",
        "processed_rows",
        "percent",
        "created_count",
        "updated_count",
        "unchanged_count",
        "errors",
        "message",
        "created_at",
        "finished_at",
    )
    return {f: getattr(job, f) for f in fields}
