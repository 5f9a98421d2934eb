"""What each service's regulation says at its decisions (R1): hard limits, proposals,
and the benefit computed at confirmation.

Three kinds of thing, kept apart on purpose:

- hard limits that refuse a step whatever the officer thinks: dibao and tekun never
  together, a training subsidy once per occupation and level, the appraisal subsidy
  once, temporary help once a year for the same cause, a refusal reason the rules
  forbid (living away from the registered household), a recognition with no category;
- proposals (`propose`): the conditions checked and shown to the officer with their
  reasons; they never decide (R12, P14);
- the benefit (`compute_benefit`): the amount in fen, computed at confirmation with the
  parameters in force on that day, and kept with the decision so the notice shows it.

Facts about the person beyond the case (other cases, registry answers) come in a
`DecisionContext` that the application layer gathers; nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from attrs import evolve, frozen

from domain.benefits import (
    KEEP_ELDERLY_NURSING,
    THREE_YEARS,
    UNTIL_RETIREMENT,
    BenefitDecision,
    BenefitParameters,
    ComputationLine,
    DibaoHousehold,
    SubsidyAmount,
    choose_nursing_subsidy,
    dibao_benefit,
    elderly_living_benefit,
    insurance_subsidy_amount,
    insurance_subsidy_period,
    mzt_level,
    nursing_benefit,
    retirement_date,
    tekun_benefit,
)
from domain.cases import Case
from domain.eligibility import (
    EligibilityParameters,
    ExclusiveHolding,
    Finding,
    PastRefusal,
    PriorClaim,
    PriorHelp,
    Proposal,
    exclusive_finding,
    forbidden_refusal,
    propose_employment_difficulty,
    propose_skill_appraisal_subsidy,
    propose_tekun,
    propose_training_subsidy,
    propose_unemployment_registration,
    refusal_wait,
    same_cause_within_a_year,
)
from domain.errors import InvalidValue, PolicyError
from domain.facts import AssistanceRecord, DisabilityStatus, RecordStatus, UnemploymentStatus
from domain.particulars import (
    AppraisalClaim,
    DifficultyDeclaration,
    InsuranceClaim,
    RegistrationDeclaration,
    TekunCircumstances,
    TemporaryRequest,
    TrainingClaim,
)
from domain.policy import DatedAmount, Parameters, RegionParameters
from domain.services import Outcome, Service

Benefit = BenefitDecision | SubsidyAmount


@frozen
class DecisionContext:
    """What the application knows about the person beyond this case, for its decision."""

    exclusive_holdings: tuple[ExclusiveHolding, ...] = ()  # dibao / tekun held (R1)
    prior_claims: tuple[PriorClaim, ...] = ()  # training and appraisal subsidies granted
    prior_helps: tuple[PriorHelp, ...] = ()  # temporary assistance given before
    first_insurance_approval: date | None = None  # an earlier insurance subsidy's approval
    receives_dibao: bool = False  # a dibao case of the person in payment
    registration: UnemploymentStatus | None = None  # the unemployment registry's answer
    disability: DisabilityStatus | None = None  # the disability register's answer


@frozen
class Refusal:
    """Why a decision cannot be taken: a stable code, the rule and the Chinese text."""

    code: str
    rule: str
    message: str


# -- hard limits --


def limit_on_decision(case: Case, event: str, context: DecisionContext) -> Refusal | None:
    """The first hard limit that keeps `event` (approve, help_first) from being taken."""
    if event not in ("approve", "help_first"):
        return None
    day = context_day(case)
    findings: list[Finding | None] = []
    particulars = case.particulars
    if case.service in (Service.DIBAO, Service.TEKUN) and event == "approve":
        findings.append(exclusive_finding(case.service, context.exclusive_holdings))
    if isinstance(particulars, TemporaryRequest):
        findings.append(same_cause_within_a_year(particulars.cause, context.prior_helps, day))
    if isinstance(particulars, TrainingClaim) and event == "approve":
        proposal = propose_training_subsidy(
            particulars.group, particulars.occupation, particulars.level, context.prior_claims
        )
        findings.append(_unmet(proposal, "first_for_occupation_and_level"))
    if isinstance(particulars, AppraisalClaim) and event == "approve":
        proposal = propose_skill_appraisal_subsidy(
            particulars.group, particulars.first_certificate, context.prior_claims
        )
        findings.append(_unmet(proposal, "appraisal_subsidy_not_granted_before"))
        findings.append(_unmet(proposal, "first_certificate"))
    if isinstance(particulars, TrainingClaim | AppraisalClaim) and particulars.group is None:
        return Refusal("training_group_missing", "R1", "须确定申领人员属于五类人员中的哪一类")
    claims = {
        Service.TRAINING_SUBSIDY: TrainingClaim,
        Service.SKILL_APPRAISAL_SUBSIDY: AppraisalClaim,
    }
    claim = claims.get(case.service)
    if claim is not None and not isinstance(particulars, claim):
        return Refusal("claim_missing", "R1", "尚未录入申领的职业（工种）和等级")
    unmet = next((f for f in findings if f is not None and f.met is False), None)
    return None if unmet is None else Refusal(unmet.code, unmet.rule, unmet.text)


def limit_on_refusal(case: Case, reason: str) -> Refusal | None:
    """A reason the rules forbid for refusing or not accepting this service."""
    finding = forbidden_refusal(case.service, reason)
    return None if finding is None else Refusal(finding.code, finding.rule, finding.text)


def waiting_after_refusal(
    case: Case,
    others: Iterable[Case],
    records: Iterable[AssistanceRecord],
    today: date,
    eligibility: EligibilityParameters,
) -> Finding | None:
    """The wait after an earlier refusal of the same service, from this system's cases
    and the platform's records; met when the applicant declared a change (R1)."""
    refusals = [
        PastRefusal(o.service, o.closure.at.astimezone(case.received_at.tzinfo).date(), o.id)
        for o in others
        if o.id != case.id and o.closure is not None and o.closure.outcome is Outcome.REJECTED
    ]
    refusals += [
        PastRefusal(r.service, r.since, r.reference or "山东社会救助数字平台")
        for r in records
        if r.status is RecordStatus.REFUSED
    ]
    return refusal_wait(
        case.service,
        refusals,
        today,
        months=eligibility.refusal_wait_months,
        declared_change=case.declared_change,
        source=eligibility.refusal_wait_source,
    )


