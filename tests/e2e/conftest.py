"""The API under test: in memory, on a fixed clock, with one account per role.

`Api` wraps Litestar's test client: `login(staff_id)` gives the headers of a logged-in
operator, and every response passes the P12 scan (no unmasked valid ID number), as does
every log line of the run (`tests/e2e/p12.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from adapters.clock import FixedClock, OffsetClock
from adapters.ids import SequentialIds
from adapters.memory.idempotency import InMemoryIdempotencyStore
from adapters.memory.registries import (
    InMemoryAssistancePlatform,
    InMemoryDisabilityRegister,
    InMemoryUnemploymentRegistry,
)
from adapters.memory.storage import InMemoryStore
from adapters.passwords import Argon2PasswordHasher
from application.staff import CreateStaffAccount, seed_staff_account
from domain.actors import Role
from domain.policy import Policy
from entrypoints.api import ApiServices, ApiSettings, create_app
from entrypoints.bootstrap import bootstrap_in_memory
from tests.e2e import p12
from tests.factories import T0

PASSWORD = "correct-horse-battery"
TOKEN_SECRET = "test-secret-of-at-least-thirty-two-bytes"
# Cheap Argon2 for tests (the defaults cost about 50 ms a hash).
HASHER = Argon2PasswordHasher(time_cost=1, memory_cost=1024)


def staff_id(role: Role, region: str) -> str:
    return f"{role.value.replace('_', '-')}-{region}"


class Api:
    """The app with its store, registries and clock, and a client that keeps tokens."""

    def __init__(
        self,
        *,
        settings: ApiSettings | None = None,
        demo: bool = False,
        policy: Policy | None = None,
    ) -> None:
        self.clock = FixedClock(T0)
        self.demo_clock = OffsetClock(self.clock) if demo else None
        clock = self.demo_clock or self.clock
        self.store = InMemoryStore()
        self.platform = InMemoryAssistancePlatform(clock=clock)
        self.unemployment = InMemoryUnemploymentRegistry()
        self.disability = InMemoryDisabilityRegister()
        self.deps = bootstrap_in_memory(
            clock=clock,
            ids=SequentialIds(),
            store=self.store,
            platform=self.platform,
            unemployment=self.unemployment,
            disability=self.disability,
            policy=policy,
        )
        self.services = ApiServices(
            deps=self.deps,
            hasher=HASHER,
            idempotency=InMemoryIdempotencyStore(),
            token_secret=TOKEN_SECRET,
            settings=settings or ApiSettings(requests_per_minute=100_000, burst=100_000),
            demo_clock=self.demo_clock,
        )
        self.app = create_app(self.services)
        self._tokens: dict[str, dict[str, str]] = {}

    def add_staff(self, role: Role, region: str, *, login: str | None = None) -> str:
        name = login or staff_id(role, region)
        seed_staff_account(
            self.deps, HASHER, CreateStaffAccount(name, f"经办人{name}", [role], region, PASSWORD)
        )
        return name

    def headers(self, client: TestClient[Any], login: str, **extra: str) -> dict[str, str]:
        if login not in self._tokens:
            answer = client.post(
                "/api/v1/auth/login", json={"username": login, "password": PASSWORD}
            )
            assert answer.status_code == 200, answer.text
            token = answer.json()["access_token"]
            self._tokens[login] = {"Authorization": f"Bearer {token}"}
        return {**self._tokens[login], **extra}

    def refusals(self) -> list[tuple[str, str, str]]:
        """(actor, action, reason) of every refusal recorded so far."""
        return [
            (e.actor_id, e.action, e.reason)
            for e in self.store.audit
            if e.outcome.value == "refused"
        ]


class ScannedClient(TestClient[Any]):
    """The test client; every response it gets is scanned for ID numbers (P12)."""

    def request(self, *args: Any, **kwargs: Any) -> httpx.Response:
        response = super().request(*args, **kwargs)
        p12.scan_response(response)
        return response


@pytest.fixture
def api() -> Api:
    return Api()


@pytest.fixture
def client(api: Api) -> Iterator[TestClient[Any]]:
    with ScannedClient(app=api.app) as test_client:
        yield test_client


@pytest.fixture(autouse=True, scope="package")
def _p12_log_scan() -> Iterator[None]:
    """P12: no log line of the e2e run carries an unmasked valid ID number."""
    with p12.scanning_logs() as found:
        yield
    assert found == [], f"unmasked ID numbers in log lines: {found[:3]}"
