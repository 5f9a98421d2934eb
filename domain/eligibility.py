"""Eligibility proposals: each condition of a service checked and explained, never decided.

The domain checks what it can from plain inputs (the ID number, registry answers, what
the applicant declares) and answers with a `Proposal`: one `Finding` per condition, a
`Verdict`, and a note that the decision is the officer's (R12, P14). A proposal never
refuses anything; the lifecycle guards and the officer do. An input that is missing
makes a finding "not known" (`met is None`); it is never read as met or as not met.

Periods in months and years follow 民法典 第二百零二条: the period ends on the same day
of the month `n` months later, or on that month's last day when it has no such day
(31 August + 6 months = 28 or 29 February). On that day exactly `n` months have passed:
"within 6 months" includes it and "a year or more" is reached on it, because 以内 and
以上 include the number (民法典 第一千二百五十九条).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from attrs import field, frozen

from domain.ages import age_on
from domain.errors import InvalidValue, PolicyError
from domain.facts import (
    EXCLUSIVE_SERVICES,
    AssistanceRecord,
    DisabilityStatus,
    RecordStatus,
    UnemploymentStatus,
)
from domain.identity import ResidentId, Sex
from domain.policy import AgeRule, Source
from domain.services import Service

CONDITION_RULE = "R1"  # each service is handled according to its regulation
OFFICER_DECIDES = "系统仅作初步判断，由经办人员审核决定。"

_EXCLUSIVE_SOURCE = Source("POLICY-FACTS 特困人员救助供养：低保与特困不同时享受", "?")
_TRAINING_SOURCE = Source(
    "财社〔2023〕181号；鲁财社〔2024〕56号；POLICY-FACTS 职业培训补贴",
    "N",
    "POLICY-FACTS 标为［N］［O］",
)
_APPRAISAL_SOURCE = Source(
    "财社〔2023〕181号；鲁财社〔2024〕56号；POLICY-FACTS 职业技能鉴定补贴",
    "N",
    "POLICY-FACTS 标为［N］［O］",
)
_TEMPORARY_SOURCE = Source(
    "鲁民〔2018〕85号；POLICY-FACTS 临时救助：同一事由一年内救助一次",
    "SD",
    "POLICY-FACTS 标为［SD］［O］",
)
_UNEMPLOYMENT_SOURCE = Source("鲁人社字〔2020〕39号；POLICY-FACTS 失业登记", "N")
_WARNING_SOURCE = Source("work-specification-2021 三.(二)；RULES.md R12", "SD")

# Any run of 15 or 18 characters that looks like a resident ID number is masked.
_ID_LIKE = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9Xx])")
_GRADE_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}


def _masked(text: str) -> str:
    """The text with every ID-like number masked as `ResidentId.masked` does."""
    return _ID_LIKE.sub(lambda m: f"{m[0][:3]}{'*' * (len(m[0]) - 7)}{m[0][-4:]}", text)


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def months_after(day: date, months: int) -> date:
    """The same day of the month `months` later, or that month's last day (民法典 第二百零二条)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month0 + 1, min(day.day, _days_in_month(year, month0 + 1)))


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


# -- findings, verdicts, proposals --


@frozen
class Finding:
    """One condition checked; `met` is None when an input it needs is missing.

    `text` is Chinese, for the officer; any ID-like number in it is masked.
    """

    code: str
    text: str = field(converter=_masked)
    met: bool | None
    rule: str = CONDITION_RULE
    source: Source | None = None


class Verdict(StrEnum):
    """What the findings suggest, for the officer to confirm or overrule."""

    APPEARS_ELIGIBLE = "appears_eligible"
    APPEARS_INELIGIBLE = "appears_ineligible"
    NEEDS_INFORMATION = "needs_information"

    @property
    def label(self) -> str:
        """The Chinese label staff read."""
        return _VERDICT_LABELS[self]


