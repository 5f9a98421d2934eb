"""Benefit amounts: the payment start, dibao and tekun (POLICY-FACTS 低保, 特困).

The elderly subsidies are in test_benefits_elderly.py, the retirement age and the
insurance subsidy in test_benefits_insurance.py.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.benefit_defaults import default_benefit_parameters
from domain.benefits import (
    CareLevel,
    CareStandard,
    DibaoHousehold,
    DibaoTier,
    DibaoTierTable,
    Ratio,
    Rounding,
    SelfCareItems,
    TekunStandards,
    care_level,
    dibao_benefit,
    payment_start,
    tekun_benefit,
)
from domain.errors import InvalidValue, PolicyError
from domain.money import Money
from domain.policy import DatedAmount, Source
from domain.services import Service

SAMPLE = Source("测试用标准", "?", "测试")
STANDARD_900 = DatedAmount(date(2026, 1, 1), Money.yuan("900"), SAMPLE)
CONFIRMED = date(2026, 3, 18)
ITEMS = (
    "eating",
    "dressing",
    "getting_out_of_bed",
    "toilet",
    "walking_indoors",
    "bathing",
)


def household(members: int, covered: int, income: str) -> DibaoHousehold:
    return DibaoHousehold(members=members, covered=covered, monthly_income=Money.yuan(income))


def items_failing(*failed: str) -> SelfCareItems:
    return SelfCareItems(**{name: name not in failed for name in ITEMS})


def values(decision_lines, label: str) -> list[str]:
    return [line.value for line in decision_lines if line.label == label]


# -- payment start (自确认次月起发放) ---------------------------------------------------


def test_a_confirmation_on_31_january_is_paid_from_1_february():
    starts = payment_start(date(2026, 1, 31))

    assert starts == date(2026, 2, 1)


def test_a_confirmation_on_29_february_2028_is_paid_from_1_march():
    starts = payment_start(date(2028, 2, 29))

    assert starts == date(2028, 3, 1)


def test_a_confirmation_on_31_december_is_paid_from_1_january_of_the_next_year():
    starts = payment_start(date(2026, 12, 31))

    assert starts == date(2027, 1, 1)


def test_a_confirmation_on_the_first_of_a_month_is_still_paid_from_the_next_month():
    starts = payment_start(date(2026, 6, 1))

    assert starts == date(2026, 7, 1)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_payment_always_starts_on_the_first_day_of_the_following_month(confirmed_on):
    starts = payment_start(confirmed_on)

    previous_month_end = starts - timedelta(days=1)
    assert starts.day == 1
    assert (previous_month_end.year, previous_month_end.month) == (
        confirmed_on.year,
        confirmed_on.month,
    )


# -- dibao: the household ---------------------------------------------------------------


def test_income_per_member_not_divisible_by_the_members_is_rounded_half_up_to_the_fen():
    two_thirds_up = household(3, 3, "2000")  # 666.666... yuan

    assert two_thirds_up.income_per_member == Money.yuan("666.67")


def test_income_per_member_below_half_a_fen_is_rounded_down():
    one_third = household(3, 3, "1000")  # 333.333... yuan

    assert one_third.income_per_member == Money.yuan("333.33")


def test_income_per_member_of_exactly_half_a_fen_is_rounded_up():
    five_fen_for_two = DibaoHousehold(members=2, covered=2, monthly_income=Money(5))

    assert five_fen_for_two.income_per_member == Money(3)


@pytest.mark.parametrize(
    ("members", "covered", "income", "field"),
    [
        (0, 1, 0, "members"),
        (2, 0, 0, "covered"),
        (2, 3, 0, "covered"),
        (2, 2, -1, "monthly_income"),
    ],
)
def test_an_impossible_household_is_refused_naming_the_field(members, covered, income, field):
    with pytest.raises(InvalidValue) as caught:
        DibaoHousehold(members=members, covered=covered, monthly_income=Money(income))

    assert caught.value.field == field


def test_a_household_count_that_is_not_a_whole_number_is_refused():
    with pytest.raises(InvalidValue) as caught:
        DibaoHousehold(members=True, covered=1, monthly_income=Money(0))

    assert caught.value.field == "members"


# -- dibao: the gap method ----------------------------------------------------------------


def test_dibao_pays_the_gap_to_the_standard_for_each_covered_member():
    # 1000 / 3 = 333.33 per member; 900 - 333.33 = 566.67; two covered: 1133.34
    decision = dibao_benefit(household(3, 2, "1000"), STANDARD_900, confirmed_on=CONFIRMED)

    assert (decision.monthly, decision.code) == (
        Money.yuan("1133.34"),
        "dibao_gap_times_covered",
    )


def test_income_per_member_one_fen_below_the_standard_pays_one_fen_per_covered_member():
    decision = dibao_benefit(household(2, 2, "1799.98"), STANDARD_900, confirmed_on=CONFIRMED)

    assert decision.monthly == Money.yuan("0.02")


def test_income_per_member_at_the_standard_computes_zero_with_its_own_code():
    decision = dibao_benefit(household(2, 2, "1800"), STANDARD_900, confirmed_on=CONFIRMED)

    assert (decision.monthly, decision.code) == (
        Money.zero(),
        "dibao_income_at_or_above_standard",
    )


def test_income_per_member_above_the_standard_computes_zero_never_a_negative_amount():
    decision = dibao_benefit(household(2, 2, "1800.02"), STANDARD_900, confirmed_on=CONFIRMED)

    assert decision.monthly == Money.zero()


def test_a_zero_amount_says_that_an_officer_still_decides():
    """P14: the computation proposes; refusing is an officer's decision."""
    decision = dibao_benefit(household(1, 1, "950"), STANDARD_900, confirmed_on=CONFIRMED)

    assert "审核确认人员决定" in decision.note


