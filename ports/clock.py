"""Time and identity: the only sources of "now" and of new ids (R4)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware; every received-at time comes from here (R4)."""
        ...


class IdGenerator(Protocol):
    def new_id(self, kind: str) -> str:
        """A new unique id for a record of `kind` ("case", "scenario", ...)."""
        ...


class AdjustableClock(Clock, Protocol):
    def advance(self, **delta: float) -> datetime:
        """Move forward by `timedelta(**delta)`, never back; returns the new now."""
        ...
