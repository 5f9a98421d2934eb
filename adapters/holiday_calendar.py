"""China's working-day calendar, read from the `holidays` library (R13).

`chinesecalendar` knows 2004 to 2026 only and raises `NotImplementedError` for
2027, which would stop every deadline that reaches into the next year. `holidays`
carries the State Council schedules (days off and 调休 working weekends) and never
raises for a year. It also computes holidays by rule for years without a published
schedule; those guesses are left out, so the domain counts such years Monday to
Friday and marks their deadlines provisional.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import holidays
from holidays.countries import china

from domain.calendar import WorkingCalendar


def china_calendar(
    *, first_year: int = 2004, last_year: int = 2035, days_off: Iterable[date] = ()
) -> WorkingCalendar:
    """The official schedules of the years in range, plus a region's own days off."""
    years = range(max(first_year, date.min.year), min(last_year, date.max.year) + 1)
    known = _official_years(years)
    schedule = holidays.country_holidays("CN", years=sorted(known))
    return WorkingCalendar(
        holidays=(day for day in schedule if day.year in known),
        adjusted_workdays=(day for day in schedule.weekend_workdays if day.year in known),
        known_years=known,
        days_off=days_off,
    )


def _official_years(years: range) -> frozenset[int]:
    """Years with a published schedule, as recorded in the library's substituted days."""
    static = getattr(china, "ChinaStaticHolidays", None)
    published = getattr(static, "special_public_holidays", None)
    if isinstance(published, Mapping):
        return frozenset(year for year in published if year in years)
    # Without that table, a year counts as published once it has a working weekend.
    workdays = holidays.country_holidays("CN", years=years).weekend_workdays
    return frozenset(day.year for day in workdays if day.year in years)
