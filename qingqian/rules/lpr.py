"""The 1-year Loan Prime Rate (LPR) series: data passed in, never hard-coded.

Each row is a change point ``(effective_on, annual_rate_percent)``; a rate stays in force until
the next row. The rate in force on a date is the latest row on or before it; before the first row
there is none (``None``). Administrators maintain the series (``../shared/data/lpr_1y.csv``).
"""

from __future__ import annotations

import bisect
import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path


class LprError(ValueError):
    """Bad LPR data (names the row)."""


@dataclass(frozen=True, slots=True)
class LprRow:
    effective_on: date
    annual_rate_percent: Decimal


class LprSeries:
    """Immutable series of LPR change points with a memoised ``rate_on`` lookup."""

    __slots__ = ("_cache", "_rates", "_starts", "rows")

    def __init__(self, rows: Iterable[tuple[date, Decimal | str]]) -> None:
        parsed: dict[date, Decimal] = {}
        for number, (effective_on, rate) in enumerate(rows, start=1):
            if not isinstance(effective_on, date):
                raise LprError(f"row {number}: effective_on must be a date")
            value = _to_rate(rate, f"row {number}")
            if effective_on in parsed:
                raise LprError(f"row {number}: duplicate date {effective_on.isoformat()}")
            parsed[effective_on] = value
        ordered = sorted(parsed.items())
        self.rows: tuple[LprRow, ...] = tuple(LprRow(d, r) for d, r in ordered)
        self._starts: tuple[date, ...] = tuple(d for d, _ in ordered)
        self._rates: tuple[Decimal, ...] = tuple(r for _, r in ordered)
        self._cache: dict[date, Decimal | None] = {}

    @classmethod
    def from_csv(cls, path: Path | str) -> LprSeries:
        """Read ``effective_on,annual_rate_percent[,note]`` (header row required)."""
        rows: list[tuple[date, Decimal | str]] = []
        with Path(path).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"effective_on", "annual_rate_percent"} - set(reader.fieldnames or ())
            if missing:
                raise LprError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
            for line, record in enumerate(reader, start=2):
                try:
                    effective_on = date.fromisoformat((record["effective_on"] or "").strip())
                except ValueError:
                    raise LprError(f"{path} line {line}: bad date {record['effective_on']!r}") from None
                rows.append((effective_on, _to_rate(record["annual_rate_percent"], f"{path} line {line}")))
        return cls(rows)

    def rate_on(self, on: date) -> Decimal | None:
        """Annual rate in percent in force on ``on``, or ``None`` before the first row."""
        try:
            return self._cache[on]
        except KeyError:
            index = bisect.bisect_right(self._starts, on)
            rate = self._rates[index - 1] if index else None
            self._cache[on] = rate
            return rate

    @property
    def latest(self) -> LprRow | None:
        """The most recent change point (the UI shows its date)."""
        return self.rows[-1] if self.rows else None

    def __len__(self) -> int:
        return len(self.rows)


def _to_rate(raw: object, where: str) -> Decimal:
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, str):
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            raise LprError(f"{where}: rate {raw!r} is not a number") from None
    else:
        raise LprError(f"{where}: rate must be a Decimal or text, not {type(raw).__name__}")
    if not value.is_finite() or value < 0:
        raise LprError(f"{where}: rate {raw!r} must be a finite number >= 0")
    return value
