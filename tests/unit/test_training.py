"""R14: training sessions and attendance, who is untrained this year, and a region that
lets only trained officers act."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from attrs import evolve

from application.commands import RecordAttendance, RecordTrainingSession
from application.errors import AccessDenied
from application.training import (
    record_attendance,
    record_training_session,
    training_of,
    untrained_staff,
)
from domain.actors import Actor, Role
from domain.errors import InvalidValue, RuleRefused
from domain.policy import Policy, TrainingRule
from domain.policy_defaults import default_policy
from domain.regions import RegionCode
from domain.training import new_session, trained_in, untrained
from tests.factories import COUNTY, T0, TOWNSHIP, make_actor, resident_id
from tests.unit.app_helpers import World

SUPERVISOR = make_actor(Role.SUPERVISOR, actor_id="supervisor-1", region=COUNTY)
CLERK = make_actor(Role.WINDOW_CLERK, actor_id="clerk-1")
REVIEWER = make_actor(Role.REVIEWER, actor_id="reviewer-1")


def session(held_on: date = date(2026, 2, 26), session_id: str = "training-0001"):
    return new_session(
        session_id=session_id,
        title="社会救助政策与一次性告知业务培训",
        region=COUNTY,
        held_on=held_on,
        hours=4,
        actor=SUPERVISOR,
        at=T0,
        today=T0.date(),
    )


# -- the domain --


def test_r14_a_session_held_later_than_today_is_refused_naming_the_field():
    with pytest.raises(InvalidValue) as refused:
        session(held_on=T0.date() + timedelta(days=1))

    assert refused.value.field == "held_on"


@pytest.mark.parametrize(("field", "kw"), [("title", {"title": " "}), ("hours", {"hours": 0})])
def test_r14_a_session_needs_a_title_and_its_hours(field, kw):
    arguments = {
        "session_id": "training-0001",
        "title": "业务培训",
        "region": COUNTY,
        "held_on": date(2026, 2, 26),
        "hours": 4,
        "actor": SUPERVISOR,
        "at": T0,
        "today": T0.date(),
    } | kw

    with pytest.raises(InvalidValue) as refused:
        new_session(**arguments)

    assert refused.value.field == field


def test_r14_attendance_is_recorded_once_per_staff_member():
    held = session()
    held.attend("clerk-1", "王敏", actor=SUPERVISOR, at=T0)

    with pytest.raises(InvalidValue) as refused:
        held.attend("clerk-1", "王敏", actor=SUPERVISOR, at=T0)

    assert (refused.value.code, len(held.attendance)) == ("already_attended", 1)


def test_r14_a_session_of_last_year_does_not_make_anyone_trained_this_year():
    held = session(held_on=date(2025, 11, 20))
    held.attend("clerk-1", "王敏", actor=SUPERVISOR, at=T0)

    assert (trained_in("clerk-1", [held], 2025), trained_in("clerk-1", [held], 2026)) == (
        True,
        False,
    )


def test_r14_the_untrained_are_the_staff_who_attended_no_session_this_year():
    held = session()
    held.attend("clerk-1", "王敏", actor=SUPERVISOR, at=T0)

    found = untrained([REVIEWER, CLERK, SUPERVISOR], [held], 2026)

    assert [a.id for a in found] == ["reviewer-1", "supervisor-1"]


# -- through the use cases --


def held_session(world: World, held_on: date = date(2026, 2, 26)) -> str:
    world.tick()
    command = RecordTrainingSession("社会救助业务培训", str(COUNTY), held_on, 4)
    return record_training_session(world.deps, world.staff.supervisor, command).id


def attend(world: World, session_id: str, actor: Actor) -> None:
    world.tick()
    command = RecordAttendance(session_id, actor.id, actor.name)
    record_attendance(world.deps, world.staff.supervisor, command)


def roster(world: World) -> list[Actor]:
    staff = world.staff
    return [staff.clerk, staff.reviewer, staff.approver, staff.hr, staff.assessor]


def test_r14_the_untrained_list_shows_the_staff_with_no_session_this_year():
    world = World()
    this_year = held_session(world)
    last_year = held_session(world, held_on=date(2025, 12, 10))
    attend(world, this_year, world.staff.clerk)
    attend(world, this_year, world.staff.approver)
    attend(world, last_year, world.staff.reviewer)

    found = untrained_staff(world.deps, world.staff.supervisor, roster(world))

    assert [a.id for a in found] == ["assessor-1", "hr-1", "reviewer-1"]


def test_r14_a_staff_members_sessions_of_the_year_are_listed_for_them():
    world = World()
    session_id = held_session(world)
    attend(world, session_id, world.staff.clerk)

    sessions = training_of(world.deps, world.staff.clerk, "clerk-1")

    assert [(s.id, s.hours) for s in sessions] == [(session_id, 4)]


def test_p10_an_officer_cannot_read_a_colleagues_training_record():
    world = World()

    with pytest.raises(AccessDenied):
        training_of(world.deps, world.staff.clerk, "reviewer-1")


def test_p10_a_window_clerk_does_not_record_training_sessions():
    world = World()
    command = RecordTrainingSession("业务培训", str(TOWNSHIP), date(2026, 2, 26), 2)

    with pytest.raises(AccessDenied):
        record_training_session(world.deps, world.staff.clerk, command)


# -- a region that lets only the trained act --


def training_required(policy: Policy | None = None) -> Policy:
    """The sample county (370102) refuses steps by officers untrained this year."""
    policy = policy or default_policy()
    regions = tuple(
        evolve(r, training=TrainingRule(required_to_act=True))
        if r.region == RegionCode("370102")
        else r
        for r in policy.regions
    )
    return evolve(policy, regions=regions)


def test_r14_by_default_an_untrained_officer_may_act():
    world = World()

    intake = world.submit_dibao(resident_id(1))

    assert intake.case.received_by == "clerk-1"


def test_r14_where_the_region_requires_it_an_untrained_clerk_cannot_receive_an_application():
    world = World(policy=training_required())

    with pytest.raises(RuleRefused) as refused:
        world.submit_dibao(resident_id(1))

    assert (refused.value.code, refused.value.rule) == ("untrained_staff", "R14")


def test_r14_once_trained_this_year_the_clerk_receives_the_application():
    world = World(policy=training_required())
    attend(world, held_session(world), world.staff.clerk)

    intake = world.submit_dibao(resident_id(1))

    assert intake.case.received_by == "clerk-1"


def test_r14_an_untrained_reviewer_is_refused_a_step_and_the_case_is_unchanged():
    world = World(policy=training_required())
    attend(world, held_session(world), world.staff.clerk)
    case_id = world.submit_dibao(resident_id(1)).case.id
    before = world.case(case_id)

    with pytest.raises(RuleRefused) as refused:
        world.step(world.staff.reviewer, case_id, "record_check_report")

    assert (refused.value.code, world.case(case_id)) == ("untrained_staff", before)


def test_r14_the_systems_own_steps_are_never_refused_for_training():
    """The joint scenario opens the linked employment case itself (R8)."""
    world = World(policy=training_required())
    attend(world, held_session(world), world.staff.clerk)

    intake = world.submit_dibao(resident_id(1))

    assert intake.linked_cases
    assert all(c.received_by == "system" for c in intake.linked_cases)


def test_r14_the_training_rule_ships_off_and_is_tagged_as_a_reading():
    rule = default_policy().region(TOWNSHIP).training

    assert (rule.required_to_act, rule.source.tag) == (False, "?")
