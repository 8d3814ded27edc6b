"""`totals_of` counts each item once, whatever filter joined a multi-valued relation (it counts with a plain
COUNT, docs/perf/ledger-list.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qingqian.ledger import selectors
from qingqian.ledger.choices import WarningKind
from qingqian.ledger.models import ArrearsItem, LedgerWarning
from qingqian.ledger.tests.factories import make_item


def test_totals_count_an_item_with_two_open_warnings_once(world: Any) -> None:
    item = make_item(arrears="1000.00")
    for n in range(2):
        LedgerWarning.objects.create(
            kind=WarningKind.PLAN_BREACH, item=item, debtor=item.debtor, message=f"第{n + 1}期未按期履行"
        )
    with_warnings = selectors.item_list_for(user=world.office, filters={"warnings": "1"})
    totals = selectors.totals_of(with_warnings)
    expected = ArrearsItem.objects.filter(warnings__resolved_at__isnull=True).distinct()
    assert totals.count == expected.count() == with_warnings.count()
    assert totals.balance == sum((i.balance for i in expected), Decimal("0.00"))
    assert with_warnings.filter(pk=item.pk).count() == 1


def test_totals_of_every_filter_match_the_rows_listed(world: Any) -> None:
    make_item(arrears="2500.00")
    for filters in (
        {},
        {"overdue": "1"},
        {"plan": "1"},
        {"plan": "0"},
        {"disputed": "0"},
        {"bucket": "365+"},
        {"debtor_kind": "organ", "balance_min": "1000"},
        {"q": "测试"},
        {"status": "open", "warnings": "1"},
    ):
        qs = selectors.item_list_for(user=world.office, filters=filters)
        rows = list(qs)
        totals = selectors.totals_of(qs)
        assert totals.count == len(rows) == len({r.pk for r in rows}), filters
        assert totals.balance == sum((r.balance for r in rows), Decimal("0.00")), filters