def test_a_household_without_income_gets_the_full_standard_for_each_covered_member():
    decision = dibao_benefit(household(4, 3, "0"), STANDARD_900, confirmed_on=CONFIRMED)

    assert decision.monthly == Money.yuan("2700")


def test_dibao_decided_on_the_last_day_of_a_month_is_paid_from_the_next_month():
    decision = dibao_benefit(household(1, 1, "0"), STANDARD_900, confirmed_on=date(2026, 1, 31))

    assert (decision.service, decision.starts_on, decision.ends_on) == (
        Service.DIBAO,
        date(2026, 2, 1),
        None,
    )


def test_the_dibao_lines_show_the_standard_with_its_source_and_the_rounded_income():
    decision = dibao_benefit(household(3, 2, "1000"), STANDARD_900, confirmed_on=CONFIRMED)

    first = decision.lines[0]
    assert (first.value, first.source) == ("900.00元", SAMPLE)
    assert values(decision.lines, "人均月收入（四舍五入到分）") == ["333.33元"]


def test_a_standard_not_yet_in_force_on_the_confirmation_day_is_refused():
    later = DatedAmount(date(2026, 7, 1), Money.yuan("950"), SAMPLE)

    with pytest.raises(PolicyError):
        dibao_benefit(household(1, 1, "0"), later, confirmed_on=date(2026, 6, 30))


@given(
    members=st.integers(min_value=1, max_value=12),
    data=st.data(),
    income_fen=st.integers(min_value=0, max_value=5_000_000),
    standard_fen=st.integers(min_value=1, max_value=500_000),
)
def test_dibao_is_never_negative_nor_more_than_the_standard_for_each_covered_member(
    members, data, income_fen, standard_fen
):
    covered = data.draw(st.integers(min_value=1, max_value=members))
    home = DibaoHousehold(members=members, covered=covered, monthly_income=Money(income_fen))
    standard = DatedAmount(date(2026, 1, 1), Money(standard_fen), SAMPLE)

    monthly = dibao_benefit(home, standard, confirmed_on=CONFIRMED).monthly

    assert Money.zero() <= monthly <= standard.amount * covered


@given(
    members=st.integers(min_value=1, max_value=8),
    income_fen=st.integers(min_value=0, max_value=1_000_000),
    more_fen=st.integers(min_value=1, max_value=100_000),
)
def test_more_household_income_never_gives_more_dibao(members, income_fen, more_fen):
    poorer = DibaoHousehold(members=members, covered=members, monthly_income=Money(income_fen))
    richer = DibaoHousehold(
        members=members, covered=members, monthly_income=Money(income_fen + more_fen)
    )

    def monthly(home: DibaoHousehold) -> Money:
        return dibao_benefit(home, STANDARD_900, confirmed_on=CONFIRMED).monthly

    assert monthly(richer) <= monthly(poorer)


