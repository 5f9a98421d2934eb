"""Carry out what the joint scenario asks, and feed it the facts that follow (R6 to R9).

The scenario statechart decides; this module only executes its commands against the
ports, inside the caller's unit of work, and turns registry answers and linked-case
outcomes back into facts for the chart. Steps the scenario drives are taken by the
system actor. A registry that fails leaves its command outstanding on the scenario and
queues a `ResumeScenario` outbox entry, which the worker delivers by retrying
(`resume_scenario`) with backoff until the registry answers, or raises an incident; a
failure is never read as a negative answer (P9).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Mapping
from datetime import datetime

from attrs import frozen

from application.dependencies import Dependencies
from application.outbox_entries import platform_entry, resume_entry
from domain import lifecycle, scenario
from domain.actors import system_actor
from domain.cases import APPROVED, BENEFIT_GRANTED, CLOSED, Case, CaseEvent, Hold
from domain.decisions import waiting_after_refusal
from domain.eligibility import Finding
from domain.facts import EXCLUSIVE_SERVICES, AssistanceRecord, RecordStatus
from domain.lifecycle import CaseRules, Step
from domain.scenario import (
    CheckHistory,
    Command,
    EndLinkedCase,
    NotAcceptDibao,
    OpenLinkedCase,
    QueryDisabilityRegister,
    QueryUnemploymentRegistry,
    RecordOnPlatform,
    ReleaseLinkedCase,
    Scenario,
)
from domain.services import Channel, Service
from ports.errors import RegistryError
from ports.registries import PlatformApplication
from ports.storage import UnitOfWork

log = logging.getLogger(__name__)

# Which scenario facts a linked case's decision gives: (granted, closed without benefit).
FACTS_FROM_CASES: Mapping[Service, tuple[str, str]] = {
    Service.DIBAO: ("dibao_granted", "dibao_refused"),
    Service.ELDERLY_NURSING: ("nursing_granted", "nursing_refused"),
    Service.UNEMPLOYMENT_REGISTRATION: ("registration_granted", "registration_refused"),
    Service.EMPLOYMENT_DIFFICULTY: ("recognition_granted", "recognition_refused"),
    Service.FLEXIBLE_INSURANCE_SUBSIDY: ("subsidy_granted", "subsidy_refused"),
}


# R6: a dibao application waits, unverified, while the history check is outstanding.
HISTORY_HOLD = Hold(rule="R6", reason="历史救助记录查询中，查询完成前暂不审核")


def fact_for(case: Case, event: CaseEvent) -> str | None:
    """The scenario fact an officer's step on a linked case gives, if any."""
    facts = FACTS_FROM_CASES.get(case.service)
    if facts is None or not case.scenario_ids:
        return None
    if event.from_state == APPROVED and event.to_state == BENEFIT_GRANTED:
        return facts[0]
    if event.to_state == CLOSED and event.from_state != BENEFIT_GRANTED:
        return facts[1]
    return None


def local_blocking_records(uow: UnitOfWork, case: Case) -> tuple[AssistanceRecord, ...]:
    """Open dibao or tekun cases of the person in this system, other than `case` (R6)."""
    return tuple(
        AssistanceRecord(other.service, RecordStatus.PENDING, other.received_at.date(), other.id)
        for other in uow.cases.of_person(case.applicant.resident_id)
        if other.is_open and other.id != case.id and other.service in EXCLUSIVE_SERVICES
    )


