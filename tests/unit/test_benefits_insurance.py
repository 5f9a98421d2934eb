"""The statutory retirement age and the flexible-employment insurance subsidy (R9).

Retirement ages follow the 2024 decision of the NPC Standing Committee on the gradual
rise of the statutory retirement age (in force from 1 January 2025): the expected ages
below are the rows of its annexed tables at each boundary, written out by hand.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.benefit_defaults import default_benefit_parameters
from domain.benefits import (
    THREE_YEARS,
    UNTIL_RETIREMENT,
    InsuranceSubsidyRule,
    Ratio,
    RetirementRule,
    insurance_subsidy_amount,
    insurance_subsidy_period,
    retirement_date,
)
from domain.errors import InvalidValue, PolicyError
from domain.identity import Sex
from domain.money import Money
from domain.policy import Source

PARAMETERS = default_benefit_parameters()
RETIREMENT = PARAMETERS.retirement
INSURANCE = PARAMETERS.insurance
CATEGORY_SEX = {"male": Sex.MALE, "female_cadre": Sex.FEMALE, "female_worker": Sex.FEMALE}


def retirement_age(category: str, year: int, month: int) -> tuple[int, int]:
    return RETIREMENT.schedule(category).retirement_age(date(year, month, 15))


# -- the statutory retirement age ---------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "year", "month", "age"),
    [
        ("male", 1964, 12, (60, 0)),
        ("male", 1965, 1, (60, 1)),
        ("male", 1965, 4, (60, 1)),
        ("male", 1965, 5, (60, 2)),
        ("male", 1976, 8, (62, 11)),
        ("male", 1976, 9, (63, 0)),
        ("female_cadre", 1969, 12, (55, 0)),
        ("female_cadre", 1970, 1, (55, 1)),
        ("female_cadre", 1970, 4, (55, 1)),
        ("female_cadre", 1970, 5, (55, 2)),
        ("female_cadre", 1981, 8, (57, 11)),
        ("female_cadre", 1981, 9, (58, 0)),
        ("female_worker", 1974, 12, (50, 0)),
        ("female_worker", 1975, 1, (50, 1)),
        ("female_worker", 1975, 2, (50, 1)),
        ("female_worker", 1975, 3, (50, 2)),
        ("female_worker", 1984, 10, (54, 11)),
        ("female_worker", 1984, 11, (55, 0)),
    ],
)
def test_the_retirement_age_rises_from_the_first_affected_birth_month_to_its_cap(
    category, year, month, age
):
    result = retirement_age(category, year, month)

    assert result == age


@pytest.mark.parametrize(
    ("category", "cap"), [("male", (63, 0)), ("female_cadre", (58, 0)), ("female_worker", (55, 0))]
)
def test_the_retirement_age_stays_at_its_cap_for_later_births(category, cap):
    result = retirement_age(category, 2000, 6)

    assert result == cap


def test_a_man_born_in_january_1965_retires_in_february_2025_on_his_day_of_birth():
    retires = retirement_date(date(1965, 1, 15), Sex.MALE, rule=RETIREMENT, category="male")

    assert retires == date(2025, 2, 15)


def test_a_retirement_day_the_month_lacks_counts_on_the_first_of_the_next_month():
    # born 31 July 1965: 60 years and 2 months reach 31 September 2025, which does not exist
    retires = retirement_date(date(1965, 7, 31), Sex.MALE, rule=RETIREMENT, category="male")

    assert retires == date(2025, 10, 1)


def test_a_29_february_birth_before_the_reform_retires_on_the_birthday_of_a_leap_year():
    retires = retirement_date(date(1964, 2, 29), Sex.MALE, rule=RETIREMENT, category="male")

    assert retires == date(2024, 2, 29)


@pytest.mark.parametrize(("sex", "category"), [(Sex.MALE, "female_worker"), (Sex.FEMALE, "male")])
def test_a_category_of_the_other_sex_is_refused(sex, category):
    with pytest.raises(InvalidValue) as caught:
        retirement_date(date(1970, 1, 1), sex, rule=RETIREMENT, category=category)

    assert caught.value.field == "category"


def test_an_unknown_category_is_refused():
    with pytest.raises(InvalidValue) as caught:
        retirement_date(date(1970, 1, 1), Sex.FEMALE, rule=RETIREMENT, category="female")

    assert caught.value.code == "unknown_retirement_category"


def test_a_retirement_rule_with_two_schedules_for_one_category_is_refused():
    male = RETIREMENT.schedule("male")

    with pytest.raises(PolicyError):
        RetirementRule(schedules=(male, male))


@given(
    category=st.sampled_from(sorted(CATEGORY_SEX)),
    birth=st.dates(min_value=date(1950, 1, 1), max_value=date(2010, 12, 31)),
    later_days=st.integers(min_value=0, max_value=3_000),
)
def test_a_later_birth_never_retires_at_a_younger_age(category, birth, later_days):
    schedule = RETIREMENT.schedule(category)
    later = date.fromordinal(birth.toordinal() + later_days)

    assert schedule.retirement_age(later) >= schedule.retirement_age(birth)


# -- the subsidy period -------------------------------------------------------------------


APPROVED = date(2026, 3, 10)


def test_retirement_5_years_less_a_day_after_first_approval_extends_until_retirement():
    period = insurance_subsidy_period(APPROVED, date(2031, 3, 9), INSURANCE)

    assert period == (APPROVED, date(2031, 3, 8), UNTIL_RETIREMENT)


def test_retirement_exactly_5_years_after_first_approval_gives_three_years():
    """ "Less than 5 years" (不足5年) excludes exactly 5 years."""
    period = insurance_subsidy_period(APPROVED, date(2031, 3, 10), INSURANCE)

    assert period == (APPROVED, date(2029, 3, 9), THREE_YEARS)


def test_retirement_5_years_and_a_day_after_first_approval_gives_three_years():
    period = insurance_subsidy_period(APPROVED, date(2031, 3, 11), INSURANCE)

    assert period == (APPROVED, date(2029, 3, 9), THREE_YEARS)


def test_retirement_within_three_years_ends_the_subsidy_at_retirement():
    period = insurance_subsidy_period(APPROVED, date(2027, 6, 1), INSURANCE)

    assert period == (APPROVED, date(2027, 5, 31), UNTIL_RETIREMENT)


def test_three_years_from_29_february_end_on_28_february():
    period = insurance_subsidy_period(date(2028, 2, 29), date(2050, 1, 1), INSURANCE)

    assert period[1:] == (date(2031, 2, 28), THREE_YEARS)


def test_a_person_already_retired_at_first_approval_is_refused():
    with pytest.raises(InvalidValue) as caught:
        insurance_subsidy_period(APPROVED, APPROVED, INSURANCE)

    assert caught.value.field == "retirement_on"


def test_the_retirement_date_and_the_period_work_together_for_a_woman_worker():
    # May 1978 is 40 birth months after January 1975: 21 months more, 51 years 9 months
    retires = retirement_date(
        date(1978, 5, 20), Sex.FEMALE, rule=RETIREMENT, category="female_worker"
    )

    period = insurance_subsidy_period(date(2026, 9, 1), retires, INSURANCE)

    assert (retires, period[2]) == (date(2030, 2, 20), UNTIL_RETIREMENT)


# -- the subsidy amount -------------------------------------------------------------------


def test_two_thirds_of_an_amount_not_divisible_by_three_is_rounded_down():
    # 1000.00 x 2/3 = 666.666... yuan
    subsidy = insurance_subsidy_amount(Money.yuan("1000"), INSURANCE)

    assert (subsidy.amount, subsidy.code) == (
        Money.yuan("666.66"),
        "insurance_share_of_contributions",
    )


def test_two_thirds_of_an_amount_divisible_by_three_is_exact():
    subsidy = insurance_subsidy_amount(Money.yuan("900"), INSURANCE)

    assert subsidy.amount == Money.yuan("600")


def test_two_thirds_of_one_fen_is_nothing():
    subsidy = insurance_subsidy_amount(Money(1), INSURANCE)

    assert subsidy.amount == Money.zero()


def test_the_amount_lines_show_the_share_with_its_source():
    subsidy = insurance_subsidy_amount(Money.yuan("1000"), INSURANCE)

    share = next(line for line in subsidy.lines if line.label == "补贴比例上限（占已缴费）")
    assert share.source == INSURANCE.source


def test_negative_contributions_are_refused_naming_the_field():
    with pytest.raises(InvalidValue) as caught:
        insurance_subsidy_amount(Money(-1), INSURANCE)

    assert caught.value.field == "contributions_paid"


def test_a_share_above_the_contributions_is_refused():
    with pytest.raises(PolicyError):
        InsuranceSubsidyRule(
            share=Ratio(4, 3),
            max_years=3,
            until_retirement_within_years=5,
            source=Source("测试", "?", "测试"),
        )


@given(st.integers(min_value=0, max_value=10**9))
def test_the_subsidy_never_exceeds_two_thirds_and_falls_short_by_less_than_a_fen(fen):
    amount = insurance_subsidy_amount(Money(fen), INSURANCE).amount.fen

    assert 3 * amount <= 2 * fen < 3 * (amount + 1)


# -- the shipped parameters ---------------------------------------------------------------


def test_default_benefit_parameters_are_fresh_objects_on_every_call():
    first, second = default_benefit_parameters(), default_benefit_parameters()

    assert first == second
    assert first is not second
    assert first.tekun is not second.tekun


def test_every_shipped_benefit_figure_has_a_known_tag():
    tags = {source.tag for source in default_benefit_parameters().sources()}

    assert tags <= {"N", "SD", "O", "?"}


def test_every_shipped_figure_tagged_as_a_reading_asks_for_confirmation():
    readings = [s for s in default_benefit_parameters().sources() if s.tag == "?"]

    assert readings
    assert all("确认" in s.note for s in readings)


def test_the_retirement_and_insurance_rules_are_national():
    tags = {s.source.tag for s in RETIREMENT.schedules} | {INSURANCE.source.tag}

    assert tags == {"N"}
