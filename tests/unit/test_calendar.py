"""Working-day time limits (R13) on China's official calendar."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters import holiday_calendar
from adapters.holiday_calendar import china_calendar
from domain.calendar import DueDate, WorkingCalendar


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return china_calendar()


def test_r13_a_deadline_across_the_2026_spring_festival_skips_its_days_off(calendar):
    due = calendar.add_working_days(date(2026, 2, 12), 10)

    assert due == DueDate(day=date(2026, 3, 4), provisional=False)


def test_r13_the_adjusted_saturdays_of_spring_festival_2026_are_working_days(calendar):
    saturdays = [date(2026, 2, 14), date(2026, 2, 28)]

    assert all(calendar.is_working_day(day) for day in saturdays)


def test_r13_spring_festival_2026_has_no_working_day_from_15_to_23_february(calendar):
    festival = [date(2026, 2, 15) + timedelta(days=i) for i in range(9)]

    assert not any(calendar.is_working_day(day) for day in festival)


def test_r13_the_first_working_day_after_national_day_2026_is_8_october(calendar):
    due = calendar.add_working_days(date(2026, 9, 30), 1)

    assert due.day == date(2026, 10, 8)


def test_r13_the_adjusted_saturday_after_national_day_2026_counts(calendar):
    due = calendar.add_working_days(date(2026, 9, 30), 3)

    assert due.day == date(2026, 10, 10)


def test_r13_the_adjusted_sunday_before_national_day_2026_counts(calendar):
    due = calendar.add_working_days(date(2026, 9, 19), 1)

    assert due.day == date(2026, 9, 20)


def test_r13_a_deadline_reaching_into_2027_is_provisional_and_counted_on_weekdays(calendar):
    due = calendar.add_working_days(date(2026, 12, 28), 10)

    assert due == DueDate(day=date(2027, 1, 11), provisional=True)


def test_r13_a_regional_day_off_moves_the_deadline(calendar):
    regional = calendar.with_days_off([date(2026, 3, 3)])

    due = regional.add_working_days(date(2026, 2, 12), 10)

    assert due.day == date(2026, 3, 5)


def test_r13_a_regional_day_off_counts_in_an_unknown_year_too(calendar):
    regional = calendar.with_days_off([date(2027, 1, 4)])

    due = regional.add_working_days(date(2026, 12, 28), 10)

    assert due == DueDate(day=date(2027, 1, 12), provisional=True)


def test_r13_the_start_day_itself_never_counts(calendar):
    monday = date(2026, 3, 2)

    assert calendar.add_working_days(monday, 1).day == date(2026, 3, 3)


def test_r13_one_working_day_after_a_saturday_is_the_monday(calendar):
    saturday = date(2026, 3, 7)

    assert calendar.add_working_days(saturday, 1).day == date(2026, 3, 9)


def test_zero_working_days_is_the_start_day_itself(calendar):
    saturday = date(2026, 3, 7)

    assert calendar.add_working_days(saturday, 0) == DueDate(saturday, provisional=False)


def test_a_negative_number_of_working_days_is_refused(calendar):
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_days(date(2026, 3, 2), -1)


def test_working_days_between_excludes_the_start_and_includes_the_end(calendar):
    count = calendar.working_days_between(date(2026, 3, 2), date(2026, 3, 6))

    assert count == 4


def test_working_days_between_is_zero_when_the_end_is_not_after_the_start(calendar):
    count = calendar.working_days_between(date(2026, 3, 6), date(2026, 3, 2))

    assert count == 0


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    n=st.integers(min_value=0, max_value=45),
)
def test_r13_working_days_between_agrees_with_add_working_days(calendar, start, n):
    due = calendar.add_working_days(start, n)

    counted = calendar.working_days_between(start, due.day)

    assert counted == n


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    n=st.integers(min_value=1, max_value=45),
)
def test_r13_a_due_day_is_always_a_working_day(calendar, start, n):
    due = calendar.add_working_days(start, n)

    assert calendar.is_working_day(due.day)


@pytest.mark.parametrize("year", [1, 1900, 2100, 9998])
def test_a_year_no_schedule_knows_is_counted_without_crashing(calendar, year):
    due = calendar.add_working_days(date(year, 1, 1), 10)

    assert due.provisional
    assert calendar.working_days_between(date(year, 1, 1), due.day) == 10


def test_working_days_between_spans_every_representable_date(calendar):
    count = calendar.working_days_between(date.min, date.max)

    assert 2_000_000 < count < date.max.toordinal()


def test_the_library_calendar_never_raises_for_years_out_of_range():
    wide = china_calendar(first_year=-10, last_year=99_999)

    assert wide.is_known(2026)
    assert not wide.is_known(1900)


def test_known_years_hold_2026_but_not_2027(calendar):
    known = calendar.known_years

    assert 2026 in known
    assert 2027 not in known


def test_known_years_stay_within_the_requested_range():
    narrow = china_calendar(first_year=2020, last_year=2022)

    assert narrow.known_years == {2020, 2021, 2022}


def test_rule_computed_holidays_of_an_unknown_year_are_left_out(calendar):
    national_day_2027 = date(2027, 10, 1)

    assert calendar.is_working_day(national_day_2027)


def test_without_the_static_table_a_year_is_known_by_its_working_weekends(monkeypatch):
    monkeypatch.setattr(holiday_calendar, "china", SimpleNamespace())

    fallback = china_calendar(first_year=2024, last_year=2028)

    assert fallback.known_years == {2024, 2025, 2026}


def test_a_weekdays_only_calendar_knows_no_year():
    weekdays = WorkingCalendar.weekdays_only()

    due = weekdays.add_working_days(date(2026, 2, 12), 10)

    assert due == DueDate(day=date(2026, 2, 26), provisional=True)
