"""Money invariants under hypothesis: balance = confirmed − payments − write-offs, never negative,
a reversal restores, a closed item cannot change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qingqian.core.errors import Conflict, DomainError, InvalidInput
from qingqian.core.money import quantize_money
from qingqian.ledger import services
from qingqian.ledger.choices import EntryBucket, EntryKind, ItemStatus
from qingqian.ledger.models import ArrearsItem, LedgerEntry
from qingqian.ledger.tests.factories import make_item

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 1, 10)
cents = st.integers(min_value=1, max_value=2_000_000)
operation = st.one_of(
    st.tuples(st.just("pay"), cents),
    st.tuples(st.just("reject"), cents),
    st.tuples(st.just("adjust"), st.integers(min_value=-2_000_000, max_value=2_000_000).filter(bool)),
    st.tuples(st.just("write_off"), cents),
    st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=20)),
    st.tuples(st.just("close"), st.just(0)),
)


def _sums(item: ArrearsItem) -> dict[str, Decimal]:
    rows = LedgerEntry.objects.filter(item=item).values("bucket").annotate(t=Sum("amount"))
    out = {b: Decimal("0.00") for b in EntryBucket.values}
    out.update({r["bucket"]: quantize_money(r["t"]) for r in rows})
    return out


def _apply(world, item: ArrearsItem, op: str, n: int) -> None:
    amount = Decimal(abs(n)) / 100
    if op == "pay":
        report = services.payment_report_create(
            actor=world.clerk, item=item, amount=amount, paid_on=DAY, method="bank_transfer"
        )
        services.payment_report_confirm(actor=world.enterprise, report=report)
    elif op == "reject":
        report = services.payment_report_create(
            actor=world.clerk, item=item, amount=amount, paid_on=DAY, method="commercial_bill"
        )
        services.payment_report_reject(actor=world.enterprise, report=report, reason="未到账")
    elif op == "adjust":
        services.item_adjust(
            actor=world.finance, item=item, amount=Decimal(n) / 100, effective_on=DAY, reason="结算调整"
        )
    elif op == "write_off":
        services.item_write_off(
            actor=world.finance,
            item=item,
            amount=amount,
            effective_on=DAY,
            reference="(2025)冀01民初9号",
            reason="判决",
        )
    elif op == "reverse":
        candidates = list(
            LedgerEntry.objects.filter(item=item, reversed_by__isnull=True)
            .exclude(kind=EntryKind.REVERSAL)
            .order_by("pk")
        )
        if candidates:
            services.entry_reverse(actor=world.finance, entry=candidates[n % len(candidates)], reason="更正")
    elif op == "close":
        services.item_reconcile(actor=world.enterprise, item=item)
        services.item_close(actor=world.clerk, item=item)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=cents, ops=st.lists(operation, max_size=12))
def test_money_invariants_hold_for_any_sequence_of_operations(world, start, ops):
    item = make_item(actor=world.clerk, arrears=Decimal(start) / 100)
    for op, n in ops:
        item.refresh_from_db()
        before = (item.balance, item.status, _sums(item), LedgerEntry.objects.filter(item=item).count())
        reversed_entry = None
        if op == "reverse":
            open_entries = list(
                LedgerEntry.objects.filter(item=item, reversed_by__isnull=True)
                .exclude(kind=EntryKind.REVERSAL)
                .order_by("pk")
            )
            reversed_entry = open_entries[n % len(open_entries)] if open_entries else None
        try:
            _apply(world, item, op, n)
            failed = None
        except DomainError as exc:
            failed = exc
        item.refresh_from_db()
        sums = _sums(item)
        # balance = confirmed − payments − write-offs, from the entries, and the cached totals agree
        assert item.balance == sums["principal"] - sums["payment"] - sums["write_off"]
        assert (item.principal_total, item.paid_total, item.written_off_total) == (
            sums["principal"],
            sums["payment"],
            sums["write_off"],
        )
        # never negative
        assert (
            item.balance >= 0 and sums["payment"] >= 0 and sums["write_off"] >= 0 and sums["principal"] >= 0
        )
        if op == "reverse" and reversed_entry is None:
            continue  # nothing left to reverse: a no-op
        if before[1] == ItemStatus.CLOSED:
            # a closed item cannot change: every operation is refused and nothing moved
            assert isinstance(failed, Conflict) and failed.code == "item_closed"
            assert (item.balance, item.status, sums) == (before[0], before[1], before[2])
            assert LedgerEntry.objects.filter(item=item).count() == before[3]
            continue
        if failed is not None:
            assert isinstance(failed, InvalidInput | Conflict)
            if op != "close":  # a refused money operation writes nothing
                assert LedgerEntry.objects.filter(item=item).count() == before[3]
                assert item.balance == before[0]
        if op == "reverse" and reversed_entry is not None and failed is None:
            # a reversal restores: the reversed entry's effect on the balance is gone
            effect = (
                reversed_entry.amount
                if reversed_entry.bucket == EntryBucket.PRINCIPAL
                else -reversed_entry.amount
            )
            assert item.balance == before[0] - effect
        if op == "close" and failed is None:
            assert item.status == ItemStatus.CLOSED and item.balance == 0
