"""A small world for the application-layer tests: one county, its officers, fixed time.

`World` wires the in-memory adapters through `bootstrap_in_memory`, starting at a
Monday 09:00 (+08:00), and drives a dibao household the way officers would: every step
goes through the use cases, one step a few minutes after the last.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from attrs import frozen

from adapters.clock import FixedClock
from adapters.ids import SequentialIds
from adapters.memory.registries import (
    InMemoryAssistancePlatform,
    InMemoryDisabilityRegister,
    InMemoryUnemploymentRegistry,
)
from adapters.memory.storage import InMemoryStore
from application.case_events import CaseEventResult, apply_case_event
from application.commands import ApplyCaseEvent, SubmitApplication
from application.dependencies import Dependencies
from application.intake import IntakeResult, submit_application
from application.queries import ScenarioView, get_scenario
from domain.actors import Actor, Role
from domain.benefits import DibaoHousehold
from domain.cases import VERIFIED, Case
from domain.facts import HouseholdCheckReport
from domain.identity import ResidentId, Sex
from domain.money import Money
from domain.particulars import InsuranceClaim, Particulars
from domain.policy import Policy
from domain.policy_defaults import default_policy
from domain.regions import RegionCode
from domain.scenario import Scenario
from domain.services import Channel, Department, Service
from entrypoints.bootstrap import bootstrap_in_memory
from tests.factories import COUNTY, T0, TOWNSHIP

STEP_MINUTES = 10
NOTICE_DAYS = 7  # 公示 (R1, POLICY-FACTS)
DAY0 = T0.date()  # the day every test starts on, a Monday
# What the township finds on a dibao investigation, and what a linked case's officer
# records at approval (R1).
HOUSEHOLD = DibaoHousehold(members=3, covered=2, monthly_income=Money.yuan("1200"))


def claim_at_approval(case: Case) -> Particulars | None:
    """What the officer records when approving a linked case: the insurance claim (R9)."""
    if case.service is not Service.FLEXIBLE_INSURANCE_SUBSIDY:
        return None
    male = case.applicant.resident_id.sex is Sex.MALE
    return InsuranceClaim(Money.yuan("900"), "male" if male else "female_worker")


# The day a dibao case received on DAY0 is confirmed: after its seven-day notice (R1).
GRANT_DAY = DAY0 + timedelta(days=NOTICE_DAYS + 1)
DIBAO_MATERIALS = frozenset(
    m.code for m in default_policy().guide(Service.DIBAO).required_materials
)


def born_aged(years: int, on: date = GRANT_DAY) -> date:
    """A birth date that makes a person exactly `years` old (周岁) on `on`."""
    return on.replace(year=on.year - years)


def born_turning(years: int, on: date = GRANT_DAY) -> date:
    """A birth date that makes a person `years` old the day after `on` (so one less on it)."""
    return born_aged(years, on + timedelta(days=1))


def scenario_of(intake: IntakeResult) -> str:
    """The id of the scenario a dibao application started."""
    assert intake.scenario is not None, "only a dibao application starts a scenario"
    return intake.scenario.id


@frozen
class Staff:
    """The officers of the sample county 370102, where the county confirms dibao."""

    clerk: Actor
    reviewer: Actor
    approver: Actor
    hr: Actor
    assessor: Actor
    supervisor: Actor


def county_staff(township: RegionCode = TOWNSHIP, county: RegionCode = COUNTY) -> Staff:
    def actor(key: str, role: Role, region: RegionCode) -> Actor:
        return Actor(id=key, name=f"经办人{key}", roles=[role], region=region)

    return Staff(
        clerk=actor("clerk-1", Role.WINDOW_CLERK, township),
        reviewer=actor("reviewer-1", Role.REVIEWER, township),
        approver=actor("approver-1", Role.APPROVER, county),
        hr=actor("hr-1", Role.HR_OFFICER, county),
        assessor=actor("assessor-1", Role.ASSESSOR, county),
        supervisor=actor("supervisor-1", Role.SUPERVISOR, county),
    )


class CountingPlatform(InMemoryAssistancePlatform):
    """The in-memory platform, counting the check reports asked for, per case."""

    def __init__(self, *, clock: FixedClock) -> None:
        super().__init__(clock=clock)
        self.report_requests: Counter[str] = Counter()

    def check_report(
        self, person: ResidentId, *, case_id: str, revision: int = 0
    ) -> HouseholdCheckReport:
        self.report_requests[case_id] += 1
        return super().check_report(person, case_id=case_id, revision=revision)


class World:
    """The use cases over in-memory adapters, a fixed clock and counted ids."""

    def __init__(self, *, policy: Policy | None = None) -> None:
        self.clock = FixedClock(T0)
        self.ids = SequentialIds()
        self.store = InMemoryStore()
        self.platform = CountingPlatform(clock=self.clock)
        self.unemployment = InMemoryUnemploymentRegistry()
        self.disability = InMemoryDisabilityRegister()
        self.deps: Dependencies = bootstrap_in_memory(
            clock=self.clock,
            ids=self.ids,
            store=self.store,
            policy=policy,
            platform=self.platform,
            unemployment=self.unemployment,
            disability=self.disability,
        )
        self.staff = county_staff()

    # -- time --

    def tick(self, minutes: int = STEP_MINUTES) -> None:
        self.clock.advance(minutes=minutes)

    # -- officers' steps --

    def submit_dibao(
        self,
        person: ResidentId,
        name: str = "张三",
        materials: frozenset[str] = DIBAO_MATERIALS,
        *,
        region: RegionCode = TOWNSHIP,
        channel: Channel = Channel.WINDOW,
        declared_change: str = "",
    ) -> IntakeResult:
        """A dibao application at the window, received by the clerk now."""
        self.tick()
        command = SubmitApplication(
            Service.DIBAO,
            person.reveal(),
            name,
            str(region),
            channel,
            materials,
            declared_change=declared_change,
        )
        return submit_application(self.deps, self.staff.clerk, command)

    def submit(
        self,
        service: Service,
        person: ResidentId,
        *,
        particulars: Particulars | None = None,
        declared_change: str = "",
        name: str = "张三",
    ) -> IntakeResult:
        """An application for any service with every required material, received now."""
        self.tick()
        guide = self.deps.policy.guide(service)
        materials = frozenset(m.code for m in guide.required_materials)
        command = SubmitApplication(
            service,
            person.reveal(),
            name,
            str(TOWNSHIP),
            materials=materials,
            particulars=particulars,
            declared_change=declared_change,
        )
        receiver = (
            self._officers(service)[0]
            if service.department is Department.HUMAN_RESOURCES
            else self.staff.clerk
        )
        return submit_application(self.deps, receiver, command)

    def step(self, actor: Actor, case_id: str, event: str, **kw: Any) -> CaseEventResult:
        """One lifecycle step by `actor`, a few minutes after the previous one."""
        self.tick()
        return apply_case_event(self.deps, actor, ApplyCaseEvent(case_id, event, **kw))

    def prepare_and_verify_dibao(self, case_id: str) -> CaseEventResult:
        """Record the platform's check report, then verify with the household found."""
        self.step(self.staff.reviewer, case_id, "record_check_report")
        return self.step(self.staff.reviewer, case_id, "verify", particulars=HOUSEHOLD)

    def publish_and_pass_notice(self, case_id: str) -> CaseEventResult:
        """Post the township's opinion (公示) and let its seven days run out (R1)."""
        published = self.step(self.staff.reviewer, case_id, "publish_notice")
        self.clock.advance(days=NOTICE_DAYS + 1)
        return published

    def grant_dibao(self, case_id: str) -> CaseEventResult:
        """Notice, confirm and grant a verified dibao case (the county approver)."""
        if self.case(case_id).state == VERIFIED:
            self.publish_and_pass_notice(case_id)
        self.step(self.staff.approver, case_id, "approve")
        return self.step(self.staff.approver, case_id, "grant")

    def refuse_dibao(self, case_id: str, reason: str = "income_above_standard") -> CaseEventResult:
        return self.step(self.staff.approver, case_id, "reject", reason=reason)

    def grant_linked(self, case_id: str) -> CaseEventResult:
        """Verify, approve and grant a linked case, each by the officer its department uses."""
        service = self.case(case_id).service
        verifier, decider = self._officers(service)
        self.step(verifier, case_id, "verify")
        self.step(decider, case_id, "approve", particulars=claim_at_approval(self.case(case_id)))
        return self.step(decider, case_id, "grant")

    def refuse_linked(self, case_id: str, reason: str = "not_eligible") -> CaseEventResult:
        verifier, _ = self._officers(self.case(case_id).service)
        return self.step(verifier, case_id, "reject", reason=reason)

    def _officers(self, service: Service) -> tuple[Actor, Actor]:
        """Who verifies and who confirms: the HR officer alone, or reviewer and approver."""
        if service.department is Department.HUMAN_RESOURCES:
            return self.staff.hr, self.staff.hr
        return self.staff.reviewer, self.staff.approver

    # -- reading the store --

    def case(self, case_id: str) -> Case:
        with self.deps.uow() as uow:
            return uow.cases.get(case_id)

    def scenario(self, scenario_id: str) -> Scenario:
        with self.deps.uow() as uow:
            return uow.scenarios.get(scenario_id)

    def view(self, scenario_id: str) -> ScenarioView:
        """The scenario as a county officer reads it."""
        return get_scenario(self.deps, self.staff.hr, scenario_id)

    def linked(self, scenario_id: str, service: Service) -> Case:
        """The scenario's case of `service`; KeyError when none was opened."""
        return self.case(self.scenario(scenario_id).case_of(service))

    def has_linked(self, scenario_id: str, service: Service) -> bool:
        return service in self.scenario(scenario_id).linked_cases