_VERDICT_LABELS = {
    Verdict.APPEARS_ELIGIBLE: "初步符合条件",
    Verdict.APPEARS_INELIGIBLE: "初步不符合条件",
    Verdict.NEEDS_INFORMATION: "信息不全，需人工核实",
}


def verdict_of(findings: Iterable[Finding]) -> Verdict:
    """Ineligible if any condition is not met; else needs information if any is unknown."""
    states = {finding.met for finding in findings}
    if False in states:
        return Verdict.APPEARS_INELIGIBLE
    if None in states:
        return Verdict.NEEDS_INFORMATION
    return Verdict.APPEARS_ELIGIBLE


def _says_officer_decides(_instance: object, _attribute: object, note: str) -> None:
    if OFFICER_DECIDES not in note:
        raise InvalidValue("note", "初步判断须注明由经办人员审核决定", code="proposal_note")


@frozen
class Proposal:
    """The proposal for one service: each condition it requires, checked and explained.

    The verdict must follow from the findings (build it with `Proposal.of`); it never refuses.
    """

    service: Service
    verdict: Verdict
    findings: tuple[Finding, ...]
    category: str | None = None
    note: str = field(default=OFFICER_DECIDES, converter=_masked, validator=_says_officer_decides)

    def __attrs_post_init__(self) -> None:
        if not self.findings:
            raise InvalidValue("findings", "初步判断至少包含一项条件", code="proposal_empty")
        if self.verdict is not verdict_of(self.findings):
            raise InvalidValue("verdict", "初步判断结论与各项条件不一致", code="proposal_verdict")

    @classmethod
    def of(
        cls, service: Service, findings: Iterable[Finding], *, category: str | None = None
    ) -> Proposal:
        """A proposal whose verdict is derived from the findings."""
        checked = tuple(findings)
        return cls(service, verdict_of(checked), checked, category)

    @property
    def missing(self) -> tuple[Finding, ...]:
        """The conditions that cannot be checked until an input is supplied."""
        return tuple(f for f in self.findings if f.met is None)

    @property
    def unmet(self) -> tuple[Finding, ...]:
        """The conditions that appear not to be met."""
        return tuple(f for f in self.findings if f.met is False)


# -- parameters --


@frozen
class DifficultyCategory:
    """A category of employment difficulty (就业困难人员类别).

    `declared`: it rests on what the applicant declares with material, not on data the
    system holds; only such a category can be met by a declaration.
    """

    code: str
    label: str
    source: Source
    declared: bool


# Categories the system evaluates from its own inputs; every other one is declared.
OLDER_WOMAN = "older_woman"
OLDER_MAN = "older_man"
DIBAO_RECIPIENT = "dibao_recipient"
DISABILITY_CARD_HOLDER = "disability_card_holder"
LONG_TERM_UNEMPLOYED = "long_term_unemployed"
EVALUATED_CATEGORIES = frozenset(
    {OLDER_WOMAN, OLDER_MAN, DIBAO_RECIPIENT, DISABILITY_CARD_HOLDER, LONG_TERM_UNEMPLOYED}
)


def _frozen_grades(grades: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(grades))


