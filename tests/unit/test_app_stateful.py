"""Random officer steps on several households through the use cases (R6 to R9, P4).

Households of random age (40 to 85) and random registry records apply for dibao; the
officers then take legal-looking steps in any order, deciding dibao and the linked
cases the scenario opens, and now and then a wrong step that must be refused without
changing anything. Whatever happens, the invariants below hold on what is stored.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

import pytest
from attrs import frozen
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from domain import lifecycle
from domain.actors import Actor, Role
from domain.ages import age_on
from domain.cases import APPROVED, BENEFIT_GRANTED, CLOSED, RECEIVED, VERIFIED, Case
from domain.errors import DomainError, RuleRefused
from domain.facts import AssistanceRecord, DisabilityStatus, RecordStatus
from domain.identity import ResidentId
from domain.scenario import MOVES, Scenario, move_meaning
from domain.services import Department, Outcome, Service
from tests.factories import OTHER_TOWNSHIP, resident_id
from tests.unit.app_helpers import World, born_aged, claim_at_approval

MAX_HOUSEHOLDS = 3
DECIDED_ONLY_AFTER_DIBAO = frozenset(
    {
        Service.ELDERLY_LIVING,
        Service.ELDERLY_NURSING,
        Service.EMPLOYMENT_DIFFICULTY,
        Service.FLEXIBLE_INSURANCE_SUBSIDY,
    }
)
BLOCKING_RECORDS = (
    AssistanceRecord(Service.DIBAO, RecordStatus.RECEIVING, date(2024, 4, 1)),
    AssistanceRecord(Service.TEKUN, RecordStatus.PENDING, date(2026, 2, 1)),
)
OUTSIDER = Actor(
    id="clerk-9", name="外乡镇经办人", roles=[Role.WINDOW_CLERK], region=OTHER_TOWNSHIP
)


mostly_yes = st.sampled_from([True, True, True, False])  # officers mostly move cases on
pauses = st.sampled_from([0, 0, 0, 1, 3, 30])  # days that pass before a step


@frozen
class Applicant:
    """Who applies and what the registries hold on them."""

    born: date
    registered: bool
    severe_disability: bool
    history: AssistanceRecord | None


@st.composite
def applicants(draw: st.DrawFn) -> Applicant:
    """Aged 40 to 85 on the first day, anywhere in that year of their life."""
    age = draw(st.integers(40, 85))
    born = born_aged(age) - timedelta(days=draw(st.integers(0, 364)))
    history = draw(st.one_of(st.none(), st.none(), st.none(), st.sampled_from(BLOCKING_RECORDS)))
    severe_disability = draw(st.sampled_from([False, False, True]))
    return Applicant(born, draw(st.booleans()), severe_disability, history)


@frozen
class Household:
    person: ResidentId
    born: date
    dibao_case_id: str
    scenario_id: str


def granted_on(case: Case) -> date | None:
    """The day the case's benefit was granted, if it was."""
    granted = [e for e in case.events if e.to_state == BENEFIT_GRANTED]
    return granted[0].at.date() if granted else None


def refused(case: Case) -> bool:
    """Closed without its benefit ever being granted."""
    return case.state == CLOSED and granted_on(case) is None


