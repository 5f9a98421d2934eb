"""Builders for the lifecycle tests: officers, payloads and cases driven to a state.

The expected transition table is written out here from RULES.md and DESIGN.md, apart
from the machines in `domain.lifecycle`, so that the tests compare the two.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone

from attrs import evolve

from domain.actors import Actor, Role, system_actor
from domain.benefits import DibaoHousehold, SelfCareItems
from domain.cases import (
    APPROVED,
    BENEFIT_GRANTED,
    CLOSED,
    HELPED_FIRST,
    IN_PUBLIC_NOTICE,
    RECEIVED,
    VERIFIED,
    Applicant,
    Case,
    CaseEvent,
)
from domain.eligibility import TrainingGroup
from domain.facts import CapabilityAssessment, CheckWarning, HouseholdCheckReport
from domain.identity import ResidentId, check_character
from domain.lifecycle import CaseRules, Step, apply, open_case
from domain.money import Money
from domain.particulars import (
    AppraisalClaim,
    InsuranceClaim,
    Particulars,
    TekunCircumstances,
    TemporaryKind,
    TemporaryRequest,
    TrainingClaim,
)
from domain.policy import AgeRule
from domain.policy_defaults import default_policy
from domain.regions import RegionCode
from domain.scenario import RECOGNITION_HOLD, Command, Scenario, react, start
from domain.services import Channel, Department, Outcome, Service

CST = timezone(timedelta(hours=8))
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=CST)  # a Monday morning

# Region 37 confirms at township level; the sample county 370102 at county level.
TOWNSHIP = RegionCode("370112001")  # a township of 历城区, outside the sample county
OTHER_TOWNSHIP = RegionCode("370112002")
SAMPLE_COUNTY = RegionCode("370102")
SAMPLE_TOWNSHIP = RegionCode("370102001")

CIVIL_ROLES = (Role.WINDOW_CLERK, Role.REVIEWER, Role.APPROVER, Role.ASSESSOR)
SYSTEM_EVENTS = frozenset({"end_branch", "hold", "release"})
CLOSING_EVENTS = ("close", "reject", "not_accept", "withdraw", "end_branch")
OUTCOMES: Mapping[str, Outcome] = {
    "close": Outcome.ENDED,
    "reject": Outcome.REJECTED,
    "not_accept": Outcome.NOT_ACCEPTED,
    "withdraw": Outcome.WITHDRAWN,
    "end_branch": Outcome.BRANCH_ENDED,
}

CHECKED_SERVICES = frozenset({Service.DIBAO, Service.TEKUN, Service.TEMPORARY})
ASSESSED_SERVICES = frozenset({Service.ELDERLY_NURSING})
# R6: dibao waits for the history check; R9: recognition waits for the dibao decision.
HELD_SERVICES = frozenset({Service.DIBAO, Service.EMPLOYMENT_DIFFICULTY})

# R1: dibao and tekun are publicly noticed (公示); emergency temporary help comes first.
NOTICED_SERVICES = frozenset({Service.DIBAO, Service.TEKUN})
EMERGENCY_SERVICES = frozenset({Service.TEMPORARY})
NOTICE_DAYS = 7

STATES = (RECEIVED, VERIFIED, APPROVED, BENEFIT_GRANTED, CLOSED)


def states_of(service: Service) -> tuple[str, ...]:
    """The states a case type has: the shared five and what its regulation adds."""
    noticed = (IN_PUBLIC_NOTICE,) if service in NOTICED_SERVICES else ()
    helped = (HELPED_FIRST,) if service in EMERGENCY_SERVICES else ()
    return (*STATES, *noticed, *helped)


# (state, event) -> state the event leads to, shared by every case type.
_SHARED_TABLE: Mapping[tuple[str, str], str] = {
    (RECEIVED, "verify"): VERIFIED,
    (VERIFIED, "approve"): APPROVED,
    (APPROVED, "grant"): BENEFIT_GRANTED,
    (BENEFIT_GRANTED, "close"): CLOSED,
    (RECEIVED, "reject"): CLOSED,
    (VERIFIED, "reject"): CLOSED,
    (RECEIVED, "not_accept"): CLOSED,
    (RECEIVED, "withdraw"): CLOSED,
    (VERIFIED, "withdraw"): CLOSED,
    (APPROVED, "withdraw"): CLOSED,
    (RECEIVED, "end_branch"): CLOSED,
    (VERIFIED, "end_branch"): CLOSED,
    (APPROVED, "end_branch"): CLOSED,
    (RECEIVED, "request_materials"): RECEIVED,
    (RECEIVED, "supply_materials"): RECEIVED,
    (VERIFIED, "supply_materials"): VERIFIED,
    (RECEIVED, "dispute"): RECEIVED,
    (VERIFIED, "dispute"): RECEIVED,  # R12: the township re-examines with the evidence
    (RECEIVED, "transfer"): RECEIVED,
    (VERIFIED, "transfer"): VERIFIED,
    (APPROVED, "transfer"): APPROVED,
    (BENEFIT_GRANTED, "transfer"): BENEFIT_GRANTED,
    (RECEIVED, "extend"): RECEIVED,  # R13: an extension while the limit runs
    (VERIFIED, "extend"): VERIFIED,
}


def expected_table(service: Service) -> dict[tuple[str, str], str]:
    """Every legal (state, event) pair of a case type and the state it leads to."""
    table = dict(_SHARED_TABLE)
    if service in NOTICED_SERVICES:
        del table[(VERIFIED, "approve")]  # confirmation follows the notice
        table[(VERIFIED, "publish_notice")] = IN_PUBLIC_NOTICE
        table[(IN_PUBLIC_NOTICE, "approve")] = APPROVED
        table[(IN_PUBLIC_NOTICE, "object")] = RECEIVED  # back to investigation
        for event in ("reject", "withdraw", "end_branch"):
            table[(IN_PUBLIC_NOTICE, event)] = CLOSED
        table[(IN_PUBLIC_NOTICE, "transfer")] = IN_PUBLIC_NOTICE
        table[(IN_PUBLIC_NOTICE, "extend")] = IN_PUBLIC_NOTICE
    if service in EMERGENCY_SERVICES:
        table[(RECEIVED, "help_first")] = HELPED_FIRST
        table[(HELPED_FIRST, "verify")] = VERIFIED
        for event in ("reject", "end_branch"):  # no withdrawal once help was given
            table[(HELPED_FIRST, event)] = CLOSED
        for event in ("request_materials", "supply_materials", "record_check_report"):
            table[(HELPED_FIRST, event)] = HELPED_FIRST
        table[(HELPED_FIRST, "transfer")] = HELPED_FIRST
        table[(HELPED_FIRST, "extend")] = HELPED_FIRST
    if service in CHECKED_SERVICES:
        table[(RECEIVED, "record_check_report")] = RECEIVED
    if service in ASSESSED_SERVICES:
        table[(RECEIVED, "record_assessment")] = RECEIVED
        table[(VERIFIED, "record_assessment")] = VERIFIED
    if service in HELD_SERVICES:
        for state in (RECEIVED, VERIFIED):
            table[(state, "hold")] = state
            table[(state, "release")] = state
    return table


class Clock:
    """Monotonic step times, one minute apart unless told otherwise."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def tick(self, minutes: int = 1) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now


