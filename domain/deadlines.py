"""Where a case stands against its time limit (R13), counted in working days.

The limit runs from acceptance to decision: the received day is not counted, each
working day after it is, and a working day while a material request was open (from
the day after the request to the day the materials were complete, both counted as
paused) is not, so the due date moves out by as many working days. An open request
keeps the clock stopped up to `today`. Once a case is decided (approved, benefit
granted or closed) no limit runs and `deadline_of` returns None.

Days are the case's local days: every moment is read in the time zone of
`received_at` (+08:00). Nothing here reads a clock; `today` is passed in.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from enum import StrEnum

from attrs import frozen

from domain.calendar import WorkingCalendar
from domain.cases import APPROVED, BENEFIT_GRANTED, CLOSED, Case
from domain.errors import PolicyError
from domain.policy import ServiceGuide

# States after the decision: the time limit of acceptance, review and confirmation is spent.
DECIDED_STATES = frozenset({APPROVED, BENEFIT_GRANTED, CLOSED})


class DeadlineStatus(StrEnum):
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    DeadlineStatus.ON_TIME: "按时办理",
    DeadlineStatus.DUE_SOON: "即将到期",
    DeadlineStatus.OVERDUE: "已超期",
}


@frozen
class Deadline:
    """A case's running time limit as of one day.

    `working_days_left` is negative once working days pass the due date; on a day off
    right after the due date it is still 0 while the status is already OVERDUE.
    """

    due: date
    provisional: bool  # a year involved has no loaded holiday schedule
    working_days_allowed: int
    working_days_used: int
    working_days_left: int
    paused_working_days: int
    status: DeadlineStatus


def deadline_of(
    case: Case,
    guide: ServiceGuide,
    calendar: WorkingCalendar,
    *,
    today: date,
    due_soon_days: int,
) -> Deadline | None:
    """The running deadline of an undecided case on `today`; None once it is decided."""
    if guide.service is not case.service:
        raise PolicyError(f"guide for {guide.service} cannot time a {case.service} case")
    if case.state in DECIDED_STATES:
        return None
    zone = case.received_at.tzinfo
    received = case.received_at.date()
    allowed = guide.time_limit.working_days
    paused = _paused_working_days(case, calendar, zone, today)
    due = calendar.add_working_days(received, allowed + paused)
    used = calendar.working_days_between(received, today) - paused
    left = allowed - used
    last_year = max(due.day, today).year
    provisional = due.provisional or not all(
        calendar.is_known(year) for year in range(received.year, last_year + 1)
    )
    return Deadline(
        due=due.day,
        provisional=provisional,
        working_days_allowed=allowed,
        working_days_used=used,
        working_days_left=left,
        paused_working_days=paused,
        status=_status(today, due.day, left, due_soon_days),
    )


def _status(today: date, due: date, left: int, due_soon_days: int) -> DeadlineStatus:
    if today > due:
        return DeadlineStatus.OVERDUE
    if 0 <= left <= due_soon_days:
        return DeadlineStatus.DUE_SOON
    return DeadlineStatus.ON_TIME


def _paused_working_days(
    case: Case, calendar: WorkingCalendar, zone: tzinfo | None, today: date
) -> int:
    """Working days under a material request up to `today`, overlapping spans counted once."""
    spans: list[tuple[date, date]] = []
    for request in case.material_requests:
        start = _local_day(request.requested_at, zone)
        end = today if request.satisfied_at is None else _local_day(request.satisfied_at, zone)
        end = min(end, today)
        if end > start:
            spans.append((start, end))
    total = 0
    reached: date | None = None  # the last day already counted
    for start, end in sorted(spans):
        if reached is not None:
            start = max(start, reached)
        total += calendar.working_days_between(start, end)
        reached = end if reached is None else max(reached, end)
    return total


def _local_day(moment: datetime, zone: tzinfo | None) -> date:
    if zone is None or moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(zone).date()
