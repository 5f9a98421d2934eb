"""Every path of the joint scenario (R6 to R9), driven through the use cases.

Each test takes one household along one path as officers would: a dibao application at
the window, the check report, the decision, then the linked cases the scenario opens.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import attrs
import pytest

from application.queries import get_case
from domain.cases import BENEFIT_GRANTED, CLOSED, RECEIVED
from domain.errors import RuleRefused
from domain.facts import AssistanceRecord, DisabilityStatus, RecordStatus
from domain.identity import ResidentId
from domain.policy import AgeRule, Policy
from domain.policy_defaults import default_policy
from domain.services import Channel, Outcome, Service
from tests.factories import resident_id
from tests.unit.app_helpers import GRANT_DAY, World, born_aged, born_turning, scenario_of

REGISTERED_SINCE = date(2025, 9, 1)
SEVERE_DISABILITY = DisabilityStatus(True, grade=1, category="肢体")


@pytest.fixture
def world() -> World:
    return World()


def person(serial: int = 1, *, age: int = 45) -> ResidentId:
    """An applicant exactly `age` years old on the first day of the test."""
    return resident_id(serial, born=born_aged(age))


def registered(world: World, serial: int = 1, *, age: int = 45) -> ResidentId:
    """An applicant the unemployment registry already holds as registered."""
    applicant = person(serial, age=age)
    world.unemployment.seed_registered(applicant, REGISTERED_SINCE)
    return applicant


def granted_household(world: World, applicant: ResidentId) -> str:
    """Apply, verify and grant dibao; returns the scenario id."""
    intake = world.submit_dibao(applicant)
    world.prepare_and_verify_dibao(intake.case.id)
    world.grant_dibao(intake.case.id)
    return scenario_of(intake)


def refused_household(world: World, applicant: ResidentId) -> str:
    """Apply, verify and refuse dibao; returns the scenario id."""
    intake = world.submit_dibao(applicant)
    world.prepare_and_verify_dibao(intake.case.id)
    world.refuse_dibao(intake.case.id)
    return scenario_of(intake)


def branch_states(world: World, scenario_id: str) -> dict[str, str | None]:
    return {b.branch: b.state for b in world.view(scenario_id).branches}


def literal_age_policy() -> Policy:
    """The literal reading of R7 ("大于60周岁"): 60 itself does not count."""
    policy = default_policy()
    parameters = attrs.evolve(policy.parameters, age_rule=AgeRule(inclusive=False))
    return attrs.evolve(policy, parameters=parameters)


# -- R6: the intake check --


def test_application_is_not_accepted_while_the_platform_shows_dibao_received(
    world: World,
) -> None:
    """R6: a person who receives dibao on the platform is not accepted, and told why."""
    applicant = person()
    world.platform.seed_history(
        applicant, AssistanceRecord(Service.DIBAO, RecordStatus.RECEIVING, date(2024, 4, 1))
    )

    intake = world.submit_dibao(applicant)

    assert intake.case.closure is not None
    assert intake.case.closure.outcome is Outcome.NOT_ACCEPTED
    assert intake.case.closure.rule == "R6"
    assert not intake.notice.accepted
    assert [r.code for r in intake.notice.not_accepted_reasons] == ["already_receiving"]
    assert world.view(scenario_of(intake)).status == "not_accepted"


def test_application_is_not_accepted_while_a_tekun_application_is_pending(world: World) -> None:
    """R6: an application for tekun under way on the platform also blocks dibao."""
    applicant = person()
    world.platform.seed_history(
        applicant, AssistanceRecord(Service.TEKUN, RecordStatus.PENDING, date(2026, 2, 20))
    )

    intake = world.submit_dibao(applicant)

    assert intake.case.state == CLOSED
    assert [r.code for r in intake.notice.not_accepted_reasons] == ["already_applying"]
    assert intake.linked_cases == ()


def test_a_second_application_is_not_accepted_while_this_system_has_an_open_dibao_case(
    world: World,
) -> None:
    """R6: this system's own open dibao case blocks a second application for the person."""
    applicant = person()
    first = world.submit_dibao(applicant)

    second = world.submit_dibao(applicant)

    assert second.case.closure is not None
    assert second.case.closure.outcome is Outcome.NOT_ACCEPTED
    assert [r.code for r in second.notice.not_accepted_reasons] == ["already_applying"]
    assert world.case(first.case.id).state == RECEIVED


