"""Disputes (有分歧): part of an item is contested and follows negotiation, mediation or court.

The disputed part is counted apart from the undisputed part everywhere (`ArrearsItem.disputed_amount`,
recomputed from the open disputes). Resolution records the part found owed; the rest leaves the
ledger as a write-off (court) or a principal adjustment (negotiation/mediation agreement).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qingqian.core.errors import ConcurrentTransition, InvalidTransition
from qingqian.core.events import record_event
from qingqian.core.permissions import Action, require
from qingqian.ledger.assessment import refresh_assessment
from qingqian.ledger.choices import DisputePath, DisputeStatus, EntryBucket, EntryKind
from qingqian.ledger.models import ArrearsItem, Dispute
from qingqian.ledger.services._common import append_entry, fmt, invalid, money, open_item
from qingqian.ledger.services.entries import require_supervisor


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _refresh_disputed(item: ArrearsItem) -> Decimal:
    total = Dispute.objects.filter(item=item, status=DisputeStatus.OPEN).aggregate(t=Sum("amount"))["t"]
    item.disputed_amount = total or Decimal("0.00")
    ArrearsItem.objects.filter(pk=item.pk).update(disputed_amount=item.disputed_amount)
    return item.disputed_amount


@transaction.atomic
def dispute_open(
    *, actor: Any, item: ArrearsItem, amount: Decimal, reason: str, path: str, case_ref: str = ""
) -> Dispute:
    require(actor, Action.CHANGE, item)
    item = open_item(item)
    money(amount, "amount")
    if path not in DisputePath.values:
        raise invalid("path", _("请选择解决途径：协商、调解或诉讼。"))
    reason = (reason or "").strip()
    if not reason:
        raise invalid("reason", _("请填写分歧事由。"))
    if amount > item.balance - item.disputed_amount:
        raise invalid(
            "amount",
            _("有分歧金额不能超过无分歧余额 %(left)s 元。") % {"left": item.balance - item.disputed_amount},
        )
    dispute = Dispute.objects.create(
        item=item,
        amount=amount,
        reason=reason[:500],
        path=path,
        case_ref=(case_ref or "").strip()[:100],
        raised_by=_user(actor),
    )
    _refresh_disputed(item)
    record_event(
        actor=actor,
        action="ledger.dispute.opened",
        obj=item,
        data={
            "dispute": dispute.pk,
            "amount": amount,
            "path": path,
            "explain": _("%(amount)s 元存在分歧，解决途径：%(path)s；事由：%(reason)s")
            % {"amount": fmt(amount), "path": DisputePath(path).label, "reason": dispute.reason},
        },
    )
    return dispute


@transaction.atomic
def dispute_change_path(
    *, actor: Any, dispute: Dispute, path: str, case_ref: str = "", note: str = ""
) -> Dispute:
    """e.g. negotiation failed → mediation → court (with the case number, for the enforcement register)."""
    require(actor, Action.CHANGE, dispute.item)
    open_item(dispute.item)
    if path not in DisputePath.values:
        raise invalid("path", _("请选择解决途径：协商、调解或诉讼。"))
    before = {"path": dispute.path, "case_ref": dispute.case_ref}
    touched = Dispute.objects.filter(pk=dispute.pk, status=DisputeStatus.OPEN).update(
        path=path, case_ref=(case_ref or dispute.case_ref)[:100]
    )
    if touched != 1:
        raise InvalidTransition(_("该分歧已解决。"))
    dispute.refresh_from_db()
    record_event(
        actor=actor,
        action="ledger.dispute.path_changed",
        obj=dispute.item,
        before=before,
        after={"path": dispute.path, "case_ref": dispute.case_ref},
        data={"dispute": dispute.pk, "note": note[:500]},
    )
    return dispute


@transaction.atomic
def dispute_resolve(
    *, actor: Any, dispute: Dispute, amount_owed: Decimal, note: str, reference: str = ""
) -> Dispute:
    """Record the outcome: `amount_owed` stays owed (now undisputed); the rest leaves the ledger."""
    require_supervisor(actor, dispute.item)
    item = open_item(dispute.item)
    money(amount_owed, "amount_owed", allow_zero=True)
    if amount_owed > dispute.amount:
        raise invalid("amount_owed", _("认定应付金额不能超过有分歧金额。"))
    note = (note or "").strip()
    if not note:
        raise invalid("note", _("请填写解决结果（协议、调解书或判决要点）。"))
    reference = (reference or dispute.case_ref or "").strip()
    if dispute.path == DisputePath.COURT and not reference:
        raise invalid("reference", _("诉讼解决须填写判决书或裁定书编号。"))
    now = timezone.now()
    touched = Dispute.objects.filter(pk=dispute.pk, status=DisputeStatus.OPEN).update(
        status=DisputeStatus.RESOLVED,
        resolved_at=now,
        resolved_by=_user(actor),
        amount_owed=amount_owed,
        outcome_note=note[:500],
    )
    if touched != 1:
        raise ConcurrentTransition()
    dispute.refresh_from_db()
    _refresh_disputed(item)
    not_owed = dispute.amount - amount_owed
    if not_owed > 0:
        court = dispute.path == DisputePath.COURT
        append_entry(
            actor=actor,
            item=item,
            kind=EntryKind.WRITE_OFF if court else EntryKind.ADJUSTMENT,
            bucket=EntryBucket.WRITE_OFF if court else EntryBucket.PRINCIPAL,
            amount=not_owed if court else -not_owed,
            effective_on=timezone.localdate(),
            reason=(
                _("判决认定不予支付：")
                if court
                else _("%(path)s结果核减：") % {"path": dispute.get_path_display()}
            )
            + note[:400],
            reference=reference,
            dispute=dispute,
        )
        if not court:
            refresh_assessment(item, reason="principal_changed")
    record_event(
        actor=actor,
        action="ledger.dispute.resolved",
        obj=item,
        data={
            "dispute": dispute.pk,
            "amount": dispute.amount,
            "amount_owed": amount_owed,
            "explain": _("分歧已解决：认定应付 %(owed)s 元，核减 %(gone)s 元。%(note)s")
            % {"owed": fmt(amount_owed), "gone": fmt(not_owed), "note": note[:300]},
        },
    )
    return dispute
