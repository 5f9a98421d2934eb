"""Benefit amounts in fen, each with the computation that explains it (issue 3).

These functions compute and explain; they never decide. The caller passes the
parameters in force on the decision date, an officer takes the decision (P14), and
the `BenefitDecision` is stored with it so that the notice can print every step.
Money is multiplied by ratios in integers with a named rounding, never with floats.

Dates: `starts_on` is the first day paid; every end date here is the last day
covered (inclusive), as a notice prints it ("至2029年3月14日").
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise

from attrs import field, frozen

from domain.ages import age_on, birthday_in
from domain.errors import InvalidValue, PolicyError
from domain.identity import Sex
from domain.money import Money
from domain.policy import AgeBand, DatedAmount, Source
from domain.services import Service

# -- results ---------------------------------------------------------------------------


@frozen
class ComputationLine:
    """One explained step of a computation, printed as "label：value" on a notice."""

    label: str
    value: str
    source: Source | None = None


@frozen
class BenefitDecision:
    """A computed monthly amount with its explanation; stored with the officer's decision.

    `code` is the stable reason code of the outcome; `note` a Chinese sentence for the
    notice where the outcome needs one (a zero amount, the higher subsidy kept).
    """

    service: Service
    monthly: Money
    starts_on: date
    ends_on: date | None
    lines: tuple[ComputationLine, ...]
    code: str
    note: str = ""


@frozen
class SubsidyAmount:
    """A one-off amount (not monthly) with its explanation, e.g. an insurance subsidy."""

    service: Service
    amount: Money
    lines: tuple[ComputationLine, ...]
    code: str


def payment_start(confirmed_on: date) -> date:
    """The first day of the month after confirmation: paid from the next month (自确认次月起)."""
    if confirmed_on.month == 12:
        return date(confirmed_on.year + 1, 1, 1)
    return date(confirmed_on.year, confirmed_on.month + 1, 1)


class Rounding(StrEnum):
    """How a quotient becomes whole fen."""

    DOWN = "down"  # 舍去不足1分的部分: for "at most" amounts
    HALF_UP = "half_up"  # 四舍五入到分

    @property
    def label(self) -> str:
        """The Chinese phrase a computation line shows."""
        return "不足1分的部分舍去" if self is Rounding.DOWN else "四舍五入到分"


def _whole(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(name, "须为整数", code=f"invalid_{name}")
    return value


def _divide(numerator: int, denominator: int, rounding: Rounding) -> int:
    """numerator / denominator in whole units, both non-negative, denominator positive."""
    if rounding is Rounding.DOWN:
        return numerator // denominator
    return (2 * numerator + denominator) // (2 * denominator)


@frozen
class Ratio:
    """A non-negative fraction applied to money in integers: Ratio(2, 3), Ratio(13, 10)."""

    numerator: int
    denominator: int

    def __attrs_post_init__(self) -> None:
        if _whole("numerator", self.numerator) < 0:
            raise InvalidValue("numerator", "比例不能为负数", code="invalid_ratio")
        if _whole("denominator", self.denominator) <= 0:
            raise InvalidValue("denominator", "比例的分母须为正整数", code="invalid_ratio")

    def of(self, amount: Money, rounding: Rounding) -> Money:
        """amount x numerator / denominator, rounded to the fen as `rounding` says."""
        if amount.fen < 0:
            raise InvalidValue("amount", "按比例计算的金额不能为负数", code="invalid_amount")
        return Money(_divide(amount.fen * self.numerator, self.denominator, rounding))

    def exceeds_one(self) -> bool:
        """Whether the ratio is more than the whole (a share above 100 %)."""
        return self.numerator > self.denominator

    def __str__(self) -> str:
        return f"{self.numerator}/{self.denominator}"


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _start_line(starts_on: date) -> ComputationLine:
    return ComputationLine("发放起始日期（自确认次月起）", _day(starts_on))


def _require_in_force(what: str, effective_from: date, confirmed_on: date) -> None:
    if effective_from > confirmed_on:
        raise PolicyError(
            f"{what} effective from {effective_from} is not yet in force on {confirmed_on}"
        )


# -- 最低生活保障 (dibao) -----------------------------------------------------------------


@frozen
class DibaoHousehold:
    """The household as the dibao computation counts it: members living together,
    members covered (保障人数) and the household's monthly income."""

    members: int
    covered: int
    monthly_income: Money

    def __attrs_post_init__(self) -> None:
        if _whole("members", self.members) < 1:
            raise InvalidValue("members", "家庭成员人数至少为1人", code="invalid_members")
        if not 1 <= _whole("covered", self.covered) <= self.members:
            raise InvalidValue(
                "covered", "保障人数须在1人至家庭成员人数之间", code="invalid_covered"
            )
        if self.monthly_income.fen < 0:
            raise InvalidValue("monthly_income", "家庭月收入不能为负数", code="invalid_income")

    @property
    def income_per_member(self) -> Money:
        """Monthly income per member: the exact quotient, rounded half up to the fen."""
        return Money(_divide(self.monthly_income.fen, self.members, Rounding.HALF_UP))