def test_an_accepted_application_is_recorded_on_the_platform_exactly_once(
    world: World,
) -> None:
    """R6 (R4): accepted, the application is recorded on the platform once, under its case."""
    scenario_id = granted_household(world, person())

    records = world.platform.recorded

    assert [r.application.case_id for r in records] == [world.scenario(scenario_id).dibao_case_id]
    assert world.scenario(scenario_id).platform_reference == records[0].reference


def test_an_application_not_accepted_is_not_recorded_on_the_platform(world: World) -> None:
    """R6: only an accepted application is recorded on the platform."""
    applicant = person()
    world.platform.seed_history(
        applicant, AssistanceRecord(Service.DIBAO, RecordStatus.RECEIVING, date(2024, 4, 1))
    )

    world.submit_dibao(applicant)

    assert world.platform.recorded == ()


# -- R8 and R9: registered applicants --


def test_a_registered_applicant_gets_a_recognition_case_held_until_dibao_is_granted(
    world: World,
) -> None:
    """R8, R9: the recognition opens at intake, but it is handled once dibao is granted."""
    intake = world.submit_dibao(registered(world))
    recognition = intake.linked_cases[0]

    with pytest.raises(RuleRefused) as refused:
        world.step(world.staff.hr, recognition.id, "verify")

    assert recognition.service is Service.EMPLOYMENT_DIFFICULTY
    assert recognition.channel is Channel.SYSTEM
    assert refused.value.rule == "R9"
    assert refused.value.code == "decision_on_hold"


def test_granting_dibao_releases_the_recognition_case_for_decision(world: World) -> None:
    """R9: once dibao is granted the recognition's hold is lifted and it can be decided."""
    scenario_id = granted_household(world, registered(world))
    recognition = world.linked(scenario_id, Service.EMPLOYMENT_DIFFICULTY)

    world.grant_linked(recognition.id)

    assert recognition.hold is None
    assert recognition.events[-1].event == "release"
    assert world.case(recognition.id).state == BENEFIT_GRANTED


# -- R8: unregistered applicants --


def test_an_unregistered_applicant_gets_an_unemployment_registration_case(world: World) -> None:
    """R8: not registered, an unemployment registration is started at once."""
    intake = world.submit_dibao(person())

    assert [c.service for c in intake.linked_cases] == [Service.UNEMPLOYMENT_REGISTRATION]
    assert intake.linked_cases[0].state == RECEIVED
    assert branch_states(world, scenario_of(intake))["employment"] == "registering"


def test_a_refused_registration_ends_the_employment_and_insurance_branches(
    world: World,
) -> None:
    """R8, R9: a failed registration ends the employment branch and the insurance one."""
    intake = world.submit_dibao(person())
    scenario_id = scenario_of(intake)

    world.refuse_linked(intake.linked_cases[0].id, reason="receives_pension")

    states = branch_states(world, scenario_id)
    assert states["employment"] == "registration_not_granted"
    assert states["insurance"] == "insurance_ended"
    assert world.unemployment.registrations == ()


def test_a_granted_registration_is_recorded_once_in_the_unemployment_registry(
    world: World,
) -> None:
    """R8: the registration is written to the registry once, under its case."""
    applicant = person()
    intake = world.submit_dibao(applicant)
    registration = intake.linked_cases[0]

    world.grant_linked(registration.id)

    registrations = world.unemployment.registrations
    assert [(r.person, r.case_id) for r in registrations] == [(applicant, registration.id)]


def test_a_granted_registration_opens_a_recognition_case_held_for_dibao(world: World) -> None:
    """R8: registered while dibao is pending, the recognition opens and waits (R9)."""
    intake = world.submit_dibao(person())

    result = world.grant_linked(intake.linked_cases[0].id)

    (recognition,) = result.linked_cases
    assert recognition.service is Service.EMPLOYMENT_DIFFICULTY
    assert recognition.hold is not None
    assert branch_states(world, scenario_of(intake))["employment"] == ("recognition_waiting")


# -- R9: recognition and the insurance subsidy --


