"""The outbox on SQL, end to end: queued with the change (P1), delivered, retried (P6, P8)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from adapters.clock import FixedClock
from adapters.ids import SequentialIds
from adapters.memory.registries import InMemoryAssistancePlatform, InMemoryUnemploymentRegistry
from application.commands import SubmitApplication
from application.intake import submit_application
from entrypoints.bootstrap import SqlComposition, bootstrap_sql
from entrypoints.worker import RetryPolicy, Worker, WorkerSettings
from ports.errors import DuplicateOpenCase
from ports.outbox import EntryStatus, OutboxEntry, RegisterUnemployment
from tests.factories import T0, make_case, resident_id
from tests.sql_support import settings_for
from tests.unit.app_helpers import DIBAO_MATERIALS, county_staff

PERSON = resident_id(3)
FEW_ATTEMPTS = WorkerSettings(retry=RetryPolicy(max_attempts=3, initial_seconds=1))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def platform(clock: FixedClock) -> InMemoryAssistancePlatform:
    return InMemoryAssistancePlatform(clock=clock)


@pytest.fixture
def system(database_url: str, clock, platform) -> Iterator[SqlComposition]:
    composed = bootstrap_sql(
        settings_for(database_url),
        clock=clock,
        ids=SequentialIds(),
        platform=platform,
        unemployment=InMemoryUnemploymentRegistry(),
    )
    yield composed
    composed.close()


def submitted(system: SqlComposition) -> str:
    command = SubmitApplication(
        service=make_case().service,
        resident_id=PERSON.reveal(),
        name="张三",
        region="370102001",
        materials=DIBAO_MATERIALS,
    )
    return submit_application(system.deps, county_staff().clerk, command).case.id


def worker(system: SqlComposition, settings: WorkerSettings | None = None) -> Worker:
    return Worker(system.deps, system.outbox, worker_id="test", settings=settings)


def test_an_acknowledged_application_is_stored_with_its_history_and_outbox_entry(system):
    """P1: when submit returns, the case, its first event's history entry and the
    platform write are committed."""
    case_id = submitted(system)

    history = system.history.of_subject("case", case_id)
    (entry,) = system.outbox.states()

    assert [e.event for e in history] == ["receive"]
    assert (entry.key, entry.status) == (f"platform-record-{case_id}", EntryStatus.PENDING)


def test_a_refused_commit_stores_neither_the_case_its_history_nor_its_outbox_entry(system):
    """P1: one transaction: the entry does not outlive the change it belongs to."""
    with system.deps.uow() as uow:
        uow.cases.add(make_case("case-0001", person=PERSON))
        uow.commit()
    with system.deps.uow() as uow:
        uow.cases.add(make_case("case-0002", person=PERSON))
        uow.outbox.add(OutboxEntry("k", RegisterUnemployment(PERSON, "case-0002", T0.date())))
        with pytest.raises(DuplicateOpenCase):
            uow.commit()

    assert system.outbox.states() == []
    assert system.history.of_subject("case", "case-0002") == []


def test_the_worker_records_the_application_and_the_scenario_keeps_the_reference(system, platform):
    """P6, R6: delivered once; the platform's reference is stored on the scenario."""
    case_id = submitted(system)

    worker(system).drain()

    with system.deps.uow() as uow:
        scenario = uow.scenarios.get(uow.cases.get(case_id).scenario_id or "")
    (record,) = platform.recorded
    assert scenario.platform_reference == record.reference
    assert system.outbox.state_of(f"platform-record-{case_id}").status is EntryStatus.DELIVERED


def test_a_failed_delivery_waits_for_its_backoff_before_the_next_attempt(system, platform, clock):
    """P8: retried later, not at once, with the attempt counted in the outbox."""
    case_id = submitted(system)
    platform.set_unavailable()

    worker(system).drain()

    state = system.outbox.state_of(f"platform-record-{case_id}")
    assert (state.status, state.attempts) == (EntryStatus.PENDING, 1)
    assert state.next_attempt_at is not None
    assert state.next_attempt_at > clock.now()
    assert "RegistryUnavailable" in state.last_error


def test_after_its_bounded_attempts_an_entry_is_an_incident_operators_can_retry(
    system, platform, clock
):
    """P8: the registry stays down: an incident, listed; retried once it is back."""
    case_id = submitted(system)
    platform.set_unavailable()
    for _ in range(FEW_ATTEMPTS.retry.max_attempts):
        worker(system, FEW_ATTEMPTS).drain()
        clock.advance(minutes=30)

    (incident,) = system.outbox.incidents()
    platform.set_unavailable(False)
    system.outbox.retry(incident.key, now=clock.now())
    worker(system, FEW_ATTEMPTS).drain()

    assert incident.key == f"platform-record-{case_id}"
    assert len(platform.recorded) == 1
    assert system.outbox.incidents() == []


def test_the_retry_policy_backs_off_exponentially_then_gives_up():
    """P8: tenacity's exponential wait with jitter, bounded by max_attempts."""
    policy = RetryPolicy(max_attempts=4, initial_seconds=2, max_seconds=60, jitter_seconds=1)

    waits = [policy.retry_at(n, T0) for n in range(1, 5)]

    seconds = [(w - T0) / timedelta(seconds=1) for w in waits[:3] if w is not None]
    assert [2 <= seconds[0] <= 3, 4 <= seconds[1] <= 5, 8 <= seconds[2] <= 9] == [True] * 3
    assert waits[3] is None
