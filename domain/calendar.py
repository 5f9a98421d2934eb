"""The working-day calendar that time limits are counted on (R13).

"Within N working days of 受理" ends on the N-th working day after that day; the
day itself is not counted (民法典 第二百零一条). The calendar is pure data: the
statutory days off and the adjusted working weekends (调休) of the years whose
official schedule is loaded, plus a region's own days off. A year without a loaded
schedule is counted Monday to Friday, and any deadline touching it is provisional.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, timedelta

from attrs import evolve, field, frozen

_ONE_DAY = timedelta(days=1)


def _dates(days: Iterable[date]) -> frozenset[date]:
    return frozenset(days)


def _years(years: Iterable[int]) -> frozenset[int]:
    return frozenset(years)


@frozen
class DueDate:
    """The last day of a time limit; provisional while a year it spans is unknown."""

    day: date
    provisional: bool


@frozen
class WorkingCalendar:
    """Days off and adjusted working days as data; unknown years count Monday to Friday."""

    holidays: frozenset[date] = field(default=frozenset(), converter=_dates)
    adjusted_workdays: frozenset[date] = field(default=frozenset(), converter=_dates)
    known_years: frozenset[int] = field(default=frozenset(), converter=_years)
    days_off: frozenset[date] = field(default=frozenset(), converter=_dates)
    _exceptions: tuple[date, ...] = field(init=False, repr=False, eq=False)

    @_exceptions.default
    def _sorted_exceptions(self) -> tuple[date, ...]:
        return tuple(sorted(self.holidays | self.adjusted_workdays | self.days_off))

    @classmethod
    def weekdays_only(cls) -> WorkingCalendar:
        """A calendar that knows no year: Monday to Friday, every deadline provisional."""
        return cls()

    def with_days_off(self, days: Iterable[date]) -> WorkingCalendar:
        """A copy with a region's extra days off."""
        return evolve(self, days_off=self.days_off | _dates(days))

    def is_known(self, year: int) -> bool:
        return year in self.known_years

    def is_working_day(self, day: date) -> bool:
        if day in self.days_off:
            return False
        if day in self.adjusted_workdays:
            return True
        return day not in self.holidays and day.weekday() < 5

    def add_working_days(self, start: date, n: int) -> DueDate:
        """The n-th working day after `start`; n = 0 gives `start` itself."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        for _ in range(n):
            day += _ONE_DAY
            while not self.is_working_day(day):
                day += _ONE_DAY
        provisional = not all(self.is_known(y) for y in range(start.year, day.year + 1))
        return DueDate(day=day, provisional=provisional)

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days d satisfy start < d <= end (0 when end <= start)."""
        if end <= start:
            return 0
        first = start.toordinal()
        last = end.toordinal()
        count = _weekdays_up_to(last) - _weekdays_up_to(first)
        lo = bisect_right(self._exceptions, start)
        hi = bisect_right(self._exceptions, end)
        for day in self._exceptions[lo:hi]:
            count += int(self.is_working_day(day)) - int(day.weekday() < 5)
        return count


def _weekdays_up_to(ordinal: int) -> int:
    # Ordinal 1 (0001-01-01) is a Monday, so weeks line up with multiples of seven.
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)
