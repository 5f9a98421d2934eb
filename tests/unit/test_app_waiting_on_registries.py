"""A scenario that waits on a registry moves on by itself once the registry answers, and
becomes an incident for operators when it never does (issue 5, P8, P9)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.scenario import QueryUnemploymentRegistry
from domain.services import Service
from entrypoints.worker import RetryPolicy, Worker, WorkerSettings
from ports.errors import RegistryRefused
from ports.outbox import EntryStatus, ResumeScenario
from tests.factories import resident_id
from tests.unit.app_helpers import World, scenario_of


@pytest.fixture
def world() -> World:
    return World()


def resume_entries(world: World) -> list[str]:
    return [s.key for s in world.store.outbox.states() if s.kind == ResumeScenario.__name__]


def test_p8_a_registry_that_does_not_answer_queues_a_retry_of_the_scenario(
    world: World,
) -> None:
    world.unemployment.set_unavailable()

    intake = world.submit_dibao(resident_id(1))

    (key,) = resume_entries(world)
    assert scenario_of(intake) in key
    assert world.store.outbox.state_of(key).status is EntryStatus.PENDING


def test_p8_when_the_registry_answers_again_the_scenario_moves_on_without_an_officer(
    world: World,
) -> None:
    """R8: the worker retries; the registration case opens; no officer acted."""
    world.unemployment.set_unavailable()
    intake = world.submit_dibao(resident_id(1))
    world.unemployment.set_unavailable(False)
    world.clock.advance(minutes=5)  # past the first backoff

    Worker(world.deps, world.store.outbox, worker_id="w1").drain()

    scenario = world.scenario(scenario_of(intake))
    assert scenario.outstanding == []
    assert Service.UNEMPLOYMENT_REGISTRATION in scenario.linked_cases
    (key,) = resume_entries(world)
    assert world.store.outbox.state_of(key).status is EntryStatus.DELIVERED


def test_p8_a_retry_that_fails_again_keeps_its_one_entry(world: World) -> None:
    world.unemployment.set_unavailable()
    intake = world.submit_dibao(resident_id(1))
    world.clock.advance(minutes=5)

    Worker(world.deps, world.store.outbox, worker_id="w1").drain()

    assert len(resume_entries(world)) == 1
    assert world.scenario(scenario_of(intake)).outstanding == [QueryUnemploymentRegistry()]


def test_p8_after_the_retry_budget_the_waiting_scenario_is_an_incident(world: World) -> None:
    world.unemployment.set_unavailable()
    intake = world.submit_dibao(resident_id(1))
    policy = RetryPolicy(max_attempts=3, initial_seconds=1, max_seconds=1, jitter_seconds=0)
    worker = Worker(
        world.deps, world.store.outbox, worker_id="w1", settings=WorkerSettings(retry=policy)
    )

    for _ in range(4):
        world.clock.advance(minutes=1)
        worker.drain()

    (incident,) = world.store.outbox.incidents()
    assert incident.kind == ResumeScenario.__name__
    assert scenario_of(intake) in incident.key
    assert "RegistryUnavailable" in incident.last_error
    assert world.scenario(scenario_of(intake)).outstanding == [QueryUnemploymentRegistry()]


def test_p8_a_refusing_registry_is_an_incident_at_once(world: World) -> None:
    """A 401 or 422 does not heal by waiting: operators see it on the first failure.

    The intake's query fails, and so does the retry the in-process worker makes at once.
    """
    refused = RegistryRefused("unemployment", "bad key", status=401)
    world.unemployment.fail_next(2, refused)

    world.submit_dibao(resident_id(1))

    (incident,) = world.store.outbox.incidents()
    assert incident.attempts == 1
    assert "RegistryRefused" in incident.last_error


def test_p8_an_operator_retry_of_the_incident_moves_the_scenario_on(world: World) -> None:
    world.unemployment.set_unavailable()
    intake = world.submit_dibao(resident_id(1))
    world.unemployment.fail_next(1, RegistryRefused("unemployment", "bad key", status=401))
    world.unemployment.set_unavailable(False)
    world.clock.advance(minutes=5)
    worker = Worker(world.deps, world.store.outbox, worker_id="w1")
    worker.drain()
    (incident,) = world.store.outbox.incidents()
    world.unemployment.seed_registered(resident_id(1), date(2025, 9, 1))

    world.store.outbox.retry(incident.key, now=world.clock.now())
    worker.drain()

    scenario = world.scenario(scenario_of(intake))
    assert scenario.outstanding == []
    assert Service.EMPLOYMENT_DIFFICULTY in scenario.linked_cases
