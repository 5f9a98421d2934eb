"""Every refusal is problem details (RFC 9457) with a stable code, a Chinese title and
the rule; invalid input names the field, never the value; the unexpected is a 500 with
a correlation id; a registry down is a 503 with Retry-After (P9, P13)."""

from __future__ import annotations

import logging

import pytest

from domain.actors import Role
from tests.e2e.test_api_walk import DIBAO_MATERIALS, PERSON, TOWNSHIP, Officers

PROBLEM = "application/problem+json"


@pytest.fixture
def officers(api, client) -> Officers:
    return Officers(api, client)


def test_a_request_without_a_token_is_401_problem_details(client):
    answer = client.get("/api/v1/cases")

    assert answer.status_code == 401
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json()["code"] == "unauthenticated"


def test_a_forged_token_is_401(client):
    answer = client.get("/api/v1/cases", headers={"Authorization": "Bearer not.a.token"})

    assert answer.status_code == 401


def test_an_unknown_case_is_404_problem_details(officers):
    answer = officers.get(officers.clerk, "/api/v1/cases/case-9999")

    assert (answer.status_code, answer.json()["code"]) == (404, "not_found")


def test_an_illegal_transition_is_409_with_the_events_allowed_now(officers):
    """P4: granting a case just received changes nothing and says what is allowed."""
    case_id = officers.apply().json()["case"]["id"]

    answer = officers.step(officers.approver, case_id, "grant")

    body = answer.json()
    assert (answer.status_code, body["code"], body["state"]) == (
        409,
        "illegal_transition",
        "received",
    )
    assert "verify" in body["allowed_events"]


def test_a_rule_refusal_names_its_rule_and_title_in_chinese(officers):
    """R12: verification waits for the household economic check."""
    case_id = officers.apply().json()["case"]["id"]

    answer = officers.step(officers.reviewer, case_id, "verify")

    body = answer.json()
    assert (body["code"], body["rule"], body["title"]) == (
        "economic_check_missing",
        "R12",
        "不符合办理规则",
    )


def test_an_invalid_id_number_is_422_naming_the_field_without_echoing_it(officers):
    """P13: one digit changed: the check digit fails; the number is not repeated."""
    wrong = PERSON.reveal()[:-1] + ("0" if PERSON.reveal()[-1] != "0" else "1")

    answer = officers.apply(resident_id=wrong)

    body = answer.json()
    assert (answer.status_code, body["code"]) == (422, "resident_id_check_digit")
    assert body["errors"][0]["field"] == "resident_id"
    assert wrong not in answer.text


def test_a_body_of_the_wrong_shape_is_422_naming_the_field(officers):
    answer = officers.apply(materials="id_card")

    body = answer.json()
    assert (answer.status_code, body["code"]) == (422, "validation_failed")
    assert body["errors"][0]["field"] == "materials"


def test_a_wrong_particular_names_its_field_under_particulars(officers):
    household = {"type": "dibao_household", "members": 2, "covered": 3, "monthly_income_fen": 0}

    answer = officers.apply(particulars=household)

    assert answer.json()["errors"][0]["field"] == "particulars.covered"


def test_a_registry_down_during_a_step_is_503_with_retry_after(officers, api):
    """P9: the check report cannot be had; the step is not taken, nothing is guessed."""
    case_id = officers.apply().json()["case"]["id"]
    api.platform.set_unavailable()

    answer = officers.step(officers.reviewer, case_id, "record_check_report")

    assert (answer.status_code, answer.json()["code"]) == (503, "registry_unavailable")
    assert int(answer.headers["retry-after"]) > 0


def test_an_unexpected_error_is_500_with_a_correlation_id_and_no_trace(officers, api, caplog):
    class Broken(dict[str, object]):  # the store itself fails: nothing the map knows
        def get(self, *_args, **_kwargs):
            raise RuntimeError(f"disk on fire for {PERSON.reveal()}")

    api.store.cases = Broken()

    with caplog.at_level(logging.ERROR, logger="entrypoints.api"):
        answer = officers.get(officers.clerk, "/api/v1/cases/case-0001")

    body = answer.json()
    assert (answer.status_code, body["code"]) == (500, "internal_error")
    assert "Traceback" not in answer.text
    assert "disk on fire" not in answer.text
    assert body["correlation_id"] in caplog.text


def test_an_unknown_route_is_a_404_problem(client):
    answer = client.get("/api/v1/nowhere")

    assert (answer.status_code, answer.headers["content-type"]) == (404, PROBLEM)


def test_a_duplicate_open_application_is_409_naming_the_rule(officers):
    """P3: one open case per person and service."""
    request = {"type": "temporary_request", "temporary_kind": "spending", "cause": "fire"}
    application = {"service": "temporary", "materials": [], "particulars": request}
    application["particulars"] = {**request, "amount_fen": 50000}
    officers.apply(**application)

    answer = officers.apply(**application)

    assert (answer.status_code, answer.json()["rule"]) == (409, "P3")


def test_a_stale_expected_version_is_409_version_conflict(officers):
    """P5: a step on a version that moved on is refused."""
    case_id = officers.apply().json()["case"]["id"]

    answer = officers.step(officers.reviewer, case_id, "record_check_report", expected_version=9)

    assert answer.json()["code"] == "version_conflict"


def test_the_materials_of_a_notice_are_the_guides(officers):
    answer = officers.apply(materials=DIBAO_MATERIALS)

    assert answer.json()["notice"]["missing_materials"] == []


def test_a_foreign_region_application_is_403_and_recorded(officers, api):
    """P10: the township clerk cannot receive for another township."""
    answer = officers.apply(region="370102002")

    assert (answer.status_code, answer.json()["code"]) == (403, "access_denied")
    assert api.refusals()[-1] == (officers.clerk, "access_refused", "outside_jurisdiction")


def test_a_role_that_may_not_take_a_step_is_403_and_recorded(officers, api):
    case_id = officers.apply().json()["case"]["id"]

    answer = officers.step(officers.clerk, case_id, "approve")

    assert answer.status_code == 403
    assert api.refusals()[-1] == (officers.clerk, "access_refused", "role_not_allowed")


def test_an_officer_of_the_township_does_not_see_the_county_list(officers):
    answer = officers.get(officers.clerk, "/api/v1/cases?region=370102")

    assert answer.status_code == 403


def test_roles_are_reported_for_the_logged_in_officer(officers):
    answer = officers.get(officers.clerk, "/api/v1/auth/me")

    assert answer.json()["roles"] == [Role.WINDOW_CLERK.value]


def test_the_township_is_shown_by_code(officers):
    answer = officers.get(officers.clerk, "/api/v1/auth/me")

    assert answer.json()["region"] == TOWNSHIP