@frozen
class EligibilityParameters:
    """Every figure the proposals use, each with its source; a region passes its own.

    `tekun_disability_grades`: category (智力, 肢体 ...) -> worst grade counting as unable to work.
    """

    working_age: AgeRule
    tekun_elderly_age: AgeRule
    tekun_child_age: AgeRule
    minor_until_age: int
    minor_source: Source
    tekun_disability_grades: Mapping[str, int] = field(converter=_frozen_grades)
    tekun_disability_source: Source
    tekun_source: Source
    older_woman_age: AgeRule
    older_man_age: AgeRule
    long_term_unemployed_months: int
    long_term_unemployed_source: Source
    difficulty_categories: tuple[DifficultyCategory, ...]
    difficulty_source: Source
    refusal_wait_months: int
    refusal_wait_source: Source
    city_categories: tuple[DifficultyCategory, ...] = ()

    def __attrs_post_init__(self) -> None:
        if any(not 1 <= grade <= 4 for grade in self.tekun_disability_grades.values()):
            raise PolicyError("disability grades run from 1 to 4")
        if min(self.long_term_unemployed_months, self.refusal_wait_months) < 1:
            raise PolicyError("periods are at least one month")
        if self.minor_until_age < 0:
            raise PolicyError("the minors' age limit cannot be negative")
        codes = [category.code for category in self.categories]
        if len(codes) != len(set(codes)):
            raise PolicyError("each employment-difficulty category code appears once")
        unknown = [
            c.code
            for c in self.categories
            if not c.declared and c.code not in EVALUATED_CATEGORIES
        ]
        if unknown:
            raise PolicyError(f"no data to evaluate categories {unknown}: mark them declared")

    @property
    def categories(self) -> tuple[DifficultyCategory, ...]:
        """The province's categories, then the city's own, in the order they are tried."""
        return self.difficulty_categories + self.city_categories


# -- unemployment registration (失业登记) --

_FORBIDDEN: Mapping[Service, Mapping[str, tuple[str, str, Source]]] = {
    Service.UNEMPLOYMENT_REGISTRATION: {
        "lives_away_from_registered_household": (
            "不因非户籍地居住而拒绝登记：可在常住地办理失业登记。",
            CONDITION_RULE,
            _UNEMPLOYMENT_SOURCE,
        ),
        "household_registered_elsewhere": (
            "不因户籍不在本地而拒绝登记：可在户籍地或常住地办理失业登记。",
            CONDITION_RULE,
            _UNEMPLOYMENT_SOURCE,
        ),
    },
    **{
        service: {
            "check_report_warning": (
                "核对报告的预警本身不是拒绝的理由：须说明不符合的具体条件，申请人可出具有效佐证。",
                "R12",
                _WARNING_SOURCE,
            )
        }
        for service in (Service.DIBAO, Service.TEKUN, Service.TEMPORARY)
    },
}

FORBIDDEN_REFUSAL_REASONS: Mapping[Service, Mapping[str, str]] = MappingProxyType(
    {
        service: MappingProxyType({code: text for code, (text, _, _) in reasons.items()})
        for service, reasons in _FORBIDDEN.items()
    }
)
"""Reason codes an officer may not give to refuse or not accept, with the Chinese why."""


def forbidden_refusal(service: Service, reason: str) -> Finding | None:
    """A not-met finding naming the rule when `reason` may not refuse `service`; else None."""
    entry = _FORBIDDEN.get(service, {}).get(reason)
    if entry is None:
        return None
    text, rule, source = entry
    return Finding(f"forbidden_refusal.{reason}", text, False, rule, source)


def propose_unemployment_registration(
    birth: date, today: date, *, receives_pension: bool | None, params: EligibilityParameters
) -> Proposal:
    """Working age from 16 until a pension is received; where the person lives is no condition."""
    age = age_on(birth, today)
    threshold = params.working_age
    if threshold.is_met(age):
        working_age = Finding(
            "working_age_reached",
            f"年满{threshold.years}周岁（现年{age}周岁）",
            True,
            source=threshold.source,
        )
    else:
        working_age = Finding(
            "working_age_reached",
            f"未满{threshold.years}周岁（现年{age}周岁），尚未到劳动年龄",
            False,
            source=threshold.source,
        )
    pension_texts = {
        None: "是否已领取基本养老金未知，需核实",
        True: "已领取基本养老金，失业登记适用于领取养老金之前",
        False: "未领取基本养老金",
    }
    pension = Finding(
        "not_receiving_pension",
        pension_texts[receives_pension],
        None if receives_pension is None else not receives_pension,
        source=threshold.source,
    )
    return Proposal.of(Service.UNEMPLOYMENT_REGISTRATION, (working_age, pension))


