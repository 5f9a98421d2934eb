"""The ten case types: one explicit state machine each, over the shared lifecycle.

    received -> verified -> approved -> benefit_granted -> closed

Every type shares the table below; a type adds the events its regulation needs (the
household economic check, the capability assessment, a decision hold). Guards hold the
rules and raise `RuleRefused` naming the rule; an event the state does not allow raises
`IllegalTransition`. Either way the case is unchanged.

Machines are built only when an event is applied, bound to the case (its `state` field),
so a case loaded from storage continues from its stored state; one machine per case type
is built once and bound to each case in turn (`domain.machines`). No callback does I/O and
none is `async`, so python-statemachine runs its synchronous engine.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from typing import Any

from attrs import Factory, asdict, evolve, frozen
from statemachine import Event, State, StateChart
from statemachine.exceptions import TransitionNotAllowed

from domain import cases as c
from domain import machines
from domain.actors import Actor, Role
from domain.benefits import BenefitParameters, SelfCareItems, SubsidyAmount, mzt_level
from domain.cases import (
    Applicant,
    Case,
    CaseEvent,
    Closure,
    Dispute,
    EmergencyHelp,
    Extension,
    Hold,
    MaterialRequest,
    PublicNotice,
    Transfer,
)
from domain.decisions import (
    Benefit,
    DecisionContext,
    Refusal,
    compute_benefit,
    limit_on_decision,
    limit_on_refusal,
    recognition_category,
)
from domain.eligibility import EligibilityParameters
from domain.errors import IllegalTransition, InvalidValue, RuleRefused
from domain.facts import CapabilityAssessment, HouseholdCheckReport
from domain.money import Money
from domain.particulars import Particulars, TemporaryKind, TemporaryRequest, check_particulars
from domain.policy import Parameters, Permissions, Policy, RegionParameters, ServiceGuide
from domain.regions import RegionCode, RegionLevel
from domain.services import Channel, Department, Outcome, Service

EVENT_LABELS: Mapping[str, str] = {
    "receive": "受理登记",
    "verify": "审核",
    "approve": "审核确认",
    "grant": "发放待遇",
    "close": "办结",
    "reject": "不予批准",
    "not_accept": "不予受理",
    "withdraw": "撤回申请",
    "end_branch": "结束联办分支",
    "request_materials": "一次性告知补正材料",
    "supply_materials": "补交材料",
    "record_check_report": "录入家庭经济状况核对报告",
    "record_assessment": "录入老年人能力评估",
    "dispute": "对核对报告提出异议",
    "transfer": "转交",
    "hold": "暂缓决定",
    "release": "恢复决定",
    "publish_notice": "发布公示",
    "object": "公示期间提出异议",
    "help_first": "先行救助",
    "extend": "延长办理时限",
}

# The rule an event rests on when the step names none.
DEFAULT_RULES: Mapping[str, str] = {
    "receive": "R4",
    "verify": "R1",
    "approve": "R1",
    "grant": "R1",
    "close": "R1",
    "reject": "R1",
    "not_accept": "R6",
    "withdraw": "R1",
    "request_materials": "R11",
    "supply_materials": "R13",
    "record_check_report": "R12",
    "record_assessment": "R7",
    "dispute": "R12",
    "transfer": "R10",
    "hold": "R9",
    "release": "R9",
    "publish_notice": "R1",
    "object": "R1",
    "help_first": "R1",
    "extend": "R13",
}

CLOSING_OUTCOMES: Mapping[str, Outcome] = {
    "close": Outcome.ENDED,
    "reject": Outcome.REJECTED,
    "not_accept": Outcome.NOT_ACCEPTED,
    "withdraw": Outcome.WITHDRAWN,
    "end_branch": Outcome.BRANCH_ENDED,
}


@frozen
class Step:
    """What an actor brings to one event; `at` comes from the clock port, never a client."""

    actor: Actor
    at: datetime
    reason: str = ""  # a stable reason code; required to close a case
    note: str = ""  # the officer's words, kept with the event
    rule: str = ""  # the rule behind the reason, where the event's default does not fit
    materials: frozenset[str] = frozenset()
    report: HouseholdCheckReport | None = None
    assessment: CapabilityAssessment | None = None
    evidence: tuple[str, ...] = ()
    to_officer: str = ""
    hold: Hold | None = None
    particulars: Particulars | None = None  # found on this step (verify, approve): replaces
    context: DecisionContext = Factory(DecisionContext)  # the person beyond this case
    extension_days: int = 0  # extend: the working days added to the time limit (R13)
    # R14: whether the acting officer was trained this year, as the application found;
    # None when it did not look (the region does not require it).
    actor_trained: bool | None = None


@frozen
class CaseRules:
    """The part of the policy that decides for one case: its guide, region and roles."""

    guide: ServiceGuide
    region: RegionParameters
    permissions: Permissions
    parameters: Parameters
    benefits: BenefitParameters
    eligibility: EligibilityParameters

    @classmethod
    def for_case(cls, policy: Policy, service: Service, region: RegionCode) -> CaseRules:
        return cls(
            guide=policy.guide(service),
            region=policy.region(region),
            permissions=policy.permissions,
            parameters=policy.parameters,
            benefits=policy.benefits,
            eligibility=policy.eligibility,
        )


class CaseMachine(StateChart[Case]):
    """The guards and effects every case type shares; states come from `_case_type`."""

    catch_errors_as_events = False
    allow_event_without_transition = False

    service: Service

    # -- guards (validators raise, so the caller learns the rule) --

    def role_allowed(self, event: str, step: Step, rules: CaseRules) -> None:
        department = self.service.department
        allowed = rules.permissions.roles_for(department, event)
        if not allowed & step.actor.roles:
            names = "、".join(sorted(r.label for r in allowed)) or "无"
            self._refuse(event, "role_not_allowed", "P10", f"此操作须由以下角色办理：{names}")
        if not self.model.region.is_within(step.actor.region):
            self._refuse(event, "outside_jurisdiction", "P10", "案件不在经办人员辖区内")
        if untrained(step, rules):
            self._refuse(event, UNTRAINED_CODE, "R14", UNTRAINED_MESSAGE)
        if Role.SYSTEM in step.actor.roles or department is not Department.CIVIL_AFFAIRS:
            return
        if event in ("approve", "help_first") and self._above_township_cap(rules):
            if step.actor.level is not RegionLevel.COUNTY:
                cap = rules.region.township_approval_cap
                assert cap is not None  # only above a cap that exists
                self._refuse(
                    event,
                    "above_township_cap",
                    "R1",
                    f"金额超过乡镇审批额度{cap.amount}，须由县级审批",
                )
            return
        confirming = rules.region.confirming_level
        if event == "approve" and step.actor.level is not confirming:
            self._refuse(event, "confirming_level", "R1", f"本地区由{confirming.label}级审核确认")

    def _above_township_cap(self, rules: CaseRules) -> bool:
        """A temporary-assistance amount a township may not approve on its own."""
        request = self.model.particulars
        cap = rules.region.township_approval_cap
        if not isinstance(request, TemporaryRequest) or cap is None:
            return False
        return request.amount > cap.amount

    def chronological(self, event: str, step: Step) -> None:
        if step.at < self.model.last_event_at:
            self._refuse(event, "time_before_last_event", "R4", "禁止事后补录：时间早于上一环节")

    def materials_complete(self, event: str, rules: CaseRules) -> None:
        missing = rules.guide.missing_materials(self.model.materials)
        if missing:
            names = "、".join(m.name for m in missing)
            self._refuse(event, "materials_incomplete", "R11", f"尚缺材料：{names}")

    def economic_check_done(self, event: str) -> None:
        if self.model.check_report is None:
            self._refuse(event, "economic_check_missing", "R12", "尚未完成家庭经济状况核对")

    def not_on_hold(self, event: str) -> None:
        hold = self.model.hold
        if hold is not None:
            self._refuse(event, "decision_on_hold", hold.rule, hold.reason)

    def assessment_qualifies(self, event: str, rules: CaseRules) -> None:
        assessment = self.model.assessment
        if assessment is None:
            self._refuse(event, "assessment_missing", "R7", "尚未录入老年人能力评估等级")
            return
        level = mzt_level(assessment.level, assessment.standard, rules.benefits.nursing_levels)
        if level not in rules.parameters.nursing_qualifying_levels:
            self._refuse(
                event,
                "assessment_not_qualifying",
                "R7",
                f"评估等级为{assessment.label}，不符合护理补贴条件",
            )

    def reason_given(self, event: str, step: Step) -> None:
        if not step.reason.strip():
            self._refuse(event, "reason_required", "P14", "须记录理由")

    def rule_given(self, event: str, step: Step) -> None:
        if not step.rule.strip():
            self._refuse(event, "rule_required", "R1", "须注明依据的规则")

    def missing_materials_exist(self, event: str, rules: CaseRules) -> None:
        if self.model.open_material_request is not None:
            self._refuse(event, "notice_already_open", "R11", "已一次性告知，待申请人补交材料")
        if not rules.guide.missing_materials(self.model.materials):
            self._refuse(event, "nothing_missing", "R11", "材料已齐全，无需补正")

    def materials_given(self, event: str, step: Step, rules: CaseRules) -> None:
        unknown = sorted(m for m in step.materials if rules.guide.material(m) is None)
        if not step.materials or unknown:
            self._refuse(event, "materials_unknown", "R11", "补交材料须为办事指南所列材料")

    def report_given(self, event: str, step: Step) -> None:
        if step.report is None:
            self._refuse(event, "report_required", "R12", "须提供核对报告")

    def evidence_given(self, event: str, step: Step) -> None:
        if not any(e.strip() for e in step.evidence):
            self._refuse(event, "evidence_required", "R12", "提出异议须出具登记机关的有效佐证材料")

    def assessment_given(self, event: str, step: Step, rules: CaseRules) -> None:
        given = step.assessment
        try:
            if given is None:
                raise InvalidValue("assessment", "须录入评估等级")
            mzt_level(given.level, given.standard, rules.benefits.nursing_levels)
        except InvalidValue:
            self._refuse(
                event,
                "assessment_invalid",
                "R7",
                "评估等级须为MZ/T 039-2013的0至3级或GB/T 42195-2022的0至4级",
            )

    def particulars_fit(self, event: str, step: Step) -> None:
        try:
            check_particulars(self.model.service, step.particulars)
        except InvalidValue as error:
            self._refuse(event, "particulars_mismatch", "R1", error.message)

    def refusal_reason_allowed(self, event: str, step: Step) -> None:
        refusal = limit_on_refusal(self.model, step.reason)
        if refusal is not None:
            self._refuse(event, refusal.code, refusal.rule, refusal.message)

    def decision_possible(self, event: str, step: Step, rules: CaseRules) -> None:
        """The hard limits of the service, then the benefit its confirmation grants."""
        case = self.model
        if step.particulars is not None:
            case = evolve(case, particulars=step.particulars)
        case = evolve(case, events=[*case.events, _probe(event, step)])
        refusal = limit_on_decision(case, str(event), step.context)
        if refusal is None and str(event) == "approve":
            refusal = self._prepare_decision(case, step, rules)
        if refusal is not None:
            self._refuse(event, refusal.code, refusal.rule, refusal.message)

    def _prepare_decision(self, case: Case, step: Step, rules: CaseRules) -> Refusal | None:
        day = self._local_day(step.at)
        if case.service is Service.EMPLOYMENT_DIFFICULTY:
            category = recognition_category(case, rules.eligibility, step.context, day)
            if isinstance(category, Refusal):
                return category
            self._decision["category"] = category
        benefit = compute_benefit(
            case,
            on=day,
            parameters=rules.parameters,
            region=rules.region,
            benefits=rules.benefits,
            context=step.context,
        )
        if isinstance(benefit, Refusal):
            return benefit
        self._benefit = benefit
        return None

    def extension_allowed(self, event: str, step: Step, rules: CaseRules) -> None:
        """R13: an extension adds working days up to the guide's extended limit."""
        limit = rules.guide.time_limit
        ceiling = limit.extended_working_days
        if ceiling is None:
            self._refuse(
                event, "extension_not_provided", "R13", "本事项办事指南未规定可延长办理时限"
            )
            return
        if step.extension_days <= 0:
            self._refuse(event, "extension_days_invalid", "R13", "延长的工作日数须为正整数")
        granted = self.model.extended_working_days
        if limit.working_days + granted + step.extension_days > ceiling:
            self._refuse(
                event,
                "extension_above_ceiling",
                "R13",
                f"延长后办理时限不得超过{ceiling}个工作日（法定{limit.working_days}个工作日，"
                f"已延长{granted}个工作日）",
            )

    def transfer_target_given(self, event: str, step: Step) -> None:
        target = step.to_officer.strip()
        if not target or target == self.model.responsible or not step.reason.strip():
            self._refuse(event, "transfer_invalid", "R10", "转交须写明接收人员和理由")

    def hold_given(self, event: str, step: Step) -> None:
        if step.hold is None or self.model.hold is not None:
            self._refuse(event, "hold_invalid", "R9", "案件已暂缓或未说明暂缓理由")

    def on_hold_now(self, event: str) -> None:
        if self.model.hold is None:
            self._refuse(event, "not_on_hold", "R9", "案件未暂缓")

    def notice_over(self, event: str, step: Step) -> None:
        notice = self.model.public_notice
        assert notice is not None  # the state in_public_notice is entered with one
        if self._local_day(step.at) <= notice.ends_on:
            self._refuse(
                event,
                "public_notice_running",
                "R1",
                f"公示期至{notice.ends_on:%Y年%m月%d日}止，期满无异议后方可审核确认",
            )

    def notice_running(self, event: str, step: Step) -> None:
        notice = self.model.public_notice
        assert notice is not None
        if self._local_day(step.at) > notice.ends_on:
            self._refuse(
                event, "public_notice_over", "R1", "公示期已满，异议须通过复核或投诉途径提出"
            )

    def emergency_request(self, event: str) -> None:
        request = self.model.particulars
        if (
            not isinstance(request, TemporaryRequest)
            or request.kind is not TemporaryKind.EMERGENCY
        ):
            self._refuse(event, "not_emergency", "R1", "仅急难型临时救助可先行救助")

    def _local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.model.received_at.tzinfo).date()

    def _refuse(self, event: str, code: str, rule: str, message: str) -> None:
        raise RuleRefused(
            message,
            code=code,
            rule=rule,
            subject_id=self.model.id,
            event=str(event),
            state=self.model.state,
            allowed_events=allowed_events(self.model),
        )

    # -- effects: run only after every guard passed --

    def on_request_materials(self, step: Step, rules: CaseRules) -> None:
        missing = tuple(m.code for m in rules.guide.missing_materials(self.model.materials))
        self.model.material_requests.append(MaterialRequest(step.at, missing))
        self._facts["missing"] = ",".join(missing)

    def on_supply_materials(self, step: Step, rules: CaseRules) -> None:
        case = self.model
        case.materials = case.materials | step.materials
        self._facts["supplied"] = ",".join(sorted(step.materials))
        request = case.open_material_request
        if request and not rules.guide.missing_materials(case.materials):
            index = case.material_requests.index(request)
            case.material_requests[index] = MaterialRequest(
                request.requested_at, request.missing, step.at
            )
            self._facts["clock"] = "restarted"

    def on_record_check_report(self, step: Step) -> None:
        report = step.report
        assert report is not None  # guarded by report_given
        self.model.check_report = report
        self.model.check_recorded_at = step.at
        self._facts["report"] = report.reference
        self._facts["warnings"] = ",".join(w.code for w in report.warnings)

    def on_record_assessment(self, step: Step) -> None:
        self.model.assessment = step.assessment
        self._facts["level"] = str(step.assessment.level if step.assessment else "")

    def on_dispute(self, step: Step) -> None:
        case = self.model
        if case.check_report is not None:
            self._facts["disputed_report"] = case.check_report.reference
        case.disputes.append(Dispute(step.at, step.evidence, step.note))
        case.check_report = None  # the township re-examines with the evidence (R12)
        self._facts["evidence"] = "；".join(step.evidence)

    def on_transfer(self, step: Step) -> None:
        case = self.model
        case.transfers.append(Transfer(step.at, case.responsible, step.to_officer, step.reason))
        self._facts["to"] = step.to_officer
        case.responsible = step.to_officer

    def on_extend(self, step: Step, rules: CaseRules) -> None:
        case = self.model
        case.extensions.append(
            Extension(step.at, step.extension_days, step.reason, step.actor.id, step.note)
        )
        total = rules.guide.time_limit.working_days + case.extended_working_days
        self._facts["working_days"] = str(step.extension_days)
        self._facts["approved_by"] = step.actor.id
        self._facts["time_limit_working_days"] = str(total)

    def on_verify(self, step: Step) -> None:
        if step.particulars is not None:
            self.model.particulars = step.particulars
            self._facts.update(particulars_facts(step.particulars))

    def on_approve(self, step: Step) -> None:
        case = self.model
        if step.particulars is not None:
            case.particulars = step.particulars
        if case.particulars is not None:  # the inputs the decision used, for recomputing
            self._facts.update(particulars_facts(case.particulars))
        if case.assessment is not None:
            self._facts["assessment"] = f"{case.assessment.standard} {case.assessment.level}"
        if "category" in self._decision:
            case.category = self._decision["category"]
            self._facts["category"] = case.category
        benefit = self._benefit
        if benefit is not None:
            case.benefit = benefit
            self._facts.update(_benefit_facts(benefit))

    def on_publish_notice(self, step: Step, rules: CaseRules) -> None:
        procedure = rules.guide.notice_procedure
        assert procedure is not None  # only case types with a public notice have the event
        ends_on = self._local_day(step.at) + timedelta(days=procedure.notice_days)
        self.model.public_notices.append(PublicNotice(step.at, ends_on))
        self._facts["notice_ends_on"] = ends_on.isoformat()

    def on_object(self, step: Step) -> None:
        case = self.model
        notice = case.public_notice
        assert notice is not None
        case.public_notices[-1] = evolve(notice, objected_at=step.at, objection=step.note)
        self._facts["objection"] = step.note

    def on_help_first(self, step: Step, rules: CaseRules) -> None:
        case = self.model
        request = case.particulars
        procedure = rules.guide.emergency_procedure
        assert isinstance(request, TemporaryRequest)
        assert procedure is not None
        limit = timedelta(hours=procedure.help_within_hours)
        within = step.at - case.received_at <= limit
        case.emergency_help = EmergencyHelp(step.at, request.amount, step.actor.id, within)
        self._facts["amount_fen"] = str(request.amount.fen)
        self._facts["cause"] = request.cause
        self._facts["within_hours"] = "yes" if within else "no"

    def on_hold(self, step: Step) -> None:
        self.model.hold = step.hold

    def on_release(self) -> None:
        self.model.hold = None

    def on_enter_closed(self, event: str, step: Step) -> None:
        outcome = CLOSING_OUTCOMES[str(event)]
        self.model.closure = Closure(outcome, step.reason, _rule(str(event), step), step.at)

    def after_transition(self, event: str, source: State, target: State, step: Step) -> None:
        case = self.model
        case.events.append(
            CaseEvent(
                case_id=case.id,
                seq=len(case.events) + 1,
                event=str(event),
                actor_id=step.actor.id,
                actor_roles=tuple(sorted(step.actor.roles)),
                at=step.at,
                from_state=str(source.value),
                to_state=str(target.value),
                rule=_rule(str(event), step),
                reason=step.reason,
                note=step.note,
                facts=dict(self._facts),
            )
        )
        self._facts.clear()

    _facts: dict[str, str]
    _decision: dict[str, str]  # what the approval's guards prepared, for its effect
    _benefit: Benefit | None

    def __init__(self, case: Case) -> None:
        self.reset()
        super().__init__(model=case, state_field="state")

    def reset(self) -> None:
        """Forget the previous use's scratch fields (`domain.machines` binds it anew)."""
        self._facts = {}
        self._decision = {}
        self._benefit = None