def test_a_granted_recognition_opens_the_insurance_subsidy_case_and_is_recorded(
    world: World,
) -> None:
    """R9: recognised, the subsidy case opens and the registry records the recognition."""
    scenario_id = granted_household(world, registered(world))
    recognition = world.linked(scenario_id, Service.EMPLOYMENT_DIFFICULTY)

    result = world.grant_linked(recognition.id)

    assert [c.service for c in result.linked_cases] == [Service.FLEXIBLE_INSURANCE_SUBSIDY]
    assert [(r.case_id, r.recognised) for r in world.unemployment.recognitions] == [
        (recognition.id, True)
    ]


def test_a_refused_recognition_ends_the_insurance_branch(world: World) -> None:
    """R9: not recognised, the insurance branch ends and no subsidy case opens."""
    scenario_id = granted_household(world, registered(world))
    recognition = world.linked(scenario_id, Service.EMPLOYMENT_DIFFICULTY)

    world.refuse_linked(recognition.id)

    assert branch_states(world, scenario_id)["insurance"] == "insurance_ended"
    assert not world.has_linked(scenario_id, Service.FLEXIBLE_INSURANCE_SUBSIDY)
    assert [r.recognised for r in world.unemployment.recognitions] == [False]


def test_a_granted_insurance_subsidy_ends_the_branch_in_payment(world: World) -> None:
    """R9: the subsidy approved, its benefit is granted."""
    scenario_id = granted_household(world, registered(world))
    world.grant_linked(world.linked(scenario_id, Service.EMPLOYMENT_DIFFICULTY).id)
    subsidy = world.linked(scenario_id, Service.FLEXIBLE_INSURANCE_SUBSIDY)

    world.grant_linked(subsidy.id)

    assert world.case(subsidy.id).state == BENEFIT_GRANTED
    assert branch_states(world, scenario_id)["insurance"] == "subsidy_in_payment"


def test_a_refused_insurance_subsidy_ends_the_branch(world: World) -> None:
    """R9: the subsidy refused, the branch ends."""
    scenario_id = granted_household(world, registered(world))
    world.grant_linked(world.linked(scenario_id, Service.EMPLOYMENT_DIFFICULTY).id)
    subsidy = world.linked(scenario_id, Service.FLEXIBLE_INSURANCE_SUBSIDY)

    world.refuse_linked(subsidy.id, reason="not_flexibly_employed")

    assert world.case(subsidy.id).closure is not None
    assert branch_states(world, scenario_id)["insurance"] == "subsidy_not_granted"


# -- R7: the elderly branch --


def test_an_applicant_one_day_short_of_60_on_the_grant_date_gets_no_living_subsidy(
    world: World,
) -> None:
    """R7: 59 on the day dibao is granted, the elderly branch ends below the threshold."""
    intake = world.submit_dibao(resident_id(1, born=born_turning(60)))
    world.prepare_and_verify_dibao(intake.case.id)

    result = world.grant_dibao(intake.case.id)

    assert result.event.at.date() == GRANT_DAY
    assert not world.has_linked(scenario_of(intake), Service.ELDERLY_LIVING)
    assert branch_states(world, scenario_of(intake))["elderly"] == "elderly_age_not_met"


def test_an_applicant_of_exactly_60_on_the_grant_date_gets_the_living_subsidy_from_the_system(
    world: World,
) -> None:
    """R7: by default 60 counts; the system opens and grants the living subsidy itself."""
    intake = world.submit_dibao(resident_id(1, born=born_aged(60)))
    world.prepare_and_verify_dibao(intake.case.id)

    result = world.grant_dibao(intake.case.id)

    living = world.linked(scenario_of(intake), Service.ELDERLY_LIVING)
    assert result.event.at.date() == GRANT_DAY
    assert living.state == BENEFIT_GRANTED
    assert living.channel is Channel.SYSTEM
    assert {e.actor_id for e in living.events} == {"system"}


def test_an_applicant_of_75_gets_the_living_subsidy_from_the_system(world: World) -> None:
    """R7: well above the threshold, the living subsidy is granted with dibao."""
    scenario_id = granted_household(world, person(age=75))

    living = world.linked(scenario_id, Service.ELDERLY_LIVING)

    assert living.state == BENEFIT_GRANTED
    assert [e.event for e in living.events] == ["receive", "verify", "approve", "grant"]