# -- employment difficulty (就业困难人员认定) --

_CATEGORY_PREFIX = "difficulty_category."


@frozen
class _DifficultyInputs:
    age: int
    sex: Sex
    today: date
    registration: UnemploymentStatus
    receives_dibao: bool
    has_disability_card: bool | None
    declared: frozenset[str]
    params: EligibilityParameters


_Evaluation = tuple[bool | None, str]


def _older(sex: Sex, rule: AgeRule, facts: _DifficultyInputs) -> _Evaluation:
    person = f"身份证号码显示为{facts.sex.label}性，现年{facts.age}周岁"
    if facts.sex is not sex:
        return False, f"{person}，不适用{sex.label}性年龄条件"
    if rule.is_met(facts.age):
        return True, f"{person}，年满{rule.years}周岁"
    return False, f"{person}，未满{rule.years}周岁"


def _older_woman(facts: _DifficultyInputs) -> _Evaluation:
    return _older(Sex.FEMALE, facts.params.older_woman_age, facts)


def _older_man(facts: _DifficultyInputs) -> _Evaluation:
    return _older(Sex.MALE, facts.params.older_man_age, facts)


def _dibao_recipient(facts: _DifficultyInputs) -> _Evaluation:
    if facts.receives_dibao:
        return True, "正在享受最低生活保障"
    return False, "未享受最低生活保障"


def _disability_card(facts: _DifficultyInputs) -> _Evaluation:
    texts = {None: "是否持有残疾人证未知，需核实", True: "持有残疾人证", False: "未持有残疾人证"}
    return facts.has_disability_card, texts[facts.has_disability_card]


def _long_term_unemployed(facts: _DifficultyInputs) -> _Evaluation:
    since = facts.registration.registered_on
    months = facts.params.long_term_unemployed_months
    if not facts.registration.registered:
        return False, "未办理失业登记，无法计算连续失业时间"
    if since is None:
        return None, "失业登记日期未知，无法计算连续失业时间"
    reached = months_after(since, months)
    if facts.today >= reached:
        return True, f"自{_chinese_date(since)}失业登记，已连续失业满{months}个月"
    return False, (
        f"自{_chinese_date(since)}失业登记，连续失业未满{months}个月"
        f"（{_chinese_date(reached)}满{months}个月）"
    )


_EVALUATORS: Mapping[str, Callable[[_DifficultyInputs], _Evaluation]] = {
    OLDER_WOMAN: _older_woman,
    OLDER_MAN: _older_man,
    DIBAO_RECIPIENT: _dibao_recipient,
    DISABILITY_CARD_HOLDER: _disability_card,
    LONG_TERM_UNEMPLOYED: _long_term_unemployed,
}


def _evaluate(category: DifficultyCategory, facts: _DifficultyInputs) -> _Evaluation:
    if category.declared:
        if category.code in facts.declared:
            return True, "申请人申报并提供材料，待经办人员核验"
        return False, "申请人未申报"
    return _EVALUATORS[category.code](facts)


def _category_finding(category: DifficultyCategory, met: bool | None, text: str) -> Finding:
    return Finding(
        _CATEGORY_PREFIX + category.code, f"{category.label}：{text}", met, source=category.source
    )


def _registration_finding(registration: UnemploymentStatus, source: Source) -> Finding:
    if not registration.registered:
        return Finding("registered_unemployed", "未办理失业登记", False, source=source)
    since = registration.registered_on
    on = f"（{_chinese_date(since)}登记）" if since else ""
    return Finding("registered_unemployed", f"已办理失业登记{on}", True, source=source)


