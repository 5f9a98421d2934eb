"""One test per guard of the case lifecycle, each naming the rule it enforces."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from attrs import evolve

from domain.actors import Role, system_actor
from domain.cases import (
    APPROVED,
    BENEFIT_GRANTED,
    CLOSED,
    RECEIVED,
    VERIFIED,
    Case,
    Closure,
    Hold,
)
from domain.errors import RuleRefused
from domain.facts import CheckWarning
from domain.lifecycle import Step, allowed_events, apply
from domain.policy_defaults import default_policy
from domain.scenario import RECOGNITION_HOLD
from domain.services import Service
from tests.unit.lifecycle_helpers import (
    CLOSING_EVENTS,
    OTHER_TOWNSHIP,
    OUTCOMES,
    SAMPLE_COUNTY,
    SAMPLE_TOWNSHIP,
    TOWNSHIP,
    Clock,
    act,
    all_round_officer,
    assessment,
    awaiting_confirmation,
    case_in,
    check_report,
    officer,
    required_materials,
    rules_for,
    snapshot,
    step_for,
)

DIBAO = Service.DIBAO
NURSING = Service.ELDERLY_NURSING
RECOGNITION = Service.EMPLOYMENT_DIFFICULTY
DIBAO_REQUIRED = ("id_card", "household_register", "commitment", "check_authorization")
# Where each closing event is allowed: the state the tests close from.
CLOSING_FROM = {
    "close": BENEFIT_GRANTED,
    "reject": VERIFIED,
    "not_accept": RECEIVED,
    "withdraw": APPROVED,
    "end_branch": APPROVED,
}


def refusal(case: Case, event: str, step: Step) -> RuleRefused:
    """Apply an event that must be refused; check that it changed nothing."""
    before = snapshot(case)
    with pytest.raises(RuleRefused) as refused:
        apply(case, event, step, rules_for(case.service, case.region))
    assert case == before
    assert refused.value.allowed_events == allowed_events(case)
    assert refused.value.subject_id == case.id
    return refused.value


def dibao_with(materials: frozenset[str], clock: Clock) -> Case:
    return case_in(DIBAO, RECEIVED, clock=clock, materials=materials)


def reviewer_step(clock: Clock, **payload: Any) -> Step:
    """A step by an officer holding every civil-affairs role, with the given payload."""
    return evolve(Step(actor=all_round_officer(DIBAO), at=clock.tick()), **payload)


# -- R11: one-time notification of every missing material --


def test_r11_verify_is_refused_while_materials_are_missing_and_names_every_one() -> None:
    clock = Clock()
    case = dibao_with(frozenset({"id_card"}), clock)
    act(case, "record_check_report", clock)

    refused = refusal(case, "verify", step_for(DIBAO, "verify", clock.tick()))

    assert (refused.code, refused.rule) == ("materials_incomplete", "R11")
    guide = default_policy().guide(DIBAO)
    missing_names = [m.name for m in guide.required_materials if m.code != "id_card"]
    assert len(missing_names) == 3
    assert all(name in refused.message for name in missing_names)


def test_r11_request_materials_lists_every_missing_code_at_once() -> None:
    clock = Clock()
    case = dibao_with(frozenset(), clock)

    recorded = act(case, "request_materials", clock)

    (request,) = case.material_requests
    assert request.missing == DIBAO_REQUIRED
    assert request.is_open
    assert recorded.facts["missing"] == ",".join(DIBAO_REQUIRED)
    assert recorded.rule == "R11"


def test_r11_a_second_request_while_one_is_open_is_refused() -> None:
    clock = Clock()
    case = dibao_with(frozenset({"id_card"}), clock)
    act(case, "request_materials", clock)

    refused = refusal(case, "request_materials", step_for(DIBAO, "request_materials", clock.now))

    assert (refused.code, refused.rule) == ("notice_already_open", "R11")


def test_r11_a_request_is_refused_when_nothing_is_missing() -> None:
    clock = Clock()
    case = case_in(DIBAO, RECEIVED, clock=clock)

    refused = refusal(case, "request_materials", step_for(DIBAO, "request_materials", clock.now))

    assert (refused.code, refused.rule) == ("nothing_missing", "R11")


@pytest.mark.parametrize("materials", [frozenset(), frozenset({"id_card", "passport"})])
def test_r11_supplied_materials_must_be_listed_in_the_service_guide(
    materials: frozenset[str],
) -> None:
    clock = Clock()
    case = dibao_with(frozenset(), clock)

    refused = refusal(case, "supply_materials", reviewer_step(clock, materials=materials))

    assert (refused.code, refused.rule) == ("materials_unknown", "R11")


# -- R13: the notice stops the clock; the last material restarts it --


def test_r13_supplying_some_materials_keeps_the_request_open() -> None:
    clock = Clock()
    case = dibao_with(frozenset(), clock)
    act(case, "request_materials", clock)

    recorded = apply(
        case,
        "supply_materials",
        reviewer_step(clock, materials=frozenset({"id_card", "commitment"})),
        rules_for(DIBAO),
    )

    assert case.open_material_request is not None
    assert "clock" not in recorded.facts
    assert recorded.facts["supplied"] == "commitment,id_card"


def test_r13_supplying_the_last_material_closes_the_request_and_restarts_the_clock() -> None:
    clock = Clock()
    case = dibao_with(frozenset({"id_card"}), clock)
    act(case, "request_materials", clock)
    step = reviewer_step(clock, materials=frozenset(DIBAO_REQUIRED[1:]))

    recorded = apply(case, "supply_materials", step, rules_for(DIBAO))

    (request,) = case.material_requests
    assert request.satisfied_at == step.at
    assert case.open_material_request is None
    assert recorded.facts["clock"] == "restarted"
    assert recorded.rule == "R13"
    assert case.materials == required_materials(DIBAO)


# -- R12: the household economic check --


@pytest.mark.parametrize("service", [Service.DIBAO, Service.TEKUN, Service.TEMPORARY])
def test_r12_verify_is_refused_without_a_check_report(service: Service) -> None:
    clock = Clock()
    case = case_in(service, RECEIVED, clock=clock, materials=required_materials(service))

    refused = refusal(case, "verify", step_for(service, "verify", clock.tick()))

    assert (refused.code, refused.rule) == ("economic_check_missing", "R12")


def test_r12_a_report_with_warnings_does_not_block_verification() -> None:
    clock = Clock()
    case = dibao_with(required_materials(DIBAO), clock)
    warning = CheckWarning("vehicle", "名下有机动车登记", "公安机关交通管理部门")
    apply(
        case,
        "record_check_report",
        reviewer_step(clock, report=check_report(warning)),
        rules_for(DIBAO),
    )

    act(case, "verify", clock)

    assert case.state == VERIFIED
    assert case.check_report is not None
    assert case.check_report.has_warnings


def test_r12_recording_a_check_report_needs_the_report() -> None:
    clock = Clock()
    case = dibao_with(required_materials(DIBAO), clock)

    refused = refusal(case, "record_check_report", reviewer_step(clock))

    assert (refused.code, refused.rule) == ("report_required", "R12")


@pytest.mark.parametrize("evidence", [(), ("",), ("  ", "\t")])
def test_r12_a_dispute_needs_evidence(evidence: tuple[str, ...]) -> None:
    clock = Clock()
    case = case_in(DIBAO, VERIFIED, clock=clock)

    refused = refusal(case, "dispute", reviewer_step(clock, evidence=evidence))

    assert (refused.code, refused.rule) == ("evidence_required", "R12")


def test_r12_a_dispute_from_verified_sends_the_case_back_to_received() -> None:
    clock = Clock()
    case = case_in(DIBAO, VERIFIED, clock=clock)

    recorded = act(case, "dispute", clock)

    assert (recorded.from_state, recorded.to_state) == (VERIFIED, RECEIVED)
    assert case.state == RECEIVED
    assert case.check_report is None
    assert len(case.disputes) == 1
    assert recorded.facts["disputed_report"] == "HC-2026-0001"


def test_r12_after_a_dispute_verification_needs_a_new_check_report() -> None:
    clock = Clock()
    case = case_in(DIBAO, VERIFIED, clock=clock)
    act(case, "dispute", clock)

    refused = refusal(case, "verify", step_for(DIBAO, "verify", clock.tick()))
    apply(
        case,
        "record_check_report",
        reviewer_step(clock, report=check_report(reference="HC-2026-0002")),
        rules_for(DIBAO),
    )
    act(case, "verify", clock)

    assert refused.code == "economic_check_missing"
    assert case.state == VERIFIED


# -- R7: the capability assessment decides the nursing subsidy --


def test_r7_nursing_approval_is_refused_without_an_assessment() -> None:
    clock = Clock()
    case = case_in(NURSING, VERIFIED, clock=clock, materials=required_materials(NURSING))

    refused = refusal(case, "approve", step_for(NURSING, "approve", clock.tick()))

    assert (refused.code, refused.rule) == ("assessment_missing", "R7")


def nursing_assessed_at(level: int, clock: Clock) -> Case:
    case = case_in(NURSING, VERIFIED, clock=clock)
    step = Step(actor=all_round_officer(NURSING), at=clock.tick(), assessment=assessment(level))
    apply(case, "record_assessment", step, rules_for(NURSING))
    return case


@pytest.mark.parametrize("level", [0, 1])
def test_r7_nursing_approval_is_refused_at_level_0_or_1(level: int) -> None:
    clock = Clock()
    case = nursing_assessed_at(level, clock)

    refused = refusal(case, "approve", step_for(NURSING, "approve", clock.tick()))

    assert (refused.code, refused.rule) == ("assessment_not_qualifying", "R7")


@pytest.mark.parametrize("level", [2, 3])
def test_r7_nursing_approval_is_allowed_at_level_2_or_3(level: int) -> None:
    clock = Clock()
    case = nursing_assessed_at(level, clock)

    act(case, "approve", clock)

    assert case.state == APPROVED


@pytest.mark.parametrize("level", [-1, 4])
def test_r7_an_assessment_outside_levels_0_to_3_is_refused(level: int) -> None:
    clock = Clock()
    case = case_in(NURSING, RECEIVED, clock=clock)
    step = Step(actor=all_round_officer(NURSING), at=clock.tick(), assessment=assessment(level))

    refused = refusal(case, "record_assessment", step)

    assert (refused.code, refused.rule) == ("assessment_invalid", "R7")


def test_r7_only_an_assessor_records_the_assessment() -> None:
    clock = Clock()
    case = case_in(NURSING, RECEIVED, clock=clock)
    reviewer = officer(Role.REVIEWER, Role.APPROVER)
    step = Step(actor=reviewer, at=clock.tick(), assessment=assessment(2))

    refused = refusal(case, "record_assessment", step)

    assert (refused.code, refused.rule) == ("role_not_allowed", "P10")


# -- R6, R9: a case on hold is neither verified nor decided --

HISTORY_HOLD = Hold(rule="R6", reason="历史救助记录查询中，查询完成前暂不审核")


def held_recognition(state: str, clock: Clock) -> Case:
    case = case_in(RECOGNITION, state, clock=clock)
    act(case, "hold", clock)
    return case


def held_dibao(clock: Clock) -> Case:
    case = case_in(DIBAO, RECEIVED, clock=clock)
    step = Step(actor=system_actor(TOWNSHIP), at=clock.tick(), hold=HISTORY_HOLD)
    apply(case, "hold", step, rules_for(DIBAO))
    return case


def test_r6_a_dibao_application_held_for_the_history_check_cannot_be_verified() -> None:
    clock = Clock()
    case = held_dibao(clock)

    refused = refusal(case, "verify", step_for(DIBAO, "verify", clock.tick()))

    assert (refused.code, refused.rule) == ("decision_on_hold", "R6")
    assert refused.message == HISTORY_HOLD.reason


def test_r6_a_released_dibao_application_can_be_verified() -> None:
    clock = Clock()
    case = held_dibao(clock)
    act(case, "release", clock)

    act(case, "verify", clock)

    assert case.state == VERIFIED


def test_r9_a_held_recognition_cannot_be_verified() -> None:
    clock = Clock()
    case = held_recognition(RECEIVED, clock)

    refused = refusal(case, "verify", step_for(RECOGNITION, "verify", clock.tick()))

    assert (refused.code, refused.rule) == ("decision_on_hold", "R9")


@pytest.mark.parametrize("event", ["approve", "reject"])
def test_r9_a_held_recognition_can_be_neither_approved_nor_rejected(event: str) -> None:
    clock = Clock()
    case = held_recognition(VERIFIED, clock)

    refused = refusal(case, event, step_for(RECOGNITION, event, clock.tick()))

    assert (refused.code, refused.rule) == ("decision_on_hold", "R9")


@pytest.mark.parametrize(("event", "target"), [("approve", APPROVED), ("reject", CLOSED)])
def test_r9_a_released_recognition_can_be_decided(event: str, target: str) -> None:
    clock = Clock()
    case = held_recognition(VERIFIED, clock)
    act(case, "release", clock)

    act(case, event, clock)

    assert case.state == target
    assert case.hold is None


@pytest.mark.parametrize("hold", [HISTORY_HOLD, RECOGNITION_HOLD], ids=["R6", "R9"])
def test_the_hold_event_records_the_hold_and_its_own_rule(hold: Hold) -> None:
    clock = Clock()
    service = DIBAO if hold.rule == "R6" else RECOGNITION
    case = case_in(service, RECEIVED, clock=clock)
    step = Step(actor=system_actor(TOWNSHIP), at=clock.tick(), hold=hold)

    recorded = apply(case, "hold", step, rules_for(service))

    assert case.hold == hold
    assert recorded.rule == hold.rule


def test_r9_a_held_case_cannot_be_held_again() -> None:
    clock = Clock()
    case = held_recognition(RECEIVED, clock)

    refused = refusal(case, "hold", step_for(RECOGNITION, "hold", clock.tick()))

    assert (refused.code, refused.rule) == ("hold_invalid", "R9")


def test_r9_a_case_not_on_hold_cannot_be_released() -> None:
    clock = Clock()
    case = case_in(RECOGNITION, RECEIVED, clock=clock)

    refused = refusal(case, "release", step_for(RECOGNITION, "release", clock.tick()))

    assert (refused.code, refused.rule) == ("not_on_hold", "R9")


def test_r9_a_held_recognition_can_still_end_as_a_branch() -> None:
    clock = Clock()
    case = held_recognition(RECEIVED, clock)

    act(case, "end_branch", clock)

    assert case.state == CLOSED


# -- P10: role and jurisdiction; who confirms where --


def test_p10_a_window_clerk_cannot_approve() -> None:
    clock = Clock()
    case = awaiting_confirmation(DIBAO, clock=clock)
    clerk = officer(Role.WINDOW_CLERK)

    refused = refusal(case, "approve", Step(actor=clerk, at=clock.tick()))

    assert (refused.code, refused.rule) == ("role_not_allowed", "P10")
    assert "确认" in refused.message


def test_p10_an_approver_outside_the_case_region_cannot_act() -> None:
    clock = Clock()
    case = awaiting_confirmation(DIBAO, clock=clock)
    outsider = officer(Role.APPROVER, region=OTHER_TOWNSHIP)

    refused = refusal(case, "approve", Step(actor=outsider, at=clock.tick()))

    assert (refused.code, refused.rule) == ("outside_jurisdiction", "P10")


def test_p10_an_hr_officer_outside_the_case_region_cannot_act() -> None:
    clock = Clock()
    case = case_in(RECOGNITION, VERIFIED, clock=clock)
    outsider = officer(Role.HR_OFFICER, region=OTHER_TOWNSHIP)

    refused = refusal(case, "approve", Step(actor=outsider, at=clock.tick()))

    assert (refused.code, refused.rule) == ("outside_jurisdiction", "P10")


def test_in_the_sample_county_a_township_approver_is_refused_for_confirming_level() -> None:
    clock = Clock()
    case = awaiting_confirmation(DIBAO, clock=clock, region=SAMPLE_TOWNSHIP)
    township_approver = officer(Role.APPROVER, region=SAMPLE_TOWNSHIP)

    refused = refusal(case, "approve", Step(actor=township_approver, at=clock.tick()))

    assert (refused.code, refused.rule) == ("confirming_level", "R1")


def test_in_the_sample_county_a_county_approver_confirms() -> None:
    clock = Clock()
    case = awaiting_confirmation(DIBAO, clock=clock, region=SAMPLE_TOWNSHIP)
    county_approver = officer(Role.APPROVER, region=SAMPLE_COUNTY)

    apply(
        case,
        "approve",
        Step(actor=county_approver, at=clock.tick()),
        rules_for(DIBAO, SAMPLE_TOWNSHIP),
    )

    assert case.state == APPROVED


def test_in_another_county_of_37_a_township_approver_confirms() -> None:
    clock = Clock()
    case = awaiting_confirmation(DIBAO, clock=clock)
    township_approver = officer(Role.APPROVER, region=TOWNSHIP)

    apply(case, "approve", Step(actor=township_approver, at=clock.tick()), rules_for(DIBAO))

    assert case.state == APPROVED


def test_the_system_approves_the_automatic_living_subsidy_at_any_level() -> None:
    clock = Clock()
    case = case_in(Service.ELDERLY_LIVING, VERIFIED, clock=clock, region=SAMPLE_TOWNSHIP)
    step = Step(actor=system_actor(SAMPLE_TOWNSHIP), at=clock.tick())

    apply(case, "approve", step, rules_for(Service.ELDERLY_LIVING, SAMPLE_TOWNSHIP))

    assert case.state == APPROVED


# -- P14: decisions carry their reason; R4: no recording after the fact --


@pytest.mark.parametrize("event", CLOSING_EVENTS)
@pytest.mark.parametrize("reason", ["", "   "])
def test_p14_closing_events_need_a_reason(event: str, reason: str) -> None:
    clock = Clock()
    case = case_in(DIBAO, CLOSING_FROM[event], clock=clock)
    step = step_for(DIBAO, event, clock.tick())

    refused = refusal(
        case, event, Step(actor=step.actor, at=step.at, rule=step.rule, reason=reason)
    )

    assert (refused.code, refused.rule) == ("reason_required", "P14")


def test_r4_a_step_dated_before_the_last_event_is_refused() -> None:
    clock = Clock()
    case = case_in(DIBAO, RECEIVED, clock=clock)
    earlier = case.last_event_at - timedelta(seconds=1)

    refused = refusal(case, "verify", step_for(DIBAO, "verify", earlier))

    assert (refused.code, refused.rule) == ("time_before_last_event", "R4")


def test_r4_a_step_at_the_same_moment_as_the_last_event_is_accepted() -> None:
    clock = Clock()
    case = case_in(DIBAO, RECEIVED, clock=clock)

    apply(case, "verify", step_for(DIBAO, "verify", case.last_event_at), rules_for(DIBAO))

    assert case.state == VERIFIED


# -- closing: outcome, reason and rule, always --


@pytest.mark.parametrize("event", CLOSING_EVENTS)
def test_closing_records_outcome_reason_and_rule(event: str) -> None:
    clock = Clock()
    case = case_in(DIBAO, CLOSING_FROM[event], clock=clock)
    step = step_for(DIBAO, event, clock.tick())

    recorded = apply(case, event, step, rules_for(DIBAO))

    expected_rule = step.rule or {"not_accept": "R6"}.get(event, "R1")
    assert case.closure == Closure(OUTCOMES[event], step.reason, expected_rule, step.at)
    assert (recorded.reason, recorded.rule) == (step.reason, expected_rule)


def test_a_closing_step_may_name_its_own_rule() -> None:
    clock = Clock()
    case = case_in(DIBAO, RECEIVED, clock=clock)
    step = Step(actor=all_round_officer(DIBAO), at=clock.tick(), reason="duplicate", rule="R6")

    apply(case, "reject", step, rules_for(DIBAO))

    assert case.closure is not None
    assert case.closure.rule == "R6"


def test_end_branch_needs_a_rule() -> None:
    clock = Clock()
    case = case_in(Service.ELDERLY_LIVING, RECEIVED, clock=clock)
    step = Step(actor=system_actor(TOWNSHIP), at=clock.tick(), reason="dibao_refused")

    refused = refusal(case, "end_branch", step)

    assert (refused.code, refused.rule) == ("rule_required", "R1")


def test_only_the_system_ends_a_branch() -> None:
    clock = Clock()
    case = case_in(DIBAO, RECEIVED, clock=clock)
    step = Step(actor=all_round_officer(DIBAO), at=clock.tick(), reason="dibao_refused", rule="R8")

    refused = refusal(case, "end_branch", step)

    assert (refused.code, refused.rule) == ("role_not_allowed", "P10")


# -- the record of every transition --


@pytest.mark.parametrize("service", list(Service))
def test_every_transition_appends_a_case_event_with_actor_time_states_rule_and_reason(
    service: Service,
) -> None:
    clock = Clock()
    case = case_in(service, BENEFIT_GRANTED, clock=clock)
    step = step_for(service, "close", clock.tick())

    recorded = apply(case, "close", step, rules_for(service))

    assert recorded == case.events[-1]
    assert recorded.seq == len(case.events)
    assert (recorded.case_id, recorded.event) == (case.id, "close")
    assert recorded.actor_id == step.actor.id
    assert set(recorded.actor_roles) == set(step.actor.roles)
    assert recorded.at == step.at
    assert (recorded.from_state, recorded.to_state) == (BENEFIT_GRANTED, CLOSED)
    assert (recorded.rule, recorded.reason) == ("R1", step.reason)
    assert [e.seq for e in case.events] == list(range(1, len(case.events) + 1))
    assert all(e.rule and e.actor_id for e in case.events)


def test_a_transfer_keeps_the_first_receiver_and_records_the_hand_over() -> None:
    clock = Clock()
    case = case_in(DIBAO, RECEIVED, clock=clock)
    first = case.received_by

    recorded = act(case, "transfer", clock)

    assert (case.received_by, case.responsible) == (first, "officer-2")
    assert case.transfers[-1].from_officer == first
    assert recorded.rule == "R10"


def test_a_transfer_needs_another_officer_and_a_reason() -> None:
    clock = Clock()
    case = case_in(DIBAO, RECEIVED, clock=clock)
    step = Step(
        actor=all_round_officer(DIBAO), at=clock.tick(), to_officer=case.responsible, reason="x"
    )

    refused = refusal(case, "transfer", step)

    assert (refused.code, refused.rule) == ("transfer_invalid", "R10")


Refusal = Callable[[Clock], tuple[Case, str, Step]]


def _clerk_approves(clock: Clock) -> tuple[Case, str, Step]:
    return (
        awaiting_confirmation(DIBAO, clock=clock),
        "approve",
        Step(officer(Role.WINDOW_CLERK), clock.tick()),
    )


def _verify_without_report(clock: Clock) -> tuple[Case, str, Step]:
    case = case_in(DIBAO, RECEIVED, clock=clock, materials=required_materials(DIBAO))
    return case, "verify", step_for(DIBAO, "verify", clock.tick())


def _close_without_reason(clock: Clock) -> tuple[Case, str, Step]:
    return (
        case_in(DIBAO, BENEFIT_GRANTED, clock=clock),
        "close",
        Step(all_round_officer(DIBAO), clock.tick()),
    )


def _backdated_grant(clock: Clock) -> tuple[Case, str, Step]:
    case = case_in(DIBAO, APPROVED, clock=clock)
    return case, "grant", Step(all_round_officer(DIBAO), case.received_at)


def _approve_held(clock: Clock) -> tuple[Case, str, Step]:
    case = held_recognition(VERIFIED, clock)
    return case, "approve", step_for(RECOGNITION, "approve", clock.tick())


@pytest.mark.parametrize(
    "arrange",
    [
        _clerk_approves,
        _verify_without_report,
        _close_without_reason,
        _backdated_grant,
        _approve_held,
    ],
)
def test_a_refused_transition_leaves_state_events_and_closure_unchanged(arrange: Refusal) -> None:
    case, event, step = arrange(Clock())
    state, events, closure = case.state, list(case.events), case.closure

    with pytest.raises(RuleRefused):
        apply(case, event, step, rules_for(case.service, case.region))

    assert (case.state, case.events, case.closure) == (state, events, closure)