class JointScenarioSteps(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.world = World()
        self.households: list[Household] = []
        self.applied_again: set[str] = set()  # households that applied a second time

    # -- reading what is stored --

    def _cases(self) -> list[Case]:
        return list(self.world.store.cases.values())

    def _scenarios(self) -> list[Scenario]:
        return list(self.world.store.scenarios.values())

    def _with_open_dibao(self) -> list[Household]:
        """Households whose dibao case is still open and who have not applied again."""
        return [
            h
            for h in self.households
            if self._dibao(h).is_open and h.dibao_case_id not in self.applied_again
        ]

    def _movable_cases(self) -> list[Case]:
        """Undecided dibao cases of the households, and open linked cases short of benefit."""
        dibao = [self._dibao(h) for h in self.households]
        cases = self.world.store.cases
        linked = [cases[i] for s in self._scenarios() for i in s.linked_cases.values()]
        return [
            c
            for c in sorted([*dibao, *linked], key=lambda c: c.id)
            if c.state in (RECEIVED, VERIFIED) or (c.state == APPROVED and c.hold is None)
        ]

    def _snapshot(self) -> tuple[Any, ...]:
        """Everything a refused step must leave as it was."""
        world = self.world
        scenarios = {
            s.id: (s.version, s.configuration, len(s.events), dict(s.linked_cases))
            for s in self._scenarios()
        }
        effects = (
            world.platform.recorded,
            world.unemployment.registrations,
            world.unemployment.recognitions,
        )
        return copy.deepcopy(world.store.cases), scenarios, effects

    # -- rules --

    def _apply(self, applicant: Applicant) -> None:
        world = self.world
        person = resident_id(len(self.households) + 1, born=applicant.born)
        if applicant.registered:
            world.unemployment.seed_registered(person, date(2025, 9, 1))
        if applicant.severe_disability:
            world.disability.seed(person, DisabilityStatus(True, grade=1))
        if applicant.history is not None:
            world.platform.seed_history(person, applicant.history)

        intake = world.submit_dibao(person)

        assert intake.scenario is not None
        assert intake.case.state == (CLOSED if applicant.history else RECEIVED)
        household = Household(person, applicant.born, intake.case.id, intake.scenario.id)
        self.households.append(household)

    @initialize(applicant=applicants())
    def apply_for_dibao_first(self, applicant: Applicant) -> None:
        self._apply(applicant)

    @precondition(lambda self: len(self.households) < MAX_HOUSEHOLDS)
    @rule(applicant=applicants())
    def apply_for_dibao(self, applicant: Applicant) -> None:
        self._apply(applicant)

    @precondition(lambda self: self._with_open_dibao())
    @rule(data=st.data())
    def apply_again_while_dibao_is_open(self, data: st.DataObject) -> None:
        household = data.draw(st.sampled_from(self._with_open_dibao()))

        again = self.world.submit_dibao(household.person)
        self.applied_again.add(household.dibao_case_id)

        assert again.case.closure is not None
        assert again.case.closure.outcome is Outcome.NOT_ACCEPTED
        assert self._dibao(household).is_open

    @precondition(lambda self: self._movable_cases())
    @rule(data=st.data(), grant=mostly_yes, level=st.integers(0, 3), pause=pauses)
    def take_the_next_step(self, data: st.DataObject, grant: bool, level: int, pause: int) -> None:
        """An officer takes the next step on an undecided dibao case or an open linked one."""
        case = data.draw(st.sampled_from(self._movable_cases()))
        self.world.clock.advance(days=pause)
        event(f"step on {case.service.value} {case.state}")

        if case.service is Service.DIBAO:
            self._decide_dibao(case, grant)
        elif case.service is Service.ELDERLY_NURSING:
            self._decide_nursing(case, grant, level)
        else:
            self._decide_human_resources(case, grant)

    def _decide_dibao(self, case: Case, grant: bool) -> None:
        if case.state == RECEIVED:
            self.world.prepare_and_verify_dibao(case.id)
        elif grant:
            self.world.grant_dibao(case.id)
        else:
            self.world.refuse_dibao(case.id)

    def _decide_human_resources(self, case: Case, grant: bool) -> None:
        world, hr = self.world, self.world.staff.hr
        if case.hold is not None:  # R9: nothing is done before dibao is granted
            with pytest.raises(RuleRefused):
                world.step(hr, case.id, "verify" if case.state == RECEIVED else "approve")
        elif case.state == APPROVED:
            world.step(hr, case.id, "grant")
        elif grant and case.state == RECEIVED:
            world.step(hr, case.id, "verify")
        elif grant:
            try:
                world.step(hr, case.id, "approve", particulars=claim_at_approval(case))
            except RuleRefused as refused:  # e.g. past retirement: the officer then refuses
                event(f"approval refused: {refused.code}")
                world.step(hr, case.id, "reject", reason=refused.code)
        else:
            world.step(hr, case.id, "reject", reason="not_eligible")

    def _decide_nursing(self, case: Case, grant: bool, level: int) -> None:
        world, staff = self.world, self.world.staff
        if case.assessment is None:
            world.step(staff.assessor, case.id, "record_assessment", assessment_level=level)
        elif case.state == RECEIVED:
            world.step(staff.reviewer, case.id, "verify")
        elif case.state == APPROVED:
            world.step(staff.approver, case.id, "grant")
        elif grant and case.assessment.level in {2, 3}:
            world.step(staff.approver, case.id, "approve")
        else:
            world.step(staff.reviewer, case.id, "reject", reason="assessment_not_qualifying")

    @rule(data=st.data(), outsider=st.booleans())
    def take_a_wrong_step(self, data: st.DataObject, outsider: bool) -> None:
        """An outsider's step, an assessor's step, or an event the state does not allow."""
        case = data.draw(st.sampled_from(sorted(self._cases(), key=lambda c: c.id)))
        names = lifecycle.event_names(case.service)
        actor, name = self._wrong(case, names, outsider, data)
        before = self._snapshot()

        try:
            self.world.step(actor, case.id, name, reason="wrong", to_officer="clerk-2")
        except DomainError as error:
            event(f"refused: {type(error).__name__}")
        else:
            raise AssertionError(f"{actor.id} could {name} on {case!r}")

        assert self._snapshot() == before

    def _wrong(
        self, case: Case, names: tuple[str, ...], outsider: bool, data: st.DataObject
    ) -> tuple[Actor, str]:
        if outsider:
            return OUTSIDER, data.draw(st.sampled_from(names))
        not_allowed = sorted(set(names) - set(lifecycle.allowed_events(case)))
        assessor_may = {"record_assessment"} if case.service is Service.ELDERLY_NURSING else set()
        unfit = sorted(set(names) - assessor_may)
        choices = [(self.world.staff.assessor, n) for n in unfit]
        choices += [(self._officer_for(case), n) for n in not_allowed]
        return data.draw(st.sampled_from(choices))

    def _officer_for(self, case: Case) -> Actor:
        staff = self.world.staff
        return (
            staff.hr if case.service.department is Department.HUMAN_RESOURCES else staff.approver
        )

    def _dibao(self, household: Household) -> Case:
        return self.world.store.cases[household.dibao_case_id]

    # -- invariants --

    @invariant()
    def no_case_has_a_benefit_without_approval(self) -> None:
        for case in self._cases():
            for index, recorded in enumerate(case.events):
                if recorded.to_state == BENEFIT_GRANTED:
                    assert recorded.from_state == APPROVED
                    assert "approve" in [e.event for e in case.events[:index]]

    @invariant()
    def every_closed_case_has_outcome_reason_and_rule(self) -> None:
        for case in self._cases():
            assert (case.state == CLOSED) == (case.closure is not None)
            if case.closure is not None:
                assert case.closure.outcome in Outcome
                assert case.closure.reason.strip()
                assert case.closure.rule.strip()

    @invariant()
    def nothing_waiting_on_dibao_is_granted_when_dibao_was_refused(self) -> None:
        cases = self.world.store.cases
        for scenario in self._scenarios():
            if not refused(cases[scenario.dibao_case_id]):
                continue
            for service, case_id in scenario.linked_cases.items():
                if service in DECIDED_ONLY_AFTER_DIBAO:
                    assert granted_on(cases[case_id]) is None

    @invariant()
    def the_living_subsidy_exists_exactly_when_dibao_was_granted_at_the_age(self) -> None:
        age_rule = self.world.deps.policy.parameters.age_rule
        for household in self.households:
            scenario = self.world.store.scenarios[household.scenario_id]
            granted = granted_on(self._dibao(household))
            due = granted is not None and age_rule.is_met(age_on(household.born, granted))
            assert (Service.ELDERLY_LIVING in scenario.linked_cases) == due
            if due:
                living = self.world.store.cases[scenario.case_of(Service.ELDERLY_LIVING)]
                assert living.state == BENEFIT_GRANTED

    @invariant()
    def replaying_each_case_gives_its_stored_state_and_outcome(self) -> None:
        for case in self._cases():
            outcome = case.closure.outcome if case.closure is not None else None
            assert lifecycle.replay(case.service, case.events) == (case.state, outcome)

    @invariant()
    def every_recorded_scenario_move_is_a_known_move(self) -> None:
        for scenario in self._scenarios():
            for recorded in scenario.events:
                for move in recorded.moves:
                    assert (move.from_state, move.to_state) in MOVES
                    assert (move.rule, move.reason) == move_meaning(
                        move.from_state, move.to_state, recorded.event
                    )

    @invariant()
    def nothing_is_left_outstanding_while_every_registry_answers(self) -> None:
        for scenario in self._scenarios():
            assert scenario.outstanding == []


TestJointScenarioSteps = JointScenarioSteps.TestCase
TestJointScenarioSteps.settings = settings(stateful_step_count=50, deadline=None)  # P4: 50 steps