UNTRAINED_CODE = "untrained_staff"
UNTRAINED_MESSAGE = "本地区规定经办人员须在本年度参加业务培训后方可办理（R14）"


def untrained(step: Step, rules: CaseRules) -> bool:
    """R14: the region lets only officers trained this year act, and this one is not
    known to be (the system's own steps are never refused for it)."""
    if not rules.region.training.required_to_act or Role.SYSTEM in step.actor.roles:
        return False
    return step.actor_trained is not True


def _probe(event: str, step: Step) -> CaseEvent:
    """A stand-in for the event being decided, so limits see its day as the latest."""
    return CaseEvent("", 0, str(event), step.actor.id, (), step.at, "", "", "", "")


def particulars_facts(particulars: Particulars) -> dict[str, str]:
    """The particulars as the history keeps them: every field as text, amounts in fen."""
    facts = {"particulars": type(particulars).__name__}
    for name, value in asdict(particulars, recurse=False).items():
        if isinstance(value, Money):
            facts[f"particulars.{name}_fen"] = str(value.fen)
        elif isinstance(value, SelfCareItems):
            facts[f"particulars.{name}.failed"] = ",".join(value.failed())
        elif isinstance(value, frozenset):
            facts[f"particulars.{name}"] = ",".join(sorted(str(v) for v in value))
        elif value is not None:
            facts[f"particulars.{name}"] = str(value)
    return facts