def _summary_finding(
    applying: list[DifficultyCategory],
    unknown: list[DifficultyCategory],
    declarable: list[DifficultyCategory],
    source: Source,
) -> Finding:
    if applying:
        labels = "、".join(c.label for c in applying)
        return Finding(
            "difficulty_category", f"符合就业困难人员类别：{labels}", True, source=source
        )
    if unknown:
        labels = "、".join(c.label for c in unknown)
        text = f"尚不能确定是否属于就业困难人员类别，需核实：{labels}"
        return Finding("difficulty_category", text, None, source=source)
    hint = "、".join(c.label for c in declarable)
    hint = f"；申请人可提供材料申报：{hint}" if hint else ""
    return Finding(
        "difficulty_category", f"未发现符合的就业困难人员类别{hint}", False, source=source
    )


def propose_employment_difficulty(
    person: ResidentId,
    today: date,
    *,
    registration: UnemploymentStatus,
    receives_dibao: bool,
    has_disability_card: bool | None,
    declared: frozenset[str],
    params: EligibilityParameters,
) -> Proposal:
    """A current registration and one category; sex and age come from the ID number.

    `declared`: codes claimed with material; `category`: the first that applies, in list order.
    """
    facts = _DifficultyInputs(
        age=age_on(person.birth_date, today),
        sex=person.sex,
        today=today,
        registration=registration,
        receives_dibao=receives_dibao,
        has_disability_card=has_disability_card,
        declared=declared,
        params=params,
    )
    evaluated = [(category, *_evaluate(category, facts)) for category in params.categories]
    applying = [c for c, met, _ in evaluated if met is True]
    unknown = [c for c, met, _ in evaluated if met is None]
    shown = applying or unknown
    findings = [
        _registration_finding(registration, params.difficulty_source),
        _summary_finding(
            applying,
            unknown,
            [c for c in params.categories if c.declared],
            params.difficulty_source,
        ),
        *(_category_finding(c, met, text) for c, met, text in evaluated if c in shown),
    ]
    return Proposal.of(
        Service.EMPLOYMENT_DIFFICULTY, findings, category=applying[0].code if applying else None
    )


def applying_categories(proposal: Proposal) -> tuple[str, ...]:
    """The codes of the employment-difficulty categories the proposal found to apply."""
    if proposal.service is not Service.EMPLOYMENT_DIFFICULTY:
        return ()
    return tuple(
        f.code.removeprefix(_CATEGORY_PREFIX)
        for f in proposal.findings
        if f.code.startswith(_CATEGORY_PREFIX) and f.met is True
    )


def category_applies(proposal: Proposal, code: str) -> bool:
    """Whether `code` is a category that applies or was declared, per this proposal."""
    return code in applying_categories(proposal)


# -- tekun (特困人员救助供养) --


def _grade_name(grade: int) -> str:
    return _GRADE_NAMES.get(grade, f"{grade}级")


def _disability_evaluation(
    disability: DisabilityStatus | None, params: EligibilityParameters
) -> _Evaluation:
    if disability is None:
        return None, "残疾情况未知，需查询残疾人登记信息"
    category, grade = disability.category, disability.grade
    if category is not None:
        category = category.strip().removesuffix("残疾")  # "肢体残疾" is the category 肢体
    if category is None and grade is None:
        return False, "无残疾登记"
    if category is None or grade is None:
        return None, "残疾类别或等级不全，需核实"
    described = f"{category}残疾{_grade_name(grade)}"
    worst = params.tekun_disability_grades.get(category)
    if worst is None:
        return False, f"{described}，不属于认定无劳动能力的残疾类别"
    if 1 <= grade <= worst:
        return True, described
    needed = "一级" if worst == 1 else f"一至{_grade_name(worst).removesuffix('级')}级"
    return False, f"{described}，{category}残疾须为{needed}"


def _age_reasons(age: int, params: EligibilityParameters) -> list[str]:
    reasons = []
    if params.tekun_elderly_age.is_met(age):
        reasons.append(f"年满{params.tekun_elderly_age.years}周岁")
    if not params.tekun_child_age.is_met(age):
        reasons.append(f"未满{params.tekun_child_age.years}周岁")
    elif age < params.minor_until_age:
        reasons.append(f"未满{params.minor_until_age}周岁的未成年人")
    return reasons


