"""Applying a lifecycle event to a case, and letting the joint scenario follow (R7 to R9)."""

from __future__ import annotations

from datetime import datetime

from attrs import evolve, frozen

from application.access import UseCase, authorise, authorise_step
from application.commands import ApplyCaseEvent
from application.context import decision_context
from application.dependencies import Dependencies
from application.orchestration import ScenarioRunner, fact_for, retry_outstanding
from application.outbox_entries import registry_writes
from application.training import trained_for_step
from domain import lifecycle
from domain.actors import Actor
from domain.cases import Case, CaseEvent
from domain.facts import CapabilityAssessment
from domain.lifecycle import CaseRules, Step
from ports.errors import ConcurrencyConflict
from ports.storage import UnitOfWork

# The steps a service's hard limits and benefit arithmetic decide (domain.decisions).
DECISIONS = frozenset({"approve", "help_first"})


@frozen
class CaseEventResult:
    """The case after the event, the event recorded, and any linked cases it opened."""

    case: Case
    event: CaseEvent
    linked_cases: tuple[Case, ...] = ()


def apply_case_event(deps: Dependencies, actor: Actor, command: ApplyCaseEvent) -> CaseEventResult:
    """Apply one event as `actor`, now; the case's scenario reacts in the same transaction."""
    now = deps.clock.now()
    with deps.uow() as uow:
        case = uow.cases.get(command.case_id)
        record = ("case", case.id)
        authorise(deps, actor, UseCase.APPLY_CASE_EVENT, subject=record, region=case.region)
        authorise_step(deps, actor, case.service, command.event, subject=record)
        if command.expected_version is not None and command.expected_version != case.version:
            raise ConcurrencyConflict("case", case.id, command.expected_version)
        rules = CaseRules.for_case(deps.policy, case.service, case.region)
        step = _step(deps, uow, case, actor, command, now)
        recorded = lifecycle.apply(case, command.event, step, rules)
        for entry in registry_writes(case, recorded):
            uow.outbox.add(entry)  # delivered after commit, by a worker (P6)
        runner = ScenarioRunner(deps, uow, now)
        runner.track(case)
        fact = fact_for(case, recorded)
        if fact is not None:
            for scenario_id in case.scenario_ids:
                subject = uow.scenarios.get(scenario_id)
                if not subject.is_finished:
                    runner.feed(subject, fact)
                    uow.scenarios.save(subject)
        runner.flush()
        uow.commit()
    return CaseEventResult(case, recorded, tuple(runner.opened))


def record_assessment(
    deps: Dependencies, actor: Actor, case_id: str, *, level: int, assessors: tuple[str, ...]
) -> CaseEventResult:
    """Record a capability assessment (老年人能力评估) on a nursing-subsidy case (R7)."""
    command = ApplyCaseEvent(
        case_id, "record_assessment", assessment_level=level, assessors=assessors
    )
    return apply_case_event(deps, actor, command)


def record_dispute(
    deps: Dependencies, actor: Actor, case_id: str, *, evidence: tuple[str, ...], note: str = ""
) -> CaseEventResult:
    """Record the applicant's dispute of the check report, with evidence (R12)."""
    command = ApplyCaseEvent(
        case_id, "dispute", reason="check_report_disputed", evidence=evidence, note=note
    )
    return apply_case_event(deps, actor, command)


def extend_time_limit(
    deps: Dependencies,
    actor: Actor,
    case_id: str,
    *,
    working_days: int,
    reason: str,
    note: str = "",
) -> CaseEventResult:
    """Extend a case's time limit (延期, R13): the actor approves it, with a reason, up to
    the guide's extended limit; the extension is an event in the case's history."""
    command = ApplyCaseEvent(case_id, "extend", reason=reason, note=note, extend_by=working_days)
    return apply_case_event(deps, actor, command)


def resume_scenario(deps: Dependencies, scenario_id: str) -> tuple[Case, ...]:
    """Retry what a registry failure left outstanding; returns the cases it opened."""
    return retry_outstanding(deps, scenario_id).opened


def _step(
    deps: Dependencies,
    uow: UnitOfWork,
    case: Case,
    actor: Actor,
    command: ApplyCaseEvent,
    now: datetime,
) -> Step:
    rules = CaseRules.for_case(deps.policy, case.service, case.region)
    step = Step(
        actor,
        now,
        reason=command.reason,
        note=command.note,
        rule=command.rule,
        materials=command.materials,
        evidence=command.evidence,
        to_officer=command.to_officer,
        particulars=command.particulars,
        extension_days=command.extend_by,
        actor_trained=trained_for_step(deps, uow, actor, rules, now),
    )
    if command.event in DECISIONS:
        lifecycle.ensure_permitted(case, command.event, step, rules)
        context = decision_context(deps, uow, case, registries=command.event == "approve")
        step = evolve(step, context=context)
    if command.event == "record_assessment" and command.assessment_level is not None:
        assessment = CapabilityAssessment(
            command.assessment_level,
            now.date(),
            command.assessors,
            standard=command.assessment_standard,
        )
        step = evolve(step, assessment=assessment)
    if command.event == "record_check_report":
        # The report comes from the platform, never from the caller (R12); a dispute asks
        # for a new revision. Nothing is asked for a step that would be refused anyway.
        lifecycle.ensure_permitted(case, command.event, step, rules)
        report = deps.platform.check_report(
            case.applicant.resident_id, case_id=case.id, revision=len(case.disputes)
        )
        step = evolve(step, report=report)
    return step