@frozen
class DibaoTier:
    """One tier: households whose income per member is at most the bound get this amount
    per covered person; a bound of None is the open top tier."""

    up_to_income_per_member: Money | None
    monthly_per_person: Money


def _check_tiers(_instance: object, _attribute: object, tiers: tuple[DibaoTier, ...]) -> None:
    if not tiers or tiers[-1].up_to_income_per_member is not None:
        raise PolicyError("a dibao tier table ends with an open tier (no upper bound)")
    bounds = [t.up_to_income_per_member for t in tiers[:-1]]
    if any(b is None for b in bounds):
        raise PolicyError("only the last dibao tier may be open")
    fen = [b.fen for b in bounds if b is not None]
    if fen != sorted(set(fen)) or any(f < 0 for f in fen):
        raise PolicyError("dibao tier bounds must be non-negative and strictly ascending")
    if any(t.monthly_per_person.fen < 0 for t in tiers):
        raise PolicyError("a dibao tier pays a non-negative amount")


@frozen
class DibaoTierTable:
    """A region's tiered dibao table (分档发放), ascending by income bound, bounds included."""

    tiers: tuple[DibaoTier, ...] = field(validator=_check_tiers)
    source: Source
    effective_from: date

    def tier_for(self, income_per_member: Money) -> DibaoTier:
        """The first tier whose bound is at or above the income (the open tier otherwise)."""
        return next(
            t
            for t in self.tiers
            if t.up_to_income_per_member is None or income_per_member <= t.up_to_income_per_member
        )


def _tier_text(tier: DibaoTier) -> str:
    if tier.up_to_income_per_member is None:
        return f"最高档，每人每月{tier.monthly_per_person}"
    return f"人均月收入不超过{tier.up_to_income_per_member}，每人每月{tier.monthly_per_person}"


def dibao_benefit(
    household: DibaoHousehold,
    standard: DatedAmount,
    *,
    confirmed_on: date,
    tiers: DibaoTierTable | None = None,
) -> BenefitDecision:
    """The monthly dibao: (standard - income per member) x covered, or the tier's amount
    x covered; 0 when income per member is at or above the standard (an officer decides)."""
    _require_in_force("dibao standard", standard.effective_from, confirmed_on)
    per_member = household.income_per_member
    starts_on = payment_start(confirmed_on)
    lines = [
        ComputationLine("当地低保标准（每人每月）", str(standard.amount), standard.source),
        ComputationLine("家庭月收入", str(household.monthly_income)),
        ComputationLine("共同生活家庭成员", f"{household.members}人"),
        ComputationLine(f"人均月收入（{Rounding.HALF_UP.label}）", str(per_member)),
    ]
    if per_member >= standard.amount:
        lines.append(ComputationLine("月保障金额", str(Money.zero())))
        return BenefitDecision(
            service=Service.DIBAO,
            monthly=Money.zero(),
            starts_on=starts_on,
            ends_on=None,
            lines=tuple(lines),
            code="dibao_income_at_or_above_standard",
            note="家庭人均月收入不低于当地低保标准，按标准计算的保障金额为0元；"
            "是否批准由审核确认人员决定。",
        )
    if tiers is None:
        per_person = standard.amount - per_member
        lines.append(ComputationLine("每人每月差额（标准减人均月收入）", str(per_person)))
        code = "dibao_gap_times_covered"
    else:
        _require_in_force("dibao tier table", tiers.effective_from, confirmed_on)
        tier = tiers.tier_for(per_member)
        per_person = tier.monthly_per_person
        lines.append(ComputationLine("分档标准", _tier_text(tier), tiers.source))
        code = "dibao_tier_times_covered"
    monthly = per_person * household.covered
    lines += [
        ComputationLine("保障人数", f"{household.covered}人"),
        ComputationLine("月保障金额", str(monthly)),
        _start_line(starts_on),
    ]
    return BenefitDecision(
        service=Service.DIBAO,
        monthly=monthly,
        starts_on=starts_on,
        ends_on=None,
        lines=tuple(lines),
        code=code,
    )


