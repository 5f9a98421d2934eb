"""Random sequences of facts fed to the joint scenario of R6 to R9, with invariants (P4).

Applicants are born around 60 years before the dibao decision, and the age rule is read
either way (60 counts, or only older than 60), so both sides of R7 come up.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Mapping
from datetime import date, timedelta

import pytest
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from domain.ages import age_on
from domain.errors import IllegalTransition
from domain.policy import AgeRule
from domain.scenario import (
    RECOGNITION_HOLD,
    Command,
    EndLinkedCase,
    JointScenario,
    NotAcceptDibao,
    OpenLinkedCase,
    QueryDisabilityRegister,
    QueryUnemploymentRegistry,
    RecordOnPlatform,
    ReleaseLinkedCase,
    allowed_facts,
    move_meaning,
    react,
    scenario_events,
)
from domain.services import Service
from tests.unit.lifecycle_helpers import T0, new_scenario

LIVING = Service.ELDERLY_LIVING
NURSING = Service.ELDERLY_NURSING
REGISTRATION = Service.UNEMPLOYMENT_REGISTRATION
RECOGNITION = Service.EMPLOYMENT_DIFFICULTY
SUBSIDY = Service.FLEXIBLE_INSURANCE_SUBSIDY
# R8, R9: once dibao is refused, none of these is opened.
NEVER_AFTER_REFUSAL = frozenset({LIVING, NURSING, RECOGNITION, SUBSIDY})

_RECOGNITION = OpenLinkedCase(RECOGNITION, "R8", "registered_unemployed")
_HELD_RECOGNITION = OpenLinkedCase(
    RECOGNITION, "R8", "registered_unemployed", hold=RECOGNITION_HOLD
)
# What each move asks the application to do (RULES.md, R6 to R9); other moves ask nothing.
COMMANDS_OF_MOVE: Mapping[tuple[str, str], tuple[Command, ...]] = {
    ("checking_history", "in_progress"): (RecordOnPlatform(), QueryUnemploymentRegistry()),
    ("checking_history", "not_accepted"): (NotAcceptDibao(reason="dibao_or_tekun_on_record"),),
    ("awaiting_dibao", "checking_disability"): (
        OpenLinkedCase(LIVING, "R7", "dibao_approved_age_rule_met", automatic=True),
        QueryDisabilityRegister(),
    ),
    ("checking_disability", "assessing_capability"): (
        OpenLinkedCase(NURSING, "R7", "no_severe_disability_subsidy"),
    ),
    ("checking_registration", "registering"): (
        OpenLinkedCase(REGISTRATION, "R8", "not_registered"),
    ),
    ("checking_registration", "recognition_waiting"): (_HELD_RECOGNITION,),
    ("checking_registration", "recognition_deciding"): (_RECOGNITION,),
    ("registering", "recognition_waiting"): (_HELD_RECOGNITION,),
    ("registering", "recognition_deciding"): (_RECOGNITION,),
    ("recognition_waiting", "recognition_deciding"): (ReleaseLinkedCase(RECOGNITION, "R9"),),
    ("recognition_waiting", "employment_ended"): (
        EndLinkedCase(RECOGNITION, "dibao_refused", "R8"),
    ),
    ("awaiting_recognition", "subsidy_deciding"): (OpenLinkedCase(SUBSIDY, "R9", "recognised"),),
}
# A fact whose move asks for something else than the move's usual commands.
COMMANDS_OF_FACT: Mapping[tuple[str, str, str], tuple[Command, ...]] = {
    # R1: refused within the waiting period, without a declared change.
    ("checking_history", "not_accepted", "refused_recently"): (
        NotAcceptDibao(reason="refused_within_waiting_period", rule="R1"),
    ),
    # R7: a lower severe-disability subsidy gives way to the elderly nursing subsidy.
    ("checking_disability", "assessing_capability", "disability_subsidy_lower"): (
        OpenLinkedCase(NURSING, "R7", "severe_disability_subsidy_lower"),
    ),
}

# Each parallel region's states, and whether each is final, read from the chart.
REGIONS: Mapping[str, Mapping[str, bool]] = {
    str(region.id): {str(state.id): bool(state.final) for state in region.states}
    for region in JointScenario.in_progress.states  # type: ignore[attr-defined]
}

SIXTIETH_BIRTHDAY_AT_T0 = date(1966, 3, 2)
births = st.integers(-400, 400).map(lambda days: SIXTIETH_BIRTHDAY_AT_T0 + timedelta(days=days))


def opened(commands: tuple[Command, ...]) -> set[Service]:
    return {c.service for c in commands if isinstance(c, OpenLinkedCase)}


class JointScenarioFacts(RuleBasedStateMachine):
    """One household's scenario fed the facts it allows now, and now and then others."""

    def __init__(self) -> None:
        super().__init__()
        self.scenario = new_scenario()
        self.age_rule = AgeRule()
        self.now = T0
        self.dibao_refused = False
        self.dibao_granted = False
        self.recognition_opened = False
        self.living_due = False  # dibao granted while the age rule held

    def _begin(self, born: date, inclusive: bool) -> None:
        self.scenario = new_scenario(born, scenario_id=f"scenario-{born:%Y%m%d}")
        self.age_rule = AgeRule(inclusive=inclusive)
        self.dibao_refused = False
        self.dibao_granted = False
        self.recognition_opened = False
        self.living_due = False

    @initialize(born=births, inclusive=st.booleans())
    def start_a_scenario(self, born: date, inclusive: bool) -> None:
        self._begin(born, inclusive)

    @precondition(lambda self: self.scenario.is_finished)
    @rule(born=births, inclusive=st.booleans())
    def start_another_scenario_once_this_one_finished(self, born: date, inclusive: bool) -> None:
        event(f"finished: {sorted(self.scenario.configuration)}")
        self._begin(born, inclusive)

    @precondition(lambda self: not self.scenario.is_finished)
    @rule(data=st.data(), days=st.integers(0, 45))
    def react_to_an_allowed_fact(self, data: st.DataObject, days: int) -> None:
        fact = data.draw(st.sampled_from(allowed_facts(self.scenario)))
        self.now += timedelta(days=days)
        before = self.scenario.configuration

        commands = react(self.scenario, fact, at=self.now, age_rule=self.age_rule)

        event(f"fact: {fact}")
        recorded = self.scenario.events[-1]
        assert (recorded.event, recorded.at, recorded.commands) == (fact, self.now, commands)
        expected: Counter[Command] = Counter()
        for move in recorded.moves:
            assert move_meaning(move.from_state, move.to_state, recorded.event) == (
                move.rule,
                move.reason,
            )
            assert move.from_state in before
            usual = COMMANDS_OF_MOVE.get((move.from_state, move.to_state), ())
            expected.update(COMMANDS_OF_FACT.get((move.from_state, move.to_state, fact), usual))
        assert Counter(commands) == expected
        if self.dibao_refused:
            assert not opened(commands) & NEVER_AFTER_REFUSAL
        if SUBSIDY in opened(commands):  # R9: only for a recognition decided after dibao
            assert self.recognition_opened
            assert self.dibao_granted
        if fact == "dibao_granted":
            birth = self.scenario.applicant.resident_id.birth_date
            self.living_due = self.age_rule.is_met(age_on(birth, self.now.date()))
            assert (LIVING in opened(commands)) == self.living_due
        else:
            assert LIVING not in opened(commands)
        self.dibao_refused = self.dibao_refused or fact == "dibao_refused"
        self.dibao_granted = self.dibao_granted or fact == "dibao_granted"
        self.recognition_opened = self.recognition_opened or RECOGNITION in opened(commands)

    @rule(data=st.data())
    def send_a_fact_not_allowed_now(self, data: st.DataObject) -> None:
        allowed = allowed_facts(self.scenario)
        candidates = [f for f in (*scenario_events(), "no_such_fact") if f not in allowed]
        fact = data.draw(st.sampled_from(candidates))
        before = copy.deepcopy(self.scenario)

        with pytest.raises(IllegalTransition) as refused:
            react(self.scenario, fact, at=self.now, age_rule=self.age_rule)

        assert refused.value.allowed_events == allowed
        assert self.scenario == before

    @invariant()
    def the_scenario_finishes_exactly_when_every_region_is_final(self) -> None:
        config = self.scenario.configuration
        if "in_progress" in config:
            finals = []
            for states in REGIONS.values():
                (active,) = config & states.keys()
                finals.append(states[active])
            assert not all(finals)
            assert not self.scenario.is_finished
        elif "completed" in config:
            for branch, states in REGIONS.items():
                reached = [m.to_state for e in self.scenario.events for m in e.moves]
                last = [s for s in reached if s in states][-1]
                assert states[last], f"{branch} ended in {last}"
            assert self.scenario.is_finished
        else:
            assert self.scenario.is_finished == (config == {"not_accepted"})

    @invariant()
    def the_living_subsidy_is_opened_exactly_when_dibao_was_granted_at_age(self) -> None:
        issued = [c for e in self.scenario.events for c in e.commands if LIVING in opened((c,))]
        assert len(issued) == (1 if self.living_due else 0)

    @invariant()
    def scenario_events_are_numbered_one_to_n(self) -> None:
        seqs = [e.seq for e in self.scenario.events]
        assert seqs == list(range(1, len(seqs) + 1))


TestJointScenarioFacts = JointScenarioFacts.TestCase
TestJointScenarioFacts.settings = settings(
    max_examples=settings().max_examples,  # from the loaded profile (tests/conftest.py)
    stateful_step_count=50,
    deadline=None,  # one example runs fifty steps
)


# -- regressions: failing examples the machine found, kept as plain tests --


def test_no_linked_case_opens_after_a_dibao_refused_that_followed_dibao_granted() -> None:
    """Found by the machine once (born 1966-03-02, literal reading)."""
    scenario = new_scenario(date(1966, 3, 2))
    after_refusal: list[Command] = []
    refused = False

    for fact in ("history_clear", "dibao_granted", "dibao_refused", "found_registered"):
        try:
            commands = react(scenario, fact, at=T0, age_rule=AgeRule(inclusive=False))
        except IllegalTransition:
            continue
        if refused:
            after_refusal += commands
        refused = refused or fact == "dibao_refused"

    assert not opened(tuple(after_refusal)) & NEVER_AFTER_REFUSAL
