"""The figures disclosure drafts from the ledger (qingqian/disclosure/figures.py), on hand-built items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from qingqian.disclosure import figures
from qingqian.disclosure.tests.factories import last_year, new_body, new_enterprise, new_item, pay
from qingqian.ledger.selectors import item_list_for, totals_of


@pytest.fixture
def body_a(world: Any) -> dict[str, Any]:
    y = last_year()
    body = new_body()
    ent = new_enterprise()
    items = {
        # overdue at the year end, partly paid before it and partly after it
        "part": new_item(body, ent, "100000.00", delivered_on=dt.date(y, 9, 1)),
        # not yet due at the year end
        "not_due": new_item(body, ent, "25000.00", delivered_on=dt.date(y, 12, 20)),
        # no due date can be computed (no delivery recorded)
        "undated": new_item(body, ent, "9000.00", delivered_on=None, signed_on=dt.date(y, 5, 1)),
        # paid in full during the year, late
        "late": new_item(body, ent, "30000.00", delivered_on=dt.date(y, 3, 1)),
        # paid in full during the year, on time
        "on_time": new_item(body, ent, "12000.00", delivered_on=dt.date(y, 2, 1)),
        # from the year before, settled (late) in January of the year
        "old": new_item(body, ent, "8000.00", delivered_on=dt.date(y - 1, 6, 1)),
        # registered after the year end, but overdue at it
        "found_later": new_item(
            body, ent, "40000.00", delivered_on=dt.date(y, 6, 1), confirmed_on=dt.date(y + 1, 1, 20)
        ),
    }
    pay(items["part"], "30000.00", dt.date(y, 11, 1))
    pay(items["part"], "20000.00", dt.date(y + 1, 1, 15))
    pay(items["late"], "30000.00", dt.date(y, 5, 10))
    pay(items["on_time"], "12000.00", dt.date(y, 2, 20))
    pay(items["old"], "5000.00", dt.date(y - 1, 12, 1))
    pay(items["old"], "3000.00", dt.date(y, 1, 10))
    for i in items.values():
        i.refresh_from_db()
    return {"body": body, "items": items, "year": y}


def test_overdue_and_unpaid_at_the_year_end_counts_what_was_owed_then(body_a: dict[str, Any]) -> None:
    y, body = body_a["year"], body_a["body"]
    got = figures.overdue_unpaid_at(as_of=dt.date(y, 12, 31), debtor_ids=[body.pk])[body.pk]
    # 70,000 left on the partly paid contract at 31 Dec (the January payment is after it) and the
    # contract registered later but overdue then; the undated one is counted apart.
    assert got == figures.Overdue(count=2, amount=Decimal("110000.00"), undated=1)


def test_paid_late_during_the_year_and_the_average_days_late(body_a: dict[str, Any]) -> None:
    y, body, items = body_a["year"], body_a["body"], body_a["items"]
    late_days = [
        (dt.date(y, 5, 10) - items["late"].due_on).days,
        (dt.date(y, 1, 10) - items["old"].due_on).days,
    ]
    got = figures.paid_late_in(year=y, debtor_ids=[body.pk])[body.pk]
    assert got.count == 2
    assert got.avg_days_late == (Decimal(sum(late_days)) / 2).quantize(Decimal("0.1"))


def test_payment_performance_shares_and_average_days_to_pay(body_a: dict[str, Any]) -> None:
    y, body, items = body_a["year"], body_a["body"], body_a["items"]
    p = figures.payment_performance(
        date_from=dt.date(y, 1, 1), date_to=dt.date(y, 12, 31), debtor_ids=[body.pk]
    )[body.pk]
    settled = {"late": dt.date(y, 5, 10), "on_time": dt.date(y, 2, 20), "old": dt.date(y, 1, 10)}
    days = {k: (d - items[k].start_on).days for k, d in settled.items()}
    assert p.paid_count == 3 and p.with_term == 3 and p.within_term == 1
    assert p.within_term_pct == Decimal("33.3")
    assert p.within_30 == sum(1 for v in days.values() if v <= 30)
    assert p.within_60 == sum(1 for v in days.values() if v <= 60)
    assert p.avg_days_to_pay == (Decimal(sum(days.values())) / 3).quantize(Decimal("0.1"))
    trend = figures.payment_performance(
        date_from=dt.date(y - 1, 1, 1), date_to=dt.date(y, 12, 31), debtor_ids=[body.pk], by="year"
    )
    assert trend[y].paid_count == 3 and y - 1 not in trend


def test_a_restricted_queryset_limits_the_figures_to_what_the_user_sees(
    world: Any, body_a: dict[str, Any]
) -> None:
    y, body = body_a["year"], body_a["body"]
    as_of = dt.date(y, 12, 31)
    # the clerk of 市教育局 does not see this body's items
    assert body.pk not in figures.overdue_unpaid_at(as_of=as_of, items=item_list_for(user=world.clerk))
    assert body.pk in figures.overdue_unpaid_at(as_of=as_of, items=item_list_for(user=world.office))
    every = figures.overdue_unpaid_at(as_of=as_of)
    assert every[body.pk] == figures.overdue_unpaid_at(as_of=as_of, debtor_ids=[body.pk])[body.pk]


def test_outstanding_breakdowns_add_up_to_the_ledger_totals(world: Any, body_a: dict[str, Any]) -> None:
    items = item_list_for(user=world.leader)
    totals = totals_of(items)
    for by in figures.BREAKDOWN_KEYS:
        rows = figures.outstanding_breakdown(items, by)
        assert sum(r.balance for r in rows) == totals.balance, by
        assert sum(r.disputed for r in rows) == totals.disputed, by
        assert sum(r.count for r in rows) == totals.count, by