def _unable_to_work(
    age: int, disability: DisabilityStatus | None, params: EligibilityParameters
) -> Finding:
    disabled, disability_text = _disability_evaluation(disability, params)
    reasons = _age_reasons(age, params)
    if disabled:
        reasons.append(disability_text)
    if reasons:
        text = f"无劳动能力：{'；'.join(reasons)}（现年{age}周岁）"
        return Finding("unable_to_work", text, True, source=params.tekun_source)
    text = f"现年{age}周岁，不符合年龄条件；{disability_text}"
    return Finding("unable_to_work", text, disabled, source=params.tekun_source)


def _stated_condition(
    code: str, value: bool | None, texts: tuple[str, str, str], source: Source
) -> Finding:
    met, not_met, unknown = texts
    text = unknown if value is None else met if value else not_met
    return Finding(code, text, value, source=source)


def propose_tekun(
    person: ResidentId,
    today: date,
    *,
    disability: DisabilityStatus | None,
    no_means_of_living: bool | None,
    no_able_supporter: bool | None,
    params: EligibilityParameters,
) -> Proposal:
    """All three: unable to work (by age or disability grade), no means of living, no supporter.

    `disability` None means the register was not asked; an unknown category never counts.
    """
    age = age_on(person.birth_date, today)
    means = _stated_condition(
        "no_means_of_living",
        no_means_of_living,
        ("无生活来源", "有生活来源", "是否无生活来源未知，需调查核实"),
        params.tekun_source,
    )
    supporter = _stated_condition(
        "no_able_supporter",
        no_able_supporter,
        (
            "无法定赡养、抚养、扶养义务人，或其无履行义务能力",
            "有具备履行能力的法定赡养、抚养、扶养义务人",
            "法定赡养、抚养、扶养义务人情况未知，需调查核实",
        ),
        params.tekun_source,
    )
    findings = (_unable_to_work(age, disability, params), means, supporter)
    return Proposal.of(Service.TEKUN, findings)


# -- dibao and tekun are never received together --


class HoldingStatus(StrEnum):
    """Where a person's dibao or tekun stands, as far as overlapping goes."""

    APPLYING = "applying"
    APPROVED = "approved"
    RECEIVING = "receiving"
    ENDED = "ended"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        """The Chinese label staff read."""
        return _HOLDING_LABELS[self]


_HOLDING_LABELS = {
    HoldingStatus.APPLYING: "正在申请",
    HoldingStatus.APPROVED: "已审核确认",
    HoldingStatus.RECEIVING: "正在享受",
    HoldingStatus.ENDED: "已停止",
    HoldingStatus.REFUSED: "未通过",
}
_OVERLAPPING = frozenset({HoldingStatus.APPROVED, HoldingStatus.RECEIVING})
_FROM_RECORD = {
    RecordStatus.PENDING: HoldingStatus.APPLYING,
    RecordStatus.RECEIVING: HoldingStatus.RECEIVING,
    RecordStatus.ENDED: HoldingStatus.ENDED,
    RecordStatus.REFUSED: HoldingStatus.REFUSED,
}


@frozen
class ExclusiveHolding:
    """A dibao or tekun of the person: a case of this system or a record of the platform."""

    service: Service
    reference: str
    status: HoldingStatus

    @classmethod
    def from_record(cls, record: AssistanceRecord) -> ExclusiveHolding:
        """The holding a platform record stands for; a pending record is only applying."""
        return cls(record.service, record.reference, _FROM_RECORD[record.status])


