"""R15: complaints and reports as their own strict state machine; R10: first responder,
transfers to officers and units, and what counts as bounced between units."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.holiday_calendar import china_calendar
from domain import complaints as machine
from domain.actors import Actor, Role
from domain.complaints import (
    ANSWERED,
    CLOSED,
    RECEIVED,
    RECTIFIED,
    VERIFIED,
    Complaint,
    ComplaintKind,
    ComplaintStep,
    Satisfaction,
)
from domain.deadlines import DeadlineStatus
from domain.errors import IllegalTransition, InvalidValue, RuleRefused
from domain.policy import BounceRule
from domain.policy_defaults import default_policy
from domain.regions import RegionCode
from domain.services import Channel, Department, Service
from domain.supervision import bounce_of, unit_moves
from domain.units import Unit

LOCAL = timezone(timedelta(hours=8))
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL)
COUNTY = RegionCode("370102")
TOWNSHIP = RegionCode("370102001")
OTHER_TOWNSHIP = RegionCode("370102002")
CLERK = Actor("clerk-1", "王敏", [Role.WINDOW_CLERK], TOWNSHIP)
SUPERVISOR = Actor("supervisor-1", "周督查", [Role.SUPERVISOR], COUNTY)
RULES = default_policy().supervision

CIVIL = Unit(TOWNSHIP, Department.CIVIL_AFFAIRS)
COUNTY_HR = Unit(COUNTY, Department.HUMAN_RESOURCES)
COUNTY_CIVIL = Unit(COUNTY, Department.CIVIL_AFFAIRS)
OTHER_CIVIL = Unit(OTHER_TOWNSHIP, Department.CIVIL_AFFAIRS)

TABLE = {
    (RECEIVED, "verify"): VERIFIED,
    (RECEIVED, "transfer"): RECEIVED,
    (VERIFIED, "rectify"): RECTIFIED,
    (VERIFIED, "answer"): ANSWERED,
    (VERIFIED, "transfer"): VERIFIED,
    (VERIFIED, "request_review"): VERIFIED,
    (RECTIFIED, "answer"): ANSWERED,
    (RECTIFIED, "transfer"): RECTIFIED,
    (RECTIFIED, "request_review"): RECTIFIED,
    (ANSWERED, "close"): CLOSED,
    (ANSWERED, "transfer"): ANSWERED,
}
STATES = (RECEIVED, VERIFIED, RECTIFIED, ANSWERED, CLOSED)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def tick(self) -> datetime:
        self.now += timedelta(minutes=10)
        return self.now


def received(
    *, kind: ComplaintKind = ComplaintKind.COMPLAINT, case_id: str | None = "case-0001"
) -> Complaint:
    return machine.receive_complaint(
        complaint_id="complaint-0001",
        kind=kind,
        channel=Channel.PHONE,
        summary="窗口工作人员未一次性告知所需材料",
        region=TOWNSHIP,
        step=ComplaintStep(CLERK, T0),
        rules=RULES,
        unit=CIVIL,
        complainant="李四",
        case_id=case_id,
        service=Service.DIBAO,
        staff_id="clerk-2",
    )


def step_for(event: str, clock: Clock, *, substantiated: bool = True) -> ComplaintStep:
    at = clock.tick()
    steps = {
        "verify": ComplaintStep(SUPERVISOR, at, text="经查属实", substantiated=substantiated),
        "rectify": ComplaintStep(SUPERVISOR, at, text="已约谈并补正告知"),
        "answer": ComplaintStep(SUPERVISOR, at, text="已电话答复投诉人"),
        "close": ComplaintStep(SUPERVISOR, at, satisfaction=Satisfaction.SATISFIED),
        "transfer": ComplaintStep(SUPERVISOR, at, to_officer="supervisor-2", reason="休假交接"),
        "request_review": ComplaintStep(
            SUPERVISOR, at, reason="原决定认定收入有误", review_case_id="case-0002"
        ),
    }
    return steps[event]


def complaint_in(state: str, clock: Clock, *, substantiated: bool = True) -> Complaint:
    """A complaint driven to `state`; `substantiated` is the finding of its verification
    (a finding not substantiated leads straight to the answer)."""
    complaint = received()
    path = {
        RECEIVED: (),
        VERIFIED: ("verify",),
        RECTIFIED: ("verify", "rectify"),
        ANSWERED: ("verify", "rectify", "answer"),
        CLOSED: ("verify", "rectify", "answer", "close"),
    }[state]
    for event in path:
        step = step_for(event, clock, substantiated=substantiated)
        machine.apply(complaint, event, step, RULES)
    return complaint


PAIRS = [(state, event) for state in STATES for event in machine.event_names()]


@pytest.mark.parametrize("state", STATES)
def test_r15_the_events_a_complaint_state_allows_are_those_of_the_table(state):
    complaint = complaint_in(state, Clock())

    allowed = machine.allowed_events(complaint)

    assert set(allowed) == {event for (source, event) in TABLE if source == state}


@pytest.mark.parametrize(("state", "event"), PAIRS, ids=[f"{s}-{e}" for s, e in PAIRS])
def test_r15_each_pair_either_moves_as_the_table_says_or_changes_nothing(state, event):
    clock = Clock()
    # A complaint verified as not substantiated is answered without rectification.
    unfounded = state == VERIFIED and event == "answer"
    complaint = complaint_in(state, clock, substantiated=not unfounded)
    before = copy.deepcopy(complaint)

    if (state, event) in TABLE:
        recorded = machine.apply(complaint, event, step_for(event, clock), RULES)

        assert complaint.state == TABLE[(state, event)]
        assert (recorded.event, recorded.from_state, recorded.to_state) == (
            event,
            state,
            complaint.state,
        )
    else:
        with pytest.raises(IllegalTransition) as refused:
            machine.apply(complaint, event, step_for(event, clock), RULES)

        assert refused.value.allowed_events == machine.allowed_events(complaint)
        assert complaint == before


def test_r15_an_unknown_event_is_illegal():
    with pytest.raises(IllegalTransition):
        machine.apply(received(), "reopen", step_for("verify", Clock()), RULES)


def test_r15_the_machine_is_strict_as_the_case_types_are():
    assert machine.ComplaintMachine.catch_errors_as_events is False
    assert machine.ComplaintMachine.allow_event_without_transition is False


# -- guards --


def refused_code(complaint: Complaint, event: str, step: ComplaintStep) -> str:
    before = copy.deepcopy(complaint)
    with pytest.raises(RuleRefused) as refused:
        machine.apply(complaint, event, step, RULES)
    assert complaint == before
    return refused.value.code


def test_r15_a_verification_must_say_whether_the_complaint_is_substantiated():
    step = ComplaintStep(SUPERVISOR, T0 + timedelta(hours=1), text="已调查")

    assert refused_code(received(), "verify", step) == "finding_required"


def test_r15_a_verification_must_say_what_was_found():
    step = ComplaintStep(SUPERVISOR, T0 + timedelta(hours=1), substantiated=True)

    assert refused_code(received(), "verify", step) == "text_required"


def test_r15_a_complaint_found_unsubstantiated_needs_no_rectification():
    clock = Clock()
    complaint = complaint_in(VERIFIED, clock, substantiated=False)

    assert refused_code(complaint, "rectify", step_for("rectify", clock)) == "not_substantiated"


def test_r15_a_substantiated_complaint_is_answered_only_after_its_rectification():
    clock = Clock()
    complaint = complaint_in(VERIFIED, clock)

    assert refused_code(complaint, "answer", step_for("answer", clock)) == "rectification_pending"


def test_r15_closing_needs_the_complainants_response_to_the_answer():
    clock = Clock()
    complaint = complaint_in(ANSWERED, clock)
    step = ComplaintStep(SUPERVISOR, clock.tick())

    assert refused_code(complaint, "close", step) == "response_required"


def test_r15_the_complainants_response_is_kept_on_the_closed_complaint():
    clock = Clock()
    complaint = complaint_in(ANSWERED, clock)
    step = ComplaintStep(
        SUPERVISOR, clock.tick(), satisfaction=Satisfaction.DISSATISFIED, text="仍有意见"
    )

    machine.apply(complaint, "close", step, RULES)

    assert complaint.response is not None
    assert (complaint.response.satisfaction, complaint.response.text) == (
        Satisfaction.DISSATISFIED,
        "仍有意见",
    )


def test_r15_the_window_clerk_who_received_a_complaint_may_not_verify_it():
    step = ComplaintStep(CLERK, T0 + timedelta(hours=1), text="属实", substantiated=True)

    assert refused_code(received(), "verify", step) == "role_not_allowed"


def test_p10_a_supervisor_of_another_county_may_not_verify_it():
    outsider = Actor("supervisor-9", "外县督查", [Role.SUPERVISOR], RegionCode("370103"))
    step = ComplaintStep(outsider, T0 + timedelta(hours=1), text="属实", substantiated=True)

    assert refused_code(received(), "verify", step) == "outside_jurisdiction"


def test_r4_a_step_dated_before_the_last_one_is_refused():
    step = ComplaintStep(SUPERVISOR, T0 - timedelta(hours=1), text="属实", substantiated=True)

    assert refused_code(received(), "verify", step) == "time_before_last_event"


def test_r15_a_review_needs_a_complaint_that_names_a_case():
    clock = Clock()
    complaint = received(case_id=None)
    machine.apply(complaint, "verify", step_for("verify", clock), RULES)

    assert refused_code(complaint, "request_review", step_for("request_review", clock)) == (
        "no_case_named"
    )


def test_r15_a_review_request_names_the_reviewed_and_the_review_case_in_the_history():
    clock = Clock()
    complaint = complaint_in(VERIFIED, clock)

    recorded = machine.apply(complaint, "request_review", step_for("request_review", clock), RULES)

    assert dict(recorded.facts) == {"case": "case-0001", "review_case": "case-0002"}
    assert complaint.review_cases == ["case-0002"]


def test_r15_a_complaint_is_received_with_its_kind_channel_case_and_staff_in_the_history():
    complaint = received()

    first = complaint.events[0]

    assert (first.event, first.actor_id, first.to_state, first.rule) == (
        "receive",
        "clerk-1",
        RECEIVED,
        "R10",
    )
    assert dict(first.facts) == {
        "kind": "complaint",
        "channel": "phone",
        "case": "case-0001",
        "staff": "clerk-2",
    }


@pytest.mark.parametrize("channel", [c for c in Channel if c is not Channel.SYSTEM])
def test_r10_a_complaint_may_arrive_by_any_channel_and_keeps_its_first_responder(channel):
    complaint = machine.receive_complaint(
        complaint_id="complaint-0001",
        kind=ComplaintKind.COMPLAINT,
        channel=channel,
        summary="办理超期",
        region=TOWNSHIP,
        step=ComplaintStep(CLERK, T0),
        rules=RULES,
    )

    assert (complaint.channel, complaint.first_responder) == (channel, "clerk-1")


def test_r15_a_complaint_without_a_summary_is_refused_naming_the_field():
    with pytest.raises(InvalidValue) as refused:
        machine.receive_complaint(
            complaint_id="complaint-0001",
            kind=ComplaintKind.REPORT,
            channel=Channel.LETTER,
            summary=" ",
            region=TOWNSHIP,
            step=ComplaintStep(CLERK, T0),
            rules=RULES,
        )

    assert refused.value.field == "summary"


def test_r10_an_assessor_is_not_among_those_who_receive_complaints():
    assessor = Actor("assessor-1", "评估员", [Role.ASSESSOR], TOWNSHIP)

    with pytest.raises(RuleRefused) as refused:
        machine.receive_complaint(
            complaint_id="complaint-0001",
            kind=ComplaintKind.COMPLAINT,
            channel=Channel.WINDOW,
            summary="态度生硬",
            region=TOWNSHIP,
            step=ComplaintStep(assessor, T0),
            rules=RULES,
        )

    assert refused.value.code == "role_not_allowed"


# -- transfers (R10) --


def transfer(complaint: Complaint, clock: Clock, *, officer: str = "", unit: Unit | None = None):
    step = ComplaintStep(SUPERVISOR, clock.tick(), to_officer=officer, to_unit=unit, reason="职责")
    return machine.apply(complaint, "transfer", step, RULES)


def test_r10_a_transfer_to_a_unit_moves_the_complaint_into_its_region():
    clock = Clock()
    complaint = received()

    transfer(complaint, clock, unit=OTHER_CIVIL)

    assert (complaint.unit, complaint.region, complaint.responsible) == (
        OTHER_CIVIL,
        OTHER_TOWNSHIP,
        "",
    )


def test_r10_the_first_responder_stays_after_transfers_to_officers_and_units():
    clock = Clock()
    complaint = received()
    transfer(complaint, clock, unit=COUNTY_HR, officer="hr-1")

    transfer(complaint, clock, officer="hr-2")

    assert (complaint.first_responder, complaint.responsible) == ("clerk-1", "hr-2")


def test_r10_a_transfer_records_both_units_the_officers_and_the_reason():
    clock = Clock()
    complaint = received()

    transfer(complaint, clock, unit=COUNTY_HR, officer="hr-1")

    moved = complaint.transfers[0]
    assert (moved.from_officer, moved.to_officer, moved.from_unit, moved.to_unit) == (
        "clerk-1",
        "hr-1",
        CIVIL,
        COUNTY_HR,
    )
    assert moved.reason == "职责"


@pytest.mark.parametrize(
    ("officer", "unit", "reason"),
    [
        pytest.param("", None, "职责", id="no-receiver"),
        pytest.param("clerk-1", None, "职责", id="to-the-holder"),
        pytest.param("", CIVIL, "职责", id="to-its-own-unit"),
        pytest.param("hr-1", None, " ", id="no-reason"),
    ],
)
def test_r10_a_transfer_without_a_new_receiver_or_a_reason_is_refused(officer, unit, reason):
    complaint = received()
    step = ComplaintStep(
        SUPERVISOR, T0 + timedelta(hours=1), to_officer=officer, to_unit=unit, reason=reason
    )

    assert refused_code(complaint, "transfer", step) == "transfer_invalid"


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "hr-1", "clerk-1", "supervisor-2"]),
            st.sampled_from([None, CIVIL, COUNTY_HR, COUNTY_CIVIL]),
            st.sampled_from(["", "职责"]),
        ),
        max_size=12,
    )
)
def test_r10_whatever_transfers_are_tried_the_first_responder_never_changes(attempts):
    """Every accepted transfer is recorded; a refused one leaves the holder as it was."""
    complaint = received()
    clock = Clock()
    accepted = 0
    for officer, unit, reason in attempts:
        holder = (complaint.responsible, complaint.unit)
        step = ComplaintStep(
            SUPERVISOR, clock.tick(), to_officer=officer, to_unit=unit, reason=reason
        )
        try:
            machine.apply(complaint, "transfer", step, RULES)
            accepted += 1
        except RuleRefused:
            assert (complaint.responsible, complaint.unit) == holder

    assert complaint.first_responder == "clerk-1"
    assert len(complaint.transfers) == accepted


# -- bounced between units --


def moved_through(*units: Unit) -> Complaint:
    clock = Clock()
    complaint = received()
    for unit in units:
        transfer(complaint, clock, unit=unit)
    return complaint


def test_r10_two_moves_to_new_units_are_not_bounced():
    complaint = moved_through(COUNTY_CIVIL, COUNTY_HR)

    assert bounce_of(complaint, BounceRule(max_unit_moves=2)) is None


def test_r10_three_moves_between_units_are_bounced_as_too_many():
    complaint = moved_through(COUNTY_CIVIL, COUNTY_HR, OTHER_CIVIL)

    bounce = bounce_of(complaint, BounceRule(max_unit_moves=2))

    assert bounce is not None
    assert (bounce.moves, bounce.too_many_moves, bounce.returned) == (3, True, False)


def test_r10_coming_back_to_a_unit_it_had_left_is_bounced():
    complaint = moved_through(COUNTY_HR, CIVIL)

    bounce = bounce_of(complaint, BounceRule(max_unit_moves=2))

    assert bounce is not None
    assert (bounce.path, bounce.returned) == ((CIVIL, COUNTY_HR, CIVIL), True)


def test_r10_hand_overs_between_officers_of_one_unit_are_not_moves():
    clock = Clock()
    complaint = received()
    for officer in ("clerk-2", "clerk-3", "clerk-1", "clerk-2"):
        transfer(complaint, clock, officer=officer)

    assert unit_moves(complaint) == 0


def test_r10_the_number_of_moves_that_makes_a_record_bounced_is_a_parameter():
    complaint = moved_through(COUNTY_CIVIL)

    assert bounce_of(complaint, BounceRule(max_unit_moves=0)) is not None


# -- the time limit (R15) --


@pytest.fixture(scope="module")
def calendar():
    return china_calendar()


def test_r15_a_complaint_is_due_fifteen_working_days_after_receipt(calendar):
    complaint = received()

    deadline = machine.complaint_deadline(
        complaint, RULES.complaint_time_limit, calendar, today=date(2026, 3, 2), due_soon_days=3
    )

    assert deadline is not None
    assert (deadline.due, deadline.status) == (date(2026, 3, 23), DeadlineStatus.ON_TIME)


def test_r15_a_complaint_past_its_limit_and_not_yet_answered_is_overdue(calendar):
    complaint = received()

    deadline = machine.complaint_deadline(
        complaint, RULES.complaint_time_limit, calendar, today=date(2026, 3, 24), due_soon_days=3
    )

    assert deadline is not None
    assert deadline.status is DeadlineStatus.OVERDUE


def test_r15_an_answered_complaint_has_no_running_limit(calendar):
    complaint = complaint_in(ANSWERED, Clock())

    deadline = machine.complaint_deadline(
        complaint, RULES.complaint_time_limit, calendar, today=date(2026, 4, 30), due_soon_days=3
    )

    assert deadline is None


def test_r15_the_limits_of_complaints_and_reports_are_parameters_tagged_as_readings():
    limits = (RULES.complaint_time_limit, RULES.report_time_limit)

    assert [(limit.working_days, limit.source.tag) for limit in limits] == [(15, "?"), (15, "?")]


def test_r15_complaint_states_and_events_carry_chinese_labels():
    assert [machine.STATE_LABELS[s] for s in STATES] == [
        "已受理",
        "已核实",
        "已整改",
        "已反馈",
        "已办结",
    ]
    assert set(machine.EVENT_LABELS) >= set(machine.event_names())
