"""Age in 周岁 (POLICY-FACTS, Ages): reached on the birthday; 29 February on 1 March."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.ages import age_on, birthday_in

BORN = date(1966, 5, 20)
LEAP_BORN = date(2000, 2, 29)


def test_a_person_is_59_on_the_day_before_the_60th_birthday():
    day = date(2026, 5, 19)

    assert age_on(BORN, day) == 59


def test_a_person_is_60_on_the_60th_birthday():
    day = date(2026, 5, 20)

    assert age_on(BORN, day) == 60


def test_a_person_is_still_60_the_day_after_the_60th_birthday():
    day = date(2026, 5, 21)

    assert age_on(BORN, day) == 60


def test_a_29_february_birthday_is_not_reached_on_28_february_of_a_common_year():
    day = date(2001, 2, 28)

    assert age_on(LEAP_BORN, day) == 0


def test_a_29_february_birthday_is_reached_on_1_march_of_a_common_year():
    day = date(2001, 3, 1)

    assert age_on(LEAP_BORN, day) == 1


def test_a_29_february_birthday_is_reached_on_29_february_of_a_leap_year():
    day = date(2004, 2, 29)

    assert (age_on(LEAP_BORN, day - timedelta(days=1)), age_on(LEAP_BORN, day)) == (3, 4)


def test_age_is_zero_on_the_day_of_birth():
    age = age_on(BORN, BORN)

    assert age == 0


def test_a_day_before_birth_is_refused():
    with pytest.raises(ValueError, match="before birth"):
        age_on(BORN, BORN - timedelta(days=1))


@given(
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
    years=st.integers(min_value=1, max_value=110),
)
def test_age_goes_up_by_exactly_one_on_each_birthday(birth, years):
    birthday = birthday_in(birth, birth.year + years)

    before, on = age_on(birth, birthday - timedelta(days=1)), age_on(birth, birthday)

    assert (before, on) == (years - 1, years)