def resident_id(born: date = date(1966, 5, 20), serial: int = 1) -> ResidentId:
    """A valid ID number registered in 历城区, with its check character computed."""
    first17 = f"370112{born:%Y%m%d}{serial:03d}"
    return ResidentId(first17 + check_character(first17))


def officer(*roles: Role, region: RegionCode = TOWNSHIP, actor_id: str = "officer-1") -> Actor:
    return Actor(id=actor_id, name=f"经办人{actor_id}", roles=list(roles), region=region)


def all_round_officer(service: Service, region: RegionCode = TOWNSHIP) -> Actor:
    """An officer holding every role the service's department needs (assessor included)."""
    if service.department is Department.HUMAN_RESOURCES:
        return officer(Role.HR_OFFICER, region=region, actor_id="hr-1")
    return officer(*CIVIL_ROLES, region=region, actor_id="civil-1")


def actor_for(service: Service, event: str, region: RegionCode = TOWNSHIP) -> Actor:
    """The actor of a test step: the system for its own events, else an all-round officer."""
    if event in SYSTEM_EVENTS:
        return system_actor(region)
    return all_round_officer(service, region)


def rules_for(service: Service, region: RegionCode = TOWNSHIP) -> CaseRules:
    return CaseRules.for_case(default_policy(), service, region)


