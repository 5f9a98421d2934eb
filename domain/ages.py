"""Age in 周岁: a person reaches age N on their N-th birthday.

A 29 February birthday is reached on 1 March in common years (POLICY-FACTS, 年龄).
"""

from __future__ import annotations

from datetime import date


def birthday_in(birth: date, year: int) -> date:
    """The day in `year` on which a person born on `birth` has their birthday."""
    try:
        return birth.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 3, 1)


def age_on(birth: date, day: date) -> int:
    """Completed years (周岁) on `day`; 0 before the first birthday."""
    if day < birth:
        raise ValueError("day is before birth")
    years = day.year - birth.year
    return years if day >= birthday_in(birth, day.year) else years - 1
