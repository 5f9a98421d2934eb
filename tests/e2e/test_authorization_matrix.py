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

from application.case_events import apply_case_event
from application.commands import (
    ApplyCaseEvent,
    ApplyComplaintEvent,
    DrawSpotCheck,
    RecordComplaint,
    RecordConsultation,
    RecordTrainingSession,
    SubmitApplication,
)
from application.complaints import apply_complaint_event, record_complaint
from application.consultations import record_consultation
from application.intake import submit_application
from application.spot_checks import draw_sample
from application.training import record_training_session
from domain.actors import Actor, Role
from domain.complaints import ComplaintKind
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
    closed_case_id: str = ""  # withdrawn: decided, so drawn for the spot check
    complaint_id: str = ""  # about the closed case, verified as substantiated
    spot_check_id: str = ""
    session_id: str = ""


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


def _get(path: str) -> Callable[[Records], tuple[str, str, None]]:
    return lambda r: ("GET", "/api/v1/" + path.format(r=r), None)


def _post(path: str, body: dict[str, Any]) -> Callable[[Records], tuple[str, str, dict[str, Any]]]:
    return lambda r: ("POST", "/api/v1/" + path.format(r=r), body)


def _with_region(
    path: str, body: dict[str, Any]
) -> Callable[[Records], tuple[str, str, dict[str, Any]]]:
    return lambda r: ("POST", f"/api/v1/{path}", {**body, "region": r.region})


PERIOD = "first_month=2026-01&last_month=2026-03"
SUPERVISION = frozenset({SUPERVISOR, AUDITOR})
TRAINING_KEEPERS = frozenset({SUPERVISOR, ADMIN})
STATISTICS_READERS = frozenset({A, SUPERVISOR, AUDITOR})

# Service management and supervision (R10, R13 to R15).
MANAGEMENT = (
    Endpoint("the deadline list", READERS, _get("deadlines?region={r.region}")),
    Endpoint("the deadline counts", READERS, _get("deadlines/counts?region={r.region}")),
    Endpoint(
        "my deadlines", frozenset({W, R, A, HR, ASSESSOR}), _get("deadlines/mine"), regional=False
    ),
    Endpoint(
        "extend a time limit",
        frozenset({A}),
        _post("cases/{r.case_id}/extension", {"working_days": 5, "reason": "需补充入户调查"}),
    ),
    Endpoint(
        "record a complaint",
        HANDLERS | {SUPERVISOR},
        _with_region("complaints", {"kind": "complaint", "summary": "窗口态度差"}),
    ),
    Endpoint("list complaints", SUPERVISION, _get("complaints?region={r.region}")),
    Endpoint("read a complaint", SUPERVISION, _get("complaints/{r.complaint_id}")),
    Endpoint(
        "record a rectification",
        frozenset({SUPERVISOR}),
        _post("complaints/{r.complaint_id}/events", {"event": "rectify", "text": "已整改"}),
    ),
    Endpoint(
        "transfer a complaint",
        HANDLERS | {SUPERVISOR},
        lambda r: (
            "POST",
            f"/api/v1/complaints/{r.complaint_id}/transfer",
            {"to_officer": f"other-{next(serial)}", "reason": "转经办人核实"},
        ),
    ),
    Endpoint(
        "ask for a review",
        frozenset({SUPERVISOR}),
        _post("complaints/{r.complaint_id}/review", {"reason": "投诉属实，复查原案件"}),
    ),
    Endpoint("list bounced records", SUPERVISION, _get("bounced-records?region={r.region}")),
    Endpoint(
        "draw a spot check",
        frozenset({SUPERVISOR}),
        _with_region(
            "spot-checks", {"decided_from": "2026-01-01", "decided_to": "2026-12-31", "size": 2}
        ),
    ),
    Endpoint("list spot checks", SUPERVISION, _get("spot-checks?region={r.region}")),
    Endpoint("read a spot check", SUPERVISION, _get("spot-checks/{r.spot_check_id}")),
    Endpoint("audit a spot check", SUPERVISION, _get("spot-checks/{r.spot_check_id}/audit")),
    Endpoint(
        "record a finding",
        frozenset({SUPERVISOR}),
        lambda r: (
            "POST",
            f"/api/v1/spot-checks/{r.spot_check_id}/findings",
            {"case_id": r.closed_case_id, "verdict": "compliant", "text": "材料齐全"},
        ),
    ),
    Endpoint(
        "record a training session",
        TRAINING_KEEPERS,
        _with_region(
            "training/sessions", {"title": "政策培训", "held_on": "2026-03-01", "hours": 4}
        ),
    ),
    Endpoint(
        "record attendance",
        TRAINING_KEEPERS,
        _post("training/sessions/{r.session_id}/attendance", {"staff_id": "li-1", "name": "李"}),
    ),
    Endpoint(
        "read someone's training",
        TRAINING_KEEPERS | {AUDITOR},
        _get("training/staff/someone-else"),
        regional=False,
    ),
    Endpoint(
        "list the untrained",
        TRAINING_KEEPERS | {AUDITOR},
        _get("training/untrained?region={r.region}"),
    ),
    Endpoint("statistics", STATISTICS_READERS, _get("statistics?region={r.region}&" + PERIOD)),
    Endpoint(
        "statistics CSV", STATISTICS_READERS, _get("statistics.csv?region={r.region}&" + PERIOD)
    ),
    Endpoint(
        "statistics SVG", STATISTICS_READERS, _get("statistics.svg?region={r.region}&" + PERIOD)
    ),
    Endpoint(
        "statistics page", STATISTICS_READERS, _get("statistics.html?region={r.region}&" + PERIOD)
    ),
)

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
    *MANAGEMENT,
)


def arrange(api: Api, region: str) -> Records:
    """In `region`, made by its own staff: a dibao case (with its scenario), a withdrawn
    one, a consultation, a complaint about the withdrawn case found substantiated, a spot
    check drawn over it and a training session."""
    where = RegionCode(region)
    clerk = Actor(f"seed-{region}", "刘敏", [W], where)
    supervisor = Actor(f"seed-supervisor-{region}", "周", [SUPERVISOR], where)
    intake = submit_application(
        api.deps,
        clerk,
        SubmitApplication(Service.DIBAO, resident_id(next(serial)).reveal(), "张三", region),
    )
    closed = submit_application(
        api.deps,
        clerk,
        SubmitApplication(Service.DIBAO, resident_id(next(serial)).reveal(), "李四", region),
    ).case
    apply_case_event(api.deps, clerk, ApplyCaseEvent(closed.id, "withdraw", reason="withdrawn"))
    asked = record_consultation(api.deps, clerk, RecordConsultation("材料有哪些？", region))
    complaint = record_complaint(
        api.deps,
        clerk,
        RecordComplaint(ComplaintKind.COMPLAINT, "撤回非本人意愿", region, case_id=closed.id),
    )
    verify = ApplyComplaintEvent(complaint.id, "verify", text="属实", substantiated=True)
    apply_complaint_event(api.deps, supervisor, verify)
    today = api.clock.now().date()
    check = draw_sample(api.deps, supervisor, DrawSpotCheck(region, today, today, 5))
    session = record_training_session(
        api.deps, supervisor, RecordTrainingSession("业务培训", region, today, 2)
    )
    assert intake.scenario is not None
    return Records(
        intake.case.id,
        intake.scenario.id,
        asked.consultation.id,
        region,
        closed_case_id=closed.id,
        complaint_id=complaint.id,
        spot_check_id=check.id,
        session_id=session.id,
    )


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
