"""Fixtures of the integration tests: the SQL databases of `tests.sql_support`, and a
registry simulator on an ephemeral loopback port, shared by a module, reset per test."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from adapters.clock import FixedClock
from adapters.simulator import RegistrySimulator, Seed
from tests.factories import T0
from tests.integration.registry_cases import API_KEY
from tests.sql_support import (  # noqa: F401
    database,
    database_url,
    empty_postgres_url,
    postgres_template,
    postgres_url,
    sqlite_template,
    sqlite_url,
)


@pytest.fixture(scope="module")
def running_simulator() -> Iterator[RegistrySimulator]:
    with RegistrySimulator(clock=FixedClock(T0), api_key=API_KEY, fault_seed=5) as running:
        yield running


@pytest.fixture
def simulator(running_simulator: RegistrySimulator) -> RegistrySimulator:
    running_simulator.reset(Seed())
    return running_simulator


@pytest.fixture(scope="module")
def loopback() -> Iterator[httpx.Client]:
    """A plain client for the simulator, proxies of the environment ignored."""
    with httpx.Client(trust_env=False) as client:
        yield client
