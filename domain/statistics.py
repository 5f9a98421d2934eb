"""Monthly figures per region and service, computed from the recorded events (R13, R15).

Every figure is read from the cases' own events (the history), never kept as a counter,
so the figures agree with the cases. Each one falls in the month of the day (local,
+08:00) its event happened:

- applications: cases received (every channel, linked cases the joint scenario opened
  and review cases included), in the month of receipt;
- not accepted, approved, rejected, withdrawn: the deciding event (`domain.outcomes`),
  in its month; a case approved and later closed counts once, as approved;
- median and 90th percentile of the working days from receipt to decision, over the
  cases approved or rejected in the month: working days after the day of receipt up to
  and including the day of the decision, on the region's calendar, the clock *not*
  stopped for material requests (the elapsed time an applicant waited). The median of
  an even count is the mean of the middle two; the 90th percentile is the nearest rank
  (the ceil(0.9 n)-th smallest);
- overdue: cases whose time limit (with pauses and extensions, `limit_as_of`) ended in
  the month while they were undecided: decided after the due day, or still undecided
  on `as_of` with the due day behind it; in the month of the due day;
- complaints and reports: received in the month, in the region they were received for
  (wherever they were transferred since), under the service they name (None when they
  name none).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from attrs import evolve, field, frozen

from domain.calendar import WorkingCalendar
from domain.cases import Case
from domain.complaints import Complaint, ComplaintKind
from domain.deadlines import limit_as_of
from domain.outcomes import DecisionKind, decision_of, local_day
from domain.policy import Policy
from domain.regions import RegionCode, RegionLevel
from domain.services import Service


@frozen(order=True)
class Month:
    year: int
    month: int = field()

    @month.validator
    def _in_year(self, _attribute: object, value: int) -> None:
        if not 1 <= value <= 12:
            raise ValueError("month must be 1 to 12")

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Month:
        """From "2026-03"."""
        year, _, month = text.partition("-")
        return cls(int(year), int(month))

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"


def months(first: Month, last: Month) -> tuple[Month, ...]:
    """Every month from `first` to `last`, both included."""
    found, month = [], first
    while month <= last:
        found.append(month)
        month = month.next()
    return tuple(found)


@frozen
class MonthlyFigures:
    """The figures of one region, one service (None: complaints naming none), one month."""

    region: RegionCode
    service: Service | None
    month: Month
    applications: int = 0
    not_accepted: int = 0
    approved: int = 0
    rejected: int = 0
    withdrawn: int = 0
    overdue: int = 0
    complaints: int = 0
    reports: int = 0
    decision_working_days: tuple[int, ...] = ()  # of each approval or refusal, sorted

    @property
    def median_working_days(self) -> float | None:
        if not self.decision_working_days:
            return None
        return float(statistics.median(self.decision_working_days))

    @property
    def p90_working_days(self) -> int | None:
        days = self.decision_working_days
        if not days:
            return None
        return days[math.ceil(0.9 * len(days)) - 1]


_Key = tuple[RegionCode, Service | None, Month]

_DECISION_FIGURES = {
    DecisionKind.NOT_ACCEPTED: "not_accepted",
    DecisionKind.APPROVED: "approved",
    DecisionKind.REJECTED: "rejected",
    DecisionKind.WITHDRAWN: "withdrawn",
}
_TIMED = frozenset({DecisionKind.APPROVED, DecisionKind.REJECTED})
_COUNTS = (
    "applications",
    "not_accepted",
    "approved",
    "rejected",
    "withdrawn",
    "overdue",
    "complaints",
    "reports",
)


class _Tally:
    """The figures of the rows being counted, by key, until they are frozen."""

    def __init__(self, wanted: frozenset[Month], level: RegionLevel | None) -> None:
        self._wanted = wanted
        self._level = level
        self.counts: dict[_Key, dict[str, int]] = {}
        self.durations: dict[_Key, list[int]] = {}

    def key(self, region: RegionCode, service: Service | None, day: date) -> _Key | None:
        month = Month.of(day)
        if month not in self._wanted:
            return None
        return (_rolled(region, self._level), service, month)

    def count(self, region: RegionCode, service: Service | None, day: date, figure: str) -> None:
        key = self.key(region, service, day)
        if key is not None:
            row = self.counts.setdefault(key, dict.fromkeys(_COUNTS, 0))
            row[figure] += 1

    def duration(
        self, region: RegionCode, service: Service | None, day: date, working_days: int
    ) -> None:
        key = self.key(region, service, day)
        if key is not None:
            self.durations.setdefault(key, []).append(working_days)

    def rows(self) -> tuple[MonthlyFigures, ...]:
        built = []
        for key in self.counts.keys() | self.durations.keys():
            durations = tuple(sorted(self.durations.get(key, ())))
            row = MonthlyFigures(*key, decision_working_days=durations)
            counts: dict[str, Any] = dict(self.counts.get(key, {}))
            built.append(evolve(row, **counts))
        return tuple(sorted(built, key=_order))


def monthly_statistics(
    cases: Iterable[Case],
    complaints: Iterable[Complaint],
    *,
    policy: Policy,
    calendar: WorkingCalendar,
    first: Month,
    last: Month,
    as_of: date,
    level: RegionLevel | None = None,
) -> tuple[MonthlyFigures, ...]:
    """The figures of every (region, service, month) in `first`..`last` with any event.

    `level` rolls regions up (a county's figures from its townships' cases); without it
    each case counts in its own region. Rows are ordered by region, service, month.
    """
    tally = _Tally(frozenset(months(first, last)), level)
    calendars = _region_calendars(policy, calendar)
    for case in cases:
        _count_case(tally, case, policy, calendars(case.region), as_of)
    for complaint in complaints:
        kind = "reports" if complaint.kind is ComplaintKind.REPORT else "complaints"
        tally.count(complaint.origin, complaint.service, complaint.received_at.date(), kind)
    return tally.rows()


def _count_case(
    tally: _Tally, case: Case, policy: Policy, calendar: WorkingCalendar, as_of: date
) -> None:
    received_on = local_day(case.received_at, case)
    tally.count(case.region, case.service, received_on, "applications")
    decision = decision_of(case)
    decided_on = decision.day(case) if decision is not None else None
    if decision is not None and decided_on is not None:
        figure = _DECISION_FIGURES.get(decision.kind)
        if figure is not None:
            tally.count(case.region, case.service, decided_on, figure)
        if decision.kind in _TIMED:
            elapsed = calendar.working_days_between(received_on, decided_on)
            tally.duration(case.region, case.service, decided_on, elapsed)
    stopped = decided_on if decided_on is not None else as_of
    guide = policy.guide(case.service)
    limit = limit_as_of(case, guide, calendar, today=stopped, due_soon_days=0)
    if stopped > limit.due:
        tally.count(case.region, case.service, limit.due, "overdue")


def _rolled(region: RegionCode, level: RegionLevel | None) -> RegionCode:
    if level is None or region.level <= level:
        return region
    return region.ancestor(level)


def _order(row: MonthlyFigures) -> tuple[str, str, Month]:
    return (row.region.code, row.service.value if row.service else "~", row.month)


def _region_calendars(
    policy: Policy, calendar: WorkingCalendar
) -> Callable[[RegionCode], WorkingCalendar]:
    """Each region's calendar (its days off added), built once per region."""
    built: dict[RegionCode, WorkingCalendar] = {}

    def of(region: RegionCode) -> WorkingCalendar:
        parameters = policy.region(region)
        found = built.get(parameters.region)
        if found is None:
            found = built[parameters.region] = calendar.with_days_off(parameters.days_off)
        return found

    return of


def totals_by_month(
    rows: Iterable[MonthlyFigures], first: Month, last: Month, *, region: RegionCode
) -> tuple[MonthlyFigures, ...]:
    """The rows summed over services and the regions within `region`, one per month
    (zeros where none); the service of a total is None."""
    sums = {m: MonthlyFigures(region, None, m) for m in months(first, last)}
    for row in rows:
        total = sums.get(row.month)
        if total is None or not row.region.is_within(region):
            continue
        sums[row.month] = evolve(
            total,
            applications=total.applications + row.applications,
            not_accepted=total.not_accepted + row.not_accepted,
            approved=total.approved + row.approved,
            rejected=total.rejected + row.rejected,
            withdrawn=total.withdrawn + row.withdrawn,
            overdue=total.overdue + row.overdue,
            complaints=total.complaints + row.complaints,
            reports=total.reports + row.reports,
            decision_working_days=tuple(
                sorted((*total.decision_working_days, *row.decision_working_days))
            ),
        )
    return tuple(sums[m] for m in months(first, last))
