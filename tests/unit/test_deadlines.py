"""R13: a case's time limit in working days, paused while materials are requested."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from adapters.holiday_calendar import china_calendar
from domain.actors import Actor, Role
from domain.benefits import DibaoHousehold
from domain.calendar import WorkingCalendar
from domain.cases import Applicant, Case
from domain.deadlines import Deadline, DeadlineStatus, deadline_of
from domain.facts import HouseholdCheckReport
from domain.identity import ResidentId
from domain.lifecycle import CaseRules, Step, apply, open_case
from domain.money import Money
from domain.policy_defaults import default_policy
from domain.regions import RegionCode
from domain.services import Channel, Service

LOCAL = timezone(timedelta(hours=8))
TOWNSHIP = RegionCode("370102001")
CLERK = Actor(id="clerk-1", name="王敏", roles=[Role.WINDOW_CLERK], region=TOWNSHIP)
REVIEWER = Actor(id="reviewer-1", name="李强", roles=[Role.REVIEWER], region=TOWNSHIP)
APPROVER = Actor(id="approver-1", name="赵芳", roles=[Role.APPROVER], region=RegionCode("370102"))
COMPLETE = frozenset({"id_card", "household_register", "commitment", "check_authorization"})
MISSING = frozenset(COMPLETE - {"id_card"})


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return china_calendar()


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL)


def dibao_rules() -> CaseRules:
    return CaseRules.for_case(default_policy(), Service.DIBAO, TOWNSHIP)


def dibao_case(received_on: date, materials: frozenset[str] = COMPLETE) -> Case:
    return open_case(
        case_id="DB-2026-0001",
        service=Service.DIBAO,
        applicant=Applicant(ResidentId("11010519491231002X"), "张秀兰"),
        region=TOWNSHIP,
        channel=Channel.WINDOW,
        step=Step(actor=CLERK, at=at(received_on), materials=materials),
        rules=dibao_rules(),
        particulars=DibaoHousehold(members=2, covered=1, monthly_income=Money.yuan("600")),
    )


def request_materials(case: Case, moment: datetime) -> None:
    apply(case, "request_materials", Step(actor=CLERK, at=moment), dibao_rules())


def supply_missing(case: Case, moment: datetime) -> None:
    apply(case, "supply_materials", Step(actor=CLERK, at=moment, materials=MISSING), dibao_rules())


def deadline_on(case: Case, today: date, calendar: WorkingCalendar) -> Deadline:
    deadline = deadline_of(case, dibao_rules().guide, calendar, today=today, due_soon_days=3)
    assert deadline is not None
    return deadline


def test_r13_twenty_working_days_from_before_spring_festival_2026_end_after_it(calendar):
    case = dibao_case(date(2026, 2, 9))

    deadline = deadline_on(case, date(2026, 2, 9), calendar)

    # Counted: 10-14 Feb (14th an adjusted Saturday), 24-28 Feb (28th too), 2-13 Mar.
    assert (deadline.due, deadline.provisional) == (date(2026, 3, 13), False)


def test_r13_the_adjusted_working_saturday_14_february_2026_is_a_used_day(calendar):
    case = dibao_case(date(2026, 2, 9))

    deadline = deadline_on(case, date(2026, 2, 14), calendar)

    assert deadline.working_days_used == 5


def test_r13_the_adjusted_working_saturday_28_february_2026_is_a_used_day(calendar):
    case = dibao_case(date(2026, 2, 9))

    deadline = deadline_on(case, date(2026, 2, 28), calendar)

    assert deadline.working_days_used == 10


def test_r13_the_received_day_itself_is_not_counted(calendar):
    case = dibao_case(date(2026, 3, 2))

    deadline = deadline_on(case, date(2026, 3, 2), calendar)

    assert (deadline.working_days_used, deadline.working_days_left) == (0, 20)


def test_r13_a_material_request_pausing_three_working_days_moves_the_due_date_by_three(
    calendar,
):
    case = dibao_case(date(2026, 3, 2), materials=frozenset({"id_card"}))
    request_materials(case, at(date(2026, 3, 3), 10))
    supply_missing(case, at(date(2026, 3, 6), 15))

    deadline = deadline_on(case, date(2026, 3, 9), calendar)

    # Without the pause the twentieth working day is 30 March.
    assert (deadline.due, deadline.paused_working_days) == (date(2026, 4, 2), 3)


def test_r13_an_open_material_request_keeps_the_clock_stopped_up_to_today(calendar):
    case = dibao_case(date(2026, 3, 2), materials=frozenset({"id_card"}))
    request_materials(case, at(date(2026, 3, 3), 10))

    deadline = deadline_on(case, date(2026, 3, 10), calendar)

    # Only 3 March is used; 4 to 10 March (five working days) are paused.
    assert (deadline.working_days_used, deadline.paused_working_days) == (1, 5)


def test_r13_a_pause_is_counted_on_local_days_of_the_case(calendar):
    case = dibao_case(date(2026, 3, 2), materials=frozenset({"id_card"}))
    # 17:00 UTC on 3 March is 01:00 on 4 March in the case's local time.
    request_materials(case, datetime(2026, 3, 3, 17, tzinfo=UTC))
    supply_missing(case, at(date(2026, 3, 6), 15))

    deadline = deadline_on(case, date(2026, 3, 9), calendar)

    assert deadline.paused_working_days == 2


@pytest.mark.parametrize(
    ("today", "left", "status"),
    [
        pytest.param(date(2026, 3, 24), 4, DeadlineStatus.ON_TIME, id="four-left"),
        pytest.param(date(2026, 3, 25), 3, DeadlineStatus.DUE_SOON, id="three-left"),
        pytest.param(date(2026, 3, 30), 0, DeadlineStatus.DUE_SOON, id="due-day"),
        pytest.param(date(2026, 3, 31), -1, DeadlineStatus.OVERDUE, id="day-after"),
    ],
)
def test_r13_due_soon_and_overdue_change_at_their_edges(calendar, today, left, status):
    case = dibao_case(date(2026, 3, 2))

    deadline = deadline_on(case, today, calendar)

    assert (deadline.working_days_left, deadline.status) == (left, status)


def test_r13_a_day_off_right_after_the_due_date_is_already_overdue(calendar):
    case = dibao_case(date(2026, 2, 9))

    deadline = deadline_on(case, date(2026, 3, 14), calendar)

    assert (deadline.working_days_left, deadline.status) == (0, DeadlineStatus.OVERDUE)


def test_r13_a_deadline_reaching_into_2027_is_provisional(calendar):
    case = dibao_case(date(2026, 12, 15))

    deadline = deadline_on(case, date(2026, 12, 15), calendar)

    assert (deadline.due, deadline.provisional) == (date(2027, 1, 12), True)


def test_r13_a_decided_case_has_no_running_deadline(calendar):
    case = dibao_case(date(2026, 3, 2))
    report = HouseholdCheckReport("HC-2026-0001", date(2026, 3, 4))
    apply(
        case,
        "record_check_report",
        Step(REVIEWER, at(date(2026, 3, 4)), report=report),
        dibao_rules(),
    )
    apply(case, "verify", Step(REVIEWER, at(date(2026, 3, 5))), dibao_rules())
    apply(case, "publish_notice", Step(REVIEWER, at(date(2026, 3, 5))), dibao_rules())
    apply(case, "approve", Step(APPROVER, at(date(2026, 3, 13))), dibao_rules())

    deadline = deadline_of(
        case, dibao_rules().guide, calendar, today=date(2026, 4, 30), due_soon_days=3
    )

    assert deadline is None


def test_r13_deadline_statuses_carry_chinese_labels():
    labels = [status.label for status in DeadlineStatus]

    assert labels == ["按时办理", "即将到期", "已超期"]
