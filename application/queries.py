"""Read-side use cases: a case with its timeline and deadline, a scenario with its branches,
and the cases near or past their deadline (R10, R13)."""

from __future__ import annotations

from collections.abc import Mapping

from attrs import evolve, frozen

from application.access import UseCase, authorise
from application.context import decision_context
from application.deadlines import DeadlineItem, DeadlineQuery, deadline_list
from application.dependencies import Dependencies
from application.intake import pending_items
from domain import lifecycle
from domain import scenario as chart
from domain.actors import Actor
from domain.cases import STATE_LABELS, Case, CaseEvent
from domain.deadlines import (
    DECIDED_STATES,
    Deadline,
    StageDeadline,
    deadline_of,
    stage_deadline_of,
)
from domain.decision_notices import DecisionNotice, decision_notice
from domain.decisions import DecisionContext, propose
from domain.eligibility import Proposal
from domain.notices import OneTimeNotice, notice_for_case
from domain.regions import RegionCode
from domain.scenario import Scenario, ScenarioEvent
from domain.services import Service
from ports.errors import RegistryError
from ports.storage import CaseQuery, UnitOfWork


@frozen
class TimelineEntry:
    """One step of a case, labelled for staff (Chinese) with its stable codes."""

    seq: int
    at: str
    event: str
    event_label: str
    actor_id: str
    from_state: str
    to_state: str
    to_label: str
    rule: str
    reason: str
    note: str
    facts: Mapping[str, str]


@frozen
class CaseView:
    """A case as an officer reads it: what happened, what is due, what the rules say."""

    case: Case
    timeline: tuple[TimelineEntry, ...]
    deadline: Deadline | None
    stage: StageDeadline | None  # the limit of the current step of its procedure
    allowed_events: tuple[str, ...]
    notice: OneTimeNotice
    proposal: Proposal | None  # the conditions checked, for the officer (never a decision)
    decision: DecisionNotice | None  # the written notice, once decided


@frozen
class LinkedCaseView:
    service: Service
    case_id: str
    state: str
    outcome: str | None


@frozen
class BranchView:
    branch: str
    label: str
    rule: str
    state: str | None
    state_label: str
    finished: bool
    cases: tuple[LinkedCaseView, ...]


@frozen
class ScenarioView:
    scenario: Scenario
    status: str
    branches: tuple[BranchView, ...]
    history: tuple[ScenarioEvent, ...]
    pending: tuple[str, ...]


BRANCH_SERVICES: Mapping[str, tuple[Service, ...]] = {
    "dibao": (Service.DIBAO,),
    "elderly": (Service.ELDERLY_LIVING, Service.ELDERLY_NURSING),
    "employment": (Service.UNEMPLOYMENT_REGISTRATION, Service.EMPLOYMENT_DIFFICULTY),
    "insurance": (Service.FLEXIBLE_INSURANCE_SUBSIDY,),
}


def timeline_of(events: list[CaseEvent]) -> tuple[TimelineEntry, ...]:
    return tuple(
        TimelineEntry(
            seq=e.seq,
            at=e.at.isoformat(timespec="seconds"),
            event=e.event,
            event_label=lifecycle.EVENT_LABELS.get(e.event, e.event),
            actor_id=e.actor_id,
            from_state=e.from_state,
            to_state=e.to_state,
            to_label=STATE_LABELS[e.to_state],
            rule=e.rule,
            reason=e.reason,
            note=e.note,
            facts=e.facts,
        )
        for e in events
    )