# -- dibao: a tiered table (分档) ---------------------------------------------------------


def tier_table(effective_from: date = date(2026, 1, 1)) -> DibaoTierTable:
    return DibaoTierTable(
        tiers=(
            DibaoTier(Money.yuan("300"), Money.yuan("700")),
            DibaoTier(Money.yuan("600"), Money.yuan("400")),
            DibaoTier(None, Money.yuan("150")),
        ),
        source=SAMPLE,
        effective_from=effective_from,
    )


@pytest.mark.parametrize(
    ("income_per_member", "per_person"),
    [
        ("0", "700"),
        ("300", "700"),
        ("300.01", "400"),
        ("600", "400"),
        ("600.01", "150"),
        ("899.99", "150"),
    ],
)
def test_a_tier_includes_its_upper_bound_and_the_next_tier_starts_one_fen_above(
    income_per_member, per_person
):
    home = household(1, 1, income_per_member)

    decision = dibao_benefit(home, STANDARD_900, confirmed_on=CONFIRMED, tiers=tier_table())

    assert (decision.monthly, decision.code) == (
        Money.yuan(per_person),
        "dibao_tier_times_covered",
    )


def test_a_tier_amount_is_paid_for_each_covered_member():
    home = household(3, 2, "900")  # 300 per member: the first tier

    decision = dibao_benefit(home, STANDARD_900, confirmed_on=CONFIRMED, tiers=tier_table())

    assert decision.monthly == Money.yuan("1400")


def test_with_a_tier_table_income_at_the_standard_still_computes_zero():
    home = household(1, 1, "900")

    decision = dibao_benefit(home, STANDARD_900, confirmed_on=CONFIRMED, tiers=tier_table())

    assert decision.code == "dibao_income_at_or_above_standard"


def test_a_tier_table_not_yet_in_force_is_refused():
    home = household(1, 1, "100")
    future = tier_table(effective_from=date(2026, 4, 1))

    with pytest.raises(PolicyError):
        dibao_benefit(home, STANDARD_900, confirmed_on=date(2026, 3, 31), tiers=future)


@pytest.mark.parametrize(
    "tiers",
    [
        (),
        (DibaoTier(Money.yuan("300"), Money.yuan("700")),),
        (DibaoTier(None, Money.yuan("700")), DibaoTier(None, Money.yuan("100"))),
        (
            DibaoTier(Money.yuan("600"), Money.yuan("700")),
            DibaoTier(Money.yuan("300"), Money.yuan("400")),
            DibaoTier(None, Money.yuan("100")),
        ),
    ],
    ids=["empty", "no_open_top_tier", "two_open_tiers", "bounds_descending"],
)
def test_an_inconsistent_tier_table_is_refused(tiers):
    with pytest.raises(PolicyError):
        DibaoTierTable(tiers=tiers, source=SAMPLE, effective_from=date(2026, 1, 1))


# -- ratios in integers -------------------------------------------------------------------


def test_a_ratio_rounds_half_up_or_down_as_it_is_told():
    amount = Money(5)  # 5 x 1/2 = 2.5 fen

    assert (Ratio(1, 2).of(amount, Rounding.HALF_UP), Ratio(1, 2).of(amount, Rounding.DOWN)) == (
        Money(3),
        Money(2),
    )


@pytest.mark.parametrize(("numerator", "denominator"), [(-1, 3), (2, 0), (2, -3)])
def test_a_negative_or_undefined_ratio_is_refused(numerator, denominator):
    with pytest.raises(InvalidValue):
        Ratio(numerator, denominator)


# -- tekun: the care level ----------------------------------------------------------------


def test_a_person_who_does_all_six_items_alone_is_self_reliant():
    level = care_level(items_failing())

    assert level is CareLevel.SELF_RELIANT


@pytest.mark.parametrize("item", ITEMS)
def test_failing_any_single_item_makes_a_person_partly_dependent(item):
    level = care_level(items_failing(item))

    assert level is CareLevel.PARTLY_DEPENDENT


