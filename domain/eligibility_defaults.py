"""The eligibility figures the product ships, each with the tag POLICY-FACTS.md gives it.

A region passes its own `EligibilityParameters` (a city adds its own employment-difficulty
categories as `city_categories`); `default_eligibility_parameters()` builds fresh objects
on every call, so one caller's changes never reach another.
"""

from __future__ import annotations

from domain.eligibility import (
    DIBAO_RECIPIENT,
    DISABILITY_CARD_HOLDER,
    LONG_TERM_UNEMPLOYED,
    OLDER_MAN,
    OLDER_WOMAN,
    DifficultyCategory,
    EligibilityParameters,
)
from domain.policy import AgeRule, Source

_TEKUN = "鲁民〔2021〕45号；POLICY-FACTS 特困人员救助供养"
_UNEMPLOYMENT = "鲁人社字〔2020〕39号；POLICY-FACTS 失业登记"
_DIFFICULTY = "山东省就业促进条例 第四十二条；POLICY-FACTS 就业困难人员认定"


def default_eligibility_parameters() -> EligibilityParameters:
    """The shipped figures: a new object graph on every call."""
    difficulty = Source(_DIFFICULTY, "SD")
    women, men = AgeRule(40, True, difficulty), AgeRule(50, True, difficulty)
    unemployed_months = 12
    return EligibilityParameters(
        working_age=AgeRule(16, True, Source(_UNEMPLOYMENT, "N", "年满16周岁至领取养老金前")),
        tekun_elderly_age=AgeRule(60, True, Source(_TEKUN, "N", "年满60周岁")),
        tekun_child_age=AgeRule(16, True, Source(_TEKUN, "N", "未满16周岁")),
        minor_until_age=18,
        minor_source=Source(f"{_TEKUN}：2020 起未成年人延至18周岁", "N"),
        tekun_disability_grades={"智力": 3, "精神": 3, "肢体": 2, "视力": 1},
        tekun_disability_source=Source(
            _TEKUN, "N", "智力、精神残疾一至三级；肢体残疾一、二级；视力残疾一级"
        ),
        tekun_source=Source(_TEKUN, "N", "无劳动能力、无生活来源、无履行能力的义务人，同时具备"),
        older_woman_age=women,
        older_man_age=men,
        long_term_unemployed_months=unemployed_months,
        long_term_unemployed_source=Source(
            _DIFFICULTY, "SD", "连续失业一年以上；一年按12个月计（民法典 第二百零二条）"
        ),
        difficulty_categories=_province_categories(women, men, unemployed_months, difficulty),
        difficulty_source=Source(_DIFFICULTY, "SD", "已办理失业登记，且属于所列情形之一"),
        refusal_wait_months=6,
        refusal_wait_source=Source(
            "POLICY-FACTS 最低生活保障", "SD", "不予批准后6个月内再次申请，须情况发生变化"
        ),
    )


def _province_categories(
    women: AgeRule, men: AgeRule, unemployed_months: int, source: Source
) -> tuple[DifficultyCategory, ...]:
    """The list of 第四十二条 in its order; the city's own come after it."""

    def category(code: str, label: str, *, declared: bool) -> DifficultyCategory:
        return DifficultyCategory(code, label, source, declared)

    return (
        category(OLDER_WOMAN, f"女性年满{women.years}周岁", declared=False),
        category(OLDER_MAN, f"男性年满{men.years}周岁", declared=False),
        category("zero_employment_urban_household", "城镇零就业家庭成员", declared=True),
        category("rural_household_none_transferred", "农村零转移就业家庭成员", declared=True),
        category("single_parent_of_minor", "抚养未成年子女的单亲家庭成员", declared=True),
        category(DIBAO_RECIPIENT, "最低生活保障对象", declared=False),
        category(DISABILITY_CARD_HOLDER, "持有残疾人证", declared=False),
        category(LONG_TERM_UNEMPLOYED, f"连续失业{unemployed_months}个月以上", declared=False),
        category("landless", "失去土地的农村劳动者", declared=True),
    )