def extendable_rules(service: Service, region: RegionCode = TOWNSHIP) -> CaseRules:
    """The service's rules with an extended limit ten working days above its own (R13):
    the shipped guides give one only to dibao."""
    rules = rules_for(service, region)
    limit = rules.guide.time_limit
    extended = evolve(limit, extended_working_days=limit.working_days + 10)
    return evolve(rules, guide=evolve(rules.guide, time_limit=extended))


def required_materials(service: Service) -> frozenset[str]:
    guide = default_policy().guide(service)
    return frozenset(m.code for m in guide.required_materials)


def check_report(*warnings: CheckWarning, reference: str = "HC-2026-0001") -> HouseholdCheckReport:
    return HouseholdCheckReport(reference=reference, issued_on=T0.date(), warnings=warnings)


def assessment(level: int) -> CapabilityAssessment:
    return CapabilityAssessment(
        level=level, assessed_on=T0.date(), assessors=("评估员甲", "评估员乙")
    )


def step_for(service: Service, event: str, at: datetime, region: RegionCode = TOWNSHIP) -> Step:
    """A step that carries everything the event's guards ask for."""
    actor = actor_for(service, event, region)
    if event in CLOSING_EVENTS:
        rule = "R8" if event == "end_branch" else ""
        return Step(actor=actor, at=at, reason=f"{event}_reason", rule=rule)
    payloads: dict[str, Step] = {
        "supply_materials": Step(actor=actor, at=at, materials=frozenset({"id_card"})),
        "record_check_report": Step(actor=actor, at=at, report=check_report()),
        "record_assessment": Step(actor=actor, at=at, assessment=assessment(2)),
        "dispute": Step(actor=actor, at=at, evidence=("不动产登记机构出具的证明",)),
        "transfer": Step(actor=actor, at=at, to_officer="officer-2", reason="休假交接"),
        "extend": Step(actor=actor, at=at, reason="household_check_delayed", extension_days=5),
        "hold": Step(actor=actor, at=at, hold=RECOGNITION_HOLD),
        "object": Step(
            actor=actor, at=at, reason="objection_received", note="邻居反映其有稳定收入"
        ),
    }
    return payloads.get(event, Step(actor=actor, at=at))


def new_case(
    service: Service,
    *,
    region: RegionCode = TOWNSHIP,
    materials: frozenset[str] | None = None,
    at: datetime = T0,
    case_id: str = "case-0001",
    particulars: Particulars | None = None,
) -> Case:
    """A case just received; by default with every required material supplied."""
    supplied = required_materials(service) if materials is None else materials
    receiver = all_round_officer(service, region)
    case = open_case(
        case_id=case_id,
        service=service,
        applicant=Applicant(resident_id(ELDERLY_BIRTH if service in ELDERLY else BIRTH), "张三"),
        region=region,
        channel=Channel.WINDOW,
        step=Step(actor=receiver, at=at, materials=supplied),
        rules=rules_for(service, region),
    )
    case.particulars = particulars or default_particulars(service)
    return case


# A 59-year-old man applies for most services; a 75-year-old for the elderly subsidies.
BIRTH, ELDERLY_BIRTH = date(1966, 5, 20), date(1950, 6, 1)
ELDERLY = frozenset({Service.ELDERLY_LIVING, Service.ELDERLY_NURSING})


def default_particulars(service: Service) -> Particulars | None:
    """What each service's procedure needs, as a typical applicant brings it."""
    group = TrainingGroup.REGISTERED_UNEMPLOYED
    typical: dict[Service, Particulars] = {
        Service.DIBAO: DibaoHousehold(members=3, covered=2, monthly_income=Money.yuan("1200")),
        Service.TEKUN: TekunCircumstances(True, True, SelfCareItems(*[True] * 6)),
        Service.TEMPORARY: emergency_request(),
        Service.FLEXIBLE_INSURANCE_SUBSIDY: InsuranceClaim(Money.yuan("900"), "male"),
        Service.TRAINING_SUBSIDY: TrainingClaim(group, "电工", "五级"),
        Service.SKILL_APPRAISAL_SUBSIDY: AppraisalClaim(group, "电工", "五级", True),
    }
    return typical.get(service)


