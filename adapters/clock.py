"""Clocks: the system's, in China Standard Time, and a fixed one for tests and the demo."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")


def china_timezone() -> tzinfo:
    """Asia/Shanghai from the tz database, or a fixed UTC+8 where the database is missing.

    China has kept UTC+8 without daylight saving since 1992, so the fallback gives the
    same times for every date a case can carry.
    """
    try:
        return ZoneInfo("Asia/Shanghai")
    except ZoneInfoNotFoundError:
        return CHINA_STANDARD_TIME


class SystemClock:
    """The operating system's time, timezone-aware, in Asia/Shanghai."""

    def __init__(self, tz: tzinfo | None = None) -> None:
        self._tz = tz if tz is not None else china_timezone()

    def now(self) -> datetime:
        return datetime.now(self._tz)


class FixedClock:
    """A clock that moves only when told to; refuses naive datetimes."""

    def __init__(self, start: datetime) -> None:
        self._now = _aware(start)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, **delta: float) -> datetime:
        """Move forward by `timedelta(**delta)` (days=, hours=, minutes=, ...); returns now."""
        step = timedelta(**delta)
        if step < timedelta(0):
            raise ValueError("a clock does not go backwards; use set() to rewind a test")
        with self._lock:
            self._now += step
            return self._now

    def set(self, moment: datetime) -> None:
        """Jump to `moment`, forwards or backwards (a test arranging its scene)."""
        aware = _aware(moment)
        with self._lock:
            self._now = aware


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a clock gives timezone-aware datetimes only")
    return moment


class OffsetClock:
    """Another clock moved forward by an offset that only grows: a demonstration server's
    clock, so that a seven-day public notice can pass in a minute (never in production)."""

    def __init__(self, base: SystemClock | FixedClock) -> None:
        self._base = base
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            offset = self._offset
        return self._base.now() + offset

    def advance(self, **delta: float) -> datetime:
        step = timedelta(**delta)
        if step < timedelta(0):
            raise ValueError("a clock does not go backwards")
        with self._lock:
            self._offset += step
        return self.now()
