"""The composition root: the one place that picks adapters and builds `Dependencies`.

Nothing is built at import time. Every argument overrides one default, so a test, the
demo or an embedding backend hands in its own clock, ids, policy or registries.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date
from types import TracebackType
from typing import Self

from attrs import evolve, frozen

from adapters.clock import SystemClock
from adapters.holiday_calendar import china_calendar
from adapters.ids import UuidIds
from adapters.memory.registries import (
    InMemoryAssistancePlatform,
    InMemoryDisabilityRegister,
    InMemoryUnemploymentRegistry,
)
from adapters.memory.storage import InMemoryStore, InMemoryUnitOfWork
from adapters.sql.crypto import PersonKey, Sealer
from adapters.sql.database import SqlDatabase
from adapters.sql.history import SqlHistory
from adapters.sql.idempotency import SqlIdempotencyStore
from adapters.sql.outbox import SqlOutboxQueue
from adapters.sql.schema import ensure_current
from adapters.sql.storage import SqlStorage
from application.dependencies import Dependencies
from domain.calendar import WorkingCalendar
from domain.cases import Case
from domain.deadlines import deadline_of
from domain.errors import DomainError
from domain.lifecycle import CaseRules
from domain.policy import Policy
from domain.policy_defaults import default_policy
from domain.regions import RegionCode
from domain.scenario import Scenario
from domain.services import Service
from entrypoints.settings import Settings
from entrypoints.worker import Worker, WorkerSettings
from ports.audit import AuditLog
from ports.clock import Clock, IdGenerator
from ports.outbox import Outbox
from ports.registries import AssistancePlatform, DisabilityRegister, UnemploymentRegistry
from ports.staff import StaffRepository
from ports.storage import (
    CaseRepository,
    ComplaintRepository,
    ConsultationRepository,
    ScenarioRepository,
    SpotCheckRepository,
    TrainingRepository,
    UnitOfWork,
)

log = logging.getLogger(__name__)


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
    policy = policy or default_policy()
    calendar = calendar or china_calendar()
    due_on = running_deadline(policy, calendar)
    plain = Dependencies(
        uow=lambda: InMemoryUnitOfWork(memory, due_on=due_on),
        platform=platform or InMemoryAssistancePlatform(clock=clock),
        unemployment=unemployment or InMemoryUnemploymentRegistry(),
        disability=disability or InMemoryDisabilityRegister(),
        clock=clock,
        ids=ids or UuidIds(),
        policy=policy,
        calendar=calendar,
    )
    worker = Worker(plain, memory.outbox, worker_id="in-process", settings=WorkerSettings())
    return evolve(
        plain,
        uow=lambda: DeliveringUnitOfWork(InMemoryUnitOfWork(memory, due_on=due_on), worker),
    )


class DeliveringUnitOfWork:
    """A unit of work that, once its block is left after a commit, drains the outbox."""

    def __init__(self, inner: UnitOfWork, worker: Worker) -> None:
        self._inner = inner
        self._worker = worker
        self._committed = False
        self.cases: CaseRepository = inner.cases
        self.scenarios: ScenarioRepository = inner.scenarios
        self.consultations: ConsultationRepository = inner.consultations
        self.staff: StaffRepository = inner.staff
        self.complaints: ComplaintRepository = inner.complaints
        self.spot_checks: SpotCheckRepository = inner.spot_checks
        self.training: TrainingRepository = inner.training
        self.outbox: Outbox = inner.outbox
        self.audit: AuditLog = inner.audit

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


@frozen
class SqlComposition:
    """What a process on the SQL storage runs with: the use cases' dependencies, the
    outbox queue its workers take from, and the history it verifies."""

    deps: Dependencies
    storage: SqlStorage
    outbox: SqlOutboxQueue
    history: SqlHistory
    idempotency: SqlIdempotencyStore

    def close(self) -> None:
        self.storage.database.dispose()


def bootstrap_sql(
    settings: Settings,
    *,
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
    policy: Policy | None = None,
    calendar: WorkingCalendar | None = None,
    platform: AssistancePlatform | None = None,
    unemployment: UnemploymentRegistry | None = None,
    disability: DisabilityRegister | None = None,
) -> SqlComposition:
    """SQLite or PostgreSQL as `settings.database_url` says; refuses an unmigrated schema.

    Raises SchemaNotCurrent, whose message names the command to run. The registries are
    the in-memory simulators unless given (the HTTP clients come with their issue).
    """
    database = SqlDatabase(settings.database_url)
    try:
        ensure_current(database)
    except BaseException:
        database.dispose()
        raise
    clock = clock or SystemClock()
    policy = policy or default_policy()
    calendar = calendar or china_calendar()
    storage = SqlStorage(
        database,
        sealer=Sealer(settings.data_key),
        person_key=PersonKey(settings.person_key),
        clock=clock,
        due_on=running_deadline(policy, calendar),
        parameters=parameters_in_force(policy),
    )
    if platform is None or unemployment is None or disability is None:
        log.warning("registries not given: using the in-memory simulators")
    deps = Dependencies(
        uow=storage.unit_of_work,
        platform=platform or InMemoryAssistancePlatform(clock=clock),
        unemployment=unemployment or InMemoryUnemploymentRegistry(),
        disability=disability or InMemoryDisabilityRegister(),
        clock=clock,
        ids=ids or UuidIds(),
        policy=policy,
        calendar=calendar,
    )
    idempotency = SqlIdempotencyStore(database, storage.sealer)
    return SqlComposition(deps, storage, SqlOutboxQueue(storage), storage.history, idempotency)


def running_deadline(policy: Policy, calendar: WorkingCalendar) -> Callable[[Case], date | None]:
    """The day a case's running time limit ends (R13) as of its last step, None once it
    is decided. While the clock is stopped for missing materials the day is as if the
    pause ended at that step: the earliest the deadline can fall, since pauses and
    extensions only move it later (`CaseQuery.due_by` relies on that)."""

    calendars: dict[RegionCode, WorkingCalendar] = {}  # each region's days off, built once

    def due_on(case: Case) -> date | None:
        try:
            rules = CaseRules.for_case(policy, case.service, case.region)
            days = calendars.get(rules.region.region)
            if days is None:
                days = calendars[rules.region.region] = calendar.with_days_off(
                    rules.region.days_off
                )
            today = case.last_event_at.date()
            deadline = deadline_of(case, rules.guide, days, today=today, due_soon_days=0)
        except DomainError as error:
            log.warning("case %s: no deadline column (%s)", case.id, error.code)
            return None
        return deadline.due if deadline is not None else None

    return due_on


def parameters_in_force(policy: Policy) -> Callable[[Case | Scenario], Mapping[str, str]]:
    """The policy figures a case's or scenario's decision rests on, with their versions
    and sources, for its history entries (P11: explained and recomputed later)."""

    def case_parameters(case: Case) -> dict[str, str]:
        try:
            rules = CaseRules.for_case(policy, case.service, case.region)
        except DomainError:
            return {}
        guide, region = rules.guide, rules.region
        day = case.last_event_at.date()
        standard = region.dibao_standard_on(day)
        facts = {
            "guide": f"{guide.service.value} {guide.version} from {guide.effective_from}",
            "time_limit": f"{guide.time_limit.working_days} working days"
            f" [{guide.time_limit.source}]",
            "region": f"{region.region.code} confirms at {region.confirming_level.name.lower()}"
            f" [{region.source}]",
        }
        if standard is not None and case.service is Service.DIBAO:
            facts["dibao_standard"] = (
                f"{standard.amount} from {standard.effective_from} [{standard.source}]"
            )
        return facts

    def scenario_parameters(scenario: Scenario) -> dict[str, str]:
        rule = policy.parameters.age_rule
        threshold = f"{rule.years}{'+' if rule.inclusive else ' exclusive'}"
        return {"age_rule": f"{threshold} [{rule.source}]"}

    def parameters(aggregate: Case | Scenario) -> Mapping[str, str]:
        if isinstance(aggregate, Case):
            return case_parameters(aggregate)
        return scenario_parameters(aggregate)

    return parameters
