"""R10 and R15 through the use cases: complaints and reports from receipt to closure,
transfers between units, the bounced list, and a review of a closed case."""

from __future__ import annotations

import pytest

from application.commands import (
    ApplyComplaintEvent,
    RecordComplaint,
    RecordConsultation,
    RequestReview,
    SubmitApplication,
    TransferConsultation,
    TransferRecord,
)
from application.complaints import (
    apply_complaint_event,
    bounced_records,
    get_complaint,
    list_complaints,
    record_complaint,
    request_review,
    transfer_complaint,
)
from application.consultations import record_consultation, transfer_consultation
from application.errors import AccessDenied
from application.intake import submit_application
from application.queries import get_case
from domain.actors import Actor, Role
from domain.cases import CLOSED, RECEIVED
from domain.complaints import Complaint, ComplaintKind, Satisfaction
from domain.deadlines import DeadlineStatus
from domain.errors import InvalidValue, RuleRefused
from domain.services import Channel, Department, Outcome, Service
from domain.units import Unit
from ports.errors import DuplicateOpenCase, NotFound
from ports.storage import RecordQuery
from tests.factories import COUNTY, OTHER_TOWNSHIP, TOWNSHIP, resident_id
from tests.unit.app_helpers import DIBAO_MATERIALS, World

TOWNSHIP_CIVIL = Unit(TOWNSHIP, Department.CIVIL_AFFAIRS)
OTHER_CIVIL = Unit(OTHER_TOWNSHIP, Department.CIVIL_AFFAIRS)
COUNTY_HR = Unit(COUNTY, Department.HUMAN_RESOURCES)


@pytest.fixture
def world() -> World:
    return World()


def complain(
    world: World,
    *,
    case_id: str | None = None,
    kind: ComplaintKind = ComplaintKind.COMPLAINT,
    channel: Channel = Channel.PHONE,
) -> Complaint:
    world.tick()
    command = RecordComplaint(
        kind,
        "申请低保时窗口未一次性告知所需材料",
        str(TOWNSHIP),
        channel,
        complainant="李四",
        case_id=case_id,
        staff_id="clerk-1" if case_id else None,
    )
    return record_complaint(world.deps, world.staff.clerk, command)


def complaint_step(world: World, complaint_id: str, event: str, **kw: object) -> Complaint:
    world.tick()
    command = ApplyComplaintEvent(complaint_id, event, **kw)  # type: ignore[arg-type]
    return apply_complaint_event(world.deps, world.staff.supervisor, command).complaint


def move(world: World, record_id: str, unit: Unit, *, consultation: bool = False) -> None:
    world.tick()
    if consultation:
        command = TransferConsultation(record_id, "", "职责不属本单位", to_unit=unit.code)
        transfer_consultation(world.deps, world.staff.supervisor, command)
        return
    transfer_complaint(
        world.deps, world.staff.supervisor, TransferRecord(record_id, "职责", to_unit=unit.code)
    )


def rejected_dibao(world: World, serial: int = 1) -> str:
    intake = world.submit_dibao(resident_id(serial))
    world.refuse_dibao(intake.case.id)
    return intake.case.id


# -- receipt (R10) --


@pytest.mark.parametrize("channel", [c for c in Channel if c is not Channel.SYSTEM])
def test_r10_a_complaint_by_any_channel_records_who_first_received_it(world, channel):
    complaint = complain(world, channel=channel)

    stored = get_complaint(world.deps, world.staff.supervisor, complaint.id).complaint

    assert (stored.channel, stored.first_responder, stored.unit) == (
        channel,
        "clerk-1",
        TOWNSHIP_CIVIL,
    )


def test_r15_a_report_may_be_anonymous():
    world = World()
    world.tick()

    report = record_complaint(
        world.deps,
        world.staff.reviewer,
        RecordComplaint(ComplaintKind.REPORT, "某户隐瞒经营收入领取低保", str(TOWNSHIP)),
    )

    assert (report.kind, report.complainant, report.first_responder) == (
        ComplaintKind.REPORT,
        "",
        "reviewer-1",
    )


def test_r15_a_complaint_about_a_case_takes_the_cases_service(world):
    case_id = world.submit_dibao(resident_id(1)).case.id

    complaint = complain(world, case_id=case_id)

    assert (complaint.case_id, complaint.service, complaint.staff_id) == (
        case_id,
        Service.DIBAO,
        "clerk-1",
    )


def test_r15_a_complaint_naming_an_unknown_case_is_refused(world):
    with pytest.raises(NotFound):
        complain(world, case_id="case-9999")