def emergency_request(yuan: str = "1000", cause: str = "fire") -> TemporaryRequest:
    """An emergency temporary-assistance request (急难型), within the township's cap."""
    return TemporaryRequest(TemporaryKind.EMERGENCY, cause, Money.yuan(yuan))


def act(case: Case, event: str, clock: Clock, region: RegionCode = TOWNSHIP) -> CaseEvent:
    """Apply `event` with the step `step_for` builds, one tick after the last one.

    A confirmation after a public notice waits until the notice is over.
    """
    if event == "approve" and case.state == IN_PUBLIC_NOTICE:
        pass_the_notice(clock)
    step = step_for(case.service, event, clock.tick(), region)
    return apply(case, event, step, rules_for(case.service, region))


def prepare_for_decision(case: Case, clock: Clock, region: RegionCode = TOWNSHIP) -> None:
    """Record what verification and approval will ask for: check report, assessment."""
    if case.service in CHECKED_SERVICES:
        act(case, "record_check_report", clock, region)
    if case.service in ASSESSED_SERVICES:
        act(case, "record_assessment", clock, region)


def pass_the_notice(clock: Clock) -> None:
    """Move the clock to the first day after a notice posted today has run its days."""
    clock.tick(minutes=(NOTICE_DAYS + 1) * 24 * 60)


def path_to(service: Service, state: str) -> tuple[str, ...]:
    """The events that lead a new case of `service` to `state` on its main path."""
    notice = ("publish_notice",) if service in NOTICED_SERVICES else ()
    decided = ("verify", *notice, "approve")
    paths: Mapping[str, tuple[str, ...]] = {
        RECEIVED: (),
        HELPED_FIRST: ("help_first",),
        VERIFIED: ("verify",),
        IN_PUBLIC_NOTICE: ("verify", "publish_notice"),
        APPROVED: decided,
        BENEFIT_GRANTED: (*decided, "grant"),
        CLOSED: (*decided, "grant", "close"),
    }
    return paths[state]


def case_in(
    service: Service,
    state: str,
    *,
    clock: Clock | None = None,
    region: RegionCode = TOWNSHIP,
    materials: frozenset[str] | None = None,
) -> Case:
    """A case driven to `state` by legal events, ready for any event allowed there."""
    clock = clock or Clock()
    case = new_case(service, region=region, materials=materials, at=clock.now)
    if materials is None:
        prepare_for_decision(case, clock, region)
    for event in path_to(service, state):
        act(case, event, clock, region)
    return case


def awaiting_confirmation(
    service: Service, *, clock: Clock, region: RegionCode = TOWNSHIP
) -> Case:
    """A case that may be confirmed next: verified and, for dibao and tekun, noticed."""
    if service not in NOTICED_SERVICES:
        return case_in(service, VERIFIED, clock=clock, region=region)
    case = case_in(service, IN_PUBLIC_NOTICE, clock=clock, region=region)
    pass_the_notice(clock)
    return case


def snapshot(case: Case) -> Case:
    return copy.deepcopy(case)


# -- the joint scenario of R6 to R9 --

GRANTED_ON = datetime(2026, 3, 2, 15, 0, tzinfo=CST)  # the day dibao is granted in the tests


def new_scenario(born: date = date(1950, 6, 1), scenario_id: str = "scenario-0001") -> Scenario:
    """A started scenario for an applicant born on `born`, waiting for the history check."""
    scenario = Scenario(
        id=scenario_id,
        dibao_case_id="case-0001",
        applicant=Applicant(resident_id(born), "李四"),
        region=TOWNSHIP,
        started_at=T0,
    )
    start(scenario)
    return scenario


def feed(
    scenario: Scenario, *facts: str, at: datetime = GRANTED_ON, age_rule: AgeRule | None = None
) -> tuple[Command, ...]:
    """React to each fact in turn; the commands of the last one."""
    commands: tuple[Command, ...] = ()
    for fact in facts:
        commands = react(scenario, fact, at=at, age_rule=age_rule or AgeRule())
    return commands
