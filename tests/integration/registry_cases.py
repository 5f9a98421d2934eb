"""The seven registry operations as the HTTP tests drive them, with a valid answer each.

`OPERATIONS` names every operation of every HTTP adapter: how to build the adapter, how
to call it, the answer document a registry gives for it (as docs/registries/ define),
and the domain value that answer means. `mock_client` hands the adapters an
`httpx.MockTransport` that answers from a script and counts what was sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

import httpx

from adapters.http import (
    CircuitBreaker,
    HttpAssistancePlatform,
    HttpDisabilityRegister,
    HttpUnemploymentRegistry,
    RegistryEndpoint,
    RetryPolicy,
    Timeouts,
)
from domain.facts import (
    AssistanceHistory,
    AssistanceRecord,
    CheckWarning,
    DisabilityStatus,
    HouseholdCheckReport,
    RecordStatus,
    UnemploymentStatus,
)
from domain.money import Money
from domain.services import Service
from ports.registries import PlatformApplication
from tests.factories import T0, TOWNSHIP, resident_id

PERSON = resident_id(7)
API_KEY = "test-key"
TODAY = T0.date()

Adapter = HttpAssistancePlatform | HttpUnemploymentRegistry | HttpDisabilityRegister
AdapterType = (
    type[HttpAssistancePlatform] | type[HttpUnemploymentRegistry] | type[HttpDisabilityRegister]
)


@dataclass(frozen=True)
class Operation:
    name: str
    registry: str  # the registry's name in errors
    simulator_path: str  # platform, unemployment or disability
    write: bool
    adapter: AdapterType
    call: Callable[[Adapter], object]
    answer: dict[str, object]  # a valid answer for the call
    means: object  # the domain value that answer means

    def __str__(self) -> str:
        return self.name

    def make(
        self,
        client: httpx.Client,
        base_url: str = "http://registry.test",
        *,
        attempts: int = 3,
        timeouts: Timeouts | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> Adapter:
        endpoint = RegistryEndpoint(
            self.registry,
            base_url,
            api_key=API_KEY,
            timeouts=timeouts or Timeouts(connect=1.0, read=1.0),
            retry=RetryPolicy.without_waiting(attempts),
        )
        return self.adapter(client, endpoint, breaker=breaker)


def application(case_id: str = "case-0001") -> PlatformApplication:
    return PlatformApplication(case_id, Service.DIBAO, PERSON, TOWNSHIP, T0)


def _platform(adapter: Adapter) -> HttpAssistancePlatform:
    assert isinstance(adapter, HttpAssistancePlatform)
    return adapter


def _unemployment(adapter: Adapter) -> HttpUnemploymentRegistry:
    assert isinstance(adapter, HttpUnemploymentRegistry)
    return adapter


def _disability(adapter: Adapter) -> HttpDisabilityRegister:
    assert isinstance(adapter, HttpDisabilityRegister)
    return adapter


OPERATIONS = (
    Operation(
        "history_of",
        "assistance_platform",
        "platform",
        False,
        HttpAssistancePlatform,
        lambda a: _platform(a).history_of(PERSON),
        {
            "person": PERSON.masked,
            "records": [
                {
                    "service": "dibao",
                    "status": "refused",
                    "since": "2025-10-09",
                    "reference": "SD-2025-1009",
                }
            ],
        },
        AssistanceHistory(
            (
                AssistanceRecord(
                    Service.DIBAO, RecordStatus.REFUSED, date(2025, 10, 9), "SD-2025-1009"
                ),
            )
        ),
    ),
    Operation(
        "record_application",
        "assistance_platform",
        "platform",
        True,
        HttpAssistancePlatform,
        lambda a: _platform(a).record_application(application()),
        {"case_id": "case-0001", "reference": "SD-1"},
        "SD-1",
    ),
    Operation(
        "check_report",
        "assistance_platform",
        "platform",
        True,
        HttpAssistancePlatform,
        lambda a: _platform(a).check_report(PERSON, case_id="case-0001"),
        {
            "case_id": "case-0001",
            "revision": 0,
            "reference": "HC-1",
            "issued_on": TODAY.isoformat(),
            "warnings": [
                {"code": "real_estate", "text": "名下有两套住房", "source": "不动产登记机构"}
            ],
        },
        HouseholdCheckReport(
            "HC-1", TODAY, (CheckWarning("real_estate", "名下有两套住房", "不动产登记机构"),)
        ),
    ),
    Operation(
        "registration_of",
        "unemployment_registry",
        "unemployment",
        False,
        HttpUnemploymentRegistry,
        lambda a: _unemployment(a).registration_of(PERSON),
        {"person": PERSON.masked, "registered": True, "registered_on": "2025-11-03"},
        UnemploymentStatus(True, date(2025, 11, 3)),
    ),
    Operation(
        "register",
        "unemployment_registry",
        "unemployment",
        True,
        HttpUnemploymentRegistry,
        lambda a: _unemployment(a).register(PERSON, case_id="case-0002", on=TODAY),
        {"person": PERSON.masked, "registered": True, "registered_on": TODAY.isoformat()},
        UnemploymentStatus(True, TODAY),
    ),
    Operation(
        "record_recognition",
        "unemployment_registry",
        "unemployment",
        True,
        HttpUnemploymentRegistry,
        lambda a: _unemployment(a).record_recognition(
            PERSON, case_id="case-0003", recognised=True, on=TODAY
        ),
        {"case_id": "case-0003", "recognised": True},
        None,
    ),
    Operation(
        "status_of",
        "disability_register",
        "disability",
        False,
        HttpDisabilityRegister,
        lambda a: _disability(a).status_of(PERSON),
        {
            "person": PERSON.masked,
            "receives_severe_nursing_subsidy": True,
            "grade": 1,
            "category": "肢体",
            "severe_nursing_monthly_fen": 10000,
        },
        DisabilityStatus(True, grade=1, category="肢体", severe_nursing_monthly=Money(10000)),
    ),
)


def answer_ok(operation: Operation) -> httpx.Response:
    return httpx.Response(201 if operation.write else 200, json=operation.answer)


Reply = Callable[[httpx.Request], httpx.Response]


@dataclass
class Script:
    """Answers requests in turn from `replies`; after the last, answers as `then` does."""

    replies: list[Reply]
    then: Reply
    sent: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        reply = self.replies.pop(0) if self.replies else self.then
        return reply(request)

    def bodies(self) -> Iterator[dict[str, object]]:
        for request in self.sent:
            yield json.loads(request.content)


def mock_client(script: Script) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(script))
