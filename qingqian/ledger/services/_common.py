"""Helpers shared by the ledger services: locking an open item, recomputing totals, appending entries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qingqian.core.errors import Conflict, InvalidInput
from qingqian.core.events import record_event
from qingqian.core.money import quantize_money
from qingqian.ledger.choices import EntryBucket, EntryKind, ItemStatus
from qingqian.ledger.models import ArrearsItem, LedgerEntry

ZERO = Decimal("0.00")


def fmt(amount: Decimal) -> str:
    """An amount as people read it in an explanation: 1,234,567.89."""
    return f"{amount:,.2f}"


def invalid(field: str, message: Any) -> InvalidInput:
    return InvalidInput(message, fields={field: [str(message)]})


def open_item(item: ArrearsItem | int) -> ArrearsItem:
    """The item re-read under a row lock; closed items refuse every change (销号后不可变更)."""
    pk = item.pk if isinstance(item, ArrearsItem) else item
    locked = (
        ArrearsItem.objects.select_for_update(of=("self",))
        .select_related("debtor__region", "creditor")
        .get(pk=pk)
    )
    if locked.status == ItemStatus.CLOSED:
        raise Conflict(_("该欠款已对账销号，不能再变更。"), code="item_closed")
    return locked


def money(value: Any, field: str, *, positive: bool = True, allow_zero: bool = False) -> Decimal:
    if not isinstance(value, Decimal):
        raise invalid(field, _("金额须为数字。"))
    if not value.is_finite():
        raise invalid(field, _("金额须为数字。"))
    if value != quantize_money(value):
        raise invalid(field, _("金额最多保留两位小数。"))
    if positive and (value < 0 or (value == 0 and not allow_zero)):
        raise invalid(field, _("金额须大于零。"))
    return value


def not_future(day: dt.date, field: str) -> dt.date:
    if day > timezone.localdate():
        raise invalid(field, _("日期不能晚于今天。"))
    return day


def age_now(item: ArrearsItem) -> None:
    """The stored aging of this item follows the change, in the same transaction (one small statement;
    the daily run moves the whole ledger to the next date)."""
    from qingqian.ledger.aging import age_items

    age_items([item.pk])


def recompute_totals(item: ArrearsItem) -> None:
    """Totals from the entries (the sums are the truth), checked, saved in the caller's transaction."""
    sums = {
        row["bucket"]: row["total"]
        for row in LedgerEntry.objects.filter(item=item).values("bucket").annotate(total=Sum("amount"))
    }
    principal = quantize_money(sums.get(EntryBucket.PRINCIPAL) or ZERO)
    paid = quantize_money(sums.get(EntryBucket.PAYMENT) or ZERO)
    written_off = quantize_money(sums.get(EntryBucket.WRITE_OFF) or ZERO)
    balance = principal - paid - written_off
    if principal < 0 or paid < 0 or written_off < 0 or balance < 0:
        raise InvalidInput(
            _("该操作会使欠款余额或累计金额为负数，已拒绝。"),
            code="balance_negative",
            fields={"amount": [_("金额超过可用余额。")]},
        )
    if item.disputed_amount > balance:
        raise InvalidInput(
            _("有分歧金额不能超过欠款余额，请先处理分歧。"),
            code="disputed_exceeds_balance",
            fields={"amount": [_("金额超过无分歧部分。")]},
        )
    item.principal_total, item.paid_total, item.written_off_total, item.balance = (
        principal,
        paid,
        written_off,
        balance,
    )
    item.save(update_fields=["principal_total", "paid_total", "written_off_total", "balance", "updated_at"])


def append_entry(
    *,
    actor: Any,
    item: ArrearsItem,
    kind: str,
    bucket: str,
    amount: Decimal,
    effective_on: dt.date,
    reason: str = "",
    reference: str = "",
    reverses: LedgerEntry | None = None,
    payment_report: Any = None,
    dispute: Any = None,
) -> LedgerEntry:
    """Write one entry, recompute the totals, drop a stale reconciliation. The caller holds `open_item`."""
    entry = LedgerEntry(
        item=item,
        kind=kind,
        bucket=bucket,
        amount=amount,
        effective_on=effective_on,
        reason=reason[:500],
        reference=reference[:100],
        reverses=reverses,
        payment_report=payment_report,
        dispute=dispute,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    entry.save()
    recompute_totals(item)
    age_now(item)
    if item.reconciled_at is not None:
        ArrearsItem.objects.filter(pk=item.pk).update(reconciled_at=None, reconciled_by=None)
        item.reconciled_at, item.reconciled_by = None, None
        record_event(
            actor=actor,
            action="ledger.item.reconciliation_cleared",
            obj=item,
            data={"explain": _("账目发生变动，原对账确认失效，需企业重新确认。")},
        )
    return entry


ENTRY_KIND_BUCKET = {
    EntryKind.CONFIRMED: EntryBucket.PRINCIPAL,
    EntryKind.ADJUSTMENT: EntryBucket.PRINCIPAL,
    EntryKind.PAYMENT: EntryBucket.PAYMENT,
    EntryKind.WRITE_OFF: EntryBucket.WRITE_OFF,
}
