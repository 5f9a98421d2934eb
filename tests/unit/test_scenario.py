"""Every path of the joint scenario, R6 to R9, at domain level through `start` and `react`."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from domain.cases import Applicant
from domain.errors import IllegalTransition
from domain.policy import AgeRule
from domain.scenario import (
    RECOGNITION_HOLD,
    BranchMove,
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
    allowed_facts,
    move_meaning,
    scenario_events,
    start,
)
from domain.services import Service
from tests.unit.lifecycle_helpers import (
    GRANTED_ON,
    T0,
    TOWNSHIP,
    feed,
    new_scenario,
    resident_id,
)

ELDERLY_LIVING = Service.ELDERLY_LIVING
ELDERLY_NURSING = Service.ELDERLY_NURSING
REGISTRATION = Service.UNEMPLOYMENT_REGISTRATION
RECOGNITION = Service.EMPLOYMENT_DIFFICULTY
SUBSIDY = Service.FLEXIBLE_INSURANCE_SUBSIDY

# Born so that on GRANTED_ON (2 March 2026) the applicant is 59, 60 or 61 (周岁).
TURNS_60_TOMORROW = date(1966, 3, 3)
TURNS_60_TODAY = date(1966, 3, 2)
TURNED_61_TODAY = date(1965, 3, 2)
UNDER_AGE = date(1980, 1, 1)


def opened(commands: tuple[Command, ...]) -> list[Service]:
    return [c.service for c in commands if isinstance(c, OpenLinkedCase)]


def moves_of(scenario: Scenario) -> dict[str, BranchMove]:
    """The moves of the last reaction, by branch."""
    return {move.branch: move for move in scenario.events[-1].moves}


def running(born: date = UNDER_AGE) -> Scenario:
    scenario = new_scenario(born)
    feed(scenario, "history_clear")
    return scenario


# -- R6: the intake check --


def test_r6_a_started_scenario_waits_for_the_history_check_and_starts_only_once() -> None:
    scenario = new_scenario()

    again = start(scenario)

    assert scenario.configuration == {"checking_history"}
    assert again == ()
    assert set(allowed_facts(scenario)) == {"history_clear", "history_blocked", "refused_recently"}


def test_r6_start_returns_the_history_check_command() -> None:
    scenario = Scenario(
        id="scenario-0002",
        dibao_case_id="case-0002",
        applicant=Applicant(resident_id(), "王五"),
        region=TOWNSHIP,
        started_at=T0,
    )

    commands = start(scenario)

    assert commands == (CheckHistory(),)


def test_r6_history_blocked_is_not_accepted_and_tells_the_applicant_why() -> None:
    scenario = new_scenario()

    commands = feed(scenario, "history_blocked")

    assert commands == (NotAcceptDibao(reason="dibao_or_tekun_on_record"),)
    assert scenario.configuration == {"not_accepted"}
    assert scenario.is_finished
    assert moves_of(scenario)["scenario"].rule == "R6"
    assert allowed_facts(scenario) == ()


def test_r6_history_clear_records_on_the_platform_and_queries_the_registry() -> None:
    scenario = new_scenario()

    commands = feed(scenario, "history_clear")

    assert commands == (RecordOnPlatform(), QueryUnemploymentRegistry())
    assert scenario.is_in("in_progress")
    assert not scenario.is_finished
    assert moves_of(scenario)["scenario"].reason == "no_dibao_or_tekun_record"


# -- R7: the elderly branch --


def test_r7_below_the_age_threshold_on_the_granted_date_no_living_subsidy() -> None:
    scenario = running(TURNS_60_TOMORROW)

    commands = feed(scenario, "dibao_granted")

    assert ELDERLY_LIVING not in opened(commands)
    assert QueryDisabilityRegister() not in commands
    move = moves_of(scenario)["elderly"]
    assert (move.rule, move.reason) == ("R7", "age_rule_not_met")


def test_r7_at_exactly_60_on_the_granted_date_the_living_subsidy_is_granted() -> None:
    scenario = running(TURNS_60_TODAY)

    commands = feed(scenario, "dibao_granted", age_rule=AgeRule())

    living = [c for c in commands if isinstance(c, OpenLinkedCase) and c.service is ELDERLY_LIVING]
    assert living == [
        OpenLinkedCase(ELDERLY_LIVING, "R7", "dibao_approved_age_rule_met", automatic=True)
    ]
    assert QueryDisabilityRegister() in commands


def test_r7_at_exactly_60_the_literal_reading_grants_no_living_subsidy() -> None:
    scenario = running(TURNS_60_TODAY)

    commands = feed(scenario, "dibao_granted", age_rule=AgeRule(inclusive=False))

    assert ELDERLY_LIVING not in opened(commands)
    assert moves_of(scenario)["elderly"].reason == "age_rule_not_met"


@pytest.mark.parametrize("inclusive", [True, False])
def test_r7_above_the_threshold_the_living_subsidy_is_granted_in_either_reading(
    inclusive: bool,
) -> None:
    scenario = running(TURNED_61_TODAY)

    commands = feed(scenario, "dibao_granted", age_rule=AgeRule(inclusive=inclusive))

    assert opened(commands) == [ELDERLY_LIVING]
    assert moves_of(scenario)["elderly"].reason == "age_rule_met_living_subsidy_granted"


def test_r7_the_age_is_taken_on_the_day_dibao_is_granted() -> None:
    scenario = running(TURNS_60_TOMORROW)

    commands = feed(scenario, "dibao_granted", at=GRANTED_ON.replace(day=3))

    assert opened(commands) == [ELDERLY_LIVING]


def test_r7_severe_disability_subsidy_found_ends_the_branch_without_a_nursing_case() -> None:
    scenario = running(TURNED_61_TODAY)
    feed(scenario, "dibao_granted")

    commands = feed(scenario, "disability_subsidy_found")

    assert commands == ()
    move = moves_of(scenario)["elderly"]
    assert move.reason == "receives_severe_disability_nursing_subsidy"
    assert "no_disability_subsidy" not in allowed_facts(scenario)


def test_r7_no_severe_disability_subsidy_opens_a_nursing_case() -> None:
    scenario = running(TURNED_61_TODAY)
    feed(scenario, "dibao_granted")

    commands = feed(scenario, "no_disability_subsidy")

    assert commands == (OpenLinkedCase(ELDERLY_NURSING, "R7", "no_severe_disability_subsidy"),)
    assert moves_of(scenario)["elderly"].reason == "capability_assessment_arranged"


@pytest.mark.parametrize(
    ("fact", "reason"),
    [
        ("nursing_granted", "nursing_subsidy_granted"),
        ("nursing_refused", "nursing_subsidy_refused"),
    ],
)
def test_r7_the_nursing_decision_ends_the_elderly_branch(fact: str, reason: str) -> None:
    scenario = running(TURNED_61_TODAY)
    feed(scenario, "dibao_granted", "no_disability_subsidy")

    commands = feed(scenario, fact)

    assert commands == ()
    assert moves_of(scenario)["elderly"].reason == reason
    assert not {"nursing_granted", "nursing_refused"} & set(allowed_facts(scenario))


# -- R8: the employment branch --


def test_r8_registered_opens_the_recognition_on_hold_until_dibao_is_granted() -> None:
    scenario = running()

    commands = feed(scenario, "found_registered")

    assert commands == (
        OpenLinkedCase(RECOGNITION, "R8", "registered_unemployed", hold=RECOGNITION_HOLD),
    )
    assert RECOGNITION_HOLD.rule == "R9"
    assert moves_of(scenario)["employment"].reason == "registered_recognition_opened"


def test_r8_registered_after_dibao_granted_opens_the_recognition_directly() -> None:
    scenario = running()
    feed(scenario, "dibao_granted")

    commands = feed(scenario, "found_registered")

    assert commands == (OpenLinkedCase(RECOGNITION, "R8", "registered_unemployed"),)
    assert moves_of(scenario)["employment"].reason == "registered_dibao_granted"


def test_r8_unregistered_opens_a_registration() -> None:
    scenario = running()

    commands = feed(scenario, "found_unregistered")

    assert commands == (OpenLinkedCase(REGISTRATION, "R8", "not_registered"),)
    assert moves_of(scenario)["employment"].reason == "unregistered_registration_opened"


def test_r8_registration_refused_ends_the_employment_and_insurance_branches() -> None:
    scenario = running()
    feed(scenario, "found_unregistered")

    commands = feed(scenario, "registration_refused")

    assert commands == ()
    moves = moves_of(scenario)
    assert moves["employment"].reason == "registration_refused"
    assert moves["insurance"].to_state in {"insurance_ended"}
    assert not {"recognition_granted", "recognition_refused"} & set(allowed_facts(scenario))


def test_r8_registration_granted_before_dibao_granted_opens_the_recognition_on_hold() -> None:
    scenario = running()
    feed(scenario, "found_unregistered")

    commands = feed(scenario, "registration_granted")

    assert commands == (
        OpenLinkedCase(RECOGNITION, "R8", "registered_unemployed", hold=RECOGNITION_HOLD),
    )
    assert moves_of(scenario)["employment"].reason == "registration_granted_recognition_opened"


def test_r8_registration_granted_after_dibao_granted_opens_the_recognition_directly() -> None:
    scenario = running()
    feed(scenario, "found_unregistered", "dibao_granted")

    commands = feed(scenario, "registration_granted")

    assert commands == (OpenLinkedCase(RECOGNITION, "R8", "registered_unemployed"),)
    assert moves_of(scenario)["employment"].reason == "registration_granted_dibao_granted"


def test_r8_registration_granted_after_dibao_refused_ends_the_branch() -> None:
    scenario = running()
    feed(scenario, "found_unregistered", "dibao_refused")

    commands = feed(scenario, "registration_granted")

    assert opened(commands) == []
    move = moves_of(scenario)["employment"]
    assert (move.rule, move.reason) == ("R8", "dibao_refused")


def test_r8_registered_found_after_dibao_refused_ends_the_branch() -> None:
    scenario = running()
    feed(scenario, "dibao_refused")

    commands = feed(scenario, "found_registered")

    assert opened(commands) == []
    assert moves_of(scenario)["employment"].reason == "dibao_refused"


# -- R9: the insurance-subsidy branch --


def test_r9_dibao_granted_releases_the_held_recognition() -> None:
    scenario = running()
    feed(scenario, "found_registered")

    commands = feed(scenario, "dibao_granted")

    assert ReleaseLinkedCase(RECOGNITION, "R9") in commands
    assert moves_of(scenario)["employment"].reason == "dibao_granted_recognition_released"


def test_r9_recognition_refused_ends_the_insurance_branch() -> None:
    scenario = running()
    feed(scenario, "found_registered", "dibao_granted")

    commands = feed(scenario, "recognition_refused")

    assert commands == ()
    moves = moves_of(scenario)
    assert moves["employment"].reason == "recognition_refused"
    assert moves["insurance"].reason == "no_recognition"


def test_r9_recognition_granted_opens_the_insurance_subsidy() -> None:
    scenario = running()
    feed(scenario, "found_registered", "dibao_granted")

    commands = feed(scenario, "recognition_granted")

    assert commands == (OpenLinkedCase(SUBSIDY, "R9", "recognised"),)
    assert moves_of(scenario)["insurance"].reason == "recognised_subsidy_opened"


@pytest.mark.parametrize(
    ("fact", "reason"),
    [("subsidy_granted", "subsidy_granted"), ("subsidy_refused", "subsidy_refused")],
)
def test_r9_the_subsidy_decision_ends_the_insurance_branch(fact: str, reason: str) -> None:
    scenario = running()
    feed(scenario, "found_registered", "dibao_granted", "recognition_granted")

    commands = feed(scenario, fact)

    assert commands == ()
    assert moves_of(scenario)["insurance"].reason == reason


# -- dibao refused: every waiting branch ends, with that reason --


def test_dibao_refused_ends_each_waiting_branch_with_that_reason() -> None:
    scenario = running(TURNED_61_TODAY)
    feed(scenario, "found_registered")

    commands = feed(scenario, "dibao_refused")

    assert commands == (EndLinkedCase(RECOGNITION, "dibao_refused", "R8"),)
    moves = moves_of(scenario)
    assert moves["dibao"].reason == "dibao_refused"
    assert moves["elderly"].reason == "dibao_refused"
    assert moves["employment"].reason == "dibao_refused"
    assert moves["insurance"].reason == "dibao_refused"
    assert scenario.is_finished


# -- completion, the record, illegal facts, stored configurations --


def test_the_scenario_completes_when_every_branch_finished_and_not_before() -> None:
    scenario = running(TURNED_61_TODAY)
    feed(scenario, "found_registered", "dibao_granted", "disability_subsidy_found")
    feed(scenario, "recognition_granted")
    assert not scenario.is_finished

    feed(scenario, "subsidy_granted")

    assert scenario.is_finished
    assert scenario.configuration == {"completed"}
    assert moves_of(scenario)["scenario"].reason == "every_branch_finished"
    assert allowed_facts(scenario) == ()


FULL_PATHS = [
    ["history_blocked"],
    [
        "history_clear",
        "found_registered",
        "dibao_granted",
        "no_disability_subsidy",
        "nursing_granted",
        "recognition_granted",
        "subsidy_refused",
    ],
    [
        "history_clear",
        "found_unregistered",
        "registration_granted",
        "dibao_granted",
        "disability_subsidy_found",
        "recognition_refused",
    ],
    ["history_clear", "found_unregistered", "dibao_refused", "registration_refused"],
    [
        "history_clear",
        "dibao_granted",
        "found_registered",
        "no_disability_subsidy",
        "nursing_refused",
        "recognition_granted",
        "subsidy_granted",
    ],
]


@pytest.mark.parametrize("facts", FULL_PATHS, ids=lambda facts: "-".join(facts[:3]))
def test_every_recorded_move_has_its_rule_and_reason_from_moves(facts: list[str]) -> None:
    scenario = new_scenario(TURNED_61_TODAY)

    feed(scenario, *facts)

    assert scenario.is_finished
    assert [e.seq for e in scenario.events] == list(range(1, len(facts) + 1))
    assert [e.event for e in scenario.events] == facts
    for recorded in scenario.events:
        assert recorded.moves
        for move in recorded.moves:
            assert move_meaning(move.from_state, move.to_state, recorded.event) == (
                move.rule,
                move.reason,
            )


@pytest.mark.parametrize(
    ("earlier", "fact"),
    [
        (["history_clear", "dibao_granted"], "dibao_granted"),
        (["history_clear"], "subsidy_granted"),
        (["history_clear"], "history_clear"),
        ([], "found_registered"),
        (["history_blocked"], "history_clear"),
        (["history_clear"], "no_such_fact"),
    ],
)
def test_an_illegal_fact_raises_illegal_transition_with_the_allowed_facts(
    earlier: list[str], fact: str
) -> None:
    scenario = new_scenario()
    feed(scenario, *earlier)
    before = copy.deepcopy(scenario)

    with pytest.raises(IllegalTransition) as refused:
        feed(scenario, fact)

    assert refused.value.allowed_events == allowed_facts(scenario)
    assert refused.value.rule == "P4"
    assert fact not in refused.value.allowed_events
    assert scenario == before


def test_every_fact_the_scenario_names_is_known_and_done_events_are_internal() -> None:
    facts = scenario_events()

    assert "history_clear" in facts
    assert not [f for f in facts if f.startswith("done")]


CONTINUATION = (
    "registration_granted",
    "no_disability_subsidy",
    "nursing_granted",
    "recognition_granted",
    "subsidy_granted",
)


def test_a_stored_configuration_rebound_continues_identically_without_replay() -> None:
    scenario = running(TURNED_61_TODAY)
    feed(scenario, "found_unregistered", "dibao_granted")
    stored = scenario.configuration
    rebound = new_scenario(TURNED_61_TODAY, scenario_id=scenario.id)
    rebound.bind_configuration(stored)

    assert rebound.configuration == stored
    assert set(allowed_facts(rebound)) == set(allowed_facts(scenario))
    for fact in CONTINUATION:
        commands = feed(scenario, fact)
        assert feed(rebound, fact) == commands
        assert rebound.configuration == scenario.configuration
        assert rebound.events[-1].moves == scenario.events[-1].moves
    assert rebound.is_finished
    assert len(rebound.events) == len(CONTINUATION)


# -- known defects of the insurance branch: it reacts whatever the other branches do --

NOT_YET_DECIDING = {
    "after the registry query": ["history_clear"],
    "while the recognition is held": ["history_clear", "found_registered"],
    "while registering": ["history_clear", "found_unregistered"],
}


@pytest.mark.parametrize("fact", ["recognition_granted", "recognition_refused"])
@pytest.mark.parametrize("before", list(NOT_YET_DECIDING.values()), ids=list(NOT_YET_DECIDING))
def test_recognition_facts_are_illegal_until_a_recognition_is_being_decided(
    before: list[str], fact: str
) -> None:
    scenario = new_scenario()
    feed(scenario, *before)

    with pytest.raises(IllegalTransition):
        feed(scenario, fact)


@pytest.mark.parametrize(
    "before",
    [["history_clear"], ["history_clear", "found_registered"]],
    ids=["after the registry query", "registered"],
)
def test_registration_refused_is_illegal_without_a_registration_under_way(
    before: list[str],
) -> None:
    scenario = new_scenario()
    feed(scenario, *before)

    with pytest.raises(IllegalTransition):
        feed(scenario, "registration_refused")


def test_dibao_refused_is_illegal_once_dibao_was_granted() -> None:
    scenario = running()
    feed(scenario, "dibao_granted")

    with pytest.raises(IllegalTransition):
        feed(scenario, "dibao_refused")


def test_r1_a_refusal_within_the_waiting_period_ends_the_scenario_as_not_accepted() -> None:
    scenario = new_scenario()

    commands = feed(scenario, "refused_recently")

    (move,) = scenario.events[-1].moves
    assert scenario.is_in("not_accepted")
    assert commands == (NotAcceptDibao(reason="refused_within_waiting_period", rule="R1"),)
    assert (move.rule, move.reason) == ("R1", "refused_within_waiting_period")