def _benefit_facts(benefit: Benefit) -> dict[str, str]:
    """What the history keeps of a computed benefit; the lines stay on the case."""
    if isinstance(benefit, SubsidyAmount):
        return {"benefit": benefit.code, "amount_fen": str(benefit.amount.fen)}
    facts = {
        "benefit": benefit.code,
        "monthly_fen": str(benefit.monthly.fen),
        "starts_on": benefit.starts_on.isoformat(),
    }
    if benefit.ends_on is not None:
        facts["ends_on"] = benefit.ends_on.isoformat()
    return facts


def _rule(event: str, step: Step) -> str:
    if step.hold is not None and event == "hold":
        return step.hold.rule
    return step.rule or DEFAULT_RULES.get(event, "R1")


@frozen
class _Features:
    """What a case type adds to the shared lifecycle."""

    check_report: bool = False  # 家庭经济状况核对 before verification (R12)
    assessment: bool = False  # 老年人能力评估 decides approval (R7)
    hold: bool = False  # the decision may wait for another case (R9)
    public_notice: bool = False  # 公示 between verification and confirmation (R1)
    emergency: bool = False  # 急难型: help first, verify afterwards (R1)


_CASE_TYPES: Mapping[Service, tuple[str, _Features]] = {
    Service.DIBAO: ("DibaoCase", _Features(check_report=True, hold=True, public_notice=True)),
    Service.TEKUN: ("TekunCase", _Features(check_report=True, public_notice=True)),
    Service.TEMPORARY: ("TemporaryAssistanceCase", _Features(check_report=True, emergency=True)),
    Service.ELDERLY_LIVING: ("ElderlyLivingSubsidyCase", _Features()),
    Service.ELDERLY_NURSING: ("ElderlyNursingSubsidyCase", _Features(assessment=True)),
    Service.UNEMPLOYMENT_REGISTRATION: ("UnemploymentRegistrationCase", _Features()),
    Service.EMPLOYMENT_DIFFICULTY: ("EmploymentDifficultyCase", _Features(hold=True)),
    Service.FLEXIBLE_INSURANCE_SUBSIDY: ("FlexibleInsuranceSubsidyCase", _Features()),
    Service.TRAINING_SUBSIDY: ("TrainingSubsidyCase", _Features()),
    Service.SKILL_APPRAISAL_SUBSIDY: ("SkillAppraisalSubsidyCase", _Features()),
}

