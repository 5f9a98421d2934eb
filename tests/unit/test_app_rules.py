"""The rules and promises the use cases keep: R4, R10 to R13, P5, P9, P10.

Each test drives the application layer over in-memory adapters (see `app_helpers`).
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime, time, timedelta

import attrs
import pytest

from application.case_events import record_dispute, resume_scenario
from application.commands import (
    ApplyCaseEvent,
    RecordConsultation,
    SubmitApplication,
    TransferConsultation,
)
from application.consultations import record_consultation, transfer_consultation
from application.errors import AccessDenied
from application.queries import cases_by_deadline, get_case, get_scenario, list_cases
from domain.actors import Actor, Role
from domain.cases import BENEFIT_GRANTED, RECEIVED, VERIFIED
from domain.deadlines import DeadlineStatus
from domain.errors import DomainError
from domain.facts import AssistanceRecord, CheckWarning, DisabilityStatus, RecordStatus
from domain.identity import ResidentId
from domain.regions import RegionCode
from domain.scenario import CheckHistory, QueryUnemploymentRegistry
from domain.services import Channel, Service
from ports.errors import ConcurrencyConflict
from ports.outbox import EntryStatus
from ports.storage import CaseQuery
from tests.factories import COUNTY, OTHER_TOWNSHIP, T0, TOWNSHIP, resident_id
from tests.unit.app_helpers import DIBAO_MATERIALS, World, born_aged, scenario_of

VEHICLE = CheckWarning("vehicle_owned", "家庭成员名下登记有机动车辆一辆", "车辆管理部门")
TIME_WORDS = ("time", "date", "_at", "when", "day")


@pytest.fixture
def world() -> World:
    return World()


def person(serial: int = 1, *, age: int = 45) -> ResidentId:
    return resident_id(serial, born=born_aged(age))


def officer(role: Role, region: RegionCode, actor_id: str) -> Actor:
    return Actor(id=actor_id, name=f"经办人{actor_id}", roles=[role], region=region)


# -- R4: recorded when made, at the system's time --


@pytest.mark.parametrize("command", [SubmitApplication, ApplyCaseEvent])
def test_a_command_carries_no_time_field(command: type) -> None:
    """R4: a client cannot date an application or a step; only the clock does."""
    fields = attrs.fields(command)

    names = [f.name for f in fields]
    types = [str(f.type) for f in fields]

    assert not [n for n in names if any(word in n for word in TIME_WORDS)]
    assert not [t for t in types if "date" in t or "time" in t]


def test_an_application_is_received_at_the_clocks_time(world: World) -> None:
    """R4: received_at is the clock's moment of submission, and the first event's."""
    intake = world.submit_dibao(person())

    now = world.clock.now()

    assert intake.case.received_at == now
    assert intake.case.events[0].at == now
    assert world.case(intake.case.id).received_at == now


def test_a_new_application_after_a_refusal_is_recorded_while_a_registration_is_open(
    world: World,
) -> None:
    """R4: a household applying again after a refusal is recorded, whatever is open
    (within six months of the refusal it declares a change of circumstances, R1)."""
    applicant = person()
    first = world.submit_dibao(applicant)
    world.prepare_and_verify_dibao(first.case.id)
    world.refuse_dibao(first.case.id)  # its registration case stays open (R8)

    again = world.submit_dibao(applicant, declared_change="家中一人失业")

    assert world.case(again.case.id).state == RECEIVED


def test_a_new_dibao_can_be_granted_while_an_earlier_living_subsidy_is_still_paid(
    world: World,
) -> None:
    """R7, P3: a later dibao grant is not blocked by the linked case of an earlier one."""
    applicant = person(age=70)
    world.disability.seed(applicant, DisabilityStatus(True))  # no nursing case
    first = world.submit_dibao(applicant)
    world.refuse_linked(first.linked_cases[0].id)  # the registration: employment ends
    world.prepare_and_verify_dibao(first.case.id)
    world.grant_dibao(first.case.id)
    world.step(world.staff.approver, first.case.id, "close", reason="benefit_ended")
    again = world.submit_dibao(applicant)
    world.prepare_and_verify_dibao(again.case.id)

    world.grant_dibao(again.case.id)

    assert world.case(again.case.id).state == BENEFIT_GRANTED


# -- R11: one-time notice; the material request stops the clock (R13) --


def test_the_intake_notice_lists_every_missing_material_at_once(world: World) -> None:
    """R11: every missing required material is told in one go, in the guide's order."""
    supplied = frozenset({"id_card"})

    intake = world.submit_dibao(person(), materials=supplied)

    assert intake.notice.accepted
    assert [code for code, _ in intake.notice.missing_materials] == [
        "household_register",
        "commitment",
        "check_authorization",
    ]