def exclusive_conflicts(
    service: Service, holdings: Iterable[ExclusiveHolding]
) -> tuple[ExclusiveHolding, ...]:
    """The other one's approved or received holdings that approving dibao or tekun would overlap.

    The same service is P3's business; an application under way is not yet a conflict.
    """
    if service not in EXCLUSIVE_SERVICES:
        return ()
    return tuple(
        h
        for h in holdings
        if h.service in EXCLUSIVE_SERVICES
        and h.service is not service
        and h.status in _OVERLAPPING
    )


def exclusive_finding(service: Service, holdings: Iterable[ExclusiveHolding]) -> Finding | None:
    """A not-met finding naming each overlapping holding, or None when nothing overlaps."""
    conflicts = exclusive_conflicts(service, holdings)
    if not conflicts:
        return None
    held = "、".join(f"{h.service.label}（{h.status.label}，{h.reference}）" for h in conflicts)
    text = f"最低生活保障与特困人员救助供养不同时享受：申请人已有{held}"
    return Finding("dibao_tekun_exclusive", text, False, source=_EXCLUSIVE_SOURCE)


# -- the wait after a refusal --


@frozen
class PastRefusal:
    """A refusal of the person's application for a service, and where it is recorded."""

    service: Service
    refused_on: date
    reference: str


def refusal_wait(
    service: Service,
    refusals: Iterable[PastRefusal],
    today: date,
    *,
    months: int,
    declared_change: str,
    source: Source | None = None,
) -> Finding | None:
    """The wait through `months_after(refused_on, months)`, or None when no refusal is that recent.

    Not met unless a change of circumstances is declared (non-blank), which the text records.
    """
    recent = [
        r
        for r in refusals
        if r.service is service and r.refused_on <= today <= months_after(r.refused_on, months)
    ]
    if not recent:
        return None
    latest = max(recent, key=lambda r: r.refused_on)
    ends = months_after(latest.refused_on, months)
    refused = (
        f"{service.label}申请已于{_chinese_date(latest.refused_on)}未获批准（{latest.reference}），"
        f"{months}个月内（至{_chinese_date(ends)}）再次申请"
    )
    change = declared_change.strip()
    if change:
        text = f"{refused}须情况发生变化；申请人声明情况变化：{change}（已记录）"
        return Finding("refusal_wait", text, True, source=source)
    text = f"{refused}不予受理，除非申请人声明情况发生变化"
    return Finding("refusal_wait", text, False, source=source)


# -- training and skill-appraisal subsidies --


class TrainingGroup(StrEnum):
    """The five groups a training or skill-appraisal subsidy is for."""

    POVERTY_LIFTED_FAMILY_CHILD = "poverty_lifted_family_child"
    GRADUATION_YEAR_GRADUATE = "graduation_year_graduate"
    SCHOOL_LEAVER_NOT_STUDYING = "school_leaver_not_studying"
    RURAL_WORKER_MOVING_TO_WORK = "rural_worker_moving_to_work"
    REGISTERED_UNEMPLOYED = "registered_unemployed"

    @property
    def label(self) -> str:
        """The Chinese name staff and applicants read."""
        return _GROUP_LABELS[self]


_GROUP_LABELS = {
    TrainingGroup.POVERTY_LIFTED_FAMILY_CHILD: "脱贫家庭子女",
    TrainingGroup.GRADUATION_YEAR_GRADUATE: "毕业年度高校毕业生",
    TrainingGroup.SCHOOL_LEAVER_NOT_STUDYING: "未继续升学的应届初高中毕业生",
    TrainingGroup.RURAL_WORKER_MOVING_TO_WORK: "农村转移就业劳动者",
    TrainingGroup.REGISTERED_UNEMPLOYED: "登记失业人员",
}


@frozen
class PriorClaim:
    """A training or appraisal subsidy the person was granted before."""

    service: Service
    occupation: str
    level: str
    granted_on: date
    reference: str


def _group_finding(group: TrainingGroup | None, source: Source) -> Finding:
    if group is None:
        names = "、".join(g.label for g in TrainingGroup)
        return Finding("training_group", f"人员类别未确定，须属于：{names}", None, source=source)
    return Finding("training_group", f"人员类别：{group.label}", True, source=source)


