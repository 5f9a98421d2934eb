"""Elderly subsidies: the living subsidy by age band and the nursing subsidy (R7).

The bands are the shipped ones (`default_policy()`): 60-79 80 yuan, 80-89 100 yuan,
90-99 200 yuan (POLICY-FACTS 经济困难老年人补贴).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.ages import birthday_in
from domain.benefit_defaults import default_benefit_parameters
from domain.benefits import (
    GBT_42195_2022,
    KEEP_ELDERLY_NURSING,
    KEEP_SEVERE_DISABILITY,
    MZT_039_2013,
    NursingLevelMap,
    choose_nursing_subsidy,
    elderly_band_changes,
    elderly_living_benefit,
    mzt_level,
    nursing_benefit,
)
from domain.errors import InvalidValue, PolicyError
from domain.money import Money
from domain.policy import AgeBand, Source
from domain.policy_defaults import default_policy
from domain.services import Service

BANDS = default_policy().parameters.elderly_living_bands
CONFIRMED = date(2026, 5, 29)
SAMPLE = Source("测试", "?", "测试")
LEAP_BORN = date(1944, 2, 29)  # 90th birthday in 2034, a common year
ONE_DAY = timedelta(days=1)


def monthly_on(birth: date, on: date) -> Money | None:
    decision = elderly_living_benefit(birth, on, BANDS, confirmed_on=CONFIRMED)
    return None if decision is None else decision.monthly


# -- the living subsidy around each birthday ----------------------------------------------


@pytest.mark.parametrize(
    ("years", "shift", "yuan"),
    [
        (60, -1, None),
        (60, 0, "80"),
        (60, 1, "80"),
        (80, -1, "80"),
        (80, 0, "100"),
        (80, 1, "100"),
        (90, -1, "100"),
        (90, 0, "200"),
        (90, 1, "200"),
        (100, -1, "200"),
        (100, 0, None),
        (100, 1, None),
    ],
    ids=lambda value: str(value),
)
def test_the_living_subsidy_changes_band_on_the_birthday_itself(years, shift, yuan):
    """R7: the band follows the age in 周岁 on the day, reached on the birthday."""
    birth = date(2026 - years, 5, 20)
    on = date(2026, 5, 20) + timedelta(days=shift)

    monthly = monthly_on(birth, on)

    assert monthly == (None if yuan is None else Money.yuan(yuan))


def test_a_29_february_birth_is_still_89_on_28_february_of_a_common_year():
    monthly = monthly_on(LEAP_BORN, date(2034, 2, 28))

    assert monthly == Money.yuan("100")


def test_a_29_february_birth_reaches_90_on_1_march_of_a_common_year():
    monthly = monthly_on(LEAP_BORN, date(2034, 3, 1))

    assert monthly == Money.yuan("200")


def test_the_living_subsidy_is_paid_from_the_month_after_confirmation():
    decision = elderly_living_benefit(
        date(1950, 1, 1), date(2026, 2, 28), BANDS, confirmed_on=date(2028, 2, 29)
    )

    assert decision is not None
    assert (decision.service, decision.starts_on) == (Service.ELDERLY_LIVING, date(2028, 3, 1))


def test_the_living_subsidy_by_age_lasts_until_the_day_before_the_100th_birthday():
    decision = elderly_living_benefit(
        date(1951, 3, 10), date(2026, 6, 1), BANDS, confirmed_on=CONFIRMED
    )

    assert decision is not None
    assert decision.ends_on == date(2051, 3, 9)


def test_with_a_gap_between_bands_the_subsidy_lasts_until_the_gap():
    gapped = (BANDS[0], BANDS[2])  # 60-79 and 90-99 only

    decision = elderly_living_benefit(
        date(1951, 3, 10), date(2026, 6, 1), gapped, confirmed_on=CONFIRMED
    )

    assert decision is not None
    assert decision.ends_on == date(2031, 3, 9)


def test_the_living_subsidy_lines_show_the_age_and_the_band_with_its_source():
    decision = elderly_living_benefit(
        date(1946, 5, 20), date(2026, 5, 20), BANDS, confirmed_on=CONFIRMED
    )

    assert decision is not None
    shown = {line.label: (line.value, line.source) for line in decision.lines}
    assert shown["年龄（2026年5月20日）"][0] == "80周岁"
    assert shown["补贴档次"] == ("80至89周岁", BANDS[1].source)


def test_overlapping_age_bands_are_refused():
    overlapping = (*BANDS, AgeBand(85, 95, Money.yuan("150"), SAMPLE))

    with pytest.raises(PolicyError):
        elderly_living_benefit(date(1940, 1, 1), CONFIRMED, overlapping, confirmed_on=CONFIRMED)


def test_a_day_before_birth_is_refused_naming_the_birth_date():
    with pytest.raises(InvalidValue) as caught:
        elderly_living_benefit(date(2027, 1, 1), CONFIRMED, BANDS, confirmed_on=CONFIRMED)

    assert caught.value.field == "birth"


# -- the days the amount rises -------------------------------------------------------------


def test_a_59_year_old_enters_each_band_on_the_60th_80th_and_90th_birthday():
    changes = elderly_band_changes(date(1966, 5, 20), date(2026, 1, 1), BANDS)

    assert [(day, band.from_age) for day, band in changes] == [
        (date(2026, 5, 20), 60),
        (date(2046, 5, 20), 80),
        (date(2056, 5, 20), 90),
    ]


def test_a_band_entered_on_the_day_counted_from_is_not_a_change():
    changes = elderly_band_changes(date(1946, 5, 20), date(2026, 5, 20), BANDS)

    assert [day for day, _ in changes] == [date(2036, 5, 20)]


def test_a_29_february_birth_moves_to_the_90_band_on_1_march_of_a_common_year():
    changes = elderly_band_changes(LEAP_BORN, date(2030, 1, 1), BANDS)

    assert [day for day, _ in changes] == [date(2034, 3, 1)]


def test_no_band_lies_ahead_of_a_person_of_95():
    changes = elderly_band_changes(date(1931, 1, 1), date(2026, 6, 1), BANDS)

    assert changes == ()


@given(
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(2000, 12, 31)),
    offset=st.integers(min_value=0, max_value=365 * 100),
)
def test_on_each_change_day_the_amount_becomes_that_of_the_band_entered(birth, offset):
    from_day = birth + timedelta(days=offset)

    changes = elderly_band_changes(birth, from_day, BANDS)

    for day, band in changes:
        assert monthly_on(birth, day) == band.monthly
        assert monthly_on(birth, day - ONE_DAY) != band.monthly


@given(
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(2000, 12, 31)),
    years=st.integers(min_value=0, max_value=110),
)
def test_the_subsidy_is_paid_exactly_from_the_60th_to_the_day_before_the_100th_birthday(
    birth, years
):
    on = birthday_in(birth, birth.year + years)

    monthly = monthly_on(birth, on)

    assert (monthly is not None) == (60 <= years <= 99)


# -- the nursing subsidy: which level counts -----------------------------------------------


LEVEL_MAP = default_benefit_parameters().nursing_levels


@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_an_mzt_039_level_passes_through(level):
    result = mzt_level(level, MZT_039_2013, LEVEL_MAP)

    assert result == level


@pytest.mark.parametrize(("gbt", "mzt"), [(0, 0), (1, 1), (2, 2), (3, 3), (4, 3)])
def test_each_gbt_42195_level_maps_to_an_mzt_039_level(gbt, mzt):
    result = mzt_level(gbt, GBT_42195_2022, LEVEL_MAP)

    assert result == mzt


def test_a_county_may_map_the_gbt_levels_differently():
    stricter = NursingLevelMap(pairs=((0, 0), (1, 0), (2, 1), (3, 2), (4, 3)), source=SAMPLE)

    result = mzt_level(2, GBT_42195_2022, stricter)

    assert result == 1


def test_an_unknown_assessment_standard_is_refused_naming_the_field():
    with pytest.raises(InvalidValue) as caught:
        mzt_level(2, "Barthel", LEVEL_MAP)

    assert caught.value.field == "standard"


@pytest.mark.parametrize(("level", "standard"), [(4, MZT_039_2013), (5, GBT_42195_2022)])
def test_a_level_the_standard_does_not_have_is_refused(level, standard):
    with pytest.raises(InvalidValue) as caught:
        mzt_level(level, standard, LEVEL_MAP)

    assert caught.value.field == "level"


def test_a_level_map_that_leaves_out_a_gbt_level_is_refused():
    with pytest.raises(PolicyError):
        NursingLevelMap(pairs=((0, 0), (1, 1), (2, 2), (3, 3)), source=SAMPLE)


# -- the nursing subsidy: the amount -------------------------------------------------------


QUALIFYING = default_policy().parameters.nursing_qualifying_levels
NURSING_MONTHLY = default_policy().parameters.nursing_monthly


@pytest.mark.parametrize("level", [2, 3])
def test_a_moderate_or_severe_loss_of_capability_gets_the_nursing_subsidy(level):
    """R7: the assessment grade decides the nursing subsidy."""
    decision = nursing_benefit(level, QUALIFYING, NURSING_MONTHLY, confirmed_on=CONFIRMED)

    assert decision is not None
    assert (decision.service, decision.monthly) == (Service.ELDERLY_NURSING, Money.yuan("80"))


@pytest.mark.parametrize("level", [0, 1])
def test_an_intact_or_mildly_reduced_capability_gets_no_nursing_subsidy(level):
    decision = nursing_benefit(level, QUALIFYING, NURSING_MONTHLY, confirmed_on=CONFIRMED)

    assert decision is None


def test_a_complete_loss_under_gbt_42195_qualifies_through_the_map():
    level = mzt_level(4, GBT_42195_2022, LEVEL_MAP)

    decision = nursing_benefit(level, QUALIFYING, NURSING_MONTHLY, confirmed_on=CONFIRMED)

    assert decision is not None


def test_the_nursing_subsidy_starts_the_month_after_confirmation():
    decision = nursing_benefit(3, QUALIFYING, NURSING_MONTHLY, confirmed_on=date(2026, 12, 31))

    assert decision is not None
    assert decision.starts_on == date(2027, 1, 1)


def test_a_nursing_level_outside_mzt_039_is_refused():
    with pytest.raises(InvalidValue):
        nursing_benefit(4, QUALIFYING, NURSING_MONTHLY, confirmed_on=CONFIRMED)


# -- never both nursing subsidies ----------------------------------------------------------


def test_a_higher_elderly_nursing_subsidy_is_kept_and_the_notice_says_why():
    choice = choose_nursing_subsidy(Money.yuan("80"), Money.yuan("60"))

    assert (choice.keep, choice.code) == (KEEP_ELDERLY_NURSING, "nursing_elderly_higher")
    assert "不同时享受" in choice.note
    assert "80.00元" in choice.note
    assert "60.00元" in choice.note


def test_a_higher_severe_disability_subsidy_is_kept():
    choice = choose_nursing_subsidy(Money.yuan("80"), Money.yuan("100"))

    assert (choice.keep, choice.code) == (KEEP_SEVERE_DISABILITY, "nursing_severe_higher")


def test_on_equal_amounts_the_severe_disability_subsidy_already_received_is_kept():
    choice = choose_nursing_subsidy(Money.yuan("80"), Money.yuan("80"))

    assert (choice.keep, choice.code) == (KEEP_SEVERE_DISABILITY, "nursing_equal_keep_severe")


def test_an_unknown_severe_disability_amount_keeps_it_and_says_the_amount_is_unknown():
    """Fail closed (P9): an amount the register did not give never leads to paying both."""
    choice = choose_nursing_subsidy(Money.yuan("80"), None)

    assert (choice.keep, choice.code) == (KEEP_SEVERE_DISABILITY, "nursing_severe_amount_unknown")
    assert "金额" in choice.note


@given(
    elderly=st.integers(min_value=0, max_value=100_000),
    severe=st.integers(min_value=0, max_value=100_000),
)
def test_the_elderly_nursing_subsidy_is_kept_only_when_strictly_higher(elderly, severe):
    choice = choose_nursing_subsidy(Money(elderly), Money(severe))

    assert (choice.keep == KEEP_ELDERLY_NURSING) == (elderly > severe)