# -- 特困人员救助供养 (tekun) --------------------------------------------------------------


class CareLevel(StrEnum):
    """A tekun care level (照料护理等级), fixed at confirmation from the six self-care items."""

    SELF_RELIANT = "self_reliant"  # 全自理
    PARTLY_DEPENDENT = "partly_dependent"  # 半护理
    FULLY_DEPENDENT = "fully_dependent"  # 全护理

    @property
    def label(self) -> str:
        """The Chinese name staff and applicants read."""
        return _CARE_LEVEL_LABELS[self]


_CARE_LEVEL_LABELS = {
    CareLevel.SELF_RELIANT: "全自理",
    CareLevel.PARTLY_DEPENDENT: "半护理",
    CareLevel.FULLY_DEPENDENT: "全护理",
}

# The six self-care items (生活自理能力六项) by code, in the order forms list them.
SELF_CARE_LABELS = {
    "eating": "吃饭",
    "dressing": "穿衣",
    "getting_out_of_bed": "上下床",
    "toilet": "如厕",
    "walking_indoors": "室内行走",
    "bathing": "洗澡",
}


@frozen
class SelfCareItems:
    """The six self-care items (生活自理能力); True means the person does it alone."""

    eating: bool
    dressing: bool
    getting_out_of_bed: bool
    toilet: bool
    walking_indoors: bool
    bathing: bool

    def __attrs_post_init__(self) -> None:
        for name in SELF_CARE_LABELS:
            if not isinstance(getattr(self, name), bool):
                raise InvalidValue(name, "须填写能否自理（是或否）", code="invalid_self_care_item")

    def failed(self) -> tuple[str, ...]:
        """The codes (field names) of the items the person cannot do alone, in the fixed
        order; `SELF_CARE_LABELS` gives their Chinese names."""
        return tuple(name for name in SELF_CARE_LABELS if not getattr(self, name))


_CARE_LEVEL_SOURCE = Source("POLICY-FACTS 特困人员：六项自理能力", "SD")


@frozen
class CareLevelRule:
    """How many failed items make a person partly or fully dependent (both bounds included)."""

    partly_from_failed: int = 1
    fully_from_failed: int = 4
    source: Source = _CARE_LEVEL_SOURCE

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.partly_from_failed < self.fully_from_failed <= len(SELF_CARE_LABELS):
            raise PolicyError("care level thresholds must satisfy 1 <= partly < fully <= 6")


def care_level(items: SelfCareItems, rule: CareLevelRule | None = None) -> CareLevel:
    """The care level: all six done alone is self-reliant, one to three failed partly
    dependent, four or more fully dependent (POLICY-FACTS; `rule` may move the bounds)."""
    if rule is None:
        rule = CareLevelRule()
    failed = len(items.failed())
    if failed >= rule.fully_from_failed:
        return CareLevel.FULLY_DEPENDENT
    if failed >= rule.partly_from_failed:
        return CareLevel.PARTLY_DEPENDENT
    return CareLevel.SELF_RELIANT


@frozen
class CareStandard:
    """The monthly care amount (照料护理标准) for one care level."""

    level: CareLevel
    monthly: Money
    source: Source


def _check_care(_instance: object, _attribute: object, care: tuple[CareStandard, ...]) -> None:
    levels = [c.level for c in care]
    if sorted(levels) != sorted(CareLevel):
        raise PolicyError("tekun care standards need exactly one amount per care level")
    if any(c.monthly.fen < 0 for c in care):
        raise PolicyError("a tekun care amount is non-negative")


