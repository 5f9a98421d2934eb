"""Monthly statistics per region and service (R13, R15), from the stored cases' events and
the complaints, for a supervisor; `entrypoints.reports` renders them as CSV and SVG."""

from __future__ import annotations

from attrs import frozen

from application.access import UseCase, authorise, authorise_region
from application.dependencies import Dependencies
from domain.actors import Actor
from domain.regions import RegionCode, RegionLevel
from domain.services import Service
from domain.statistics import Month, MonthlyFigures, monthly_statistics, totals_by_month
from ports.storage import CaseQuery, RecordQuery

ALL = 1_000_000


@frozen
class StatisticsQuery:
    within: str
    first_month: str  # "2026-01"
    last_month: str  # "2026-03", included
    service: Service | None = None
    level: RegionLevel | None = None  # roll the regions up to this level


@frozen
class StatisticsTable:
    """The rows, and the monthly totals over them, as of a day."""

    region: RegionCode
    first: Month
    last: Month
    as_of: str
    rows: tuple[MonthlyFigures, ...]
    totals: tuple[MonthlyFigures, ...]


def service_statistics(
    deps: Dependencies, actor: Actor, query: StatisticsQuery
) -> StatisticsTable:
    """Applications, decisions, durations, overdue cases and complaints per month."""
    region = RegionCode(query.within)
    authorise(deps, actor, UseCase.READ_STATISTICS, subject=("statistics", f"statistics {region}"))
    authorise_region(
        deps,
        actor,
        UseCase.READ_STATISTICS,
        region,
        subject=("statistics", f"statistics {region}"),
    )
    first, last = Month.parse(query.first_month), Month.parse(query.last_month)
    today = deps.clock.now().date()
    with deps.uow() as uow:
        cases = uow.cases.find(CaseQuery(service=query.service, within=region, limit=ALL))
        # Counted where they were received: one since moved elsewhere counts here too.
        complaints = [
            c
            for c in uow.complaints.find(RecordQuery(limit=ALL))
            if c.origin.is_within(region) and (query.service is None or c.service is query.service)
        ]
    rows = monthly_statistics(
        cases,
        complaints,
        policy=deps.policy,
        calendar=deps.calendar,
        first=first,
        last=last,
        as_of=today,
        level=query.level,
    )
    totals = totals_by_month(rows, first, last, region=region)
    return StatisticsTable(region, first, last, today.isoformat(), rows, totals)
