"""Corrections and legal outcomes on the ledger: adjustments, write-offs by judgment, reversals.

Only supervisors (the office, the responsible department, the county office) may make them: a debtor
body never lowers its own debt. Every correction carries a reason and is itself an entry.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qingqian.core.errors import Conflict, NotPermitted
from qingqian.core.events import record_event
from qingqian.core.permissions import Action, require
from qingqian.ledger.assessment import refresh_assessment
from qingqian.ledger.choices import EntryBucket, EntryKind
from qingqian.ledger.models import ArrearsItem, LedgerEntry
from qingqian.ledger.scoping import SUPERVISORS, may_act_for_debtor
from qingqian.ledger.services._common import append_entry, invalid, money, not_future, open_item


def require_supervisor(actor: Any, item: ArrearsItem) -> None:
    require(actor, Action.CHANGE, item)
    if not may_act_for_debtor(actor, item.debtor, SUPERVISORS):
        raise NotPermitted(_("只有专班办公室、责任部门或县（市、区）清欠办可以调整、核销或冲正。"))


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise invalid("reason", _("请填写事由。"))
    return reason


@transaction.atomic
def item_adjust(
    *, actor: Any, item: ArrearsItem, amount: Decimal, effective_on: dt.date, reason: str
) -> LedgerEntry:
    """Change the confirmed principal (e.g. a settlement amount agreed with the SME); ± amount."""
    require_supervisor(actor, item)
    item = open_item(item)
    money(amount, "amount", positive=False)
    if amount == 0:
        raise invalid("amount", _("调整金额不能为零。"))
    entry = append_entry(
        actor=actor,
        item=item,
        kind=EntryKind.ADJUSTMENT,
        bucket=EntryBucket.PRINCIPAL,
        amount=amount,
        effective_on=not_future(effective_on, "effective_on"),
        reason=_reason(reason),
    )
    refresh_assessment(item, reason="principal_changed")
    record_event(
        actor=actor,
        action="ledger.entry.adjusted",
        obj=item,
        data={"entry": entry.pk, "amount": amount, "reason": entry.reason, "balance": item.balance},
    )
    return entry


@transaction.atomic
def item_write_off(
    *,
    actor: Any,
    item: ArrearsItem,
    amount: Decimal,
    effective_on: dt.date,
    reference: str,
    reason: str,
    dispute: Any = None,
) -> LedgerEntry:
    """A court judgment (or another recorded legal outcome) extinguishes part of the debt."""
    require_supervisor(actor, item)
    item = open_item(item)
    money(amount, "amount")
    reference = (reference or "").strip()
    if not reference:
        raise invalid("reference", _("请填写判决书或法律文书编号。"))
    entry = append_entry(
        actor=actor,
        item=item,
        kind=EntryKind.WRITE_OFF,
        bucket=EntryBucket.WRITE_OFF,
        amount=amount,
        effective_on=not_future(effective_on, "effective_on"),
        reason=_reason(reason),
        reference=reference,
        dispute=dispute,
    )
    record_event(
        actor=actor,
        action="ledger.entry.written_off",
        obj=item,
        data={"entry": entry.pk, "amount": amount, "reference": reference, "reason": entry.reason},
    )
    return entry


@transaction.atomic
def entry_reverse(*, actor: Any, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """Cancel an entry with its mirror image, dated like the original (so interest is as if it never was)."""
    item = entry.item
    require_supervisor(actor, item)
    item = open_item(item)
    if entry.kind == EntryKind.REVERSAL:
        raise Conflict(_("冲正分录不能再冲正；如需更正请登记新的分录。"), code="reversal_of_reversal")
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise Conflict(_("该分录已被冲正。"), code="already_reversed")
    reversal = append_entry(
        actor=actor,
        item=item,
        kind=EntryKind.REVERSAL,
        bucket=entry.bucket,
        amount=-entry.amount,
        effective_on=entry.effective_on,
        reason=_reason(reason),
        reference=entry.reference,
        reverses=entry,
    )
    if entry.bucket == EntryBucket.PRINCIPAL:
        refresh_assessment(item, reason="principal_changed")
    record_event(
        actor=actor,
        action="ledger.entry.reversed",
        obj=item,
        data={
            "entry": entry.pk,
            "reversal": reversal.pk,
            "kind": entry.kind,
            "amount": entry.amount,
            "reason": reversal.reason,
        },
    )
    return reversal
