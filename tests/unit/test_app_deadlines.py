"""R13 through the use cases: deadlines across the Spring Festival, extensions, the
configurable "due soon", and the lists for a supervisor and for each officer."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from attrs import evolve

from application.case_events import extend_time_limit
from application.deadlines import (
    DeadlineQuery,
    deadline_counts,
    deadline_list,
    my_deadlines,
)
from application.errors import AccessDenied
from application.queries import get_case
from domain.actors import Actor, Role
from domain.deadlines import DeadlineStatus
from domain.policy_defaults import default_policy
from domain.services import Service
from tests.factories import COUNTY, CST, OTHER_COUNTY, TOWNSHIP, resident_id
from tests.unit.app_helpers import DIBAO_MATERIALS, World

SPRING_FESTIVAL_MONDAY = date(2026, 2, 9)  # a week before the 2026 holiday (15-23 Feb)


def on(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=CST)


def dibao_received_on(world: World, day: date, serial: int = 1, **kw: object) -> str:
    world.clock.set(on(day))
    return world.submit_dibao(resident_id(serial), **kw).case.id  # type: ignore[arg-type]


def deadline_status(world: World, case_id: str) -> DeadlineStatus:
    deadline = get_case(world.deps, world.staff.clerk, case_id).deadline
    assert deadline is not None
    return deadline.status


# -- the Spring Festival and adjusted working weekends --


def test_r13_a_dibao_case_received_before_the_spring_festival_is_due_after_it():
    """Holidays 15-23 Feb 2026 are not counted; Saturdays 14 and 28 Feb are."""
    world = World()
    case_id = dibao_received_on(world, SPRING_FESTIVAL_MONDAY)

    deadline = get_case(world.deps, world.staff.clerk, case_id).deadline

    assert deadline is not None
    assert (deadline.due, deadline.provisional) == (date(2026, 3, 13), False)


@pytest.mark.parametrize(
    ("today", "used"),
    [
        pytest.param(date(2026, 2, 14), 5, id="adjusted-saturday-14-feb"),
        pytest.param(date(2026, 2, 23), 5, id="last-holiday-23-feb"),
        pytest.param(date(2026, 2, 28), 10, id="adjusted-saturday-28-feb"),
        pytest.param(date(2026, 3, 1), 10, id="sunday-1-mar"),
    ],
)
def test_r13_the_working_days_used_count_adjusted_saturdays_and_skip_the_holiday(today, used):
    world = World()
    case_id = dibao_received_on(world, SPRING_FESTIVAL_MONDAY)
    world.clock.set(on(today, 16))

    deadline = get_case(world.deps, world.staff.clerk, case_id).deadline

    assert deadline is not None
    assert deadline.working_days_used == used


def test_r13_a_case_two_working_days_from_its_due_date_after_the_holiday_is_due_soon():
    world = World()
    case_id = dibao_received_on(world, SPRING_FESTIVAL_MONDAY)
    world.clock.set(on(date(2026, 3, 11), 16))  # 18 of 20 working days used

    assert deadline_status(world, case_id) is DeadlineStatus.DUE_SOON


def test_r13_a_deadline_reaching_into_a_year_the_calendar_does_not_know_is_provisional():
    world = World()
    case_id = dibao_received_on(world, date(2026, 12, 15))

    deadline = get_case(world.deps, world.staff.clerk, case_id).deadline

    assert deadline is not None
    assert deadline.provisional


# -- extensions (延期) --


def test_r13_an_approved_extension_moves_the_due_date_shown_on_the_case():
    world = World()
    case_id = dibao_received_on(world, SPRING_FESTIVAL_MONDAY)
    world.clock.set(on(date(2026, 3, 10)))

    extend_time_limit(
        world.deps, world.staff.approver, case_id, working_days=10, reason="check_delayed"
    )

    deadline = get_case(world.deps, world.staff.clerk, case_id).deadline
    assert deadline is not None
    assert (deadline.due, deadline.extended_working_days) == (date(2026, 3, 27), 10)


def test_r13_the_case_timeline_shows_the_extension_with_its_approver_and_reason():
    world = World()
    case_id = dibao_received_on(world, SPRING_FESTIVAL_MONDAY)
    world.clock.set(on(date(2026, 3, 10)))
    extend_time_limit(
        world.deps,
        world.staff.approver,
        case_id,
        working_days=5,
        reason="check_delayed",
        note="核对报告延迟出具",
    )

    entry = get_case(world.deps, world.staff.clerk, case_id).timeline[-1]

    assert (entry.event_label, entry.actor_id, entry.reason, entry.note) == (
        "延长办理时限",
        "approver-1",
        "check_delayed",
        "核对报告延迟出具",
    )


def test_r13_an_extension_asked_by_the_window_clerk_is_refused_and_the_case_unchanged():
    world = World()
    case_id = dibao_received_on(world, SPRING_FESTIVAL_MONDAY)
    before = world.case(case_id)

    with pytest.raises(AccessDenied):  # P10: the role is refused (and recorded) first
        extend_time_limit(
            world.deps, world.staff.clerk, case_id, working_days=5, reason="check_delayed"
        )

    assert world.case(case_id) == before


# -- "due soon" is a parameter --


def test_r13_a_region_that_warns_five_working_days_ahead_shows_four_left_as_due_soon():
    policy = default_policy()
    policy = evolve(policy, parameters=evolve(policy.parameters, due_soon_working_days=5))
    world = World(policy=policy)
    case_id = dibao_received_on(world, date(2026, 3, 2))
    world.clock.set(on(date(2026, 3, 24)))  # four working days left

    assert deadline_status(world, case_id) is DeadlineStatus.DUE_SOON


def test_r13_with_the_default_three_days_four_left_is_on_time():
    world = World()
    case_id = dibao_received_on(world, date(2026, 3, 2))
    world.clock.set(on(date(2026, 3, 24)))

    assert deadline_status(world, case_id) is DeadlineStatus.ON_TIME


# -- the supervisor's lists, by region, service and officer --


def three_dibao_cases(world: World) -> dict[str, str]:
    """Dibao cases overdue, due soon and on time on 24 March 2026 (10:00)."""
    ids = {
        "overdue": dibao_received_on(world, date(2026, 2, 9), serial=1),
        "due_soon": dibao_received_on(world, date(2026, 2, 27), serial=2),
        "on_time": dibao_received_on(world, date(2026, 3, 16), serial=3),
    }
    world.clock.set(on(date(2026, 3, 24), 10))
    return ids


def listed(world: World, actor: Actor, query: DeadlineQuery) -> dict[str, DeadlineStatus]:
    return {i.case.id: i.deadline.status for i in deadline_list(world.deps, actor, query)}


def test_r13_the_supervisors_dibao_list_shows_the_overdue_and_the_due_soon_case():
    world = World()
    ids = three_dibao_cases(world)

    statuses = listed(
        world, world.staff.supervisor, DeadlineQuery(within=COUNTY, service=Service.DIBAO)
    )

    assert statuses == {
        ids["overdue"]: DeadlineStatus.OVERDUE,
        ids["due_soon"]: DeadlineStatus.DUE_SOON,
    }


def test_r13_a_list_by_service_leaves_out_the_other_services():
    world = World()
    three_dibao_cases(world)

    statuses = listed(
        world,
        world.staff.supervisor,
        DeadlineQuery(within=COUNTY, service=Service.UNEMPLOYMENT_REGISTRATION),
    )

    assert all(
        world.case(case_id).service is Service.UNEMPLOYMENT_REGISTRATION for case_id in statuses
    )


def test_r13_a_list_by_officer_follows_the_case_to_whoever_it_was_transferred_to():
    world = World()
    ids = three_dibao_cases(world)
    world.step(
        world.staff.clerk, ids["overdue"], "transfer", to_officer="reviewer-1", reason="交审核"
    )

    for_reviewer = listed(
        world, world.staff.supervisor, DeadlineQuery(within=COUNTY, responsible="reviewer-1")
    )
    for_clerk = listed(
        world, world.staff.supervisor, DeadlineQuery(within=COUNTY, responsible="clerk-1")
    )

    assert ids["overdue"] in for_reviewer
    assert ids["overdue"] not in for_clerk


def test_r13_a_list_asking_for_every_status_includes_the_case_on_time():
    world = World()
    ids = three_dibao_cases(world)
    every = frozenset(DeadlineStatus)

    statuses = listed(
        world,
        world.staff.supervisor,
        DeadlineQuery(within=COUNTY, service=Service.DIBAO, statuses=every),
    )

    assert statuses[ids["on_time"]] is DeadlineStatus.ON_TIME


def test_r13_a_list_is_ordered_by_due_date():
    world = World()
    ids = three_dibao_cases(world)

    items = deadline_list(
        world.deps,
        world.staff.supervisor,
        DeadlineQuery(within=COUNTY, service=Service.DIBAO),
    )

    assert [i.case.id for i in items] == [ids["overdue"], ids["due_soon"]]


def test_r13_a_case_paused_for_materials_while_due_soon_stays_on_the_list():
    """Received 2 March, due 30 March; materials asked on 26 March with two days left."""
    world = World()
    missing = DIBAO_MATERIALS - {"id_card"}
    case_id = dibao_received_on(world, date(2026, 3, 2), materials=missing)
    world.clock.set(on(date(2026, 3, 26)))
    world.step(world.staff.clerk, case_id, "request_materials")
    world.clock.set(on(date(2026, 4, 2)))

    statuses = listed(
        world, world.staff.supervisor, DeadlineQuery(within=COUNTY, service=Service.DIBAO)
    )

    assert statuses == {case_id: DeadlineStatus.DUE_SOON}


def test_r13_the_supervisors_counts_group_by_region_service_and_officer():
    world = World()
    three_dibao_cases(world)

    counts = deadline_counts(world.deps, world.staff.supervisor, within=COUNTY)

    dibao = [c for c in counts if c.service is Service.DIBAO]
    assert [(c.region, c.responsible, c.due_soon, c.overdue) for c in dibao] == [
        (TOWNSHIP, "clerk-1", 1, 1)
    ]


def test_p10_a_supervisor_of_another_county_cannot_list_this_countys_deadlines():
    world = World()
    three_dibao_cases(world)
    outsider = Actor("supervisor-9", "外县督查", [Role.SUPERVISOR], OTHER_COUNTY)

    with pytest.raises(AccessDenied):
        deadline_list(world.deps, outsider, DeadlineQuery(within=COUNTY))


# -- each officer's own work --


def test_r13_an_officers_own_list_holds_every_open_case_they_hold_with_its_deadline():
    world = World()
    ids = three_dibao_cases(world)

    mine = {i.case.id: i.deadline.status for i in my_deadlines(world.deps, world.staff.clerk)}

    assert mine == {
        ids["overdue"]: DeadlineStatus.OVERDUE,
        ids["due_soon"]: DeadlineStatus.DUE_SOON,
        ids["on_time"]: DeadlineStatus.ON_TIME,
    }


def test_r13_an_officers_own_list_leaves_out_a_case_handed_to_someone_else():
    world = World()
    ids = three_dibao_cases(world)
    world.step(
        world.staff.clerk, ids["on_time"], "transfer", to_officer="reviewer-1", reason="交审核"
    )

    mine = [i.case.id for i in my_deadlines(world.deps, world.staff.clerk)]

    assert ids["on_time"] not in mine


def test_p10_a_supervisor_has_no_case_load_of_their_own_to_list():
    world = World()

    with pytest.raises(AccessDenied):
        my_deadlines(world.deps, world.staff.supervisor)


def test_r13_an_extend_command_adds_its_working_days_to_the_case():
    world = World()
    case_id = dibao_received_on(world, date(2026, 3, 2))
    world.tick()

    result = world.step(
        world.staff.approver, case_id, "extend", reason="check_delayed", extend_by=3
    )

    assert result.case.extended_working_days == 3
