"""Training before taking post (岗前培训, R14): sessions, attendance, and who is untrained.

Staff are trained at least once a year. A session is recorded with the day it was held
(a past day: attendance is recorded after the fact, never ahead of it) and each staff
member who attended; "trained this year" means attending a session held in that
calendar year. Whether an untrained officer may still act is a region's parameter
(`domain.policy.TrainingRule`); the application tells the role guard what it found.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from attrs import Factory, define, frozen

from domain.actors import Actor
from domain.errors import InvalidValue
from domain.regions import RegionCode

RULE = "R14"


@frozen
class Attendance:
    staff_id: str
    name: str
    recorded_at: datetime
    recorded_by: str


@define
class TrainingSession:
    """One training session (业务培训) held on one day, with who attended."""

    id: str
    title: str
    region: RegionCode  # the jurisdiction that organised it
    held_on: date
    hours: int  # 学时
    recorded_at: datetime
    recorded_by: str
    attendance: list[Attendance] = Factory(list)
    version: int = 0

    @property
    def attendees(self) -> frozenset[str]:
        return frozenset(a.staff_id for a in self.attendance)

    def attend(self, staff_id: str, name: str, *, actor: Actor, at: datetime) -> Attendance:
        """Record that the staff member attended; refused when already recorded."""
        if not staff_id.strip():
            raise InvalidValue("staff_id", "须填写参训人员", rule=RULE)
        if staff_id in self.attendees:
            raise InvalidValue(
                "staff_id", "该工作人员的参训记录已登记", rule=RULE, code="already_attended"
            )
        attended = Attendance(staff_id, name.strip(), at, actor.id)
        self.attendance.append(attended)
        return attended


def new_session(
    *,
    session_id: str,
    title: str,
    region: RegionCode,
    held_on: date,
    hours: int,
    actor: Actor,
    at: datetime,
    today: date,
) -> TrainingSession:
    """A session as recorded now; one held later than `today` is refused."""
    if not title.strip():
        raise InvalidValue("title", "须填写培训名称", rule=RULE)
    if held_on > today:
        raise InvalidValue("held_on", "培训日期不能晚于登记当天", rule=RULE)
    if hours < 1:
        raise InvalidValue("hours", "学时须为正整数", rule=RULE)
    return TrainingSession(session_id, title.strip(), region, held_on, hours, at, actor.id)


def trained_in(staff_id: str, sessions: Iterable[TrainingSession], year: int) -> bool:
    """True when the staff member attended a session held in `year`."""
    return any(s.held_on.year == year and staff_id in s.attendees for s in sessions)


def untrained(
    staff: Iterable[Actor], sessions: Iterable[TrainingSession], year: int
) -> list[Actor]:
    """The staff (system excluded) who attended no session held in `year`, by id."""
    held = [s for s in sessions if s.held_on.year == year]
    trained = frozenset().union(*(s.attendees for s in held))
    return sorted(
        (a for a in staff if a.id not in trained and a.id != "system"), key=lambda a: a.id
    )
