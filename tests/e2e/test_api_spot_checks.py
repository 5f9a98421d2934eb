"""Spot checks through the API (R15): a sample of decided cases drawn with a recorded
seed, redrawn from that seed by the published rule (lowest SHA-256 of the seed, a newline
and the case id), audited, and a finding per case naming the staff member concerned."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from litestar.testing import TestClient

from domain.actors import Role
from tests.e2e.conftest import Api
from tests.e2e.desk import T1, T2, Desk

MARCH = {"decided_from": "2026-03-01", "decided_to": "2026-03-31"}


@pytest.fixture
def desk(api: Api, client: TestClient[Any]) -> Desk:
    desk = Desk(api, client)
    desk.at(3, 2)
    return desk


def withdrawn(desk: Desk, township: str, serial: int) -> str:
    case_id = desk.apply(township, serial)
    desk.ok(desk.step(desk.clerk[township], case_id, "withdraw", reason="applicant_withdrew"))
    return case_id


@pytest.fixture
def population(desk: Desk) -> list[str]:
    """Six dibao cases withdrawn in 解放路街道 in March, one rejected there, and one
    withdrawn in another township."""
    ids = [withdrawn(desk, T1, serial) for serial in range(1, 7)]
    rejected = desk.apply(T1, 7)
    desk.ok(desk.step(desk.reviewer[T1], rejected, "reject", reason="income_above_standard"))
    withdrawn(desk, T2, 8)
    return ids


def draw(desk: Desk, **criteria: Any) -> Any:
    body = {"region": T1, **MARCH, "size": 3, "service": "dibao", "outcome": "withdrawn"}
    return desk.ok(desk.post(desk.supervisor, "spot-checks", {**body, **criteria}), 201)


def by_published_rule(population: list[str], seed: str, size: int) -> list[str]:
    def rank(case_id: str) -> str:
        return hashlib.sha256(f"{seed}\n{case_id}".encode()).hexdigest()

    return sorted(population, key=lambda case_id: (rank(case_id), case_id))[:size]


def test_a_draw_takes_the_cases_meeting_its_criteria_and_records_its_seed(desk, population):
    check = draw(desk)

    assert check["population_size"] == 6
    assert check["seed"]
    assert set(check["sample"]) <= set(population)
    assert len(check["sample"]) == 3
    expected_digest = hashlib.sha256("\n".join(sorted(population)).encode()).hexdigest()
    assert check["population_digest"] == expected_digest


def test_the_same_seed_draws_the_same_sample_by_the_published_rule(desk, population):
    check = draw(desk)

    assert check["sample"] == by_published_rule(population, check["seed"], 3)


def test_another_draw_has_another_seed_and_another_sample(desk, population):
    first, second = draw(desk), draw(desk)

    assert first["seed"] != second["seed"]
    assert second["sample"] == by_published_rule(population, second["seed"], 3)
    assert first["sample"] != second["sample"]


def test_an_audit_redraws_the_sample_from_the_stored_seed(desk, population):
    check = draw(desk)

    audit = desk.ok(desk.get(desk.auditor, f"spot-checks/{check['id']}/audit"))

    assert (audit["population_unchanged"], audit["sample_reproduced"]) == (True, True)
    assert audit["sample_from_today"] == check["sample"]


def test_an_audit_tells_when_the_population_has_changed_since_the_draw(desk, population):
    check = draw(desk)
    late = withdrawn(desk, T1, 9)  # decided in the period after the draw

    audit = desk.ok(desk.get(desk.auditor, f"spot-checks/{check['id']}/audit"))

    assert (audit["population_unchanged"], audit["population_size"]) == (False, 7)
    assert audit["sample_from_today"] == by_published_rule([*population, late], check["seed"], 3)
    assert audit["check"]["sample"] == check["sample"]  # the stored draw never changes


def test_findings_are_recorded_per_sampled_case_naming_the_staff_member_concerned(
    desk, population
):
    check = draw(desk, size=2)
    first, second = check["sample"]
    path = f"spot-checks/{check['id']}/findings"

    desk.later()
    deficient = desk.post(
        desk.supervisor,
        path,
        {
            "case_id": first,
            "verdict": "deficient",
            "text": "撤回未留存书面申请",
            "staff_id": desk.clerk[T1],
        },
    )
    desk.later()
    desk.post(desk.supervisor, path, {"case_id": second, "verdict": "compliant", "text": "规范"})

    assert desk.ok(deficient, 201)["staff_id"] == desk.clerk[T1]
    stored = desk.ok(desk.get(desk.supervisor, f"spot-checks/{check['id']}"))
    assert [(f["case_id"], f["verdict"], f["staff_id"]) for f in stored["findings"]] == [
        (first, "deficient", desk.clerk[T1]),
        (second, "compliant", None),
    ]
    assert stored["complete"] is True


def test_a_finding_naming_staff_who_never_acted_on_the_case_is_refused(desk, population):
    check = draw(desk)

    answer = desk.post(
        desk.supervisor,
        f"spot-checks/{check['id']}/findings",
        {
            "case_id": check["sample"][0],
            "verdict": "deficient",
            "text": "审核不严",
            "staff_id": desk.approver,
        },
    )

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "staff_id"


def test_a_finding_on_a_case_outside_the_sample_is_refused(desk, population):
    check = draw(desk)
    outside = next(c for c in population if c not in check["sample"])

    answer = desk.post(
        desk.supervisor,
        f"spot-checks/{check['id']}/findings",
        {"case_id": outside, "verdict": "compliant", "text": "规范"},
    )

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "case_id"


def test_a_reviewer_cannot_draw_and_the_refusal_is_recorded(desk, api, population):
    reviewer = desk.reviewer[T1]
    body = {"region": T1, **MARCH, "size": 3}

    answer = desk.post(reviewer, "spot-checks", body)

    assert answer.status_code == 403
    assert (reviewer, "access_refused", "role_not_allowed") in api.refusals()


def test_a_township_supervisor_cannot_read_another_township_s_check_and_is_recorded(
    desk, api, population
):
    check = draw(desk)
    other = api.add_staff(Role.SUPERVISOR, T2)

    answer = desk.get(other, f"spot-checks/{check['id']}")

    assert answer.status_code == 403
    assert (other, "access_refused", "outside_jurisdiction") in api.refusals()
