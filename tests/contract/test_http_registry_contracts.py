"""The registry contract suites, run for the HTTP adapters against the simulator (STYLE 7).

One simulator serves the module on an ephemeral loopback port; each test reseeds it.
An unavailable registry is a port nothing listens on: a real refused connection.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from adapters.clock import FixedClock
from adapters.http import (
    HttpAssistancePlatform,
    HttpDisabilityRegister,
    HttpUnemploymentRegistry,
    RegistryEndpoint,
    RetryPolicy,
    Timeouts,
)
from adapters.simulator import PersonSeed, RegistrySimulator, Seed
from tests.contract.test_registry_contracts import (
    AssistancePlatformContract,
    DisabilityRegisterContract,
    UnemploymentRegistryContract,
)
from tests.factories import T0

API_KEY = "contract-key"


@pytest.fixture(scope="module")
def simulator() -> Iterator[RegistrySimulator]:
    with RegistrySimulator(clock=FixedClock(T0), api_key=API_KEY) as running:
        yield running


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False) as shared:
        yield shared


def closed_port_url() -> str:
    """The URL of a loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def endpoint(name: str, base_url: str) -> RegistryEndpoint:
    return RegistryEndpoint(
        name,
        base_url,
        api_key=API_KEY,
        timeouts=Timeouts(connect=0.5, read=2.0),
        retry=RetryPolicy.without_waiting(2),
    )


def seed(histories=None, warnings=None, registered=None, statuses=None) -> Seed:
    people = set(histories or {}) | set(warnings or {}) | set(registered or {})
    people |= set(statuses or {})
    return Seed(
        tuple(
            PersonSeed(
                person,
                history=tuple((histories or {}).get(person, ())),
                check_warnings=tuple((warnings or {}).get(person, ())),
                registered_on=(registered or {}).get(person),
                disability=(statuses or {}).get(person),
            )
            for person in sorted(people, key=lambda p: p.masked)
        )
    )


class _OnTheSimulator:
    simulator: RegistrySimulator
    client: httpx.Client

    @pytest.fixture(autouse=True)
    def _serve(self, simulator: RegistrySimulator, client: httpx.Client) -> None:
        simulator.reset(Seed())
        self.simulator = simulator
        self.client = client


class TestHttpAssistancePlatform(_OnTheSimulator, AssistancePlatformContract):
    def make_platform(self, histories=None, warnings=None) -> HttpAssistancePlatform:
        self.simulator.reset(seed(histories=histories, warnings=warnings))
        url = self.simulator.base_url("platform")
        return HttpAssistancePlatform(self.client, endpoint("assistance_platform", url))

    def make_unavailable_platform(self) -> HttpAssistancePlatform:
        url = f"{closed_port_url()}/platform"
        return HttpAssistancePlatform(self.client, endpoint("assistance_platform", url))

    def applications_recorded(self, platform) -> int:
        return len(self.simulator.registries.platform.recorded)


class TestHttpUnemploymentRegistry(_OnTheSimulator, UnemploymentRegistryContract):
    def make_registry(self, registered=None) -> HttpUnemploymentRegistry:
        self.simulator.reset(seed(registered=registered))
        url = self.simulator.base_url("unemployment")
        return HttpUnemploymentRegistry(self.client, endpoint("unemployment_registry", url))

    def make_unavailable_registry(self) -> HttpUnemploymentRegistry:
        url = f"{closed_port_url()}/unemployment"
        return HttpUnemploymentRegistry(self.client, endpoint("unemployment_registry", url))

    def registrations_made(self, registry) -> int:
        return len(self.simulator.registries.unemployment.registrations)

    def recognitions_recorded(self, registry) -> int:
        return len(self.simulator.registries.unemployment.recognitions)


class TestHttpDisabilityRegister(_OnTheSimulator, DisabilityRegisterContract):
    def make_register(self, statuses=None) -> HttpDisabilityRegister:
        self.simulator.reset(seed(statuses=statuses))
        url = self.simulator.base_url("disability")
        return HttpDisabilityRegister(self.client, endpoint("disability_register", url))

    def make_unavailable_register(self) -> HttpDisabilityRegister:
        url = f"{closed_port_url()}/disability"
        return HttpDisabilityRegister(self.client, endpoint("disability_register", url))
