"""What every use case needs, built once by the composition root and passed in."""

from __future__ import annotations

from collections.abc import Callable

from attrs import frozen

from domain.calendar import WorkingCalendar
from domain.policy import Policy
from ports.clock import Clock, IdGenerator
from ports.registries import AssistancePlatform, DisabilityRegister, UnemploymentRegistry
from ports.storage import UnitOfWork


@frozen
class Dependencies:
    """The ports and the policy the use cases run against (no globals, R4: one clock)."""

    uow: Callable[[], UnitOfWork]
    platform: AssistancePlatform
    unemployment: UnemploymentRegistry
    disability: DisabilityRegister
    clock: Clock
    ids: IdGenerator
    policy: Policy
    calendar: WorkingCalendar
