"""The OpenAPI documents of the three wire formats (docs/registries/), held against the
simulator and the adapters: every path served is documented, every request an adapter
sends and every answer the simulator gives matches its documented schema."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from adapters.simulator import ROUTES, PersonSeed, RegistrySimulator, Seed
from domain.facts import AssistanceRecord, CheckWarning, DisabilityStatus, RecordStatus
from domain.money import Money
from domain.services import Service
from tests.integration.registry_cases import OPERATIONS, PERSON, Operation

DOCUMENTS = Path(__file__).parents[2] / "docs" / "registries"
FILES = {
    "platform": "assistance-platform.json",
    "unemployment": "unemployment-registry.json",
    "disability": "disability-register.json",
}
SEED = Seed(
    (
        PersonSeed(
            PERSON,
            history=(AssistanceRecord(Service.TEKUN, RecordStatus.ENDED, date(2020, 1, 1)),),
            registered_on=date(2025, 11, 3),
            disability=DisabilityStatus(True, 2, "智力", Money(10000)),
            check_warnings=(
                CheckWarning("vehicle_owned", "名下登记有机动车辆一辆", "车辆管理部门"),
            ),
        ),
    )
)


def document(registry: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DOCUMENTS / FILES[registry]).read_text("utf-8"))
    return loaded


def route_of(operation: Operation) -> tuple[str, str]:
    """The documented path (below the registry's base URL) of the operation."""
    for path, route in ROUTES.items():
        if route.operation == operation.name:
            return route.registry, path.removeprefix(f"/{route.registry}")
    raise LookupError(operation.name)


def check(registry: str, schema: dict[str, Any], instance: object) -> None:
    rooted = {**schema, "components": document(registry)["components"]}
    OAS31Validator(rooted).validate(instance)


class Recording(httpx.BaseTransport):
    """A real transport that keeps each request and the answer it got."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.exchanges: list[tuple[httpx.Request, int, bytes]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        content = response.read()
        self.exchanges.append((request, response.status_code, content))
        return httpx.Response(response.status_code, headers=response.headers, content=content)

    def close(self) -> None:
        self._inner.close()


def exchange(
    simulator: RegistrySimulator, operation: Operation
) -> tuple[httpx.Request, int, bytes]:
    simulator.reset(SEED)
    recording = Recording()
    with httpx.Client(transport=recording) as client:
        operation.call(operation.make(client, simulator.base_url(operation.simulator_path)))
    [(request, status, content)] = recording.exchanges
    return request, status, content


@pytest.mark.parametrize("registry", FILES)
def test_each_document_is_valid_openapi_3_1(registry):
    validate(document(registry))  # raises on the first violation


def test_the_simulator_serves_exactly_the_documented_paths():
    documented = {f"/{r}{path}" for r in FILES for path in document(r)["paths"]}

    assert documented == set(ROUTES)


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_the_request_an_adapter_sends_matches_its_documented_schema(simulator, operation):
    registry, path = route_of(operation)
    documented = document(registry)["paths"][path]["post"]
    schema = documented["requestBody"]["content"]["application/json"]["schema"]

    request, _, _ = exchange(simulator, operation)

    check(registry, schema, json.loads(request.content))


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_a_write_names_its_idempotency_key_as_documented(operation):
    registry, path = route_of(operation)
    parameters = document(registry)["paths"][path]["post"].get("parameters", [])

    documented = [p["name"] for p in parameters if p["in"] == "header" and p["required"]]

    assert documented == (["Idempotency-Key"] if operation.write else [])


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_the_answer_the_simulator_gives_matches_its_documented_schema(simulator, operation):
    registry, path = route_of(operation)

    _, status, content = exchange(simulator, operation)

    documented = document(registry)["paths"][path]["post"]["responses"][str(status)]
    check(registry, documented["content"]["application/json"]["schema"], json.loads(content))


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_the_answer_each_adapter_test_uses_matches_its_documented_schema(operation):
    """The mock answers of the fault matrix are valid answers, so a fault is the only change."""
    registry, path = route_of(operation)
    status = "201" if operation.write else "200"
    documented = document(registry)["paths"][path]["post"]["responses"][status]

    check(registry, documented["content"]["application/json"]["schema"], operation.answer)


@pytest.mark.parametrize("registry", FILES)
def test_no_documented_path_carries_a_parameter_in_the_url(registry):
    """P12: the ID number travels in the body, so no path or query parameter exists."""
    paths = document(registry)["paths"]

    in_url = [
        p
        for item in paths.values()
        for p in item["post"].get("parameters", [])
        if p["in"] in ("path", "query")
    ]

    assert (in_url, [path for path in paths if "{" in path]) == ([], [])