def test_with_the_literal_age_rule_an_applicant_of_exactly_60_gets_no_living_subsidy() -> None:
    """R7 read literally ("大于60周岁", a policy parameter): 60 itself does not count."""
    world = World(policy=literal_age_policy())

    scenario_id = granted_household(world, resident_id(1, born=born_aged(60)))

    assert not world.has_linked(scenario_id, Service.ELDERLY_LIVING)
    assert branch_states(world, scenario_id)["elderly"] == "elderly_age_not_met"


def test_a_receiver_of_the_severe_disability_nursing_subsidy_gets_no_nursing_case(
    world: World,
) -> None:
    """R7: the disability register shows the subsidy, so the elderly branch ends there."""
    applicant = person(age=70)
    world.disability.seed(applicant, SEVERE_DISABILITY)

    scenario_id = granted_household(world, applicant)

    assert not world.has_linked(scenario_id, Service.ELDERLY_NURSING)
    assert branch_states(world, scenario_id)["elderly"] == "elderly_covered_elsewhere"


def test_a_capability_level_of_3_grants_the_nursing_subsidy(world: World) -> None:
    """R7: without the disability subsidy, a qualifying assessment grants nursing."""
    scenario_id = granted_household(world, person(age=70))
    nursing = world.linked(scenario_id, Service.ELDERLY_NURSING)
    world.step(world.staff.assessor, nursing.id, "record_assessment", assessment_level=3)

    world.grant_linked(nursing.id)

    assert world.case(nursing.id).state == BENEFIT_GRANTED
    assert branch_states(world, scenario_id)["elderly"] == "nursing_in_payment"


def test_a_capability_level_of_1_refuses_approval_of_the_nursing_subsidy(world: World) -> None:
    """R7: a non-qualifying grade refuses approval, naming the rule; nothing changes."""
    scenario_id = granted_household(world, person(age=70))
    nursing = world.linked(scenario_id, Service.ELDERLY_NURSING)
    world.step(world.staff.assessor, nursing.id, "record_assessment", assessment_level=1)
    world.step(world.staff.reviewer, nursing.id, "verify")
    before = world.case(nursing.id)

    with pytest.raises(RuleRefused) as refused:
        world.step(world.staff.approver, nursing.id, "approve")

    assert (refused.value.rule, refused.value.code) == ("R7", "assessment_not_qualifying")
    assert world.case(nursing.id) == before


def test_a_nursing_case_below_the_qualifying_level_is_rejected_with_a_reason(
    world: World,
) -> None:
    """R7, P14: the officer rejects it with a reason; the branch ends nursing not granted."""
    scenario_id = granted_household(world, person(age=70))
    nursing = world.linked(scenario_id, Service.ELDERLY_NURSING)
    world.step(world.staff.assessor, nursing.id, "record_assessment", assessment_level=1)
    world.step(world.staff.reviewer, nursing.id, "verify")

    world.step(world.staff.reviewer, nursing.id, "reject", reason="assessment_not_qualifying")

    closure = world.case(nursing.id).closure
    assert closure is not None
    assert (closure.outcome, closure.reason) == (Outcome.REJECTED, "assessment_not_qualifying")
    assert branch_states(world, scenario_id)["elderly"] == "nursing_not_granted"


# -- dibao refused --


def test_refusing_dibao_closes_the_waiting_recognition_case_as_branch_ended(
    world: World,
) -> None:
    """R8: a recognition waiting on dibao is closed with the reason dibao_refused."""
    scenario_id = refused_household(world, registered(world))

    recognition = world.linked(scenario_id, Service.EMPLOYMENT_DIFFICULTY)

    assert recognition.closure is not None
    assert recognition.closure.outcome is Outcome.BRANCH_ENDED
    assert (recognition.closure.reason, recognition.closure.rule) == ("dibao_refused", "R8")


def test_refusing_dibao_ends_the_elderly_and_insurance_branches(world: World) -> None:
    """R7, R9: with dibao refused, the branches that wait on it end."""
    scenario_id = refused_household(world, registered(world, age=70))

    states = branch_states(world, scenario_id)

    assert states["elderly"] == "elderly_not_eligible"
    assert states["insurance"] == "insurance_not_eligible"
    assert states["employment"] == "employment_ended"
    assert not world.has_linked(scenario_id, Service.ELDERLY_LIVING)