_BASE_GUARDS = ("role_allowed", "chronological")

Arc = tuple[State, State | None]  # (source, target); None stays in the source state


def _event(name: str, arcs: Iterable[Arc], *guards: str) -> Event:
    """One event of the table: its arcs, each guarded by the base guards and `guards`."""
    validators = [*_BASE_GUARDS, *guards]
    transitions: Any = None
    for source, target in arcs:
        arc = (
            source.to(target, validators=validators)
            if target is not None
            else source.to.itself(internal=True, validators=validators)  # type: ignore[no-untyped-call]
        )
        transitions = arc if transitions is None else transitions | arc
    return Event(transitions, name=EVENT_LABELS[name])


def _case_type(service: Service, class_name: str, features: _Features) -> type[CaseMachine]:
    """Build the machine class of one case type: the shared table plus its features."""
    received = State(c.STATE_LABELS[c.RECEIVED], value=c.RECEIVED, initial=True)
    helped = State(c.STATE_LABELS[c.HELPED_FIRST], value=c.HELPED_FIRST)
    verified = State(c.STATE_LABELS[c.VERIFIED], value=c.VERIFIED)
    noticed = State(c.STATE_LABELS[c.IN_PUBLIC_NOTICE], value=c.IN_PUBLIC_NOTICE)
    approved = State(c.STATE_LABELS[c.APPROVED], value=c.APPROVED)
    granted = State(c.STATE_LABELS[c.BENEFIT_GRANTED], value=c.BENEFIT_GRANTED)
    closed = State(c.STATE_LABELS[c.CLOSED], value=c.CLOSED, final=True)
    states: dict[str, State] = {"received": received}
    if features.emergency:
        states["helped_first"] = helped
    states["verified"] = verified
    if features.public_notice:
        states["in_public_notice"] = noticed
    states.update(approved=approved, benefit_granted=granted, closed=closed)
    # Before verification (received, and helped first), and before the decision.
    unverified = (received, helped) if features.emergency else (received,)
    notice = (noticed,) if features.public_notice else ()
    undecided = (*unverified, verified, *notice)
    pending = (*undecided, approved)
    withdrawable = (received, verified, *notice, approved)  # not once help was given

    def stay(*sources: State) -> list[Arc]:
        return [(s, None) for s in sources]

    def close_from(*sources: State) -> list[Arc]:
        return [(s, closed) for s in sources]

    hold = ("not_on_hold",) if features.hold else ()
    assessed = ("assessment_qualifies",) if features.assessment else ()
    checked = ("economic_check_done",) if features.check_report else ()
    # With a public notice, confirmation follows the notice, not the verification.
    confirmable = noticed if features.public_notice else verified
    noticed_over = ("notice_over",) if features.public_notice else ()
    events: dict[str, Event] = {
        "verify": _event(
            "verify",
            [(s, verified) for s in unverified],
            *hold,
            "materials_complete",
            *checked,
            "particulars_fit",
        ),
        "approve": _event(
            "approve",
            [(confirmable, approved)],
            *hold,
            *noticed_over,
            *assessed,
            "particulars_fit",
            "decision_possible",
        ),
        "grant": _event("grant", [(approved, granted)]),
        "close": _event("close", close_from(granted), "reason_given"),
        "reject": _event(
            "reject", close_from(*undecided), "reason_given", "refusal_reason_allowed", *hold
        ),
        "not_accept": _event(
            "not_accept", close_from(received), "reason_given", "refusal_reason_allowed"
        ),
        "withdraw": _event("withdraw", close_from(*withdrawable), "reason_given"),
        "end_branch": _event("end_branch", close_from(*pending), "reason_given", "rule_given"),
        "request_materials": _event(
            "request_materials", stay(*unverified), "missing_materials_exist"
        ),
        "supply_materials": _event(
            "supply_materials", stay(*unverified, verified), "materials_given"
        ),
        "dispute": _event("dispute", [(verified, received), *stay(received)], "evidence_given"),
        "transfer": _event("transfer", stay(*pending, granted), "transfer_target_given"),
        "extend": _event("extend", stay(*undecided), "reason_given", "extension_allowed"),
    }
    if features.check_report:
        events["record_check_report"] = _event(
            "record_check_report", stay(*unverified), "report_given"
        )
    if features.assessment:
        events["record_assessment"] = _event(
            "record_assessment", stay(received, verified), "assessment_given"
        )
    if features.hold:
        events["hold"] = _event("hold", stay(received, verified), "hold_given")
        events["release"] = _event("release", stay(received, verified), "on_hold_now")
    if features.public_notice:
        events["publish_notice"] = _event("publish_notice", [(verified, noticed)], *hold)
        events["object"] = _event(
            "object", [(noticed, received)], "notice_running", "reason_given"
        )
    if features.emergency:
        events["help_first"] = _event(
            "help_first", [(received, helped)], "emergency_request", "decision_possible"
        )

    namespace: dict[str, object] = {
        "service": service,
        "__doc__": f"{service.label}（{service.value}）的办理流程。",
        **states,
        **events,
    }
    return types.new_class(class_name, (CaseMachine,), exec_body=lambda ns: ns.update(namespace))