def test_requesting_materials_moves_the_deadline_by_the_paused_working_days(
    world: World,
) -> None:
    """R11, R13: from the request to the supply the clock stops; the due date moves out."""
    missing = frozenset({"commitment", "check_authorization"})
    intake = world.submit_dibao(person(), materials=DIBAO_MATERIALS - missing)
    case_id = intake.case.id
    world.step(world.staff.clerk, case_id, "request_materials")
    world.clock.advance(days=2)  # Monday to Wednesday: two working days paused

    world.step(world.staff.clerk, case_id, "supply_materials", materials=missing)

    deadline = get_case(world.deps, world.staff.clerk, case_id).deadline
    assert deadline is not None
    assert intake.notice.deadline is not None
    assert deadline.paused_working_days == 2
    assert deadline.due == world.deps.calendar.add_working_days(intake.notice.deadline, 2).day


# -- R12: warnings inform, disputes reopen the review --


def test_a_check_report_with_warnings_does_not_stop_verification(world: World) -> None:
    """R12: a warning is explained to the applicant, never a reason to stop the case."""
    applicant = person()
    world.platform.seed_warnings(applicant, VEHICLE)
    intake = world.submit_dibao(applicant)

    result = world.prepare_and_verify_dibao(intake.case.id)

    assert result.case.state == VERIFIED
    assert result.case.check_report is not None
    assert result.case.check_report.warnings == (VEHICLE,)
    notice = get_case(world.deps, world.staff.clerk, intake.case.id).notice
    assert notice.accepted
    assert [r.code for r in notice.warning_explanations] == ["vehicle_owned"]


def test_a_dispute_with_evidence_sends_a_verified_case_back_to_received(world: World) -> None:
    """R12: with valid evidence the township reviews again, from a fresh check."""
    intake = world.submit_dibao(person())
    world.prepare_and_verify_dibao(intake.case.id)

    result = record_dispute(
        world.deps, world.staff.clerk, intake.case.id, evidence=("车辆已转让登记证明",)
    )

    assert result.case.state == RECEIVED
    assert result.case.check_report is None
    assert [d.evidence for d in result.case.disputes] == [("车辆已转让登记证明",)]


def test_after_a_dispute_the_check_report_is_fetched_again_from_the_platform(
    world: World,
) -> None:
    """R12: the report comes from the platform, never from the officer's command."""
    intake = world.submit_dibao(person())
    world.prepare_and_verify_dibao(intake.case.id)
    record_dispute(world.deps, world.staff.clerk, intake.case.id, evidence=("佐证材料",))

    result = world.step(world.staff.reviewer, intake.case.id, "record_check_report")

    assert world.platform.report_requests[intake.case.id] == 2
    assert result.case.check_report == world.platform.reports[f"{intake.case.id}#1"]
    assert "report" not in {f.name for f in attrs.fields(ApplyCaseEvent)}


def test_after_a_dispute_the_platform_issues_a_new_check_report(world: World) -> None:
    """R12: the review continues on a new check, not on the disputed report."""
    intake = world.submit_dibao(person())
    first = world.prepare_and_verify_dibao(intake.case.id).case.check_report
    record_dispute(world.deps, world.staff.clerk, intake.case.id, evidence=("佐证材料",))

    result = world.step(world.staff.reviewer, intake.case.id, "record_check_report")

    assert first is not None
    assert result.case.check_report is not None
    assert result.case.check_report.reference != first.reference


def test_a_check_report_step_refused_for_the_role_asks_the_platform_for_nothing(
    world: World,
) -> None:
    """P10, P4: a step refused for the actor's role reads and changes nothing."""
    intake = world.submit_dibao(person())

    with pytest.raises(AccessDenied):
        world.step(world.staff.assessor, intake.case.id, "record_check_report")

    assert world.platform.report_requests[intake.case.id] == 0
    assert intake.case.id not in world.platform.reports