class ScenarioRunner:
    """Runs one scenario's commands until none is left, within one unit of work.

    The runner keeps every case it loads or opens; `flush` stages them all in the unit
    of work, so the caller commits the scenario and its cases together.
    """

    def __init__(self, deps: Dependencies, uow: UnitOfWork, now: datetime) -> None:
        self.deps = deps
        self.uow = uow
        self.now = now
        self.blocking: tuple[AssistanceRecord, ...] = ()
        self.wait: Finding | None = None  # the wait after a refusal, where one applies
        self.resuming = False
        self.last_error: RegistryError | None = None  # the last registry failure of the run
        self._cases: dict[str, Case] = {}
        self._new: list[str] = []

    def track(self, case: Case, *, new: bool = False) -> None:
        """Let the runner act on a case the caller already holds."""
        self._cases[case.id] = case
        if new:
            self._new.append(case.id)

    @property
    def opened(self) -> list[Case]:
        """The linked cases the scenario opened in this run, in order."""
        opened = (self._cases[i] for i in self._new)
        return [c for c in opened if c.channel is Channel.SYSTEM]

    def start(self, subject: Scenario) -> None:
        self._drain(subject, deque(scenario.start(subject)))

    def feed(self, subject: Scenario, fact: str) -> None:
        """Give the scenario one fact and carry out everything that follows."""
        self._drain(subject, deque(self._react(subject, fact)))

    def resume(self, subject: Scenario) -> None:
        """Retry the commands a registry failure left outstanding, in their order."""
        waiting, subject.outstanding = deque(subject.outstanding), []
        self.resuming = True
        self._drain(subject, waiting)

    def flush(self) -> None:
        """Stage every case the run touched: new ones added, loaded ones saved."""
        for case_id, case in self._cases.items():
            if case_id in self._new:
                self.uow.cases.add(case)
            else:
                self.uow.cases.save(case)

    def _react(self, subject: Scenario, fact: str) -> tuple[Command, ...]:
        age_rule = self.deps.policy.parameters.age_rule
        return scenario.react(subject, fact, at=self.now, age_rule=age_rule)

    def _drain(self, subject: Scenario, queue: deque[Command]) -> None:
        while queue:
            command = queue.popleft()
            try:
                fact = self._run(subject, command)
            except RegistryError as error:
                log.warning(
                    "scenario %s: %s left outstanding (%s)",
                    subject.id,
                    type(command).__name__,
                    error.code,
                )
                subject.outstanding.append(command)
                self.last_error = error
                if isinstance(command, CheckHistory):
                    self._hold_dibao(subject)
                if not self.resuming:  # a resume that fails again keeps its own entry
                    self.uow.outbox.add(resume_entry(subject))
                continue
            if fact is not None:
                queue.extend(self._react(subject, fact))

    def _run(self, subject: Scenario, command: Command) -> str | None:
        """Carry out one command; returns the fact it produced, if any."""
        person = subject.applicant.resident_id
        match command:
            case CheckHistory():
                return self._check_history(subject)
            case RecordOnPlatform():
                self._record_on_platform(subject)
            case QueryUnemploymentRegistry():
                status = self.deps.unemployment.registration_of(person)
                return "found_registered" if status.registered else "found_unregistered"
            case QueryDisabilityRegister():
                disability = self.deps.disability.status_of(person)
                monthly = self.deps.policy.parameters.nursing_monthly
                return scenario.disability_fact(disability, monthly)
            case NotAcceptDibao():
                self._not_accept(subject, command)
            case OpenLinkedCase():
                return self._open(subject, command)
            case ReleaseLinkedCase():
                return self._release(subject, command)
            case EndLinkedCase():
                self._end(subject, command)
        return None

    def _check_history(self, subject: Scenario) -> str:
        """R6: this system's open dibao or tekun cases first, then the platform's history;
        R1: an earlier refusal within the waiting period, unless a change is declared."""
        dibao = self._case(subject.dibao_case_id)
        self.blocking = local_blocking_records(self.uow, dibao)
        records: tuple[AssistanceRecord, ...] = ()
        if not self.blocking:
            history = self.deps.platform.history_of(dibao.applicant.resident_id)
            self.blocking, records = history.blocking_records(), history.records
        if dibao.hold == HISTORY_HOLD:
            self._step(subject, Service.DIBAO, "release", reason="history_checked", rule="R6")
        if self.blocking:
            return "history_blocked"
        others = self.uow.cases.of_person(dibao.applicant.resident_id)
        self.wait = waiting_after_refusal(
            dibao, others, records, self.now.date(), self.deps.policy.eligibility
        )
        return (
            "refused_recently" if self.wait is not None and not self.wait.met else "history_clear"
        )

    def _hold_dibao(self, subject: Scenario) -> None:
        dibao = self._case(subject.dibao_case_id)
        if dibao.hold is None:
            rules = CaseRules.for_case(self.deps.policy, Service.DIBAO, dibao.region)
            step = Step(
                system_actor(subject.region),
                self.now,
                reason="history_check_pending",
                hold=HISTORY_HOLD,
            )
            lifecycle.apply(dibao, "hold", step, rules)

    def _record_on_platform(self, subject: Scenario) -> None:
        """Queued in the outbox; its delivery stores the platform's reference (P6)."""
        dibao = self._case(subject.dibao_case_id)
        application = PlatformApplication(
            dibao.id, dibao.service, dibao.applicant.resident_id, dibao.region, dibao.received_at
        )
        self.uow.outbox.add(platform_entry(application, subject.id))

    def _not_accept(self, subject: Scenario, command: NotAcceptDibao) -> None:
        records = "；".join(f"{r.service.label}（{r.status.label}）" for r in self.blocking)
        note = f"已有救助记录：{records}" if records else ""
        if self.wait is not None:
            note = self.wait.text
        self._step(
            subject,
            Service.DIBAO,
            "not_accept",
            reason=command.reason,
            rule=command.rule,
            note=note,
        )

    def _open(self, subject: Scenario, command: OpenLinkedCase) -> str | None:
        existing = self._open_case_of(subject, command.service)
        if existing is not None:
            return self._adopt(subject, command, existing)
        dibao = self._case(subject.dibao_case_id)
        rules = CaseRules.for_case(self.deps.policy, command.service, subject.region)
        carried = frozenset(m.code for m in rules.guide.materials) & dibao.materials
        system = system_actor(subject.region)
        case = lifecycle.open_case(
            case_id=self.deps.ids.new_id("case"),
            service=command.service,
            applicant=subject.applicant,
            region=subject.region,
            channel=Channel.SYSTEM,
            step=Step(
                system, self.now, reason=command.reason, rule=command.rule, materials=carried
            ),
            rules=rules,
            scenario_id=subject.id,
        )
        if command.hold is not None:
            hold = Step(system, self.now, reason=command.reason, hold=command.hold)
            lifecycle.apply(case, "hold", hold, rules)
        if command.automatic:
            step = Step(system, self.now, reason=command.reason, rule=command.rule)
            for event in ("verify", "approve", "grant"):
                lifecycle.apply(case, event, step, rules)
        subject.linked_cases[command.service] = case.id
        self.track(case, new=True)
        return None

    def _open_case_of(self, subject: Scenario, service: Service) -> Case | None:
        """The person's open case of `service` from elsewhere, which P3 keeps unique."""
        person = subject.applicant.resident_id
        candidates = [*self.uow.cases.of_person(person), *self._cases.values()]
        return next(
            (self._case(c.id) for c in candidates if c.service is service and c.is_open),
            None,
        )

    def _adopt(self, subject: Scenario, command: OpenLinkedCase, case: Case) -> str | None:
        """Link an open case instead of opening a second one (P3); it reports here too.

        A case already granted gives its fact at once when the scenario can take it; an
        undecided one is held like a new one would be, and its decision will be fed to
        every scenario that waits on it.
        """
        subject.linked_cases[command.service] = case.id
        if subject.id not in case.scenario_ids:
            case.joined_scenarios.append(subject.id)
        if case.state == BENEFIT_GRANTED:
            return self._granted_fact(subject, case)
        if command.hold is not None and case.hold is None:
            rules = CaseRules.for_case(self.deps.policy, case.service, case.region)
            hold = Step(
                system_actor(subject.region), self.now, reason=command.reason, hold=command.hold
            )
            lifecycle.apply(case, "hold", hold, rules)
        return None

    def _granted_fact(self, subject: Scenario, case: Case) -> str | None:
        facts = FACTS_FROM_CASES.get(case.service)
        if facts is None or facts[0] not in scenario.allowed_facts(subject):
            return None
        return facts[0]

    def _release(self, subject: Scenario, command: ReleaseLinkedCase) -> str | None:
        case = self._case(subject.case_of(command.service))
        if case.hold is not None:
            self._step(subject, command.service, "release", reason="dibao_granted", rule="R9")
            return None
        # An adopted case decided before this scenario waited on it.
        return self._granted_fact(subject, case) if case.state == BENEFIT_GRANTED else None

    def _end(self, subject: Scenario, command: EndLinkedCase) -> None:
        """End a waiting case this scenario opened; an adopted one goes on as it was."""
        case = self._case(subject.case_of(command.service))
        if case.scenario_id == subject.id and case.is_open:
            self._step(
                subject, command.service, "end_branch", reason=command.reason, rule=command.rule
            )

    def _step(
        self,
        subject: Scenario,
        service: Service,
        event: str,
        *,
        reason: str,
        rule: str = "",
        note: str = "",
    ) -> None:
        case = self._case(subject.case_of(service))
        rules = CaseRules.for_case(self.deps.policy, service, case.region)
        step = Step(system_actor(subject.region), self.now, reason=reason, rule=rule, note=note)
        lifecycle.apply(case, event, step, rules)

    def _case(self, case_id: str) -> Case:
        if case_id not in self._cases:
            self._cases[case_id] = self.uow.cases.get(case_id)
        return self._cases[case_id]


@frozen
class ResumeResult:
    """What a retry achieved: the cases it opened, and the failure it met, if any."""

    opened: tuple[Case, ...]
    still_outstanding: int
    error: RegistryError | None


def retry_outstanding(deps: Dependencies, scenario_id: str) -> ResumeResult:
    """Retry what a registry failure left outstanding, and say what is still left."""
    now = deps.clock.now()
    with deps.uow() as uow:
        subject = uow.scenarios.get(scenario_id)
        runner = ScenarioRunner(deps, uow, now)
        runner.resume(subject)
        uow.scenarios.save(subject)
        runner.flush()
        uow.commit()
    return ResumeResult(tuple(runner.opened), len(subject.outstanding), runner.last_error)