def test_refusing_dibao_records_dibao_refused_as_the_insurance_branch_reason(
    world: World,
) -> None:
    """R8, R9: every branch that waits on dibao ends with the reason dibao_refused."""
    scenario_id = refused_household(world, registered(world))

    moves = [m for e in world.scenario(scenario_id).events for m in e.moves]

    insurance = [m for m in moves if m.branch == "insurance"]
    assert [m.reason for m in insurance] == ["dibao_refused"]


def test_refusing_dibao_leaves_an_open_registration_case_to_be_decided(world: World) -> None:
    """R8: the registration does not wait on dibao, so it continues after a refusal."""
    intake = world.submit_dibao(person())
    world.prepare_and_verify_dibao(intake.case.id)

    world.refuse_dibao(intake.case.id)

    registration = world.linked(scenario_of(intake), Service.UNEMPLOYMENT_REGISTRATION)
    assert registration.state == RECEIVED
    assert "verify" in get_case(world.deps, world.staff.hr, registration.id).allowed_events
    assert world.view(scenario_of(intake)).status == "in_progress"


def test_a_registration_granted_after_dibao_was_refused_ends_the_employment_branch(
    world: World,
) -> None:
    """R8: registered after the refusal, no recognition opens; the branch ends."""
    intake = world.submit_dibao(person())
    scenario_id = scenario_of(intake)
    world.prepare_and_verify_dibao(intake.case.id)
    world.refuse_dibao(intake.case.id)

    result = world.grant_linked(intake.linked_cases[0].id)

    assert result.linked_cases == ()
    assert branch_states(world, scenario_id)["employment"] == "employment_ended"
    assert len(world.unemployment.registrations) == 1


# -- every path finishes --


def _registered_recognised_subsidised(world: World) -> str:
    scenario_id = granted_household(world, registered(world))
    world.grant_linked(world.linked(scenario_id, Service.EMPLOYMENT_DIFFICULTY).id)
    world.grant_linked(world.linked(scenario_id, Service.FLEXIBLE_INSURANCE_SUBSIDY).id)
    return scenario_id


def _elderly_nursed_registration_refused(world: World) -> str:
    scenario_id = granted_household(world, person(age=75))
    world.refuse_linked(world.linked(scenario_id, Service.UNEMPLOYMENT_REGISTRATION).id)
    nursing = world.linked(scenario_id, Service.ELDERLY_NURSING)
    world.step(world.staff.assessor, nursing.id, "record_assessment", assessment_level=2)
    world.grant_linked(nursing.id)
    return scenario_id


def _disabled_sixty_recognition_refused(world: World) -> str:
    applicant = registered(world, age=60)
    world.disability.seed(applicant, SEVERE_DISABILITY)
    scenario_id = granted_household(world, applicant)
    world.refuse_linked(world.linked(scenario_id, Service.EMPLOYMENT_DIFFICULTY).id)
    return scenario_id


def _refused_while_recognition_waits(world: World) -> str:
    return refused_household(world, registered(world, age=59))


def _refused_then_registered(world: World) -> str:
    scenario_id = refused_household(world, person())
    world.grant_linked(world.linked(scenario_id, Service.UNEMPLOYMENT_REGISTRATION).id)
    return scenario_id


@pytest.mark.parametrize(
    "drive",
    [
        _registered_recognised_subsidised,
        _elderly_nursed_registration_refused,
        _disabled_sixty_recognition_refused,
        _refused_while_recognition_waits,
        _refused_then_registered,
    ],
)
def test_a_finished_scenario_reports_completed_with_every_branch_finished(
    world: World, drive: Callable[[World], str]
) -> None:
    """R6 to R9: once every branch has ended, the scenario says so, branch by branch."""
    scenario_id = drive(world)

    view = world.view(scenario_id)

    assert view.status == "completed"
    assert [(b.branch, b.finished) for b in view.branches] == [
        ("dibao", True),
        ("elderly", True),
        ("employment", True),
        ("insurance", True),
    ]
    assert view.pending == ()
