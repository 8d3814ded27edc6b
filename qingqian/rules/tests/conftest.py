"""Shared fixtures: a holiday calendar from chinese_calendar (2004–2026 known) and the 1-year LPR.

No Django and no database: these tests run with ``-p no:django`` and under pytest-django alike.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from qingqian.rules import Calendar, LprSeries, Parameters, get_parameters

KNOWN_YEARS = range(2004, 2027)

#: the change points of ../shared/data/lpr_1y.csv (public facts), inlined so tests need no file
LPR_ROWS = [
    (date(2019, 8, 20), Decimal("4.25")),
    (date(2019, 9, 20), Decimal("4.20")),
    (date(2019, 11, 20), Decimal("4.15")),
    (date(2020, 2, 20), Decimal("4.05")),
    (date(2020, 4, 20), Decimal("3.85")),
    (date(2021, 12, 20), Decimal("3.80")),
    (date(2022, 1, 20), Decimal("3.70")),
    (date(2022, 8, 22), Decimal("3.65")),
    (date(2023, 6, 20), Decimal("3.55")),
    (date(2023, 8, 21), Decimal("3.45")),
    (date(2024, 7, 22), Decimal("3.35")),
    (date(2024, 10, 21), Decimal("3.10")),
    (date(2025, 5, 20), Decimal("3.00")),
]


@pytest.fixture(scope="session")
def calendar() -> Calendar:
    return Calendar.from_chinese_calendar(KNOWN_YEARS)


@pytest.fixture(scope="session")
def lpr() -> LprSeries:
    return LprSeries(LPR_ROWS)


@pytest.fixture(scope="session")
def parameters() -> Parameters:
    return get_parameters()