MACHINES: Mapping[Service, type[CaseMachine]] = {
    service: _case_type(service, name, features)
    for service, (name, features) in _CASE_TYPES.items()
}


def machine_class(service: Service) -> type[CaseMachine]:
    return MACHINES[service]


def event_names(service: Service) -> tuple[str, ...]:
    """Every lifecycle event the case type knows, in declaration order."""
    return tuple(str(e) for e in MACHINES[service]._events)


def allowed_events(case: Case) -> tuple[str, ...]:
    """The events the case's current state allows (guards not evaluated)."""
    machine = MACHINES[case.service]
    state = machine.states_map[case.state]
    return tuple(dict.fromkeys(str(e) for e in state.transitions.unique_events))


def ensure_permitted(case: Case, event: str, step: Step, rules: CaseRules) -> None:
    """Refuse as `apply` would for the state and the actor's role, changing nothing.

    For a step that needs something fetched first (a check report), so that nothing is
    fetched for a step that will be refused anyway.
    """
    if event not in allowed_events(case):
        _illegal(case, event)
    with _machine_of(case) as machine:
        machine.role_allowed(event, step, rules)


def _machine_of(case: Case) -> AbstractContextManager[CaseMachine]:
    """The case type's machine, bound to the case for one use (built once, reused)."""
    return machines.lent(case.service, MACHINES[case.service], case, initial=c.RECEIVED)