def propose_training_subsidy(
    group: TrainingGroup | None, occupation: str, level: str, prior: Iterable[PriorClaim]
) -> Proposal:
    """One of the five groups, and once per occupation and level (compared without spaces)."""
    occupation, level = occupation.strip(), level.strip()
    code = "first_for_occupation_and_level"
    if not occupation or not level:
        once = Finding(code, "未填写培训职业（工种）或等级", None, source=_TRAINING_SOURCE)
    else:
        earlier = [
            c
            for c in prior
            if c.service is Service.TRAINING_SUBSIDY
            and (c.occupation.strip(), c.level.strip()) == (occupation, level)
        ]
        if earlier:
            first = min(earlier, key=lambda c: c.granted_on)
            text = (
                f"已于{_chinese_date(first.granted_on)}享受{occupation}（{level}）职业培训补贴"
                f"（{first.reference}），同一职业同一等级只能享受一次"
            )
            once = Finding(code, text, False, source=_TRAINING_SOURCE)
        else:
            text = f"未享受过{occupation}（{level}）职业培训补贴"
            once = Finding(code, text, True, source=_TRAINING_SOURCE)
    return Proposal.of(Service.TRAINING_SUBSIDY, (_group_finding(group, _TRAINING_SOURCE), once))


_NOT_GRANTED_BEFORE = "appraisal_subsidy_not_granted_before"


def propose_skill_appraisal_subsidy(
    group: TrainingGroup | None, first_certificate: bool | None, prior: Iterable[PriorClaim]
) -> Proposal:
    """One of the five groups, a first-time certificate, and never granted before."""
    certificate = _stated_condition(
        "first_certificate",
        first_certificate,
        (
            "首次取得职业资格证书或职业技能等级证书",
            "并非首次取得职业资格证书或职业技能等级证书",
            "是否首次取得证书未知，需核实",
        ),
        _APPRAISAL_SOURCE,
    )
    earlier = [c for c in prior if c.service is Service.SKILL_APPRAISAL_SUBSIDY]
    if earlier:
        first = min(earlier, key=lambda c: c.granted_on)
        text = (
            f"已于{_chinese_date(first.granted_on)}享受职业技能鉴定补贴（{first.reference}），"
            "限享受一次"
        )
        once = Finding(_NOT_GRANTED_BEFORE, text, False, source=_APPRAISAL_SOURCE)
    else:
        text = "未享受过职业技能鉴定补贴"
        once = Finding(_NOT_GRANTED_BEFORE, text, True, source=_APPRAISAL_SOURCE)
    findings = (_group_finding(group, _APPRAISAL_SOURCE), certificate, once)
    return Proposal.of(Service.SKILL_APPRAISAL_SUBSIDY, findings)


# -- temporary assistance (临时救助) --


@frozen
class PriorHelp:
    """Temporary assistance given before, with the stable code of its cause."""

    cause: str
    helped_on: date
    reference: str


def same_cause_within_a_year(
    cause: str, prior: Iterable[PriorHelp], today: date
) -> Finding | None:
    """Not met when the same cause was helped up to `months_after(helped_on, 12)`; else None.

    The same date a year later is still within (29 February: 28 February next year).
    """
    recent = [
        h
        for h in prior
        if h.cause == cause and h.helped_on <= today <= months_after(h.helped_on, 12)
    ]
    if not recent:
        return None
    latest = max(recent, key=lambda h: h.helped_on)
    until = _chinese_date(months_after(latest.helped_on, 12))
    text = (
        f"同一事由已于{_chinese_date(latest.helped_on)}获得临时救助（{latest.reference}），"
        f"一年内（至{until}）同一事由原则上不再救助"
    )
    return Finding("same_cause_within_a_year", text, False, source=_TEMPORARY_SOURCE)
