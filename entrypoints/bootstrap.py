"""The composition root: the one place that picks adapters and builds `Dependencies`.

Nothing is built at import time. Every argument overrides one default, so a test, the
demo or an embedding backend hands in its own clock, ids, policy or registries.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from attrs import evolve

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
from entrypoints.worker import Worker, WorkerSettings
from ports.clock import Clock, IdGenerator
from ports.outbox import Outbox
from ports.registries import AssistancePlatform, DisabilityRegister, UnemploymentRegistry
from ports.storage import (
    CaseRepository,
    ConsultationRepository,
    ScenarioRepository,
    UnitOfWork,
)


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
    """Everything in memory: for the demo, tests and embedding without a database.

    The outbox is delivered in this process right after each committed unit of work (a
    registry that fails is tried again after the next commit once its backoff is over).
    """
    clock = clock or SystemClock()
    memory = store or InMemoryStore()
    plain = Dependencies(
        uow=lambda: InMemoryUnitOfWork(memory),
        platform=platform or InMemoryAssistancePlatform(clock=clock),
        unemployment=unemployment or InMemoryUnemploymentRegistry(),
        disability=disability or InMemoryDisabilityRegister(),
        clock=clock,
        ids=ids or UuidIds(),
        policy=policy or default_policy(),
        calendar=calendar or china_calendar(),
    )
    worker = Worker(plain, memory.outbox, worker_id="in-process", settings=WorkerSettings())
    return evolve(plain, uow=lambda: DeliveringUnitOfWork(InMemoryUnitOfWork(memory), worker))


class DeliveringUnitOfWork:
    """A unit of work that, once its block is left after a commit, drains the outbox."""

    def __init__(self, inner: UnitOfWork, worker: Worker) -> None:
        self._inner = inner
        self._worker = worker
        self._committed = False
        self.cases: CaseRepository = inner.cases
        self.scenarios: ScenarioRepository = inner.scenarios
        self.consultations: ConsultationRepository = inner.consultations
        self.outbox: Outbox = inner.outbox

    def __enter__(self) -> Self:
        self._inner.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._inner.__exit__(exc_type, exc, tb)
        if self._committed:
            self._worker.drain()

    def commit(self) -> None:
        self._inner.commit()
        self._committed = True

    def rollback(self) -> None:
        self._inner.rollback()