def apply(case: Case, event: str, step: Step, rules: CaseRules) -> CaseEvent:
    """Apply one lifecycle event; returns the recorded event or raises, changing nothing."""
    if event not in event_names(case.service):
        _illegal(case, event)
    with _machine_of(case) as machine:
        try:
            machine.send(event, step=step, rules=rules)
        except TransitionNotAllowed:
            _illegal(case, event)
    return case.events[-1]


def _illegal(case: Case, event: str) -> None:
    allowed = allowed_events(case)
    raise IllegalTransition(
        f"{c.STATE_LABELS[case.state]}状态下不能{EVENT_LABELS.get(event, event)}",
        subject_id=case.id,
        event=event,
        state=case.state,
        allowed_events=allowed,
        rule="P4",
    )


def open_case(
    *,
    case_id: str,
    service: Service,
    applicant: Applicant,
    region: RegionCode,
    channel: Channel,
    step: Step,
    rules: CaseRules,
    scenario_id: str | None = None,
    particulars: Particulars | None = None,
    declared_change: str = "",
    review_of: str | None = None,
    responsible: str | None = None,
) -> Case:
    """Record an application as received (R4: at the clock's time, by the first receiver).

    `particulars` are what the service's own procedure needs (a temporary-assistance
    request ...); `declared_change` is a change of circumstances the applicant declares
    after an earlier refusal (R1, the 6-month wait), recorded with the receipt.
    `review_of` names the closed case a review after a complaint re-examines (R15), and
    `responsible` who holds the new case when not its receiver (the reviewed case's
    officer).
    """
    check_particulars(service, particulars)
    case = Case(
        id=case_id,
        service=service,
        applicant=applicant,
        region=region,
        channel=channel,
        received_at=step.at,
        received_by=step.actor.id,
        responsible=step.actor.id,
        scenario_id=scenario_id,
        materials=step.materials,
        particulars=particulars,
        declared_change=declared_change.strip(),
        review_of=review_of,
    )
    if responsible is not None:
        case.responsible = responsible
    allowed = rules.permissions.roles_for(service.department, "receive")
    if not allowed & step.actor.roles or not region.is_within(step.actor.region):
        raise RuleRefused(
            "此操作须由受理人员在其辖区内办理",
            code="role_not_allowed",
            rule="P10",
            subject_id=case_id,
            event="receive",
            state="",
            allowed_events=("receive",),
        )
    if untrained(step, rules):
        raise RuleRefused(
            UNTRAINED_MESSAGE,
            code=UNTRAINED_CODE,
            rule="R14",
            subject_id=case_id,
            event="receive",
            state="",
            allowed_events=("receive",),
        )
    case.events.append(
        CaseEvent(
            case_id=case_id,
            seq=1,
            event="receive",
            actor_id=step.actor.id,
            actor_roles=tuple(sorted(step.actor.roles)),
            at=step.at,
            from_state="",
            to_state=c.RECEIVED,
            rule=step.rule or DEFAULT_RULES["receive"],
            reason=step.reason or "application_received",
            note=step.note,
            facts=_receipt_facts(case, channel, step),
        )
    )
    return case


