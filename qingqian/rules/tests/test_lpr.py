"""The 1-year LPR series is data: from rows or the shared CSV; latest row on or before a date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from qingqian.rules import LprError, LprSeries

# The product's copy of ../shared/data/lpr_1y.csv (always present in a checkout).
SHARED_CSV = Path(__file__).resolve().parents[2] / "registry" / "data" / "lpr_1y.csv"


def test_rate_in_force_is_the_latest_row_on_or_before(lpr: LprSeries) -> None:
    assert lpr.rate_on(date(2019, 8, 19)) is None
    assert lpr.rate_on(date(2019, 8, 20)) == Decimal("4.25")
    assert lpr.rate_on(date(2025, 5, 19)) == Decimal("3.10")
    assert lpr.rate_on(date(2025, 5, 20)) == Decimal("3.00")
    assert lpr.rate_on(date(2025, 5, 20)) == Decimal("3.00")  # memoised
    assert lpr.latest is not None
    assert lpr.latest.effective_on == date(2025, 5, 20)
    assert len(lpr) == 13


def test_rows_may_come_unsorted_and_as_text() -> None:
    series = LprSeries([(date(2025, 5, 20), "3.00"), (date(2024, 10, 21), Decimal("3.10"))])
    assert [r.effective_on for r in series.rows] == [date(2024, 10, 21), date(2025, 5, 20)]
    assert LprSeries([]).latest is None


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("2025-05-20", "3.00")], "row 1: effective_on must be a date"),
        ([(date(2025, 5, 20), "three")], "row 1: rate 'three' is not a number"),
        ([(date(2025, 5, 20), 3.0)], "row 1: rate must be a Decimal or text"),
        ([(date(2025, 5, 20), "-1")], "must be a finite number >= 0"),
        ([(date(2025, 5, 20), "NaN")], "must be a finite number >= 0"),
        ([(date(2025, 5, 20), "3"), (date(2025, 5, 20), "3.1")], "row 2: duplicate date 2025-05-20"),
    ],
)
def test_bad_rows_are_rejected(rows: list[tuple[Any, Any]], message: str) -> None:
    with pytest.raises(LprError, match=message):
        LprSeries(rows)


def test_from_csv_reads_the_shared_format(tmp_path: Path) -> None:
    path = tmp_path / "lpr.csv"
    path.write_text(
        "effective_on,annual_rate_percent,note\n2024-10-21,3.10,\n2025-05-20, 3.00 ,cut\n", "utf-8"
    )
    series = LprSeries.from_csv(path)
    assert series.rate_on(date(2025, 12, 31)) == Decimal("3.00")
    assert series.rate_on(date(2025, 1, 1)) == Decimal("3.10")


def test_the_shared_csv_loads() -> None:
    series = LprSeries.from_csv(SHARED_CSV)
    assert series.rate_on(date(2025, 7, 1)) == Decimal("3.00")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date,rate\n2025-05-20,3.00\n", "missing column"),
        ("effective_on,annual_rate_percent\n2025/05/20,3.00\n", "line 2: bad date"),
        (
            "effective_on,annual_rate_percent\n2025-05-20,3.00\n2025-06-20,x\n",
            "line 3: rate 'x' is not a number",
        ),
        ("effective_on,annual_rate_percent\n2025-05-20\n", "line 2: rate must be"),
        ("", "missing column"),
    ],
)
def test_from_csv_names_the_bad_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "lpr.csv"
    path.write_text(text, "utf-8")
    with pytest.raises(LprError, match=message):
        LprSeries.from_csv(path)