def test_r15_a_complaint_naming_a_case_of_another_township_is_refused_naming_the_field(world):
    world.tick()
    other_clerk = Actor("clerk-9", "经办人clerk-9", [Role.WINDOW_CLERK], OTHER_TOWNSHIP)
    command = SubmitApplication(
        Service.DIBAO,
        resident_id(2).reveal(),
        "王五",
        str(OTHER_TOWNSHIP),
        materials=DIBAO_MATERIALS,
    )
    other = submit_application(world.deps, other_clerk, command).case.id

    with pytest.raises(InvalidValue) as refused:
        complain(world, case_id=other)

    assert refused.value.field == "case_id"


# -- handling (R15) --


def test_r15_a_substantiated_complaint_is_verified_rectified_answered_and_closed(world):
    complaint = complain(world)
    complaint_step(world, complaint.id, "verify", text="经查属实", substantiated=True)
    complaint_step(world, complaint.id, "rectify", text="已约谈经办人并补正告知")
    complaint_step(world, complaint.id, "answer", text="已电话答复")

    closed = complaint_step(
        world, complaint.id, "close", satisfaction=Satisfaction.SATISFIED, text="表示满意"
    )

    assert closed.state == CLOSED
    assert [e.event for e in closed.events] == ["receive", "verify", "rectify", "answer", "close"]
    assert closed.response is not None
    assert closed.response.satisfaction is Satisfaction.SATISFIED


def test_r15_an_unsubstantiated_complaint_is_answered_without_rectification(world):
    complaint = complain(world)
    complaint_step(world, complaint.id, "verify", text="经查不属实", substantiated=False)

    answered = complaint_step(world, complaint.id, "answer", text="已书面答复")

    assert (answered.state, answered.rectification) == ("answered", None)


def test_r15_an_open_complaint_shows_its_limit_from_receipt_to_answer(world):
    complaint = complain(world)
    world.clock.advance(days=22)  # 16 working days later

    view = get_complaint(world.deps, world.staff.supervisor, complaint.id)

    assert view.deadline is not None
    assert view.deadline.status is DeadlineStatus.OVERDUE


def test_r15_a_supervisor_lists_the_complaints_of_the_county(world):
    first = complain(world)
    second = complain(world, kind=ComplaintKind.REPORT)

    found = list_complaints(world.deps, world.staff.supervisor, RecordQuery(within=COUNTY))

    assert [v.complaint.id for v in found] == [first.id, second.id]


def test_r15_a_list_of_reports_leaves_out_complaints(world):
    complain(world)
    report = complain(world, kind=ComplaintKind.REPORT)

    found = list_complaints(
        world.deps, world.staff.supervisor, RecordQuery(kind=ComplaintKind.REPORT)
    )

    assert [v.complaint.id for v in found] == [report.id]


def test_p10_a_window_clerk_does_not_list_complaints_that_name_colleagues(world):
    complain(world)

    with pytest.raises(AccessDenied):
        list_complaints(world.deps, world.staff.clerk, RecordQuery())


def test_r10_the_first_responder_still_reads_a_complaint_moved_to_another_township(world):
    complaint = complain(world)
    move(world, complaint.id, OTHER_CIVIL)

    view = get_complaint(world.deps, world.staff.clerk, complaint.id)

    assert (view.complaint.first_responder, view.complaint.region) == ("clerk-1", OTHER_TOWNSHIP)


def test_p10_an_officer_neither_holding_nor_supervising_it_cannot_read_a_complaint(world):
    complaint = complain(world)

    with pytest.raises(AccessDenied):
        get_complaint(world.deps, world.staff.reviewer, complaint.id)


# -- bounced between units (R10) --


def test_r10_a_complaint_sent_away_and_back_is_on_the_bounced_list(world):
    complaint = complain(world)
    move(world, complaint.id, COUNTY_HR)
    move(world, complaint.id, TOWNSHIP_CIVIL)

    bounced = bounced_records(world.deps, world.staff.supervisor)

    assert [(b.record_id, b.first_responder, b.bounce.returned) for b in bounced] == [
        (complaint.id, "clerk-1", True)
    ]


def test_r10_a_consultation_moved_three_times_is_on_the_bounced_list(world):
    world.tick()
    asked = record_consultation(
        world.deps,
        world.staff.clerk,
        RecordConsultation("失业登记在哪里办？", str(TOWNSHIP), Channel.PHONE),
    ).consultation
    for unit in (COUNTY_HR, Unit(COUNTY, Department.CIVIL_AFFAIRS), OTHER_CIVIL):
        move(world, asked.id, unit, consultation=True)

    bounced = bounced_records(world.deps, world.staff.supervisor)

    assert [(b.kind, b.record_id, b.bounce.moves) for b in bounced] == [
        ("consultation", asked.id, 3)
    ]


