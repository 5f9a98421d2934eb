"""schemathesis against the served OpenAPI document: no 5xx, answers conform to the
document, invalid input is refused.

Each operation gets `API_EXAMPLES` cases: 100 under HYPOTHESIS_PROFILE=ci, 15 otherwise.
The operator holds every staff role in the county 370102, so that every operation can
succeed; the rate limit is out of the way (it has its own test). The app is built when
this module is collected (schemathesis reads the document then): in memory, cheaply.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from litestar.testing import TestClient
from schemathesis.specs.openapi.checks import positive_data_acceptance

from application.staff import CreateStaffAccount, seed_staff_account
from domain.actors import Role
from tests.e2e.conftest import HASHER, PASSWORD, Api

API_EXAMPLES = 100 if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else 15
ALL_STAFF_ROLES = [r for r in Role if r is not Role.SYSTEM]


def _served() -> tuple[Api, dict[str, str]]:
    api = Api(demo=True)
    fuzzer = CreateStaffAccount("fuzzer", "测试", ALL_STAFF_ROLES, "370102", PASSWORD)
    seed_staff_account(api.deps, HASHER, fuzzer)
    with TestClient(app=api.app) as client:
        login = {"username": "fuzzer", "password": PASSWORD}
        token = client.post("/api/v1/auth/login", json=login).json()["access_token"]
    return api, {"Authorization": f"Bearer {token}"}


API, HEADERS = _served()
schema = schemathesis.openapi.from_asgi("/api/v1/schema/openapi.json", API.app)


@schema.parametrize()
@settings(
    max_examples=API_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_keeps_to_its_document(case: Any) -> None:
    # A valid shape may still be refused (422) for what a schema cannot say: an ID's
    # check digit, a region without policy, a material the guide does not list.
    case.call_and_validate(headers=HEADERS, excluded_checks=[positive_data_acceptance])