def _receipt_facts(case: Case, channel: Channel, step: Step) -> dict[str, str]:
    facts = {"channel": channel.value, "materials": ",".join(sorted(step.materials))}
    if case.declared_change:
        facts["declared_change"] = case.declared_change
    if case.review_of:
        facts["review_of"] = case.review_of
    if isinstance(case.particulars, TemporaryRequest):
        request = case.particulars
        facts.update(
            kind=request.kind.value, cause=request.cause, amount_fen=str(request.amount.fen)
        )
    return facts


def replay(service: Service, events: Iterable[CaseEvent]) -> tuple[str, Outcome | None]:
    """The state (and outcome) the recorded events lead to, by the machine's own table."""
    machine = MACHINES[service]
    state: str | None = None
    outcome: Outcome | None = None
    for recorded in events:
        if recorded.event == "receive":
            state = c.RECEIVED
            continue
        source = machine.states_map[state]
        targets = [
            t.target.value
            for t in source.transitions
            if recorded.event in {str(e) for e in t.events}
        ]
        if not targets:
            raise ValueError(f"{recorded.event} cannot follow {state}")
        state = str(targets[0])
        outcome = CLOSING_OUTCOMES.get(recorded.event, outcome)
    if state is None:
        raise ValueError("no receive event")
    return state, outcome
