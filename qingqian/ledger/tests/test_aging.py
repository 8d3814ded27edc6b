"""The set-based daily aging agrees with the rules module to the fen, and is idempotent."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.core.management import call_command

from qingqian.ledger import services
from qingqian.ledger.aging import figures, run_aging
from qingqian.ledger.assessment import assess_item
from qingqian.ledger.choices import EntryKind
from qingqian.ledger.models import AgingRun, ItemAging, LedgerEntry
from qingqian.ledger.tests.factories import confirmed_payment, debtor, make_item
from qingqian.registry.models import Enterprise, Organisation

pytestmark = pytest.mark.django_db

DEBTORS = ["石家庄市教育局", "石家庄市第一医院", "石家庄市热力集团有限公司", "冀中建设工程集团有限公司"]


def _random_ledger(rng: random.Random, n: int) -> list[int]:
    debtors = [debtor(name) for name in DEBTORS]
    creditors = list(Enterprise.objects.order_by("pk")[:10])
    ids = []
    for _ in range(n):
        signed = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(0, 2400))
        delivered = signed + dt.timedelta(days=rng.randrange(0, 200))
        if delivered > dt.date(2026, 1, 1):
            delivered = dt.date(2026, 1, 1)
        accept = rng.random() < 0.2
        item = make_item(
            debtor_org=rng.choice(debtors),
            creditor_ent=rng.choice(creditors),
            arrears=Decimal(rng.randrange(100, 50_000_000)) / 100,
            signed_on=signed,
            delivered_on=delivered if rng.random() < 0.95 else None,
            confirmed_on=delivered,
            agreed_term_days=rng.choice([None, 15, 30, 45, 60, 90]),
            agreed_annual_rate=rng.choice(
                [None, None, Decimal("2.5"), Decimal("3.45"), Decimal("6"), Decimal("3.333")]
            ),
            acceptance_required=accept,
            acceptance_period_days=rng.choice([None, 10, 30]) if accept else None,
            accepted_on=delivered + dt.timedelta(days=rng.randrange(0, 40))
            if accept and rng.random() < 0.5
            else None,
        )
        balance = item.balance
        day = delivered
        for _p in range(rng.randrange(0, 5)):
            day = day + dt.timedelta(days=rng.randrange(0, 200))
            if day > dt.date(2026, 6, 1) or balance <= 0:
                break
            amount = min(balance, Decimal(rng.randrange(1, int(balance * 100) + 1)) / 100)
            kind = rng.random()
            if kind < 0.75:
                confirmed_payment(item, str(amount), day)
            else:
                services.item_write_off(
                    actor=None,
                    item=item,
                    amount=amount,
                    effective_on=day,
                    reference="(2024)冀01民初1号",
                    reason="判决",
                )
            balance -= amount
        entries = list(
            LedgerEntry.objects.filter(item=item, kind__in=[EntryKind.PAYMENT, EntryKind.WRITE_OFF])
        )
        if entries and rng.random() < 0.3:
            services.entry_reverse(actor=None, entry=rng.choice(entries), reason="冲正测试")
        if rng.random() < 0.15:
            item.refresh_from_db()
            services.item_adjust(
                actor=None,
                item=item,
                amount=Decimal(rng.randrange(1, 100000)) / 100,
                effective_on=delivered,
                reason="结算调增",
            )
        ids.append(item.pk)
    return ids


def _rules_figures(pk: int, as_of: dt.date) -> tuple[int | None, Decimal | None]:
    from qingqian.ledger.models import ArrearsItem

    item = ArrearsItem.objects.select_related("debtor").get(pk=pk)
    result = assess_item(item, as_of=as_of)
    if result is None:
        return None, None
    return result.overdue_days, result.interest


@pytest.mark.parametrize("seed", [1, 2])
def test_interest_and_overdue_days_match_the_rules_on_many_items(world, seed):
    rng = random.Random(seed)
    ids = _random_ledger(rng, 70)
    checked = 0
    for as_of in (dt.date(2024, 1, 1), dt.date(2025, 7, 1), dt.date(2026, 11, 1)):
        sql = figures(as_of=as_of)
        for pk in ids:
            overdue, interest = _rules_figures(pk, as_of)
            got_overdue, _bucket, got_interest, _settled = sql[pk]
            got_interest = (
                None if got_interest is None else Decimal(str(got_interest)).quantize(Decimal("0.01"))
            )
            if overdue is None and got_overdue is not None:
                # acceptance still pending on `as_of`: the rules give no due date yet; the aging (from the
                # assessment made today) says the same thing as "not due": no overdue days, no interest.
                assert (_bucket, got_overdue, got_interest) == ("not_due", 0, Decimal("0.00")), (pk, as_of)
                continue
            assert (got_overdue, got_interest) == (overdue, interest), (pk, as_of)
            checked += interest is not None and interest > 0
    assert checked > 50  # the comparison really exercised interest


def test_figures_for_some_items_equal_the_whole_ledgers_whether_ranges_or_scattered(world):
    ids = sorted(_random_ledger(random.Random(3), 12))
    as_of = dt.date(2025, 7, 1)
    whole = figures(as_of=as_of)
    some = [*ids[:5], ids[7], ids[9], ids[10]]  # a run of five (a range), then scattered ones
    assert figures(as_of=as_of, ids=some) == {pk: whole[pk] for pk in some}
    assert figures(as_of=as_of, ids=[]) == {}


def test_buckets_follow_the_configured_edges(world, settings):
    settings.LEDGER_AGING_EDGES = "30,60,90,180,365"
    item = make_item(delivered_on=dt.date(2024, 4, 1))  # due 2024-05-06
    cases = {
        dt.date(2024, 5, 6): "not_due",
        dt.date(2024, 5, 7): "0-30",
        dt.date(2024, 6, 5): "0-30",
        dt.date(2024, 6, 6): "31-60",
        dt.date(2024, 9, 1): "91-180",
        dt.date(2025, 6, 1): "365+",
    }
    for as_of, bucket in cases.items():
        assert figures(as_of=as_of)[item.pk][1] == bucket, as_of
    settings.LEDGER_AGING_EDGES = "90,365"
    assert figures(as_of=dt.date(2024, 6, 6))[item.pk][1] == "0-90"
    no_due = make_item(delivered_on=None)
    assert figures(as_of=dt.date(2025, 1, 1))[no_due.pk][1:3] == ("unknown", None)


def test_a_fully_paid_item_is_settled_and_its_overdue_days_stop(world):
    item = make_item(arrears="1000.00", delivered_on=dt.date(2024, 4, 1))  # due 2024-05-06
    confirmed_payment(item, "1000.00", dt.date(2024, 5, 16))
    overdue, bucket, interest, settled = figures(as_of=dt.date(2026, 1, 1))[item.pk]
    assert (overdue, bucket, str(settled)) == (10, "settled", "2024-05-16")
    assert Decimal(str(interest)).quantize(Decimal("0.01")) == Decimal("5.00")  # 1000 × 0.05 % × 10 days


def test_the_stored_aging_is_idempotent(world):
    _random_ledger(random.Random(7), 15)
    runs = AgingRun.objects.count()
    first = run_aging(as_of=dt.date(2025, 7, 1))
    assert first.items == ItemAging.objects.count()  # every item has its row (written as it changed)
    assert 0 < first.changed <= first.items
    stored = {
        a.item_id: (a.overdue_days, a.bucket, a.interest, a.settled_on) for a in ItemAging.objects.all()
    }
    second = run_aging(as_of=dt.date(2025, 7, 1))
    assert second.changed == 0
    assert stored == {
        a.item_id: (a.overdue_days, a.bucket, a.interest, a.settled_on) for a in ItemAging.objects.all()
    }
    third = run_aging(as_of=dt.date(2025, 7, 2))
    assert 0 < third.changed <= third.items
    assert AgingRun.objects.count() == runs + 3


def test_the_management_command_ages_the_ledger(world, capsys):
    make_item(arrears="10.00")
    call_command("ledger_aging", "--as-of", "2025-01-01")
    assert "2025-01-01" in capsys.readouterr().out
    assert ItemAging.objects.exists()


def test_aging_is_one_statement_not_a_loop(world, django_assert_max_num_queries):
    _random_ledger(random.Random(3), 10)
    with django_assert_max_num_queries(12):
        run_aging(as_of=dt.date(2025, 7, 1))


def test_organisations_used_exist(world):
    assert Organisation.objects.filter(name__in=DEBTORS).count() == len(DEBTORS)


def test_the_verify_and_sweep_commands_run(world, capsys):
    _random_ledger(random.Random(11), 5)
    call_command("ledger_verify")
    call_command("ledger_sweep")
    out = capsys.readouterr().out
    assert "all item totals equal" in out and "escalated" in out
