"""`core.io.importer.memoize`: a cell's or field's outcome remembered per distinct value, exactly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from qingqian.core.io.cells import CellError
from qingqian.core.io.importer import memoize


def counting(func):
    calls = []

    def wrapped(value):
        calls.append(value)
        return func(value)

    return wrapped, calls


def test_equal_values_of_other_types_or_spellings_are_not_confused():
    func, calls = counting(lambda v: repr(v))
    memo = memoize(func, catch=CellError, messages=str)
    values = [1, 1.0, True, Decimal("1"), Decimal("1.000"), "1", dt.date(2024, 1, 1), dt.datetime(2024, 1, 1)]
    assert [memo(v) for v in values] == [(True, repr(v)) for v in values]
    assert [memo(v) for v in values] == [(True, repr(v)) for v in values]  # second round: remembered
    assert calls == values


def test_failures_are_remembered_with_their_message():
    def parse(value):
        raise CellError(f"坏值 {value}")

    func, calls = counting(parse)
    memo = memoize(func, catch=CellError, messages=str)
    assert memo("x") == (False, "坏值 x") == memo("x")
    assert calls == ["x"]


def test_mutable_results_and_unhashable_inputs_are_computed_every_time():
    func, calls = counting(lambda v: [v] if not isinstance(v, list) else v)
    memo = memoize(func, catch=CellError, messages=str)
    first = memo("a")[1]
    first.append("changed")
    assert memo("a") == (True, ["a"])  # a list is never shared between rows
    assert memo(["a"]) == (True, ["a"])
    assert calls == ["a", "a", ["a"]]


def test_the_table_stops_growing_at_its_limit():
    func, calls = counting(lambda v: v * 2)
    memo = memoize(func, catch=CellError, messages=str, limit=2)
    for v in (1, 2, 3, 1, 2, 3):
        memo(v)
    assert calls == [1, 2, 3, 3]
