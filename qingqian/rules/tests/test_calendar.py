"""Working-day calendar: holidays, adjusted working days (调休), and years without data."""

from __future__ import annotations

from datetime import date

import pytest

from qingqian.rules import Calendar, calendar_rows_from_chinese_calendar, chinese_calendar_years


def test_chinese_calendar_covers_2004_to_2026() -> None:
    assert set(range(2004, 2027)) <= chinese_calendar_years()


def test_national_day_2025_is_rest_and_the_adjusted_weekend_days_are_working(calendar: Calendar) -> None:
    assert all(not calendar.is_working_day(date(2025, 10, d)) for d in range(1, 9))
    assert calendar.is_working_day(date(2025, 9, 28))  # Sunday, 调休上班
    assert calendar.is_working_day(date(2025, 10, 11))  # Saturday, 调休上班
    assert calendar.is_working_day(date(2025, 10, 9))
    assert not calendar.is_working_day(date(2025, 10, 12))  # ordinary Sunday
    assert calendar.is_working_day(date(2025, 10, 10))  # ordinary Friday


def test_roll_forward_and_next_working_day(calendar: Calendar) -> None:
    assert calendar.roll_forward(date(2025, 10, 1)) == date(2025, 10, 9)
    assert calendar.roll_forward(date(2025, 10, 9)) == date(2025, 10, 9)
    assert calendar.next_working_day(date(2025, 10, 9)) == date(2025, 10, 10)
    assert calendar.next_working_day(date(2025, 9, 27)) == date(2025, 9, 28)
    assert calendar.next_working_day(date(2025, 9, 30)) == date(2025, 10, 9)


def test_add_working_days_skips_the_holiday_and_does_not_count_the_start_day(calendar: Calendar) -> None:
    # complaint review: 10 working days from Fri 2025-09-26 -> Sun 09-28, Mon 09-29, Tue 09-30,
    # then 10-09 .. 10-11 (Thu, Fri, Sat 调休), 10-13 .. 10-16
    assert calendar.add_working_days(date(2025, 9, 26), 10) == date(2025, 10, 16)
    assert calendar.add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)
    assert calendar.add_working_days(date(2025, 10, 4), 0) == date(2025, 10, 4)
    with pytest.raises(ValueError, match="n must be >= 0"):
        calendar.add_working_days(date(2025, 1, 1), -1)


def test_a_year_without_data_falls_back_to_weekends_and_says_so() -> None:
    calendar = Calendar.from_chinese_calendar([2025])
    assert calendar.known_years == frozenset({2025})
    assert calendar.knows(date(2025, 5, 1))
    assert not calendar.knows(date(2031, 5, 1))
    assert calendar.unknown_years_used == set()
    assert calendar.roll_forward_checked(date(2025, 10, 1)) == (date(2025, 10, 9), False)
    assert calendar.roll_forward_checked(date(2031, 3, 1)) == (date(2031, 3, 3), True)
    assert calendar.is_working_day(date(2031, 5, 1))  # 劳动节 2031 is not known: weekday
    assert calendar.unknown_years_used == {2031}
    day, unknown = calendar.add_working_days_checked(date(2025, 12, 31), 2)
    assert (day, unknown) == (date(2026, 1, 2), True)  # 2026 unknown here: New Year's Day counted as working
    assert calendar.unknown_years_used == {2026, 2031}


def test_rows_from_chinese_calendar_mark_holidays_and_adjusted_workdays() -> None:
    rows = dict(calendar_rows_from_chinese_calendar([2025]))
    assert rows[date(2025, 10, 1)] == "holiday"
    assert rows[date(2025, 10, 4)] == "holiday"  # a weekend day inside the holiday
    assert rows[date(2025, 9, 28)] == "workday"
    assert all(d.year == 2025 for d in rows)
    with pytest.raises(ValueError, match=r"no holiday data for \[2031\]"):
        calendar_rows_from_chinese_calendar([2030 + 1])


def test_from_rows_takes_known_years_explicitly_and_rejects_bad_rows() -> None:
    calendar = Calendar.from_rows(
        [(date(2040, 1, 2), "holiday"), (date(2040, 1, 7), "workday")], known_years=[2040]
    )
    assert not calendar.is_working_day(date(2040, 1, 2))
    assert calendar.is_working_day(date(2040, 1, 7))  # a Saturday made a working day
    assert calendar.roll_forward_checked(date(2040, 1, 1)) == (date(2040, 1, 3), False)
    with pytest.raises(ValueError, match="unknown day kind"):
        Calendar.from_rows([(date(2040, 1, 2), "festival")], known_years=[2040])
    with pytest.raises(ValueError, match="both a holiday and an adjusted working day"):
        Calendar([date(2040, 1, 2)], [date(2040, 1, 2)], [2040])


def test_the_default_calendar_knows_every_supported_year() -> None:
    assert Calendar.from_chinese_calendar().known_years == chinese_calendar_years()