@frozen
class TekunStandards:
    """Tekun amounts: basic living as a multiple of the local dibao standard (rounded half
    up to the fen), plus a care amount per care level."""

    basic_living_ratio: Ratio
    basic_living_source: Source
    care: tuple[CareStandard, ...] = field(validator=_check_care)
    care_rule: CareLevelRule = CareLevelRule()

    def care_for(self, level: CareLevel) -> CareStandard:
        """The care standard of `level` (the validator guarantees there is one)."""
        return next(c for c in self.care if c.level is level)


def tekun_benefit(
    items: SelfCareItems,
    standards: TekunStandards,
    dibao_standard: DatedAmount,
    *,
    confirmed_on: date,
) -> BenefitDecision:
    """Monthly tekun support: basic living (dibao standard x ratio) plus the care amount
    of the level the six items give; the lines name each item failed."""
    _require_in_force("dibao standard", dibao_standard.effective_from, confirmed_on)
    failed = items.failed()
    level = care_level(items, standards.care_rule)
    rounding = Rounding.HALF_UP
    basic = standards.basic_living_ratio.of(dibao_standard.amount, rounding)
    care = standards.care_for(level)
    monthly = basic + care.monthly
    starts_on = payment_start(confirmed_on)
    lines = [
        ComputationLine(
            "照料护理等级", f"{level.label}（{len(failed)}项不能自理）", standards.care_rule.source
        ),
        *(ComputationLine("不能自理项目", SELF_CARE_LABELS[item]) for item in failed),
        ComputationLine(
            "当地低保标准（每人每月）", str(dibao_standard.amount), dibao_standard.source
        ),
        ComputationLine(
            f"基本生活标准（低保标准×{standards.basic_living_ratio}，{rounding.label}）",
            str(basic),
            standards.basic_living_source,
        ),
        ComputationLine(f"照料护理标准（{level.label}）", str(care.monthly), care.source),
        ComputationLine("月供养金额", str(monthly)),
        _start_line(starts_on),
    ]
    return BenefitDecision(
        service=Service.TEKUN,
        monthly=monthly,
        starts_on=starts_on,
        ends_on=None,
        lines=tuple(lines),
        code="tekun_basic_living_plus_care",
    )


# -- 经济困难老年人生活补贴 (elderly living subsidy) ---------------------------------------


def _sorted_bands(bands: tuple[AgeBand, ...]) -> tuple[AgeBand, ...]:
    ordered = tuple(sorted(bands, key=lambda b: b.from_age))
    if any(b.from_age > b.to_age for b in ordered):
        raise PolicyError("an age band ends before it starts")
    if any(a.to_age >= b.from_age for a, b in pairwise(ordered)):
        raise PolicyError("elderly age bands overlap")
    return ordered