# -- R10: first-inquiry responsibility --


def test_the_first_receiver_stays_received_by_after_a_transfer(world: World) -> None:
    """R10: a transfer changes who is responsible, never who first received the case."""
    intake = world.submit_dibao(person())

    world.step(world.staff.clerk, intake.case.id, "transfer", to_officer="clerk-2", reason="休假")

    case = world.case(intake.case.id)
    assert case.received_by == world.staff.clerk.id
    assert case.responsible == "clerk-2"
    assert [(t.from_officer, t.to_officer) for t in case.transfers] == [("clerk-1", "clerk-2")]


def test_a_consultation_keeps_its_first_responder_after_a_transfer(world: World) -> None:
    """R10: the officer who first took the question stays on record after a hand-over."""
    asked = record_consultation(
        world.deps,
        world.staff.clerk,
        RecordConsultation("低保需要哪些材料？", str(TOWNSHIP), Channel.PHONE, Service.DIBAO),
    )
    world.tick()

    moved = transfer_consultation(
        world.deps,
        world.staff.clerk,
        TransferConsultation(asked.consultation.id, "reviewer-1", "需审核人员解答"),
    )

    assert moved.first_responder == world.staff.clerk.id
    assert moved.responsible == "reviewer-1"
    assert asked.notice is not None


# -- P10: jurisdiction --


def test_a_township_officer_cannot_read_a_case_of_another_township(world: World) -> None:
    """P10: the case lies outside the officer's township."""
    intake = world.submit_dibao(person())
    outsider = officer(Role.REVIEWER, OTHER_TOWNSHIP, "reviewer-9")

    with pytest.raises(AccessDenied) as denied:
        get_case(world.deps, outsider, intake.case.id)

    assert denied.value.rule == "P10"
    assert denied.value.record_id == intake.case.id


def test_a_township_officer_cannot_read_a_scenario_of_another_township(world: World) -> None:
    """P10: the joint scenario is guarded like its cases."""
    intake = world.submit_dibao(person())
    outsider = officer(Role.REVIEWER, OTHER_TOWNSHIP, "reviewer-9")

    with pytest.raises(AccessDenied):
        get_scenario(world.deps, outsider, scenario_of(intake))


def test_a_township_officer_cannot_act_on_a_case_of_another_township(world: World) -> None:
    """P10: the step is refused before anything is read from a registry or changed."""
    intake = world.submit_dibao(person())
    before = world.case(intake.case.id)
    outsider = officer(Role.REVIEWER, OTHER_TOWNSHIP, "reviewer-9")

    with pytest.raises(AccessDenied):
        world.step(outsider, intake.case.id, "record_check_report")

    assert world.case(intake.case.id) == before
    assert world.platform.report_requests[intake.case.id] == 0


def test_a_township_officer_cannot_list_another_townships_cases(world: World) -> None:
    """P10: a list is limited to the officer's jurisdiction."""
    world.submit_dibao(person())
    outsider = officer(Role.REVIEWER, OTHER_TOWNSHIP, "reviewer-9")

    with pytest.raises(AccessDenied):
        list_cases(world.deps, outsider, CaseQuery(within=TOWNSHIP))


def test_a_county_officer_can_read_the_cases_of_its_townships(world: World) -> None:
    """P10: the county's jurisdiction contains its townships."""
    intake = world.submit_dibao(person())
    county_officer = officer(Role.REVIEWER, COUNTY, "county-reviewer")

    view = get_case(world.deps, county_officer, intake.case.id)

    assert view.case.id == intake.case.id
    assert [c.id for c in list_cases(world.deps, county_officer, CaseQuery())] == [
        intake.case.id,
        *[c.id for c in intake.linked_cases],
    ]


# -- P9: a registry that fails is waited for, never read as a negative answer --


def test_with_the_platform_down_the_application_is_still_recorded_as_received(
    world: World,
) -> None:
    """P9, R4: the application is stored at once even when the history cannot be read."""
    world.platform.set_unavailable()

    intake = world.submit_dibao(person())

    assert world.case(intake.case.id).state == RECEIVED
    assert intake.notice.accepted


