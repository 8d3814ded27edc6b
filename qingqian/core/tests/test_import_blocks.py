"""`core.io.importer`: rows read in blocks and checked column by column must say exactly what checking
them one by one says — the same values, the same errors in the same order, whatever the block size."""

from __future__ import annotations

import datetime as dt
import gc
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError

from qingqian.core.io import cells
from qingqian.core.io.cells import CellError
from qingqian.core.io.importer import (
    CHECK_GC_THRESHOLD,
    DIRECT_BLOCKS,
    FormBinder,
    ImportColumn,
    Importer,
    Memo,
    base,
)
from qingqian.core.tests.test_import_memo import counting

pytestmark = pytest.mark.django_db


# --- Memo.map ---------------------------------------------------------------------------------------


def test_a_column_of_equal_values_of_other_types_keeps_them_apart():
    func, calls = counting(lambda v: repr(v))
    memo = Memo(func, catch=CellError, messages=str)
    column = [1, 1.0, True, Decimal("1"), Decimal("1.000"), "1", 0.0, -0.0, None, dt.date(2024, 1, 1)]
    expected = [repr(v) for v in column]
    assert memo.map(column) == (expected, {})
    assert memo.map(column) == (expected, {})  # the second time from the tables
    # remembered once each, except 0.0 and -0.0 (equal, but not alike): computed every time
    assert calls == [*column, 0.0, -0.0]


def test_a_column_reports_its_failures_by_position_and_remembers_them():
    func, calls = counting(cells.integer)
    memo = Memo(func, catch=CellError, messages=str)
    column = [1, 1.0, True, "x", 2, True, "x", None]
    values, failures = memo.map(column)
    assert values == [1, 1, None, None, 2, None, None, None]
    assert failures == {2: "应为整数", 3: "应为整数，实际为“x”", 5: "应为整数", 6: "应为整数，实际为“x”"}
    assert calls == [1, 1.0, True, "x", 2, None]
    assert memo(True) == (False, "应为整数") and memo(1.0) == (True, 1)


def test_a_column_of_new_values_is_computed_directly_once_the_table_is_full():
    func, calls = counting(cells.integer)
    memo = Memo(func, catch=CellError, messages=str, limit=4)
    first = [str(n) for n in range(20)]
    assert memo.map(first) == (list(range(20)), {})
    assert memo.skip == DIRECT_BLOCKS  # nearly all new, table full: no more look-ups for a while
    second = ["0", "x", "21", "0"]
    assert memo.map(second) == ([0, None, 21, 0], {1: "应为整数，实际为“x”"})
    assert memo.skip == DIRECT_BLOCKS - 1
    assert calls == [*first, *second]  # the direct path computes, with the same outcomes


# --- FormBinder ----------------------------------------------------------------------------------------


class HookedForm(forms.Form):
    a = forms.IntegerField()
    b = forms.CharField(required=False)
    c = forms.IntegerField(required=False)

    def clean_b(self) -> str:
        data: dict[str, Any] = self.cleaned_data
        # a clean_<field>() sees the fields before it only, as in Form.full_clean
        if "c" in data:
            raise ValidationError("c seen too early")
        if data["b"] == "bad":
            raise ValidationError("b is bad")
        return str(data["b"]).upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("a") == 13:
            raise ValidationError("unlucky")
        if data.get("c") == 7:
            self.add_error("c", "not seven")
        return data


def test_binding_a_block_column_by_column_says_what_the_form_says_row_by_row():
    rows: list[dict[str, Any]] = [
        {"a": 1, "b": "x", "c": 2},
        {"a": "y", "b": "bad", "c": 2},  # a field error, then a hook error: in field order
        {"a": 1, "b": "bad", "c": "z"},
        {"a": 13, "b": "", "c": None},
        {"a": 1, "b": None, "c": 7},
        {"a": 1, "b": "x", "c": 2},
    ]
    binder = FormBinder(HookedForm)
    block = list(binder.bind_columns({k: [r.get(k) for r in rows] for k in ("a", "b", "c")}, len(rows)))
    for n, data in enumerate(rows):
        form = HookedForm(data=data)
        valid = form.is_valid()
        cleaned, errors = block[n]
        if not {k for k in form.errors if k != "__all__"}:  # the binder runs clean() on clean fields only
            assert errors == {k: list(v) for k, v in form.errors.items()}, n
        else:
            assert list(errors) == [k for k in form.errors if k != "__all__"], n
        if valid:
            assert cleaned == form.cleaned_data, n
        assert binder.bind(dict(data)) == (cleaned, errors), n  # one row alone: the same
    assert list(block[1][1]) == ["a", "b"]


class CountingField(forms.CharField):
    """Not one of the pure field classes: never remembered, but its blank value still takes the shortcut."""

    seen: list[Any] = []

    def clean(self, value: Any) -> Any:
        self.seen.append(value)
        return super().clean(value)


