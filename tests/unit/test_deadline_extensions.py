"""R13: an extension of a case's time limit (延期) needs a reason and an approver, stays
under the guide's extended limit, moves the due date and is kept in the history."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from adapters.holiday_calendar import china_calendar
from domain.actors import Actor, Role
from domain.calendar import WorkingCalendar
from domain.cases import Applicant, Case
from domain.deadlines import deadline_of, limit_as_of
from domain.errors import IllegalTransition, RuleRefused
from domain.identity import ResidentId
from domain.lifecycle import CaseRules, Step, apply, open_case
from domain.policy_defaults import default_policy
from domain.regions import RegionCode
from domain.services import Channel, Service
from tests.unit.lifecycle_helpers import Clock, act, case_in, officer, rules_for, snapshot

LOCAL = timezone(timedelta(hours=8))
TOWNSHIP = RegionCode("370102001")
CLERK = Actor(id="clerk-1", name="王敏", roles=[Role.WINDOW_CLERK], region=TOWNSHIP)
APPROVER = Actor(id="approver-1", name="赵芳", roles=[Role.APPROVER], region=RegionCode("370102"))
COMPLETE = frozenset({"id_card", "household_register", "commitment", "check_authorization"})


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return china_calendar()


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL)


def dibao_rules() -> CaseRules:
    return CaseRules.for_case(default_policy(), Service.DIBAO, TOWNSHIP)


def dibao_case(received_on: date) -> Case:
    return open_case(
        case_id="DB-2026-0001",
        service=Service.DIBAO,
        applicant=Applicant(ResidentId("11010519491231002X"), "张秀兰"),
        region=TOWNSHIP,
        channel=Channel.WINDOW,
        step=Step(actor=CLERK, at=at(received_on), materials=COMPLETE),
        rules=dibao_rules(),
    )


def extend(case: Case, days: int, *, on: date, actor: Actor = APPROVER, reason: str = "x") -> None:
    step = Step(actor=actor, at=at(on, 10), reason=reason, extension_days=days)
    apply(case, "extend", step, dibao_rules())


def test_r13_ten_working_days_of_extension_move_the_due_date_past_the_spring_festival_end(
    calendar,
):
    """Received 9 Feb 2026: due 13 March; ten more working days end on 27 March."""
    case = dibao_case(date(2026, 2, 9))

    extend(case, 10, on=date(2026, 3, 10), reason="household_check_delayed")

    deadline = deadline_of(
        case, dibao_rules().guide, calendar, today=date(2026, 3, 10), due_soon_days=3
    )
    assert deadline is not None
    assert (deadline.due, deadline.working_days_allowed, deadline.extended_working_days) == (
        date(2026, 3, 27),
        30,
        10,
    )


def test_r13_an_extension_is_an_event_naming_its_approver_reason_and_days():
    case = dibao_case(date(2026, 3, 2))

    extend(case, 4, on=date(2026, 3, 20), reason="household_check_delayed")

    recorded = case.events[-1]
    assert (recorded.event, recorded.actor_id, recorded.reason, recorded.rule) == (
        "extend",
        "approver-1",
        "household_check_delayed",
        "R13",
    )
    assert dict(recorded.facts) == {
        "working_days": "4",
        "approved_by": "approver-1",
        "time_limit_working_days": "24",
    }


def test_r13_an_extension_without_a_reason_is_refused_and_changes_nothing():
    case = dibao_case(date(2026, 3, 2))
    before = snapshot(case)

    with pytest.raises(RuleRefused) as refused:
        extend(case, 5, on=date(2026, 3, 20), reason=" ")

    assert (refused.value.code, case) == ("reason_required", before)


def test_r13_an_extension_needs_an_approver_not_the_window_clerk():
    case = dibao_case(date(2026, 3, 2))

    with pytest.raises(RuleRefused) as refused:
        extend(case, 5, on=date(2026, 3, 20), actor=CLERK)

    assert (refused.value.code, refused.value.rule) == ("role_not_allowed", "P10")


def test_r13_extensions_together_may_reach_the_guides_extended_limit():
    """Dibao: 20 working days, 30 in special cases; 6 then 4 more reach 30."""
    case = dibao_case(date(2026, 3, 2))
    extend(case, 6, on=date(2026, 3, 20))

    extend(case, 4, on=date(2026, 3, 23))

    assert case.extended_working_days == 10


def test_r13_an_extension_beyond_the_guides_extended_limit_is_refused():
    case = dibao_case(date(2026, 3, 2))
    extend(case, 6, on=date(2026, 3, 20))

    with pytest.raises(RuleRefused) as refused:
        extend(case, 5, on=date(2026, 3, 23))

    assert (refused.value.code, case.extended_working_days) == ("extension_above_ceiling", 6)


@pytest.mark.parametrize("days", [0, -3])
def test_r13_an_extension_of_no_working_days_is_refused(days):
    case = dibao_case(date(2026, 3, 2))

    with pytest.raises(RuleRefused) as refused:
        extend(case, days, on=date(2026, 3, 20))

    assert refused.value.code == "extension_days_invalid"


def test_r13_a_service_whose_guide_sets_no_extended_limit_cannot_be_extended():
    case = case_in(Service.ELDERLY_LIVING, "received")
    approver = officer(Role.APPROVER, region=case.region)
    step = Step(approver, case.last_event_at + timedelta(hours=1), reason="x", extension_days=2)

    with pytest.raises(RuleRefused) as refused:
        apply(case, "extend", step, rules_for(Service.ELDERLY_LIVING))

    assert refused.value.code == "extension_not_provided"


def test_r13_a_decided_case_cannot_be_extended():
    case = case_in(Service.ELDERLY_LIVING, "approved")

    with pytest.raises(IllegalTransition):
        act(case, "extend", Clock(case.last_event_at))


def test_r13_the_limit_as_of_a_past_day_counts_an_approved_case_as_it_stood(calendar):
    """Statistics ask how a decided case stood on its decision day."""
    case = dibao_case(date(2026, 3, 2))
    extend(case, 5, on=date(2026, 3, 20))

    limit = limit_as_of(
        case, dibao_rules().guide, calendar, today=date(2026, 4, 3), due_soon_days=3
    )

    # 20 + 5 working days after 2 March: 6 April is a day off (清明), so 7 April.
    assert (limit.due, limit.working_days_used) == (date(2026, 4, 7), 24)
