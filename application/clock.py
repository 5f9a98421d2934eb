"""Moving the clock of a demonstration server (never in production: R4).

Only a server started with `--demo` has an adjustable clock; only an administrator may
move it, forward only, and every move is recorded in the history.
"""

from __future__ import annotations

from datetime import datetime

from application.access import UseCase, authorise
from application.audit import record_allowed
from application.dependencies import Dependencies
from domain.actors import Actor
from ports.clock import AdjustableClock


def advance_demo_clock(
    deps: Dependencies, actor: Actor, clock: AdjustableClock, *, days: int, hours: int = 0
) -> datetime:
    """Move the demo clock forward; returns the new time."""
    subject = ("clock", "demo")
    authorise(deps, actor, UseCase.MOVE_DEMO_CLOCK, subject=subject)
    moved = clock.advance(days=days, hours=hours)
    record_allowed(
        deps,
        actor.id,
        "demo_clock_moved",
        subject=subject,
        rule="R4",
        details={"days": str(days), "hours": str(hours), "now": moved.isoformat()},
    )
    return moved