def _years_after(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 1 March in a common year."""
    return birthday_in(day, day.year + years)


def _last_day_in_bands(birth: date, band: AgeBand, ordered: tuple[AgeBand, ...]) -> date:
    """The day before the birthday on which the person leaves the run of adjacent bands."""
    top = band.to_age
    for later in ordered:
        if later.from_age == top + 1:
            top = later.to_age
    return _years_after(birth, top + 1) - timedelta(days=1)


def _band_text(band: AgeBand) -> str:
    return f"{band.from_age}至{band.to_age}周岁"


def elderly_living_benefit(
    birth: date, on: date, bands: tuple[AgeBand, ...], *, confirmed_on: date
) -> BenefitDecision | None:
    """The living subsidy of the band the age (周岁) on `on` falls in, or None outside all
    bands; `ends_on` is the last day before the age leaves the bands (the 100th birthday)."""
    ordered = _sorted_bands(bands)
    if on < birth:
        raise InvalidValue("birth", "出生日期晚于计算日期", code="invalid_birth_date")
    age = age_on(birth, on)
    band = next((b for b in ordered if b.contains(age)), None)
    if band is None:
        return None
    starts_on = payment_start(confirmed_on)
    ends_on = _last_day_in_bands(birth, band, ordered)
    lines = (
        ComputationLine(f"年龄（{_day(on)}）", f"{age}周岁"),
        ComputationLine("补贴档次", _band_text(band), band.source),
        ComputationLine("月补贴金额", str(band.monthly), band.source),
        _start_line(starts_on),
        ComputationLine("按年龄可享受至", _day(ends_on)),
    )
    return BenefitDecision(
        service=Service.ELDERLY_LIVING,
        monthly=band.monthly,
        starts_on=starts_on,
        ends_on=ends_on,
        lines=lines,
        code="elderly_living_age_band",
    )


def elderly_band_changes(
    birth: date, from_day: date, bands: tuple[AgeBand, ...]
) -> tuple[tuple[date, AgeBand], ...]:
    """The birthdays after `from_day` on which the person enters a band, with that band
    (the 80th and 90th by default); 29 February birthdays count on 1 March in common years."""
    return tuple(
        (day, band)
        for band in _sorted_bands(bands)
        if (day := _years_after(birth, band.from_age)) > from_day
    )


# -- 经济困难老年人护理补贴 (elderly nursing subsidy) --------------------------------------

MZT_039_2013 = "MZ/T 039-2013"
GBT_42195_2022 = "GB/T 42195-2022"

MZT_LEVEL_LABELS = {0: "能力完好", 1: "轻度失能", 2: "中度失能", 3: "重度失能"}
GBT_LEVEL_LABELS = {0: "能力完好", 1: "轻度失能", 2: "中度失能", 3: "重度失能", 4: "完全失能"}


def _check_level_map(
    _instance: object, _attribute: object, pairs: tuple[tuple[int, int], ...]
) -> None:
    if sorted(g for g, _ in pairs) != sorted(GBT_LEVEL_LABELS):
        raise PolicyError("the nursing level map needs each GB/T 42195-2022 level 0-4 once")
    if any(m not in MZT_LEVEL_LABELS for _, m in pairs):
        raise PolicyError("the nursing level map points only at MZ/T 039-2013 levels 0-3")


@frozen
class NursingLevelMap:
    """How a GB/T 42195-2022 level (0-4) reads as an MZ/T 039-2013 level (0-3), the scale
    the qualifying levels are set on; pairs are (GB/T level, MZ/T level)."""

    pairs: tuple[tuple[int, int], ...] = field(validator=_check_level_map)
    source: Source

    def mzt_for(self, gbt_level: int) -> int:
        """The MZ/T level that a GB/T level counts as."""
        return dict(self.pairs)[gbt_level]


def mzt_level(level: int, standard: str, mapping: NursingLevelMap) -> int:
    """An assessed level on the MZ/T 039-2013 scale: MZ/T levels pass through, GB/T
    42195-2022 levels are mapped; any other standard is refused."""
    labels = {MZT_039_2013: MZT_LEVEL_LABELS, GBT_42195_2022: GBT_LEVEL_LABELS}.get(standard)
    if labels is None:
        raise InvalidValue("standard", "未知的老年人能力评估标准", code="unknown_standard")
    if isinstance(level, bool) or level not in labels:
        raise InvalidValue("level", f"{standard}中没有该评估等级", code="invalid_level")
    return level if standard == MZT_039_2013 else mapping.mzt_for(level)


def _levels_text(levels: frozenset[int]) -> str:
    return "、".join(f"{level}级" for level in sorted(levels)) or "无"


def nursing_benefit(
    mzt_level: int,
    qualifying: frozenset[int],
    monthly: Money,
    *,
    confirmed_on: date,
    source: Source | None = None,
) -> BenefitDecision | None:
    """The nursing subsidy for an MZ/T 039-2013 level among `qualifying`, or None; whether
    the severe-disability subsidy is kept instead is `choose_nursing_subsidy`'s answer."""
    if isinstance(mzt_level, bool) or mzt_level not in MZT_LEVEL_LABELS:
        raise InvalidValue("mzt_level", "MZ/T 039-2013中没有该评估等级", code="invalid_level")
    if mzt_level not in qualifying:
        return None
    starts_on = payment_start(confirmed_on)
    lines = (
        ComputationLine(
            f"能力评估等级（{MZT_039_2013}）", f"{mzt_level}级 {MZT_LEVEL_LABELS[mzt_level]}"
        ),
        ComputationLine("可享受护理补贴的等级", _levels_text(qualifying), source),
        ComputationLine("月护理补贴", str(monthly), source),
        _start_line(starts_on),
    )
    return BenefitDecision(
        service=Service.ELDERLY_NURSING,
        monthly=monthly,
        starts_on=starts_on,
        ends_on=None,
        lines=lines,
        code="elderly_nursing_qualifying_level",
    )


@frozen
class NursingChoice:
    """Which of the two nursing subsidies the person keeps (never both), and why."""

    keep: str  # "elderly_nursing" or "severe_disability"
    code: str
    note: str


KEEP_ELDERLY_NURSING = "elderly_nursing"
KEEP_SEVERE_DISABILITY = "severe_disability"
_ELDERLY = "经济困难老年人护理补贴"
_SEVERE = "重度残疾人护理补贴"


def choose_nursing_subsidy(
    elderly_monthly: Money, severe_disability_monthly: Money | None
) -> NursingChoice:
    """The higher of the two is kept; a tie keeps the severe-disability subsidy the person
    already receives, and so does an unknown amount (fail closed: never both)."""
    never_both = "两项补贴不同时享受"
    if severe_disability_monthly is None:
        return NursingChoice(
            keep=KEEP_SEVERE_DISABILITY,
            code="nursing_severe_amount_unknown",
            note=f"{never_both}。残疾人登记未提供{_SEVERE}金额，无法比较高低，"
            f"继续享受已领取的{_SEVERE}，不发放{_ELDERLY}；金额核实后可重新比较。",
        )
    amounts = f"{_ELDERLY}每月{elderly_monthly}，{_SEVERE}每月{severe_disability_monthly}"
    if elderly_monthly > severe_disability_monthly:
        return NursingChoice(
            keep=KEEP_ELDERLY_NURSING,
            code="nursing_elderly_higher",
            note=f"{never_both}，按较高者享受：{amounts}，享受{_ELDERLY}，停发{_SEVERE}。",
        )
    if elderly_monthly == severe_disability_monthly:
        return NursingChoice(
            keep=KEEP_SEVERE_DISABILITY,
            code="nursing_equal_keep_severe",
            note=f"{never_both}：{amounts}，金额相同，继续享受已领取的{_SEVERE}。",
        )
    return NursingChoice(
        keep=KEEP_SEVERE_DISABILITY,
        code="nursing_severe_higher",
        note=f"{never_both}，按较高者享受：{amounts}，继续享受{_SEVERE}。",
    )


# -- 法定退休年龄 (statutory retirement age) ---------------------------------------------


@frozen
class RetirementSchedule:
    """How one category's statutory retirement age rises: from `first_birth_month` on, one
    month more for every `birth_months_per_step` months of birth, at most `cap_months`."""

    category: str
    sex: Sex
    original_years: int
    first_birth_month: date  # the first day of the first birth month affected
    birth_months_per_step: int
    cap_months: int
    source: Source

    def __attrs_post_init__(self) -> None:
        if self.first_birth_month.day != 1:
            raise PolicyError("first_birth_month is the first day of a month")
        if self.birth_months_per_step < 1 or self.cap_months < 0 or self.original_years < 1:
            raise PolicyError("a retirement schedule needs a positive step and age")

    def delay_months(self, birth: date) -> int:
        """Months added to the original age for a person born on `birth` (0 before the
        first affected birth month)."""
        first = self.first_birth_month
        index = (birth.year - first.year) * 12 + birth.month - first.month
        if index < 0:
            return 0
        return min(index // self.birth_months_per_step + 1, self.cap_months)

    def retirement_age(self, birth: date) -> tuple[int, int]:
        """The statutory retirement age as (years, months)."""
        return divmod(self.original_years * 12 + self.delay_months(birth), 12)


def _check_schedules(
    _instance: object, _attribute: object, schedules: tuple[RetirementSchedule, ...]
) -> None:
    categories = [s.category for s in schedules]
    if not categories or len(set(categories)) != len(categories):
        raise PolicyError("a retirement rule has one schedule per category")


@frozen
class RetirementRule:
    """The statutory retirement ages of every category ("male", "female_cadre",
    "female_worker" by default), one schedule each."""

    schedules: tuple[RetirementSchedule, ...] = field(validator=_check_schedules)

    def schedule(self, category: str) -> RetirementSchedule:
        """The schedule of `category`; an unknown category is refused, naming the field."""
        found = next((s for s in self.schedules if s.category == category), None)
        if found is None:
            raise InvalidValue(
                "category", "未知的退休人员类别", code="unknown_retirement_category"
            )
        return found


def _months_after(day: date, months: int) -> date:
    """The same day `months` later; a day the month lacks counts on the 1st of the next."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    try:
        return date(year, month, day.day)
    except ValueError:
        return date(year + month // 12, month % 12 + 1, 1)


def retirement_date(birth: date, sex: Sex, *, rule: RetirementRule, category: str) -> date:
    """The day the person reaches the statutory retirement age ("male", "female_cadre":
    originally 55, "female_worker": originally 50); a category of the other sex is refused."""
    schedule = rule.schedule(category)
    if schedule.sex is not sex:
        raise InvalidValue(
            "category", "退休人员类别与性别不符", code="retirement_category_mismatch"
        )
    years, months = schedule.retirement_age(birth)
    return _months_after(birth, years * 12 + months)


# -- 灵活就业人员社会保险补贴 (flexible-employment insurance subsidy) ----------------------

THREE_YEARS = "three_years"
UNTIL_RETIREMENT = "until_retirement"


@frozen
class InsuranceSubsidyRule:
    """At most `share` of the contributions paid, for `max_years` from first approval, or
    until retirement for a person less than `until_retirement_within_years` from it then."""

    share: Ratio
    max_years: int
    until_retirement_within_years: int
    source: Source

    def __attrs_post_init__(self) -> None:
        if self.share.exceeds_one():
            raise PolicyError("an insurance subsidy share cannot exceed the contributions")
        if self.max_years < 1 or self.until_retirement_within_years < 1:
            raise PolicyError("insurance subsidy periods are positive numbers of years")


def insurance_subsidy_period(
    first_approved_on: date, retirement_on: date, rule: InsuranceSubsidyRule
) -> tuple[date, date, str]:
    """(first day, last day included, reason code): until the day before retirement when
    retirement comes strictly less than 5 years (the rule's figure) after first approval,
    else 3 years (the rule's `max_years`). Anniversaries of 29 February fall on 1 March."""
    if retirement_on <= first_approved_on:
        raise InvalidValue(
            "retirement_on", "首次核定时已达到法定退休年龄", code="retired_at_first_approval"
        )
    last_day = timedelta(days=1)
    if retirement_on < _years_after(first_approved_on, rule.until_retirement_within_years):
        return first_approved_on, retirement_on - last_day, UNTIL_RETIREMENT
    return (
        first_approved_on,
        _years_after(first_approved_on, rule.max_years) - last_day,
        THREE_YEARS,
    )


def insurance_subsidy_amount(
    contributions_paid: Money, rule: InsuranceSubsidyRule
) -> SubsidyAmount:
    """The most the subsidy may pay for `contributions_paid`: share x contributions, rounded
    down to the fen so that it never exceeds the share ("at most")."""
    if contributions_paid.fen < 0:
        raise InvalidValue(
            "contributions_paid", "已缴纳的社会保险费不能为负数", code="invalid_amount"
        )
    rounding = Rounding.DOWN
    amount = rule.share.of(contributions_paid, rounding)
    lines = (
        ComputationLine("已缴纳社会保险费", str(contributions_paid)),
        ComputationLine("补贴比例上限（占已缴费）", str(rule.share), rule.source),
        ComputationLine(f"补贴金额上限（{rounding.label}）", str(amount)),
    )
    return SubsidyAmount(
        service=Service.FLEXIBLE_INSURANCE_SUBSIDY,
        amount=amount,
        lines=lines,
        code="insurance_share_of_contributions",
    )


# -- the bundle -------------------------------------------------------------------------


@frozen
class BenefitParameters:
    """Every benefit figure that is not set per region, each carrying its source."""

    tekun: TekunStandards
    nursing_levels: NursingLevelMap
    retirement: RetirementRule
    insurance: InsuranceSubsidyRule

    def sources(self) -> Iterator[Source]:
        """Every source the bundle cites, so a test or an audit can list them."""
        yield self.tekun.basic_living_source
        yield self.tekun.care_rule.source
        yield from (c.source for c in self.tekun.care)
        yield self.nursing_levels.source
        yield from (s.source for s in self.retirement.schedules)
        yield self.insurance.source
