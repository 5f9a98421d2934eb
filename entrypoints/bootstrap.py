"""The composition root: the one place that picks adapters and builds `Dependencies`.

Nothing is built at import time. Every argument overrides one default, so a test, the
demo or an embedding backend hands in its own clock, ids, policy or registries.
"""

from __future__ import annotations

from adapters.clock import SystemClock
from adapters.holiday_calendar import china_calendar
from adapters.ids import UuidIds
from adapters.memory.registries import (
    InMemoryAssistancePlatform,
    InMemoryDisabilityRegister,
    InMemoryUnemploymentRegistry,
)
from adapters.memory.storage import InMemoryStore, InMemoryUnitOfWork
from application.dependencies import Dependencies
from domain.calendar import WorkingCalendar
from domain.policy import Policy
from domain.policy_defaults import default_policy
from ports.clock import Clock, IdGenerator
from ports.registries import AssistancePlatform, DisabilityRegister, UnemploymentRegistry


def bootstrap_in_memory(
    *,
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
    policy: Policy | None = None,
    calendar: WorkingCalendar | None = None,
    store: InMemoryStore | None = None,
    platform: AssistancePlatform | None = None,
    unemployment: UnemploymentRegistry | None = None,
    disability: DisabilityRegister | None = None,
) -> Dependencies:
    """Everything in memory: for the demo, tests and embedding without a database."""
    clock = clock or SystemClock()
    store = store or InMemoryStore()
    return Dependencies(
        uow=lambda: InMemoryUnitOfWork(store),
        platform=platform or InMemoryAssistancePlatform(clock=clock),
        unemployment=unemployment or InMemoryUnemploymentRegistry(),
        disability=disability or InMemoryDisabilityRegister(),
        clock=clock,
        ids=ids or UuidIds(),
        policy=policy or default_policy(),
        calendar=calendar or china_calendar(),
    )