def test_r10_a_record_moved_once_to_the_right_unit_is_not_bounced(world):
    complaint = complain(world)
    move(world, complaint.id, COUNTY_HR)

    bounced = bounced_records(world.deps, world.staff.supervisor)

    assert bounced == []


def test_p10_the_bounced_list_is_for_supervisors(world):
    with pytest.raises(AccessDenied):
        bounced_records(world.deps, world.staff.clerk)


def test_r10_a_transfer_naming_an_unreadable_unit_is_refused_naming_the_field(world):
    complaint = complain(world)

    with pytest.raises(InvalidValue) as refused:
        transfer_complaint(
            world.deps,
            world.staff.supervisor,
            TransferRecord(complaint.id, "职责", to_unit="民政局"),
        )

    assert refused.value.field == "to_unit"


# -- a review of a closed case (R15) --


def reviewed_after_complaint(world: World) -> tuple[str, Complaint, str]:
    case_id = rejected_dibao(world)
    complaint = complain(world, case_id=case_id)
    complaint_step(world, complaint.id, "verify", text="收入认定有误", substantiated=True)
    world.tick()
    result = request_review(
        world.deps, world.staff.supervisor, RequestReview(complaint.id, "收入认定有误")
    )
    return case_id, result.complaint, result.review_case.id


def test_r15_a_complaint_about_a_refused_case_opens_a_review_case_for_the_same_person(world):
    case_id, _, review_id = reviewed_after_complaint(world)

    review, original = world.case(review_id), world.case(case_id)

    assert (review.service, review.applicant, review.state) == (
        original.service,
        original.applicant,
        RECEIVED,
    )
    assert (review.review_of, original.reviews) == (case_id, [review_id])


def test_r15_the_reviewed_case_stays_closed_with_its_outcome(world):
    case_id, _, _ = reviewed_after_complaint(world)

    original = world.case(case_id)

    assert original.closure is not None
    assert (original.state, original.closure.outcome) == (CLOSED, Outcome.REJECTED)


def test_r15_the_review_cases_history_names_the_reviewed_case_and_the_complaint(world):
    case_id, complaint, review_id = reviewed_after_complaint(world)

    receipt = get_case(world.deps, world.staff.clerk, review_id).timeline[0]

    assert (receipt.reason, receipt.rule, receipt.facts["review_of"]) == (
        "review_after_complaint",
        "R15",
        case_id,
    )
    assert complaint.id in receipt.note


def test_r15_the_complaints_history_names_the_review_case(world):
    case_id, complaint, review_id = reviewed_after_complaint(world)

    last = complaint.events[-1]

    assert (last.event, dict(last.facts)) == (
        "request_review",
        {"case": case_id, "review_case": review_id},
    )


def test_r15_the_review_is_held_by_the_officer_who_held_the_reviewed_case(world):
    case_id, _, review_id = reviewed_after_complaint(world)

    assert world.case(review_id).responsible == world.case(case_id).responsible


def test_r15_a_review_of_a_case_still_open_is_refused(world):
    case_id = world.submit_dibao(resident_id(1)).case.id
    complaint = complain(world, case_id=case_id)
    complaint_step(world, complaint.id, "verify", text="属实", substantiated=True)

    with pytest.raises(InvalidValue) as refused:
        request_review(world.deps, world.staff.supervisor, RequestReview(complaint.id, "复查"))

    assert refused.value.code == "case_still_open"


def test_p3_a_review_while_the_person_has_a_new_open_case_is_refused_and_nothing_changes(
    world,
):
    case_id = rejected_dibao(world)
    world.submit_dibao(resident_id(1), declared_change="家庭成员患重病")
    complaint = complain(world, case_id=case_id)
    complaint_step(world, complaint.id, "verify", text="属实", substantiated=True)

    with pytest.raises(DuplicateOpenCase):
        request_review(world.deps, world.staff.supervisor, RequestReview(complaint.id, "复查"))

    stored = get_complaint(world.deps, world.staff.supervisor, complaint.id).complaint
    assert (stored.review_cases, world.case(case_id).reviews) == ([], [])


def test_r15_a_review_is_asked_by_a_supervisor_not_by_the_window(world):
    case_id = rejected_dibao(world)
    complaint = complain(world, case_id=case_id)
    complaint_step(world, complaint.id, "verify", text="属实", substantiated=True)

    with pytest.raises(RuleRefused) as refused:
        request_review(world.deps, world.staff.clerk, RequestReview(complaint.id, "复查"))

    assert refused.value.code == "role_not_allowed"
