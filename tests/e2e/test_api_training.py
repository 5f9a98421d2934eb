"""Training through the API (R14): sessions and attendance, a staff member's training, the
staff untrained this year, and the per-region parameter that keeps the untrained from
acting (off by default)."""

from __future__ import annotations

from typing import Any

import pytest
from attrs import evolve
from litestar.testing import TestClient

from domain.policy import Policy, TrainingRule
from domain.policy_defaults import default_policy
from tests.e2e.conftest import Api, ScannedClient
from tests.e2e.desk import COUNTY, T1, T2, Desk


def _desk(api: Api, client: TestClient[Any]) -> Desk:
    desk = Desk(api, client)
    desk.at(3, 2)
    return desk


@pytest.fixture
def desk(api: Api, client: TestClient[Any]) -> Desk:
    return _desk(api, client)


def session(desk: Desk, held_on: str = "2026-02-20", region: str = COUNTY) -> str:
    body = {"title": "社会救助政策培训", "region": region, "held_on": held_on, "hours": 4}
    return str(desk.ok(desk.post(desk.supervisor, "training/sessions", body), 201)["id"])


def attend(desk: Desk, session_id: str, staff_id: str) -> Any:
    body = {"staff_id": staff_id, "name": f"经办人{staff_id}"}
    return desk.ok(desk.post(desk.supervisor, f"training/sessions/{session_id}/attendance", body))


def untrained(desk: Desk, query: str = "") -> list[str]:
    found = desk.ok(desk.get(desk.supervisor, f"training/untrained?region={COUNTY}{query}"))
    return [s["id"] for s in found]


def test_a_session_records_its_attendance(desk):
    held = session(desk)

    stored = attend(desk, held, desk.reviewer[T1])

    assert [a["staff_id"] for a in stored["attendance"]] == [desk.reviewer[T1]]
    assert (stored["held_on"], stored["recorded_by"]) == ("2026-02-20", desk.supervisor)


def test_a_staff_member_s_training_of_this_year_is_listed(desk):
    held = session(desk)
    attend(desk, held, desk.reviewer[T1])

    own = desk.ok(desk.get(desk.reviewer[T1], f"training/staff/{desk.reviewer[T1]}"))
    other = desk.ok(desk.get(desk.supervisor, f"training/staff/{desk.clerk[T1]}"))

    assert [s["id"] for s in own] == [held]
    assert other == []


def test_the_untrained_of_this_year_are_every_account_of_the_county_but_those_trained(desk):
    attend(desk, session(desk), desk.reviewer[T1])

    county = (desk.approver, desk.supervisor, desk.auditor)
    everyone = sorted([*desk.clerk.values(), *desk.reviewer.values(), *county])
    assert untrained(desk) == [s for s in everyone if s != desk.reviewer[T1]]


def test_a_session_of_last_year_does_not_train_anyone_for_this_year(desk):
    attend(desk, session(desk, held_on="2025-12-10"), desk.reviewer[T2])

    assert desk.reviewer[T2] in untrained(desk)
    assert desk.reviewer[T2] not in untrained(desk, "&year=2025")


def test_the_untrained_of_a_township_are_its_own_accounts_only(desk):
    attend(desk, session(desk), desk.reviewer[T1])

    found = desk.ok(desk.get(desk.supervisor, f"training/untrained?region={T1}"))

    assert [s["id"] for s in found] == [desk.clerk[T1]]


def test_a_window_clerk_cannot_list_the_untrained_and_the_refusal_is_recorded(desk, api):
    answer = desk.get(desk.clerk[T1], f"training/untrained?region={T1}")

    assert answer.status_code == 403
    assert (desk.clerk[T1], "access_refused", "role_not_allowed") in api.refusals()


# -- whether the untrained may act: a region's parameter --


def training_required_in(policy: Policy, region: str) -> Policy:
    regions = tuple(
        evolve(r, training=TrainingRule(required_to_act=True)) if r.region.code == region else r
        for r in policy.regions
    )
    return evolve(policy, regions=regions)


def test_by_default_an_untrained_officer_may_act(desk):
    case_id = desk.apply(T1, 1)

    answer = desk.step(desk.reviewer[T1], case_id, "record_check_report")

    assert answer.status_code == 200, answer.text


@pytest.fixture
def strict_desk() -> Any:
    api = Api(policy=training_required_in(default_policy(), COUNTY))
    with ScannedClient(app=api.app) as client:
        yield _desk(api, client)


def test_where_the_region_requires_it_an_untrained_officer_s_step_is_refused_naming_r14(
    strict_desk,
):
    desk = strict_desk
    attend(desk, session(desk), desk.clerk[T1])
    case_id = desk.apply(T1, 1)

    answer = desk.step(desk.reviewer[T1], case_id, "record_check_report")

    assert answer.status_code == 409
    assert (answer.json()["code"], answer.json()["rule"]) == ("untrained_staff", "R14")
    assert desk.case(desk.supervisor, case_id)["timeline"][-1]["event"] == "receive"


def test_where_the_region_requires_it_an_untrained_clerk_cannot_receive_an_application(
    strict_desk,
):
    desk = strict_desk
    body = {
        "service": "dibao",
        "resident_id": "11010519491231002X",
        "name": "李四",
        "region": T1,
        "materials": ["id_card"],
    }

    answer = desk.post(desk.clerk[T1], "applications", body)

    assert answer.status_code == 409
    assert (answer.json()["code"], answer.json()["rule"]) == ("untrained_staff", "R14")


def test_once_trained_this_year_the_officer_may_act_again(strict_desk):
    desk = strict_desk
    held = session(desk)
    attend(desk, held, desk.clerk[T1])
    case_id = desk.apply(T1, 1)
    attend(desk, held, desk.reviewer[T1])

    answer = desk.step(desk.reviewer[T1], case_id, "record_check_report")

    assert answer.status_code == 200, answer.text
