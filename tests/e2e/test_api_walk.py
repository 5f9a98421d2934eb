"""A dibao application through the API, from intake to the granted benefit (R1, R6, R11).

The same walk as the README's, on the test client: each officer logs in and takes their
step; the public notice's seven days pass on the test's clock.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from domain.actors import Role
from tests.e2e.conftest import Api
from tests.factories import resident_id

TOWNSHIP, COUNTY = "370102001", "370102"
DIBAO_MATERIALS = ["id_card", "household_register", "commitment", "check_authorization"]
HOUSEHOLD = {"type": "dibao_household", "members": 3, "covered": 2, "monthly_income_fen": 120000}
PERSON = resident_id(7)


class Officers:
    def __init__(self, api: Api, client: TestClient[Any]) -> None:
        self.api, self.client = api, client
        self.clerk = api.add_staff(Role.WINDOW_CLERK, TOWNSHIP)
        self.reviewer = api.add_staff(Role.REVIEWER, TOWNSHIP)
        self.approver = api.add_staff(Role.APPROVER, COUNTY)

    def post(self, who: str, path: str, body: dict[str, Any], **headers: str) -> Any:
        return self.client.post(
            path, json=body, headers=self.api.headers(self.client, who, **headers)
        )

    def get(self, who: str, path: str) -> Any:
        return self.client.get(path, headers=self.api.headers(self.client, who))

    def apply(self, **extra: Any) -> Any:
        body = {
            "service": "dibao",
            "resident_id": PERSON.reveal(),
            "name": "张三",
            "region": TOWNSHIP,
            "materials": DIBAO_MATERIALS,
            **extra,
        }
        return self.post(self.clerk, "/api/v1/applications", body)

    def apply_keyed(self, key: str, *, who: str | None = None, **extra: Any) -> Any:
        body = {
            "service": "dibao",
            "resident_id": PERSON.reveal(),
            "name": "张三",
            "region": TOWNSHIP,
            "materials": DIBAO_MATERIALS,
            **extra,
        }
        path = "/api/v1/applications"
        return self.post(who or self.clerk, path, body, **{"Idempotency-Key": key})

    def step_keyed(self, key: str, case_id: str, event: str) -> Any:
        path = f"/api/v1/cases/{case_id}/events"
        return self.post(self.reviewer, path, {"event": event}, **{"Idempotency-Key": key})

    def step(self, who: str, case_id: str, event: str, **body: Any) -> Any:
        self.api.clock.advance(minutes=10)
        return self.post(who, f"/api/v1/cases/{case_id}/events", {"event": event, **body})

    def to_granted(self, case_id: str) -> Any:
        self.step(self.reviewer, case_id, "record_check_report")
        self.step(self.reviewer, case_id, "verify", particulars=HOUSEHOLD)
        self.step(self.reviewer, case_id, "publish_notice")
        self.api.clock.advance(days=8)
        self.step(self.approver, case_id, "approve")
        return self.step(self.approver, case_id, "grant")


@pytest.fixture
def officers(api: Api, client: TestClient[Any]) -> Officers:
    return Officers(api, client)


def test_an_application_answers_201_with_its_case_scenario_and_one_time_notice(officers):
    """R6, R11: the case is received, the scenario started, the notice given at once."""
    answer = officers.apply()

    body = answer.json()
    assert answer.status_code == 201
    assert (body["case"]["state"], body["notice"]["accepted"]) == ("received", True)
    assert body["scenario"]["id"] == body["case"]["scenario_id"]


def test_an_application_shows_the_linked_cases_the_scenario_opened(officers):
    """R8: a working-age applicant gets an unemployment registration case at once."""
    answer = officers.apply()

    services = [c["service"] for c in answer.json()["linked_cases"]]
    assert services == ["unemployment_registration"]


def test_the_applicant_id_is_masked_in_the_answer(officers):
    """P12: the answer names the person only by the masked number."""
    answer = officers.apply()

    assert answer.json()["case"]["applicant"]["resident_id_masked"] == PERSON.masked


def test_a_missing_material_is_told_in_the_notice_at_once(officers):
    """R11: every missing material in one notice."""
    answer = officers.apply(materials=["id_card"])

    missing = [m["code"] for m in answer.json()["notice"]["missing_materials"]]
    assert missing == ["household_register", "commitment", "check_authorization"]


def test_a_dibao_case_goes_from_intake_to_its_granted_benefit(officers):
    """R1: check report, verification, public notice, confirmation by the county, grant."""
    case_id = officers.apply().json()["case"]["id"]

    granted = officers.to_granted(case_id)

    assert granted.status_code == 200
    assert granted.json()["case"]["state"] == "benefit_granted"


def test_the_granted_case_shows_the_monthly_amount_computed_at_confirmation(officers):
    """R1: the sample county's standard 950 yuan: (950 - 1200 / 3) x 2 = 1100.00 a month."""
    case_id = officers.apply().json()["case"]["id"]
    officers.to_granted(case_id)

    detail = officers.get(officers.approver, f"/api/v1/cases/{case_id}").json()

    assert (detail["benefit"]["monthly"], detail["benefit"]["amount_fen"]) == (True, 110000)