class NoteForm(forms.Form):
    note = CountingField(required=False)


def test_an_optional_field_of_distinct_values_skips_clean_for_blanks_in_every_block():
    binder = FormBinder(NoteForm)
    CountingField.seen = []
    for block in range(4):
        notes = [None if n % 20 == 0 else f"备注{block}-{n}" for n in range(40)]
        bound = list(binder.bind_columns({"note": notes}, len(notes)))
        assert [cleaned["note"] for cleaned, _errors in bound] == [note or "" for note in notes]
    assert len(CountingField.seen) == 4 * 38 and None not in CountingField.seen


# --- Importer.run in blocks ---------------------------------------------------------------------------


class NumberImporter(Importer):
    """Column 1 a required whole number, column 2 a text; a row is refused when the number is 4 (the
    importer's own check) and remembered otherwise."""

    columns = [
        ImportColumn("编号", "n", cells.integer, required=True),
        ImportColumn("名称", "name", cells.text),
    ]

    def __init__(self, every: int) -> None:
        self.calls: list[tuple[str, int, int]] = []
        super().__init__(progress=lambda phase, done, total: self.calls.append((phase, done, total)))
        self.progress_every = every
        self.thresholds: set[int] = set()
        self.applied: list[tuple[int, int, str]] = []

    def check_row(self, row_number, values, error):
        self.thresholds.add(gc.get_threshold()[0])
        if values["n"] == 4:
            error("编号", "不能是4")
            error("", "整行有误")
            return (row_number, values["n"], values["name"])  # reported: not applied
        return (row_number, values["n"], values["name"])

    def apply(self, checked):
        self.applied = checked
        return {"rows": len(checked)}


def sheet(*body):
    return [["说明"], ["编号", "名称"], *[list(r) for r in body]]


def outcome(importer, rows):
    result = importer.run(rows, total_hint=len(rows))
    return (
        [str(e) for e in result.errors],
        result.error_count,
        result.total_rows,
        result.applied,
        importer.applied,
    )


BODY = [
    (1, "甲"),
    (1.0, "乙"),  # the same number as a float
    (None, "  "),  # blank row (whitespace only) at the end of the first block of 3
    ("", None),  # blank row at the start of the second block
    (True, "丙"),  # a bool is not a number: refused, while 1 and 1.0 are fine
    (4, "丁"),  # the importer's own check: two errors for the row
    ("x", "戊"),
    (None, "己"),  # the required number missing
    (),  # an empty row: padded, blank
    (2, "庚"),
    (True, "辛"),
]


@pytest.mark.parametrize("every", [1, 2, 3, 4, 1000])
def test_blocks_of_any_size_report_the_same_errors_in_row_order(every):
    errors, count, total, applied, _checked = outcome(NumberImporter(every), sheet(*BODY))
    assert errors == [
        "第7行：编号：应为整数",
        "第8行：编号：不能是4",
        "第8行：整行有误",
        "第9行：编号：应为整数，实际为“x”",
        "第10行：编号：不能为空",
        "第13行：编号：应为整数",
    ]
    assert (count, total, applied) == (6, 8, False)


@pytest.mark.parametrize("every", [1, 3, 1000])
def test_a_clean_file_applies_the_same_rows_whatever_the_block_size(every):
    before = gc.get_threshold()
    importer = NumberImporter(every)
    rows = sheet((1, "甲"), (1.0, "乙"), (None, "  "), (2, "庚"), (None, None), (7, "末"))
    errors, count, total, applied, checked = outcome(importer, rows)
    assert (errors, count, total, applied) == ([], 0, 4, True)
    assert checked == [(3, 1, "甲"), (4, 1, "乙"), (6, 2, "庚"), (8, 7, "末")]
    assert importer.thresholds == {max(CHECK_GC_THRESHOLD, before[0])}  # fewer collections...
    assert gc.get_threshold() == before  # ...only while checking


def test_progress_is_reported_per_block_as_before():
    importer = NumberImporter(3)
    outcome(importer, sheet(*BODY))
    total = len(BODY)
    # every 3 rows, blank ones included, as the row-by-row loop did; then the rows found
    assert importer.calls == [("check", done, total) for done in (0, 3, 6, 9)] + [("check", 8, 8)]


def test_the_errors_reported_stop_at_the_limit_across_blocks_but_all_are_counted(monkeypatch):
    monkeypatch.setattr(base, "MAX_REPORTED_ERRORS", 4)
    body = [("x", "甲") if n % 2 else (n + 10, "乙") for n in range(1, 12)]
    errors, count, total, applied, _checked = outcome(NumberImporter(3), sheet(*body))
    assert errors == [f"第{row}行：编号：应为整数，实际为“x”" for row in (3, 5, 7, 9)]
    assert (count, total, applied) == (6, 11, False)