def _unmet(proposal: Proposal, code: str) -> Finding | None:
    return next((f for f in proposal.findings if f.code == code and f.met is False), None)


def context_day(case: Case) -> date:
    """The local day of the case's latest event: the day a decision is checked against."""
    return case.last_event_at.astimezone(case.received_at.tzinfo).date()


# -- proposals: the conditions, shown to the officer, never deciding --


def propose(
    case: Case, eligibility: EligibilityParameters, context: DecisionContext, today: date
) -> Proposal | None:
    """The proposal for the case's service, where its regulation sets conditions to check."""
    person = case.applicant.resident_id
    particulars = case.particulars
    match case.service:
        case Service.UNEMPLOYMENT_REGISTRATION:
            declared = particulars if isinstance(particulars, RegistrationDeclaration) else None
            return propose_unemployment_registration(
                person.birth_date,
                today,
                receives_pension=declared.receives_pension if declared else None,
                params=eligibility,
            )
        case Service.EMPLOYMENT_DIFFICULTY:
            return _difficulty_proposal(case, eligibility, context, today)
        case Service.TEKUN:
            found = particulars if isinstance(particulars, TekunCircumstances) else None
            return propose_tekun(
                person,
                today,
                disability=context.disability,
                no_means_of_living=found.no_means_of_living if found else None,
                no_able_supporter=found.no_able_supporter if found else None,
                params=eligibility,
            )
        case Service.TRAINING_SUBSIDY if isinstance(particulars, TrainingClaim):
            return propose_training_subsidy(
                particulars.group, particulars.occupation, particulars.level, context.prior_claims
            )
        case Service.SKILL_APPRAISAL_SUBSIDY if isinstance(particulars, AppraisalClaim):
            return propose_skill_appraisal_subsidy(
                particulars.group, particulars.first_certificate, context.prior_claims
            )
    return None


def _difficulty_proposal(
    case: Case, eligibility: EligibilityParameters, context: DecisionContext, today: date
) -> Proposal:
    declaration = case.particulars
    declared = declaration.declared if isinstance(declaration, DifficultyDeclaration) else None
    card = "disability_card" in case.materials or (
        context.disability is not None and context.disability.grade is not None
    )
    return propose_employment_difficulty(
        case.applicant.resident_id,
        today,
        registration=context.registration or UnemploymentStatus(registered=False),
        receives_dibao=context.receives_dibao,
        has_disability_card=True if card else None,
        declared=declared or frozenset(),
        params=eligibility,
    )


def recognition_category(
    case: Case, eligibility: EligibilityParameters, context: DecisionContext, today: date
) -> Refusal | str:
    """The employment-difficulty category a recognition is recorded with, or why none."""
    proposal = _difficulty_proposal(case, eligibility, context, today)
    if proposal.category is None:
        return Refusal(
            "no_qualifying_category", "R1", "不属于就业困难人员认定的任一类别，不能认定"
        )
    return proposal.category


# -- the benefit, computed at confirmation --


