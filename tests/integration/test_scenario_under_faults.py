"""The joint scenario end to end over the registry simulator, with faults switched on:
every sample household of the demo ends where it ends without faults (issue 5, P9).

The officers try a step again when a registry does not answer, and the outbox worker
retries what the scenarios wait on; the faults delay cases, they never decide them.
"""

from __future__ import annotations

import re

import httpx
import pytest

from adapters.clock import FixedClock
from adapters.http import (
    CircuitBreaker,
    HttpAssistancePlatform,
    HttpDisabilityRegister,
    HttpUnemploymentRegistry,
    RegistryEndpoint,
    RetryPolicy,
    Timeouts,
)
from adapters.simulator import Fault, FaultKind, RegistrySimulator, Seed
from entrypoints.demo import START, Demo, RegistryPorts, SampleRegistries
from tests.integration.registry_cases import API_KEY

# Each registry call meets one of these a good part of the time.
FAULTS = (
    Fault(FaultKind.ERROR, fraction=0.2),
    Fault(FaultKind.TIMEOUT, fraction=0.05, delay=0.5),
    Fault(FaultKind.TRUNCATED, fraction=0.05),
    Fault(FaultKind.HTML, fraction=0.05),
    Fault(FaultKind.RATE_LIMITED, fraction=0.05),
)


def amounts_and_dates_aside(summary: str) -> str:
    """A summary without its payment dates: retries move the clock, not the outcome."""
    return re.sub(r"，自\d{4}-\d{2}-\d{2}起", "", summary)


def run_over(simulator: RegistrySimulator, client: httpx.Client, clock: FixedClock) -> list[str]:
    def endpoint(name: str, path: str) -> RegistryEndpoint:
        return RegistryEndpoint(
            name,
            simulator.base_url(path),
            api_key=API_KEY,
            timeouts=Timeouts(connect=1.0, read=0.2),
            retry=RetryPolicy.without_waiting(2),
        )

    def breaker() -> CircuitBreaker:  # on the demo's clock: it opens and closes with it
        return CircuitBreaker(failures=5, reset_after=60, clock=lambda: clock.now().timestamp())

    registries = simulator.registries
    ports = RegistryPorts(
        HttpAssistancePlatform(
            client, endpoint("assistance_platform", "platform"), breaker=breaker()
        ),
        HttpUnemploymentRegistry(
            client, endpoint("unemployment_registry", "unemployment"), breaker=breaker()
        ),
        HttpDisabilityRegister(
            client, endpoint("disability_register", "disability"), breaker=breaker()
        ),
    )
    sample = SampleRegistries(registries.platform, registries.unemployment, registries.disability)
    demo = Demo(lambda _line: None, clock=clock, registries=sample, ports=ports)
    return [amounts_and_dates_aside(line) for line in demo.run()]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


def test_every_household_ends_where_it_would_without_faults(
    running_simulator: RegistrySimulator, loopback: httpx.Client, clock: FixedClock
) -> None:
    running_simulator.reset(Seed())
    without = [amounts_and_dates_aside(s) for s in Demo(lambda _line: None).run()]
    for fault in FAULTS:
        running_simulator.faults.add(fault)

    with_faults = run_over(running_simulator, loopback, clock)

    assert running_simulator.faults.struck > 20
    assert with_faults == without