def test_with_the_platform_down_the_scenario_waits_with_the_history_check_outstanding(
    world: World,
) -> None:
    """P9: "no answer" is not "no history": the scenario stays in checking_history."""
    world.platform.set_unavailable()

    intake = world.submit_dibao(person())

    scenario = world.scenario(scenario_of(intake))
    assert scenario.configuration == {"checking_history"}
    assert scenario.outstanding == [CheckHistory()]
    assert intake.linked_cases == ()
    assert world.platform.recorded == ()


def test_with_the_platform_down_the_notice_lists_the_pending_check(world: World) -> None:
    """P9, R11: the applicant is told the history check is still to come."""
    world.platform.set_unavailable()

    intake = world.submit_dibao(person())

    assert intake.notice.pending == ("历史救助记录查询中（R6），查询完成后继续办理",)
    assert world.view(scenario_of(intake)).status == "checking_history"


def test_when_the_platform_returns_resume_runs_the_check_and_the_scenario_goes_on(
    world: World,
) -> None:
    """P9: nothing is lost: the check runs, the application is recorded, branches start."""
    world.platform.set_unavailable()
    intake = world.submit_dibao(person())
    world.platform.set_unavailable(False)
    world.tick()

    opened = resume_scenario(world.deps, scenario_of(intake))

    scenario = world.scenario(scenario_of(intake))
    assert scenario.outstanding == []
    assert scenario.is_in("in_progress")
    assert [r.application.case_id for r in world.platform.recorded] == [intake.case.id]
    assert [c.service for c in opened] == [Service.UNEMPLOYMENT_REGISTRATION]


def test_a_history_found_blocking_on_resume_does_not_accept_the_application(
    world: World,
) -> None:
    """P9, R6: the late answer is applied as it would have been at intake."""
    applicant = person()
    world.platform.seed_history(
        applicant, AssistanceRecord(Service.TEKUN, RecordStatus.RECEIVING, date(2023, 1, 1))
    )
    world.platform.set_unavailable()
    intake = world.submit_dibao(applicant)
    world.platform.set_unavailable(False)

    resume_scenario(world.deps, scenario_of(intake))

    assert world.case(intake.case.id).state == "closed"
    assert world.view(scenario_of(intake)).status == "not_accepted"
    assert world.platform.recorded == ()


def test_a_blocking_history_found_on_resume_ends_the_scenario_even_after_verification(
    world: World,
) -> None:
    """P9, P8: a late blocking answer never leaves the scenario stuck."""
    applicant = person()
    world.platform.seed_history(
        applicant, AssistanceRecord(Service.DIBAO, RecordStatus.RECEIVING, date(2023, 1, 1))
    )
    world.platform.fail_next(1)  # only the intake's history check fails
    intake = world.submit_dibao(applicant)
    with contextlib.suppress(DomainError):  # refusing to verify now would be a fix too
        world.prepare_and_verify_dibao(intake.case.id)

    resume_scenario(world.deps, scenario_of(intake))

    assert world.view(scenario_of(intake)).status == "not_accepted"


def test_with_the_unemployment_registry_down_the_scenario_waits_for_it(world: World) -> None:
    """P9: a registry error is never "not registered": no registration case opens."""
    world.unemployment.set_unavailable()

    intake = world.submit_dibao(person())

    scenario = world.scenario(scenario_of(intake))
    assert scenario.outstanding == [QueryUnemploymentRegistry()]
    assert intake.linked_cases == ()
    assert world.view(scenario.id).pending == ("失业登记信息查询中（R8）",)


def test_when_the_unemployment_registry_returns_the_scenario_resumes(world: World) -> None:
    """P9: the query runs again and the employment branch starts from its answer."""
    applicant = person()
    world.unemployment.set_unavailable()
    intake = world.submit_dibao(applicant)
    world.unemployment.seed_registered(applicant, date(2025, 9, 1))
    world.unemployment.set_unavailable(False)

    opened = resume_scenario(world.deps, scenario_of(intake))

    assert [c.service for c in opened] == [Service.EMPLOYMENT_DIFFICULTY]
    assert world.scenario(scenario_of(intake)).outstanding == []


