"""Where a case stands against its time limit (R13), counted in working days.

The limit runs from acceptance to decision: the received day is not counted, each
working day after it is, and a working day while a material request was open (from
the day after the request to the day the materials were complete, both counted as
paused) is not, so the due date moves out by as many working days. An open request
keeps the clock stopped up to `today`. Where a region does not count the public notice
(公示) towards the limit, its days are paused the same way. An approved extension (延期)
adds its working days to the limit, up to the guide's extended limit (the lifecycle's
`extend` event checks that ceiling). Once a case is decided (approved, benefit granted
or closed) no limit runs and `deadline_of` returns None; `limit_as_of` gives the limit
as it stood on a given day whatever the state, for statistics of past decisions.

`stage_deadline_of` gives the limit of the step a case is in now, where its service's
procedure sets one: investigation, notice and confirmation for dibao and tekun, help
within hours and the paperwork after it for emergency temporary assistance.

Days are the case's local days: every moment is read in the time zone of
`received_at` (+08:00). Nothing here reads a clock; `today` is passed in.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from attrs import frozen

from domain.calendar import DueDate, WorkingCalendar
from domain.cases import (
    APPROVED,
    BENEFIT_GRANTED,
    CLOSED,
    HELPED_FIRST,
    IN_PUBLIC_NOTICE,
    RECEIVED,
    VERIFIED,
    Case,
)
from domain.errors import PolicyError
from domain.particulars import TemporaryKind, TemporaryRequest
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
    extended_working_days: int = 0  # added by approved extensions (R13)


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
    return limit_as_of(case, guide, calendar, today=today, due_soon_days=due_soon_days)


def limit_as_of(
    case: Case,
    guide: ServiceGuide,
    calendar: WorkingCalendar,
    *,
    today: date,
    due_soon_days: int,
) -> Deadline:
    """The time limit as it stands on `today`, decided or not (the clock is not stopped
    by a decision here: pass the decision day to see the limit the decision met)."""
    if guide.service is not case.service:
        raise PolicyError(f"guide for {guide.service} cannot time a {case.service} case")
    zone = case.received_at.tzinfo
    start = case.received_at.date()
    allowed = guide.time_limit.working_days
    emergency = guide.emergency_procedure
    if emergency is not None and _is_emergency(case):
        # 急难型: the paperwork is completed within its working days of the help given.
        allowed = emergency.completion_working_days
        if case.emergency_help is not None:
            start = _local_day(case.emergency_help.at, zone)
    allowed += case.extended_working_days
    paused = _paused_working_days(case, calendar, zone, today, _paused_spans(case, guide))
    due = calendar.add_working_days(start, allowed + paused)
    used = calendar.working_days_between(start, today) - paused
    left = allowed - used
    last_year = max(due.day, today).year
    provisional = due.provisional or not all(
        calendar.is_known(year) for year in range(start.year, last_year + 1)
    )
    return Deadline(
        due=due.day,
        provisional=provisional,
        working_days_allowed=allowed,
        working_days_used=used,
        working_days_left=left,
        paused_working_days=paused,
        status=_status(today, due.day, left, due_soon_days),
        extended_working_days=case.extended_working_days,
    )


def _status(today: date, due: date, left: int, due_soon_days: int) -> DeadlineStatus:
    if today > due:
        return DeadlineStatus.OVERDUE
    if 0 <= left <= due_soon_days:
        return DeadlineStatus.DUE_SOON
    return DeadlineStatus.ON_TIME


def _paused_spans(case: Case, guide: ServiceGuide) -> list[tuple[datetime, datetime | None]]:
    """When the clock stops: open material requests, and public notices where the
    region does not count the notice towards the limit (an open end runs to today)."""
    spans: list[tuple[datetime, datetime | None]] = [
        (r.requested_at, r.satisfied_at) for r in case.material_requests
    ]
    procedure = guide.notice_procedure
    if procedure is not None and not procedure.notice_counts_towards_limit:
        for notice in case.public_notices:
            ended = notice.objected_at or datetime.combine(
                notice.ends_on, time(23, 59), tzinfo=notice.started_at.tzinfo
            )
            spans.append((notice.started_at, ended))
    return spans


def _paused_working_days(
    case: Case,
    calendar: WorkingCalendar,
    zone: tzinfo | None,
    today: date,
    paused: list[tuple[datetime, datetime | None]],
) -> int:
    """Working days within the paused spans up to `today`, overlapping spans counted once."""
    spans: list[tuple[date, date]] = []
    for started, ended in paused:
        start = _local_day(started, zone)
        end = today if ended is None else _local_day(ended, zone)
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


# -- the stages a service's own procedure adds (R1, R13) --


class Stage(StrEnum):
    INVESTIGATION = "investigation"  # 调查核实 (and re-investigation after an objection)
    PUBLIC_NOTICE = "public_notice"  # 公示
    CONFIRMATION = "confirmation"  # 审核确认, after the notice
    EMERGENCY_HELP = "emergency_help"  # 先行救助, within hours of receipt
    EMERGENCY_COMPLETION = "emergency_completion"  # 补齐审核审批手续 after the help

    @property
    def label(self) -> str:
        return _STAGE_LABELS[self]


_STAGE_LABELS = {
    Stage.INVESTIGATION: "调查核实",
    Stage.PUBLIC_NOTICE: "公示",
    Stage.CONFIRMATION: "审核确认",
    Stage.EMERGENCY_HELP: "先行救助",
    Stage.EMERGENCY_COMPLETION: "补齐审核审批手续",
}


@frozen
class StageDeadline:
    """The limit of the step a case is in now, within its overall time limit.

    `due_at` is set where the limit counts hours (help first within 24 hours); `due` is
    then its local day.
    """

    stage: Stage
    due: date
    provisional: bool
    status: DeadlineStatus
    due_at: datetime | None = None


def stage_deadline_of(
    case: Case,
    guide: ServiceGuide,
    calendar: WorkingCalendar,
    *,
    now: datetime,
    due_soon_days: int,
) -> StageDeadline | None:
    """The running limit of the current step of a dibao, tekun or emergency case."""
    if guide.service is not case.service:
        raise PolicyError(f"guide for {guide.service} cannot time a {case.service} case")
    zone = case.received_at.tzinfo
    today = _local_day(now, zone)
    notice, emergency = guide.notice_procedure, guide.emergency_procedure
    if notice is not None and case.state in (RECEIVED, VERIFIED):
        latest = case.public_notice
        start = latest.objected_at if latest is not None and latest.objected_at else None
        begun = _local_day(start or case.received_at, zone)
        due = calendar.add_working_days(begun, notice.investigation_working_days)
        return _stage(Stage.INVESTIGATION, due, today, calendar, due_soon_days)
    if notice is not None and case.state == IN_PUBLIC_NOTICE:
        running = case.public_notice
        assert running is not None
        if today <= running.ends_on:
            return StageDeadline(
                Stage.PUBLIC_NOTICE, running.ends_on, False, DeadlineStatus.ON_TIME
            )
        due = calendar.add_working_days(running.ends_on, notice.confirmation_working_days)
        return _stage(Stage.CONFIRMATION, due, today, calendar, due_soon_days)
    if emergency is not None and case.emergency_help is not None:
        if case.state in (HELPED_FIRST, VERIFIED):
            helped = _local_day(case.emergency_help.at, zone)
            due = calendar.add_working_days(helped, emergency.completion_working_days)
            return _stage(Stage.EMERGENCY_COMPLETION, due, today, calendar, due_soon_days)
        return None
    if emergency is not None and case.state == RECEIVED and _is_emergency(case):
        due_at = case.received_at + timedelta(hours=emergency.help_within_hours)
        left = due_at - now
        status = (
            DeadlineStatus.OVERDUE
            if left < timedelta(0)
            else DeadlineStatus.DUE_SOON
            if left * 4 <= timedelta(hours=emergency.help_within_hours)
            else DeadlineStatus.ON_TIME
        )
        return StageDeadline(Stage.EMERGENCY_HELP, _local_day(due_at, zone), False, status, due_at)
    return None


def _is_emergency(case: Case) -> bool:
    request = case.particulars
    return isinstance(request, TemporaryRequest) and request.kind is TemporaryKind.EMERGENCY


def _stage(
    stage: Stage, due: DueDate, today: date, calendar: WorkingCalendar, due_soon_days: int
) -> StageDeadline:
    if today <= due.day:
        left = calendar.working_days_between(today, due.day)
    else:
        left = -calendar.working_days_between(due.day, today)
    status = _status(today, due.day, left, due_soon_days)
    return StageDeadline(stage, due.day, due.provisional, status)
