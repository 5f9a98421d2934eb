"""Where the work stands against its time limits (R13): lists for a supervisor, by region,
service and officer, and each officer's own open cases.

The supervisor's list asks storage only for the open cases whose stored running
deadline falls by the "due soon" horizon (`CaseQuery.due_by`, an index in SQL): that
stored day is the earliest a deadline can fall, so no case due soon or overdue is left
out. Each candidate's deadline is then computed as of today, and only those due soon
or overdue are kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

from attrs import frozen

from application.access import UseCase, authorise, authorise_region
from application.dependencies import Dependencies
from domain.actors import Actor
from domain.calendar import WorkingCalendar
from domain.cases import Case
from domain.deadlines import Deadline, DeadlineStatus, deadline_of
from domain.lifecycle import CaseRules
from domain.regions import RegionCode
from domain.services import Service
from ports.storage import CaseQuery

ALL = 1_000_000  # no page limit: every matching case


@frozen
class DeadlineItem:
    case: Case
    deadline: Deadline


@frozen
class DeadlineQuery:
    """Which open cases a supervisor lists; `statuses` the deadline statuses kept."""

    within: RegionCode | None = None
    service: Service | None = None
    responsible: str | None = None
    statuses: frozenset[DeadlineStatus] = frozenset(
        {DeadlineStatus.DUE_SOON, DeadlineStatus.OVERDUE}
    )


@frozen
class DeadlineCount:
    """How many open cases of one region, service and officer are due soon or overdue."""

    region: RegionCode
    service: Service
    responsible: str
    due_soon: int
    overdue: int


def deadline_list(deps: Dependencies, actor: Actor, query: DeadlineQuery) -> list[DeadlineItem]:
    """Open cases due soon or overdue (or as `statuses` says), by due date then id."""
    region = query.within or actor.region
    authorise(deps, actor, UseCase.READ_DEADLINES, subject=("deadlines", f"region {region}"))
    authorise_region(
        deps, actor, UseCase.READ_DEADLINES, region, subject=("deadlines", f"region {region}")
    )
    today = deps.clock.now().date()
    due_by = None
    if DeadlineStatus.ON_TIME not in query.statuses:
        due_by = _horizon(deps, region, today)
    case_query = CaseQuery(
        service=query.service,
        within=region,
        responsible=query.responsible,
        open_only=True,
        due_by=due_by,
        limit=ALL,
    )
    with deps.uow() as uow:
        candidates = uow.cases.find(case_query)
    timed = _timer(deps, today)
    items = [DeadlineItem(case, d) for case in candidates if (d := timed(case)) is not None]
    kept = [i for i in items if i.deadline.status in query.statuses]
    return sorted(kept, key=lambda i: (i.deadline.due, i.case.id))


def my_deadlines(deps: Dependencies, actor: Actor) -> list[DeadlineItem]:
    """Every open, undecided case the actor holds, with its deadline, by due date."""
    authorise(
        deps, actor, UseCase.READ_MY_DEADLINES, subject=("deadlines", f"cases of {actor.id}")
    )
    today = deps.clock.now().date()
    with deps.uow() as uow:
        mine = uow.cases.find(
            CaseQuery(within=actor.region, responsible=actor.id, open_only=True, limit=ALL)
        )
    timed = _timer(deps, today)
    items = [DeadlineItem(case, d) for case in mine if (d := timed(case)) is not None]
    return sorted(items, key=lambda i: (i.deadline.due, i.case.id))


def deadline_counts(
    deps: Dependencies, actor: Actor, *, within: RegionCode | None = None
) -> list[DeadlineCount]:
    """The supervisor's overview: due-soon and overdue cases per region, service and
    officer responsible, ordered by region, service and officer."""
    items = deadline_list(deps, actor, DeadlineQuery(within=within))
    counted: Counter[tuple[RegionCode, Service, str, DeadlineStatus]] = Counter(
        (i.case.region, i.case.service, i.case.responsible, i.deadline.status) for i in items
    )
    groups = sorted({key[:3] for key in counted}, key=lambda g: (g[0].code, g[1].value, g[2]))
    return [
        DeadlineCount(
            region,
            service,
            officer,
            due_soon=counted[(region, service, officer, DeadlineStatus.DUE_SOON)],
            overdue=counted[(region, service, officer, DeadlineStatus.OVERDUE)],
        )
        for region, service, officer in groups
    ]


def _timer(deps: Dependencies, today: date) -> Callable[[Case], Deadline | None]:
    """Each case's deadline as of today, on its region's calendar."""
    calendars: dict[RegionCode, WorkingCalendar] = {}
    due_soon = deps.policy.parameters.due_soon_working_days

    def timed(case: Case) -> Deadline | None:
        rules = CaseRules.for_case(deps.policy, case.service, case.region)
        calendar = calendars.get(rules.region.region)
        if calendar is None:
            calendar = calendars[rules.region.region] = deps.calendar.with_days_off(
                rules.region.days_off
            )
        return deadline_of(case, rules.guide, calendar, today=today, due_soon_days=due_soon)

    return timed


def _horizon(deps: Dependencies, region: RegionCode, today: date) -> date:
    """The last day a case due soon can fall on: the due-soon working days ahead, on a
    calendar with every day off of the regions in and around `region` (the latest)."""
    days_off = frozenset().union(
        *(
            r.days_off
            for r in deps.policy.regions
            if r.region.is_within(region) or region.is_within(r.region)
        )
    )
    calendar = deps.calendar.with_days_off(days_off)
    due_soon = deps.policy.parameters.due_soon_working_days
    return calendar.add_working_days(today, due_soon).day
