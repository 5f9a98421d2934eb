"""Training sessions and attendance (R14), who is untrained this year, and what the role
guard is told about an acting officer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from application.access import UseCase, authorise, authorise_region
from application.commands import RecordAttendance, RecordTrainingSession
from application.dependencies import Dependencies
from domain.actors import Actor
from domain.lifecycle import CaseRules
from domain.regions import RegionCode
from domain.training import TrainingSession, new_session, untrained
from ports.storage import UnitOfWork


def record_training_session(
    deps: Dependencies, actor: Actor, command: RecordTrainingSession
) -> TrainingSession:
    """Record a session held in the actor's jurisdiction (its attendance follows)."""
    authorise(deps, actor, UseCase.RECORD_TRAINING, subject=("training", "new training session"))
    region = RegionCode(command.region)
    authorise_region(
        deps, actor, UseCase.RECORD_TRAINING, region, subject=("training", "new training session")
    )
    now = deps.clock.now()
    session = new_session(
        session_id=deps.ids.new_id("training"),
        title=command.title,
        region=region,
        held_on=command.held_on,
        hours=command.hours,
        actor=actor,
        at=now,
        today=now.date(),
    )
    with deps.uow() as uow:
        uow.training.add(session)
        uow.commit()
    return session


def record_attendance(
    deps: Dependencies, actor: Actor, command: RecordAttendance
) -> TrainingSession:
    """Record that a staff member attended a session (once)."""
    authorise(deps, actor, UseCase.RECORD_TRAINING, subject=("training", command.session_id))
    now = deps.clock.now()
    with deps.uow() as uow:
        session = uow.training.get(command.session_id)
        authorise_region(
            deps, actor, UseCase.RECORD_TRAINING, session.region, subject=("training", session.id)
        )
        session.attend(command.staff_id, command.name, actor=actor, at=now)
        uow.training.save(session)
        uow.commit()
    return session


def training_of(
    deps: Dependencies, actor: Actor, staff_id: str, *, year: int | None = None
) -> list[TrainingSession]:
    """The sessions a staff member attended in `year` (this year unless given); one's
    own, or anyone's for those who keep or read training records."""
    if staff_id != actor.id:
        authorise(
            deps, actor, UseCase.READ_TRAINING, subject=("training", f"training of {staff_id}")
        )
    with deps.uow() as uow:
        return uow.training.attended_by(staff_id, year or current_year(deps))


def untrained_staff(
    deps: Dependencies, actor: Actor, staff: Iterable[Actor], *, year: int | None = None
) -> list[Actor]:
    """R14: of `staff` (the accounts of the actor's jurisdiction, as the caller lists
    them), those with no training session this year (or in `year`), by id."""
    authorise(deps, actor, UseCase.READ_TRAINING, subject=("training", "untrained staff"))
    mine = [member for member in staff if member.region.is_within(actor.region)]
    with deps.uow() as uow:
        sessions = uow.training.held_in(year or current_year(deps))
    return untrained(mine, sessions, year or current_year(deps))


def untrained_in_jurisdiction(
    deps: Dependencies, actor: Actor, *, within: RegionCode | None = None, year: int | None = None
) -> list[Actor]:
    """R14: the active staff accounts of `within` (the actor's jurisdiction unless given)
    with no training session this year (or in `year`), by id."""
    region = within or actor.region
    subject = ("training", f"untrained staff of {region}")
    authorise(deps, actor, UseCase.READ_TRAINING, subject=subject)
    authorise_region(deps, actor, UseCase.READ_TRAINING, region, subject=subject)
    with deps.uow() as uow:
        accounts = uow.staff.within(region)
    return untrained_staff(deps, actor, [a.actor() for a in accounts], year=year)


def trained_for_step(
    deps: Dependencies, uow: UnitOfWork, actor: Actor, rules: CaseRules, now: datetime
) -> bool | None:
    """What the role guard is told (R14): whether the actor attended a session this year,
    where the region requires it; None (not looked up) where it does not."""
    if not rules.region.training.required_to_act:
        return None
    return bool(uow.training.attended_by(actor.id, now.year))


def current_year(deps: Dependencies) -> int:
    return deps.clock.now().year