def test_three_failed_items_are_still_partly_dependent():
    level = care_level(items_failing("eating", "toilet", "bathing"))

    assert level is CareLevel.PARTLY_DEPENDENT


def test_four_failed_items_make_a_person_fully_dependent():
    level = care_level(items_failing("eating", "toilet", "bathing", "dressing"))

    assert level is CareLevel.FULLY_DEPENDENT


def test_a_person_who_does_none_of_the_six_items_alone_is_fully_dependent():
    level = care_level(items_failing(*ITEMS))

    assert level is CareLevel.FULLY_DEPENDENT


def test_care_levels_have_chinese_labels():
    labels = [level.label for level in CareLevel]

    assert labels == ["全自理", "半护理", "全护理"]


def test_a_self_care_item_left_unanswered_is_refused_naming_it():
    answers: dict[str, object] = dict.fromkeys(ITEMS, True) | {"toilet": None}

    with pytest.raises(InvalidValue) as caught:
        SelfCareItems(**answers)  # type: ignore[arg-type]

    assert caught.value.field == "toilet"


_ORDER = list(CareLevel)


@given(
    failed=st.sets(st.sampled_from(ITEMS)),
    one_more=st.sampled_from(ITEMS),
)
def test_failing_one_more_item_never_lowers_the_care_level(failed, one_more):
    before = care_level(items_failing(*failed))

    after = care_level(items_failing(*failed, one_more))

    assert _ORDER.index(after) >= _ORDER.index(before)


# -- tekun: the amount --------------------------------------------------------------------


def standards() -> TekunStandards:
    return TekunStandards(
        basic_living_ratio=Ratio(13, 10),
        basic_living_source=SAMPLE,
        care=(
            CareStandard(CareLevel.SELF_RELIANT, Money.yuan("100"), SAMPLE),
            CareStandard(CareLevel.PARTLY_DEPENDENT, Money.yuan("300"), SAMPLE),
            CareStandard(CareLevel.FULLY_DEPENDENT, Money.yuan("600"), SAMPLE),
        ),
    )


def test_tekun_pays_basic_living_plus_the_care_amount_of_the_level():
    # 900 x 1.3 = 1170, plus 300 for partly dependent
    decision = tekun_benefit(
        items_failing("dressing"), standards(), STANDARD_900, confirmed_on=CONFIRMED
    )

    assert (decision.service, decision.monthly, decision.code) == (
        Service.TEKUN,
        Money.yuan("1470"),
        "tekun_basic_living_plus_care",
    )


def test_the_basic_living_multiple_is_rounded_half_up_to_the_fen():
    # 901.05 x 13/10 = 1171.365 yuan
    standard = DatedAmount(date(2026, 1, 1), Money.yuan("901.05"), SAMPLE)

    decision = tekun_benefit(items_failing(), standards(), standard, confirmed_on=CONFIRMED)

    assert decision.monthly == Money.yuan("1171.37") + Money.yuan("100")


def test_the_tekun_lines_name_the_level_and_each_failed_item():
    decision = tekun_benefit(
        items_failing("toilet", "dressing"), standards(), STANDARD_900, confirmed_on=CONFIRMED
    )

    assert values(decision.lines, "照料护理等级") == ["半护理（2项不能自理）"]
    assert values(decision.lines, "不能自理项目") == ["穿衣", "如厕"]


def test_tekun_confirmed_on_31_december_is_paid_from_january():
    decision = tekun_benefit(
        items_failing(), standards(), STANDARD_900, confirmed_on=date(2026, 12, 31)
    )

    assert decision.starts_on == date(2027, 1, 1)


def test_tekun_standards_without_an_amount_for_every_level_are_refused():
    with pytest.raises(PolicyError):
        TekunStandards(
            basic_living_ratio=Ratio(13, 10),
            basic_living_source=SAMPLE,
            care=(CareStandard(CareLevel.SELF_RELIANT, Money.yuan("100"), SAMPLE),),
        )


def test_the_shipped_tekun_amounts_are_samples_the_county_must_confirm():
    tekun = default_benefit_parameters().tekun

    sources = [tekun.basic_living_source, *(c.source for c in tekun.care)]

    assert all(s.tag == "?" and "须由县级民政部门" in s.note for s in sources)