def granted_while_the_registry_is_down(world: World) -> str:
    """A registration case granted while the unemployment registry cannot be reached."""
    intake = world.submit_dibao(person())
    registration = intake.linked_cases[0].id
    world.step(world.staff.hr, registration, "verify")
    world.step(world.staff.hr, registration, "approve")
    world.unemployment.set_unavailable()
    world.step(world.staff.hr, registration, "grant")
    return registration


def test_a_registration_is_granted_while_the_registry_is_down_and_its_write_waits(
    world: World,
) -> None:
    """P6, P9: the decision commits; the registry write waits in the outbox, not lost."""
    registration = granted_while_the_registry_is_down(world)

    waiting = world.store.outbox.state_of(f"unemployment-register-{registration}")

    assert world.case(registration).state == BENEFIT_GRANTED
    assert (waiting.status, waiting.attempts) == (EntryStatus.PENDING, 1)
    assert world.unemployment.registrations == ()


def test_a_registration_waiting_in_the_outbox_is_written_once_the_registry_is_back(
    world: World,
) -> None:
    """P6, P8: after its backoff the write is retried with the next commit, exactly once."""
    registration = granted_while_the_registry_is_down(world)
    world.unemployment.set_unavailable(False)

    world.submit_dibao(person(2))

    assert [r.case_id for r in world.unemployment.registrations] == [registration]


# -- P5: optimistic concurrency --


def test_an_older_expected_version_raises_a_conflict_and_changes_nothing(world: World) -> None:
    """P5: of two officers acting on one version, the later one is told and nothing moves."""
    intake = world.submit_dibao(person())
    stale = world.case(intake.case.id).version
    world.step(world.staff.reviewer, intake.case.id, "record_check_report")
    before = world.case(intake.case.id)

    with pytest.raises(ConcurrencyConflict):
        world.step(world.staff.reviewer, intake.case.id, "verify", expected_version=stale)

    assert world.case(intake.case.id) == before


# -- R13: what is near or past its deadline --


@pytest.fixture
def three_deadlines(world: World) -> dict[str, str]:
    """Dibao cases received so that on `today` one is overdue, one due soon, one on time."""
    calendar = world.deps.calendar
    day0 = T0.date()
    received = {
        "overdue": day0,
        "due_soon": calendar.add_working_days(day0, 7).day,
        "on_time": calendar.add_working_days(day0, 20).day,
    }
    ids = {}
    for serial, (label, day) in enumerate(received.items(), start=1):
        world.clock.set(datetime.combine(day, time(9), T0.tzinfo))
        ids[label] = world.submit_dibao(person(serial)).case.id
    today = calendar.add_working_days(received["due_soon"], 18).day  # two days left
    world.clock.set(datetime.combine(today, time(9), T0.tzinfo) + timedelta(hours=1))
    return ids


def listed(world: World) -> dict[str, DeadlineStatus]:
    return {i.case.id: i.deadline.status for i in cases_by_deadline(world.deps, world.staff.clerk)}


def test_cases_by_deadline_lists_an_overdue_case(
    world: World, three_deadlines: dict[str, str]
) -> None:
    """R13: a case past its due date is shown as overdue."""
    statuses = listed(world)

    assert statuses[three_deadlines["overdue"]] is DeadlineStatus.OVERDUE


def test_cases_by_deadline_lists_a_case_due_soon(
    world: World, three_deadlines: dict[str, str]
) -> None:
    """R13: a case within the due-soon working days is shown as due soon."""
    statuses = listed(world)

    assert statuses[three_deadlines["due_soon"]] is DeadlineStatus.DUE_SOON


def test_cases_by_deadline_leaves_out_a_case_on_time(
    world: World, three_deadlines: dict[str, str]
) -> None:
    """R13: a case well within its limit is not listed."""
    statuses = listed(world)

    assert three_deadlines["on_time"] not in statuses


def test_a_decided_case_is_not_listed_by_deadline(world: World) -> None:
    """R13: once granted, no time limit runs for the case."""
    intake = world.submit_dibao(person())
    world.prepare_and_verify_dibao(intake.case.id)
    world.grant_dibao(intake.case.id)
    world.clock.advance(days=60)

    statuses = listed(world)

    assert world.case(intake.case.id).state == BENEFIT_GRANTED
    assert intake.case.id not in statuses