def compute_benefit(
    case: Case,
    *,
    on: date,
    parameters: Parameters,
    region: RegionParameters,
    benefits: BenefitParameters,
    context: DecisionContext,
) -> Benefit | Refusal | None:
    """The benefit the case's confirmation on `on` grants, why it cannot be computed,
    or None for a service whose regulation sets no amount here."""
    particulars = case.particulars
    match case.service:
        case Service.DIBAO:
            if not isinstance(particulars, DibaoHousehold):
                return Refusal("household_missing", "R1", "尚未录入家庭人口和收入情况")
            standard = _standard(region, on)
            if isinstance(standard, Refusal):
                return standard
            tiers = region.dibao_tiers_on(on)
            return dibao_benefit(particulars, standard, confirmed_on=on, tiers=tiers)
        case Service.TEKUN:
            found = particulars if isinstance(particulars, TekunCircumstances) else None
            if found is None or found.self_care is None:
                return Refusal("self_care_missing", "R1", "确认时须评定六项生活自理能力")
            standard = _standard(region, on)
            if isinstance(standard, Refusal):
                return standard
            return tekun_benefit(found.self_care, benefits.tekun, standard, confirmed_on=on)
        case Service.ELDERLY_LIVING:
            birth = case.applicant.resident_id.birth_date
            living = elderly_living_benefit(
                birth, on, parameters.elderly_living_bands, confirmed_on=on
            )
            if living is None:
                return Refusal("outside_age_bands", "R7", "年龄不在生活补贴发放范围内")
            return living
        case Service.ELDERLY_NURSING:
            return _nursing(case, on, parameters, benefits, context)
        case Service.FLEXIBLE_INSURANCE_SUBSIDY:
            return _insurance(case, on, benefits, context)
        case Service.TEMPORARY:
            if not isinstance(particulars, TemporaryRequest):
                return Refusal("temporary_request_missing", "R1", "尚未录入救助类型、事由和金额")
            lines = (
                ComputationLine("救助类型", particulars.kind.label),
                ComputationLine("救助事由", particulars.cause),
                ComputationLine("一次性救助金额", str(particulars.amount)),
            )
            return SubsidyAmount(case.service, particulars.amount, lines, "temporary_one_off")
    return None


def _standard(region: RegionParameters, on: date) -> DatedAmount | Refusal:
    standard = region.dibao_standard_on(on)
    if standard is None:
        return Refusal("dibao_standard_missing", "R1", "本地区尚未设置确认当日适用的低保标准")
    return standard


def _nursing(
    case: Case,
    on: date,
    parameters: Parameters,
    benefits: BenefitParameters,
    context: DecisionContext,
) -> Benefit | Refusal:
    assessment = case.assessment
    if assessment is None:
        return Refusal("assessment_missing", "R7", "尚未录入老年人能力评估等级")
    try:
        level = mzt_level(assessment.level, assessment.standard, benefits.nursing_levels)
    except InvalidValue as error:
        return Refusal("assessment_invalid", "R7", error.message)
    nursing = nursing_benefit(
        level,
        parameters.nursing_qualifying_levels,
        parameters.nursing_monthly,
        confirmed_on=on,
        source=parameters.nursing_source,
    )
    if nursing is None:
        return Refusal("assessment_not_qualifying", "R7", "评估等级不符合护理补贴条件")
    severe = context.disability
    if severe is not None and severe.receives_severe_nursing_subsidy:
        choice = choose_nursing_subsidy(nursing.monthly, severe.severe_nursing_monthly)
        if choice.keep != KEEP_ELDERLY_NURSING:
            return Refusal(choice.code, "R7", choice.note)
        return _with_note(nursing, choice.note)
    return nursing


def _with_note(decision: BenefitDecision, note: str) -> BenefitDecision:
    return evolve(decision, note=note)


def _insurance(
    case: Case, on: date, benefits: BenefitParameters, context: DecisionContext
) -> Benefit | Refusal:
    claim = case.particulars
    if not isinstance(claim, InsuranceClaim):
        return Refusal("insurance_claim_missing", "R1", "尚未录入社会保险缴费情况")
    person = case.applicant.resident_id
    try:
        retires = retirement_date(
            person.birth_date,
            person.sex,
            rule=benefits.retirement,
            category=claim.retirement_category,
        )
        first = context.first_insurance_approval or on
        start, end, reason = insurance_subsidy_period(first, retires, benefits.insurance)
    except (InvalidValue, PolicyError) as error:
        return Refusal("insurance_period_invalid", "R1", error.message)
    share = insurance_subsidy_amount(claim.contributions_paid, benefits.insurance)
    period = ComputationLine(
        "补贴期限", f"{start:%Y年%m月%d日}至{end:%Y年%m月%d日}（{_PERIOD_REASONS[reason]}）"
    )
    return BenefitDecision(
        service=case.service,
        monthly=share.amount,
        starts_on=start,
        ends_on=end,
        lines=(*share.lines, ComputationLine("法定退休日期", f"{retires:%Y年%m月%d日}"), period),
        code=share.code,
    )


_PERIOD_REASONS = {THREE_YEARS: "最长3年", UNTIL_RETIREMENT: "距退休不足5年，延长至退休"}
