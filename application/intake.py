"""Submitting an application (申请): recorded at once (R4), dibao starting the scenario."""

from __future__ import annotations

from collections.abc import Mapping

from attrs import frozen

from application.access import UseCase, authorise, authorise_step
from application.commands import SubmitApplication
from application.dependencies import Dependencies
from application.orchestration import ScenarioRunner
from application.training import trained_for_step
from domain import lifecycle
from domain.actors import Actor, system_actor
from domain.cases import Applicant, Case
from domain.decisions import waiting_after_refusal
from domain.eligibility import Finding
from domain.identity import ResidentId
from domain.lifecycle import CaseRules, Step
from domain.notices import NoticeReason, OneTimeNotice, notice_for_case
from domain.regions import RegionCode
from domain.scenario import (
    CheckHistory,
    QueryDisabilityRegister,
    QueryUnemploymentRegistry,
    RecordOnPlatform,
    Scenario,
)
from domain.services import Service
from ports.storage import UnitOfWork

# Services whose refusal makes a new application wait, unless circumstances change (R1).
WAITING_AFTER_REFUSAL = frozenset({Service.DIBAO, Service.TEKUN})
WAIT_CODE = "refused_within_waiting_period"

PENDING_LABELS: Mapping[type, str] = {
    CheckHistory: "历史救助记录查询中（R6），查询完成后继续办理",
    RecordOnPlatform: "低保申请录入山东社会救助数字平台中",
    QueryUnemploymentRegistry: "失业登记信息查询中（R8）",
    QueryDisabilityRegister: "重度残疾人护理补贴信息查询中（R7）",
}


def pending_items(subject: Scenario | None) -> tuple[str, ...]:
    """What the applicant is told is still being checked (issue: registry down)."""
    if subject is None:
        return ()
    labels = (PENDING_LABELS.get(type(c)) for c in subject.outstanding)
    return tuple(dict.fromkeys(label for label in labels if label))


@frozen
class IntakeResult:
    """The recorded case, its one-time notice and, for dibao, the scenario it started."""

    case: Case
    notice: OneTimeNotice
    scenario: Scenario | None = None
    linked_cases: tuple[Case, ...] = ()


def submit_application(
    deps: Dependencies, actor: Actor, command: SubmitApplication
) -> IntakeResult:
    """Record an application as received now, by `actor`, and say everything at once (R11)."""
    now = deps.clock.now()
    person = ResidentId.parse(command.resident_id, today=now.date())
    region = RegionCode(command.region)
    record = ("application", f"new {command.service.value}")
    authorise(deps, actor, UseCase.SUBMIT_APPLICATION, subject=record, region=region)
    authorise_step(deps, actor, command.service, "receive", subject=record)
    rules = CaseRules.for_case(deps.policy, command.service, region)
    with deps.uow() as uow:
        case = lifecycle.open_case(
            case_id=deps.ids.new_id("case"),
            service=command.service,
            applicant=Applicant(person, command.name),
            region=region,
            channel=command.channel,
            step=Step(
                actor,
                now,
                materials=command.materials,
                note=command.note,
                actor_trained=trained_for_step(deps, uow, actor, rules, now),
            ),
            rules=rules,
            particulars=command.particulars,
            declared_change=command.declared_change,
        )
        runner = ScenarioRunner(deps, uow, now)
        runner.track(case, new=True)
        subject = None
        if command.service is Service.DIBAO:
            subject = Scenario(deps.ids.new_id("scenario"), case.id, case.applicant, region, now)
            case.scenario_id = subject.id
            runner.start(subject)
            uow.scenarios.add(subject)
        elif command.service in WAITING_AFTER_REFUSAL:
            runner.wait = _not_accept_within_wait(deps, uow, case, rules)
        runner.flush()
        uow.commit()
    calendar = deps.calendar.with_days_off(rules.region.days_off)
    wait = runner.wait
    refusals = () if wait is None or wait.met else (NoticeReason(WAIT_CODE, wait.text, "R1"),)
    notice = notice_for_case(
        case,
        rules.guide,
        calendar,
        blocking_records=runner.blocking,
        pending=pending_items(subject),
        refusals=refusals,
    )
    return IntakeResult(case, notice, subject, tuple(runner.opened))


def _not_accept_within_wait(
    deps: Dependencies, uow: UnitOfWork, case: Case, rules: CaseRules
) -> Finding | None:
    """R1: refused within the waiting period and no change declared: not accepted.

    Tekun is checked against this system's cases (dibao also against the platform's
    records, in the joint scenario's history check).
    """
    others = uow.cases.of_person(case.applicant.resident_id)
    today = case.received_at.date()
    wait = waiting_after_refusal(case, others, (), today, deps.policy.eligibility)
    if wait is not None and not wait.met:
        step = Step(system_actor(case.region), case.received_at, WAIT_CODE, wait.text, "R1")
        lifecycle.apply(case, "not_accept", step, rules)
    return wait