def test_the_decision_notice_of_a_granted_case_is_an_approval(officers):
    case_id = officers.apply().json()["case"]["id"]
    officers.to_granted(case_id)

    answer = officers.get(officers.approver, f"/api/v1/cases/{case_id}/decision")

    assert answer.json()["kind"] == "approved"


def test_the_decision_notice_prints_as_a_chinese_html_page(officers):
    case_id = officers.apply().json()["case"]["id"]
    officers.to_granted(case_id)

    page = officers.get(officers.approver, f"/api/v1/cases/{case_id}/decision.html")

    assert page.headers["content-type"].startswith("text/html")
    assert "予以批准告知书" in page.text


def test_the_one_time_notice_prints_as_a_chinese_html_page(officers):
    case_id = officers.apply().json()["case"]["id"]

    page = officers.get(officers.clerk, f"/api/v1/cases/{case_id}/notice.html")

    assert '<html lang="zh-CN">' in page.text
    assert "最低生活保障 一次性告知书" in page.text


def test_a_decision_notice_before_the_decision_is_409_not_decided(officers):
    case_id = officers.apply().json()["case"]["id"]

    answer = officers.get(officers.clerk, f"/api/v1/cases/{case_id}/decision")

    assert (answer.status_code, answer.json()["code"]) == (409, "not_decided")


def test_approval_during_the_public_notice_is_refused_naming_the_rule(officers):
    """R1: confirmation only after the seven days of the notice."""
    case_id = officers.apply().json()["case"]["id"]
    officers.step(officers.reviewer, case_id, "record_check_report")
    officers.step(officers.reviewer, case_id, "verify", particulars=HOUSEHOLD)
    officers.step(officers.reviewer, case_id, "publish_notice")

    answer = officers.step(officers.approver, case_id, "approve")

    body = answer.json()
    assert (answer.status_code, body["code"], body["rule"]) == (409, "public_notice_running", "R1")


def test_the_scenario_shows_its_four_branches(officers):
    scenario_id = officers.apply().json()["scenario"]["id"]

    answer = officers.get(officers.approver, f"/api/v1/scenarios/{scenario_id}")

    branches = [b["branch"] for b in answer.json()["branches"]]
    assert branches == ["dibao", "elderly", "employment", "insurance"]


def test_a_case_lists_its_timeline_and_the_events_allowed_now(officers):
    case_id = officers.apply().json()["case"]["id"]

    detail = officers.get(officers.clerk, f"/api/v1/cases/{case_id}").json()

    assert [t["event"] for t in detail["timeline"]] == ["receive"]
    assert "verify" in detail["allowed_events"]


def test_cases_are_listed_by_service_within_the_jurisdiction(officers):
    officers.apply()

    page = officers.get(officers.approver, "/api/v1/cases?service=dibao").json()

    assert [c["service"] for c in page["items"]] == ["dibao"]
    assert page["next_offset"] is None


def test_the_full_id_is_given_for_one_case_and_the_read_is_recorded(officers, api):
    """P12: a permitted role reads the full number of one case; the read is recorded."""
    case_id = officers.apply().json()["case"]["id"]

    answer = officers.get(officers.reviewer, f"/api/v1/cases/{case_id}/resident-id")

    assert answer.json()["resident_id"] == PERSON.reveal()
    assert answer.headers["cache-control"] == "no-store"
    assert [e.action for e in api.store.audit][-1] == "resident_id_read"


def test_a_person_is_found_by_the_id_number_in_the_body(officers):
    """P12: no personal data in the URL; the lookup is recorded."""
    officers.apply()

    answer = officers.post(
        officers.clerk, "/api/v1/people/cases", {"resident_id": PERSON.reveal()}
    )

    assert [c["service"] for c in answer.json()] == ["dibao", "unemployment_registration"]
