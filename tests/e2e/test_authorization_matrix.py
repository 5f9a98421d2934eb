"""The authorization matrix (P10): every role, against a record in its own region, in a
region below it and in a foreign one, on every endpoint that needs an account.

The expected roles are written out here as the access rules read (DESIGN.md "who uses
it"; the policy's permissions for the steps), not taken from the code under test. No
request may be allowed that is not expected; every refusal is a 403 and is recorded in
the history with the officer and the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from typing import Any

import pytest
from attrs import frozen

from application.commands import RecordConsultation, SubmitApplication
from application.consultations import record_consultation
from application.intake import submit_application
from domain.actors import Actor, Role
from domain.regions import RegionCode
from domain.services import Service
from tests.e2e.conftest import Api, ScannedClient
from tests.factories import resident_id

W, R, A, HR = Role.WINDOW_CLERK, Role.REVIEWER, Role.APPROVER, Role.HR_OFFICER
ASSESSOR, SUPERVISOR, AUDITOR, ADMIN = (
    Role.ASSESSOR,
    Role.SUPERVISOR,
    Role.AUDITOR,
    Role.ADMINISTRATOR,
)
STAFF_ROLES = (W, R, A, HR, ASSESSOR, SUPERVISOR, AUDITOR, ADMIN)
READERS = frozenset({W, R, A, HR, ASSESSOR, SUPERVISOR, AUDITOR})
HANDLERS = frozenset({W, R, A, HR})

ACTOR_REGION = "370102"  # every officer of the matrix works for the county
REGIONS = {"own": "370102", "child": "370102001", "foreign": "370103001"}
MATERIALS = ["id_card", "household_register", "commitment", "check_authorization"]
serial = count(100)


@frozen
class Records:
    case_id: str
    scenario_id: str
    consultation_id: str
    region: str


@frozen
class Endpoint:
    name: str
    allowed: frozenset[Role]
    request: Callable[[Records], tuple[str, str, dict[str, Any] | None]]
    regional: bool = True  # whether the record's region limits it


def _application(records: Records) -> tuple[str, str, dict[str, Any]]:
    body = {
        "service": "dibao",
        "resident_id": resident_id(next(serial)).reveal(),
        "name": "王五",
        "region": records.region,
        "materials": MATERIALS,
    }
    return "POST", "/api/v1/applications", body


def _case(path: str) -> Callable[[Records], tuple[str, str, None]]:
    return lambda r: ("GET", f"/api/v1/cases/{r.case_id}{path}", None)


def _step(body: dict[str, Any]) -> Callable[[Records], tuple[str, str, dict[str, Any]]]:
    return lambda r: ("POST", f"/api/v1/cases/{r.case_id}/events", body)


def _staff(records: Records) -> tuple[str, str, dict[str, Any]]:
    body = {
        "id": f"made-{next(serial)}",
        "name": "新人",
        "roles": ["reviewer"],
        "region": records.region,
        "password": "a-long-enough-password",
    }
    return "POST", "/api/v1/staff", body


ENDPOINTS = (
    Endpoint("submit an application", frozenset({W}), _application),
    Endpoint(
        "list cases",
        READERS,
        lambda r: ("GET", f"/api/v1/cases?region={r.region}", None),
    ),
    Endpoint(
        "cases by deadline",
        READERS,
        lambda r: ("GET", f"/api/v1/cases/due?region={r.region}", None),
    ),
    Endpoint("read a case", READERS, _case("")),
    Endpoint("read its notice", READERS, _case("/notice")),
    Endpoint("print its notice", READERS, _case("/notice.html")),
    Endpoint("read its decision", READERS, _case("/decision")),
    Endpoint("print its decision", READERS, _case("/decision.html")),
    Endpoint("read the full ID", HANDLERS, _case("/resident-id")),
    Endpoint(
        "transfer the case",
        frozenset({W, R, A, SUPERVISOR}),
        _step({"event": "transfer", "to_officer": "someone-else", "reason": "workload"}),
    ),
    Endpoint(
        "dispute the check report",
        frozenset({W, R}),
        lambda r: ("POST", f"/api/v1/cases/{r.case_id}/dispute", {"evidence": ["行驶证注销证明"]}),
    ),
    Endpoint(
        "read the scenario",
        READERS,
        lambda r: ("GET", f"/api/v1/scenarios/{r.scenario_id}", None),
    ),
    Endpoint(
        "record a consultation",
        HANDLERS,
        lambda r: (
            "POST",
            "/api/v1/consultations",
            {"question": "低保怎么申请？", "region": r.region},
        ),
    ),
    Endpoint(
        "transfer a consultation",
        HANDLERS | {SUPERVISOR},  # R10, R15: a supervisor redirects a bounced record
        lambda r: (
            "POST",
            f"/api/v1/consultations/{r.consultation_id}/transfer",
            {"to_officer": f"other-{next(serial)}", "reason": "转民政办"},
        ),
    ),
    Endpoint(
        "answer a consultation",
        HANDLERS,
        lambda r: (
            "POST",
            f"/api/v1/consultations/{r.consultation_id}/answer",
            {"answer": "携带身份证到窗口申请。"},
        ),
    ),
    Endpoint(
        "find a person's cases",
        frozenset({W, R, A, HR, SUPERVISOR}),
        lambda r: ("POST", "/api/v1/people/cases", {"resident_id": resident_id(1).reveal()}),
        regional=False,
    ),
    Endpoint("create a staff account", frozenset({ADMIN}), _staff),
    Endpoint(
        "move the demo clock",
        frozenset({ADMIN}),
        lambda r: ("POST", "/api/v1/demo/clock", {"days": 1}),
        regional=False,
    ),
    Endpoint(
        "who am I",
        frozenset(STAFF_ROLES),
        lambda r: ("GET", "/api/v1/auth/me", None),
        regional=False,
    ),
)


def arrange(api: Api, region: str) -> Records:
    """A dibao case (with its scenario) and a consultation in `region`, made by its clerk."""
    clerk = Actor(f"seed-{region}", "刘敏", [W], RegionCode(region))
    intake = submit_application(
        api.deps,
        clerk,
        SubmitApplication(Service.DIBAO, resident_id(next(serial)).reveal(), "张三", region),
    )
    asked = record_consultation(api.deps, clerk, RecordConsultation("材料有哪些？", region))
    assert intake.scenario is not None
    return Records(intake.case.id, intake.scenario.id, asked.consultation.id, region)


@pytest.mark.parametrize("where", list(REGIONS))
@pytest.mark.parametrize("role", STAFF_ROLES, ids=[r.value for r in STAFF_ROLES])
def test_no_role_is_allowed_what_it_should_not_be_and_every_refusal_is_recorded(role, where):
    api = Api(demo=True)
    records = arrange(api, REGIONS[where])
    login = api.add_staff(role, ACTOR_REGION)
    unexpected: list[str] = []
    with ScannedClient(app=api.app) as client:
        headers = api.headers(client, login)
        for endpoint in ENDPOINTS:
            expected = role in endpoint.allowed and (not endpoint.regional or where != "foreign")
            method, path, body = endpoint.request(records)
            before = len(api.refusals())
            answer = client.request(method, path, json=body, headers=headers)
            refused = answer.status_code == 403
            recorded = api.refusals()[before:]
            if refused == expected:
                unexpected.append(f"{endpoint.name}: {answer.status_code} {answer.text[:120]}")
            elif refused and [r[0] for r in recorded] != [login]:
                unexpected.append(f"{endpoint.name}: refused but not recorded")
            elif answer.status_code in (401, 500):
                unexpected.append(f"{endpoint.name}: {answer.status_code}")

    assert unexpected == []
