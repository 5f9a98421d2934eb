"""The benefit figures the product ships that are not set per region.

Each carries its POLICY-FACTS tag. POLICY-FACTS gives no tekun amounts: the figures
here are sample values tagged "?" that a county must replace with its own. Like
`default_policy()`, `default_benefit_parameters()` builds fresh objects on every call.
"""

from __future__ import annotations

from datetime import date

from domain.benefits import (
    BenefitParameters,
    CareLevel,
    CareLevelRule,
    CareStandard,
    InsuranceSubsidyRule,
    NursingLevelMap,
    Ratio,
    RetirementRule,
    RetirementSchedule,
    TekunStandards,
)
from domain.identity import Sex
from domain.money import Money
from domain.policy import Source

_COUNTY_MUST_CONFIRM = "示例数值，POLICY-FACTS 未给出，须由县级民政部门按当地公布标准确认"

_RETIREMENT_DECISION = (
    "《全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定》（2024年9月13日）"
    "及所附《国务院关于渐进式延迟职工退休年龄的办法》"
)
_INSURANCE_MEASURES = (
    "《就业补助资金管理办法》（财社〔2023〕181号）；"
    "《山东省就业补助资金管理办法》（鲁财社〔2024〕56号）；POLICY-FACTS 社会保险补贴"
)


def default_benefit_parameters() -> BenefitParameters:
    """The shipped benefit parameters: a new object graph on every call."""
    return BenefitParameters(
        tekun=_tekun(),
        nursing_levels=_nursing_levels(),
        retirement=_retirement(),
        insurance=_insurance(),
    )


def _tekun() -> TekunStandards:
    sample = Source("特困人员照料护理标准（示例）", "?", _COUNTY_MUST_CONFIRM)
    return TekunStandards(
        basic_living_ratio=Ratio(13, 10),
        basic_living_source=Source(
            "特困人员基本生活标准：当地低保标准的1.3倍（常见做法）", "?", _COUNTY_MUST_CONFIRM
        ),
        care=(
            CareStandard(CareLevel.SELF_RELIANT, Money.yuan("100"), sample),
            CareStandard(CareLevel.PARTLY_DEPENDENT, Money.yuan("300"), sample),
            CareStandard(CareLevel.FULLY_DEPENDENT, Money.yuan("600"), sample),
        ),
        care_rule=CareLevelRule(
            partly_from_failed=1,
            fully_from_failed=4,
            source=Source("POLICY-FACTS 特困人员：六项自理能力，1至3项不能自理为半护理", "SD"),
        ),
    )


def _nursing_levels() -> NursingLevelMap:
    return NursingLevelMap(
        pairs=((0, 0), (1, 1), (2, 2), (3, 3), (4, 3)),
        source=Source(
            "GB/T 42195-2022 与 MZ/T 039-2013 等级对应（推定）",
            "?",
            "完全失能按重度失能计；对应关系须由省级民政部门确认",
        ),
    )


def _retirement() -> RetirementRule:
    source = Source(
        _RETIREMENT_DECISION, "N", "自2025年1月1日起施行；自愿弹性提前或延迟退休不在此计算"
    )
    return RetirementRule(
        schedules=(
            RetirementSchedule(
                category="male",
                sex=Sex.MALE,
                original_years=60,
                first_birth_month=date(1965, 1, 1),
                birth_months_per_step=4,
                cap_months=36,
                source=source,
            ),
            RetirementSchedule(
                category="female_cadre",
                sex=Sex.FEMALE,
                original_years=55,
                first_birth_month=date(1970, 1, 1),
                birth_months_per_step=4,
                cap_months=36,
                source=source,
            ),
            RetirementSchedule(
                category="female_worker",
                sex=Sex.FEMALE,
                original_years=50,
                first_birth_month=date(1975, 1, 1),
                birth_months_per_step=2,
                cap_months=60,
                source=source,
            ),
        ),
    )


def _insurance() -> InsuranceSubsidyRule:
    return InsuranceSubsidyRule(
        share=Ratio(2, 3),
        max_years=3,
        until_retirement_within_years=5,
        source=Source(_INSURANCE_MEASURES, "N"),
    )
