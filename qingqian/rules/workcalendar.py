"""Working-day calendar: State Council holiday schedule with adjusted working days (调休).

A day is a working day when it is an adjusted working day (a weekend day declared a working day),
or a Monday–Friday that is not a holiday. Holidays falling on weekends and weekday holidays are
both rest days. For a year outside ``known_years`` the calendar falls back to weekends-only and
**says so**: the year is added to ``unknown_years_used`` and the ``*_checked`` variants return a
flag, so every result that depended on it carries ``calendar_year_unknown``.

The holiday data is seeded from the ``chinese_calendar`` package (``calendar_rows_from_chinese_calendar``)
and kept editable by administrators on the Django side; this module only takes rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Literal

DayKind = Literal["holiday", "workday"]
DAY_KINDS: tuple[DayKind, ...] = ("holiday", "workday")
_ONE_DAY = timedelta(days=1)


class Calendar:
    """Holiday calendar with O(1) working-day lookups by ordinal."""

    __slots__ = ("_holidays", "_known_years", "_workdays", "unknown_years_used")

    def __init__(
        self,
        holidays: Iterable[date],
        adjusted_workdays: Iterable[date],
        known_years: Iterable[int],
    ) -> None:
        self._holidays = frozenset(d.toordinal() for d in holidays)
        self._workdays = frozenset(d.toordinal() for d in adjusted_workdays)
        both = self._holidays & self._workdays
        if both:
            first = date.fromordinal(min(both)).isoformat()
            raise ValueError(f"{first} is both a holiday and an adjusted working day")
        self._known_years = frozenset(known_years)
        #: years looked up without holiday data (weekends-only fallback was used)
        self.unknown_years_used: set[int] = set()

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[date, str]], *, known_years: Iterable[int]) -> Calendar:
        """Build from ``(date, kind)`` rows, kind ``"holiday"`` or ``"workday"`` (调休上班日).

        ``known_years`` is explicit: a year with no rows can still be fully known (no holidays
        moved), and a year with a few rows may still be incomplete.
        """
        holidays: list[date] = []
        workdays: list[date] = []
        for day, kind in rows:
            if kind == "holiday":
                holidays.append(day)
            elif kind == "workday":
                workdays.append(day)
            else:
                raise ValueError(f"{day.isoformat()}: unknown day kind {kind!r} (holiday|workday)")
        return cls(holidays, workdays, known_years)

    @classmethod
    def from_chinese_calendar(cls, years: Iterable[int] | None = None) -> Calendar:
        """Calendar seeded from ``chinese_calendar`` for ``years`` (default: every year it covers)."""
        wanted = sorted(chinese_calendar_years() if years is None else set(years))
        return cls.from_rows(calendar_rows_from_chinese_calendar(wanted), known_years=wanted)

    @property
    def known_years(self) -> frozenset[int]:
        return self._known_years

    def knows(self, day: date) -> bool:
        """Whether ``day``'s year has holiday data."""
        return day.year in self._known_years

    def is_working_day(self, day: date) -> bool:
        return self._is_working(day)[0]

    def _is_working(self, day: date) -> tuple[bool, bool]:
        """``(is working day, used the weekends-only fallback)``."""
        ordinal = day.toordinal()
        if ordinal in self._workdays:
            return True, False
        if ordinal in self._holidays:
            return False, False
        if day.year in self._known_years:
            return day.weekday() < 5, False
        self.unknown_years_used.add(day.year)
        return day.weekday() < 5, True

    def roll_forward_checked(self, day: date) -> tuple[date, bool]:
        """``day`` if it is a working day, else the first working day after it; plus the fallback flag."""
        unknown = False
        while True:
            working, fallback = self._is_working(day)
            unknown = unknown or fallback
            if working:
                return day, unknown
            day += _ONE_DAY

    def roll_forward(self, day: date) -> date:
        """``day`` itself if it is a working day, else the next working day (Civil Code Art 203)."""
        return self.roll_forward_checked(day)[0]

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.roll_forward(day + _ONE_DAY)

    def add_working_days_checked(self, day: date, n: int) -> tuple[date, bool]:
        """``add_working_days`` plus the fallback flag."""
        if n < 0:
            raise ValueError("n must be >= 0")
        unknown = False
        while n:
            day += _ONE_DAY
            working, fallback = self._is_working(day)
            unknown = unknown or fallback
            if working:
                n -= 1
        return day, unknown

    def add_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (the start day is not counted; ``n=0`` gives ``day``)."""
        return self.add_working_days_checked(day, n)[0]


def chinese_calendar_years() -> frozenset[int]:
    """The years the installed ``chinese_calendar`` package has holiday data for."""
    from chinese_calendar import constants

    return frozenset(d.year for d in constants.holidays)


def calendar_rows_from_chinese_calendar(years: Iterable[int]) -> list[tuple[date, DayKind]]:
    """``(date, "holiday" | "workday")`` rows for ``years`` from the ``chinese_calendar`` package.

    Raises ``ValueError`` for a year the package has no data for (never a silent empty year).
    """
    from chinese_calendar import constants

    wanted = set(years)
    missing = wanted - chinese_calendar_years()
    if missing:
        raise ValueError(f"chinese_calendar has no holiday data for {sorted(missing)}")
    rows: list[tuple[date, DayKind]] = [(d, "holiday") for d in constants.holidays if d.year in wanted]
    rows += [(d, "workday") for d in constants.workdays if d.year in wanted]
    rows.sort()
    return rows