def get_case(deps: Dependencies, actor: Actor, case_id: str) -> CaseView:
    """A case with its timeline, deadlines, allowed events, notices and proposal."""
    with deps.uow() as uow:
        case = uow.cases.get(case_id)
        authorise(deps, actor, UseCase.READ_CASE, subject=("case", case.id), region=case.region)
        context = _context(deps, uow, case)
    rules = lifecycle.CaseRules.for_case(deps.policy, case.service, case.region)
    calendar = deps.calendar.with_days_off(rules.region.days_off)
    now = deps.clock.now()
    due_soon = deps.policy.parameters.due_soon_working_days
    decided = case.state in DECIDED_STATES
    return CaseView(
        case=case,
        timeline=timeline_of(case.events),
        deadline=_deadline(deps, case),
        stage=stage_deadline_of(case, rules.guide, calendar, now=now, due_soon_days=due_soon),
        allowed_events=lifecycle.allowed_events(case),
        notice=notice_for_case(case, rules.guide, calendar),
        proposal=None if decided else propose(case, rules.eligibility, context, now.date()),
        decision=(
            decision_notice(case, rules.guide, calendar, rules.parameters) if decided else None
        ),
    )


def _context(deps: Dependencies, uow: UnitOfWork, case: Case) -> DecisionContext:
    """The decision context, with registry answers where they can be had now: a proposal
    made without them says what it could not check (needs_information)."""
    try:
        return decision_context(deps, uow, case, registries=True)
    except RegistryError:
        return decision_context(deps, uow, case, registries=False)


def _deadline(deps: Dependencies, case: Case) -> Deadline | None:
    rules = lifecycle.CaseRules.for_case(deps.policy, case.service, case.region)
    calendar = deps.calendar.with_days_off(rules.region.days_off)
    today = deps.clock.now().date()
    due_soon = deps.policy.parameters.due_soon_working_days
    return deadline_of(case, rules.guide, calendar, today=today, due_soon_days=due_soon)


def list_cases(deps: Dependencies, actor: Actor, query: CaseQuery) -> list[Case]:
    """Cases matching the query, limited to the actor's jurisdiction (P10)."""
    within = query.within or actor.region
    authorise(deps, actor, UseCase.LIST_CASES, subject=("region", within.code), region=within)
    with deps.uow() as uow:
        return uow.cases.find(_with_region(query, within))


def get_scenario(deps: Dependencies, actor: Actor, scenario_id: str) -> ScenarioView:
    """A joint scenario with each branch's state and linked cases."""
    with deps.uow() as uow:
        subject = uow.scenarios.get(scenario_id)
        authorise(
            deps,
            actor,
            UseCase.READ_SCENARIO,
            subject=("scenario", subject.id),
            region=subject.region,
        )
        cases = {s: uow.cases.get(subject.case_of(s)) for s in _services_of(subject)}
    branches = tuple(_branch(subject, name, cases) for name in BRANCH_SERVICES)
    status = next(
        (s for s in ("completed", "not_accepted", "checking_history") if subject.is_in(s)),
        "in_progress",
    )
    return ScenarioView(subject, status, branches, tuple(subject.events), pending_items(subject))


def cases_by_deadline(
    deps: Dependencies, actor: Actor, *, within: RegionCode | None = None
) -> list[DeadlineItem]:
    """Open cases in the actor's jurisdiction that are due soon or overdue, by due date
    (`application.deadlines.deadline_list` filters by service and officer too)."""
    return deadline_list(deps, actor, DeadlineQuery(within=within))


def _services_of(subject: Scenario) -> list[Service]:
    return [Service.DIBAO, *subject.linked_cases]


def _branch(subject: Scenario, name: str, cases: Mapping[Service, Case]) -> BranchView:
    state, finished = chart.branch_state(subject, name)
    linked = tuple(_linked(cases[s]) for s in BRANCH_SERVICES[name] if s in cases)
    return BranchView(
        branch=name,
        label=chart.STATE_LABELS[name],
        rule=chart.BRANCHES[name],
        state=state,
        state_label=chart.STATE_LABELS[state] if state else "未开始",
        finished=finished,
        cases=linked,
    )


def _linked(case: Case) -> LinkedCaseView:
    outcome = case.closure.outcome.value if case.closure is not None else None
    return LinkedCaseView(case.service, case.id, case.state, outcome)


def _with_region(query: CaseQuery, within: RegionCode) -> CaseQuery:
    return evolve(query, within=within)
