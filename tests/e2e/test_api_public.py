"""Public information without an account (R2), and the state diagrams as SVG."""

from __future__ import annotations

from domain.policy_defaults import GUIDE_EFFECTIVE_FROM, GUIDE_VERSION
from domain.services import Service


def test_the_ten_service_guides_are_listed_without_an_account(client):
    answer = client.get("/api/v1/public/services")

    assert [g["service"] for g in answer.json()] == [s.value for s in Service]


def test_each_guide_carries_its_version_and_effective_date(client):
    answer = client.get("/api/v1/public/services")

    dated = {(g["version"], g["effective_from"]) for g in answer.json()}
    assert dated == {(GUIDE_VERSION, GUIDE_EFFECTIVE_FROM.isoformat())}


def test_a_guide_lists_its_basis_materials_and_time_limit(client):
    guide = client.get("/api/v1/public/services/dibao").json()

    assert guide["basis"]
    assert "check_authorization" in [m["code"] for m in guide["required_materials"]]
    assert guide["public_notice"]["notice_days"] == 7


def test_an_unknown_service_is_refused(client):
    answer = client.get("/api/v1/public/services/lottery")

    assert answer.status_code == 422


def test_the_policy_basis_names_the_services_resting_on_each_document(client):
    basis = client.get("/api/v1/public/policy-basis").json()

    services = {s for d in basis["documents"] for s in d["services"]}
    assert services == {s.value for s in Service}
    assert "行政复议" in basis["objection_route"]


def test_how_to_complain_is_given_for_both_departments(client):
    complaints = client.get("/api/v1/public/complaints").json()

    assert [c["department"] for c in complaints["complaints"]] == [
        "civil_affairs",
        "human_resources",
    ]


def test_the_dibao_state_diagram_is_served_as_svg(client):
    answer = client.get("/api/v1/diagrams/case-dibao")

    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in answer.text
    assert "公示中" in answer.text


def test_the_joint_scenario_diagram_is_served_as_svg(client):
    answer = client.get("/api/v1/diagrams/joint-scenario.svg")

    assert "<svg" in answer.text


def test_every_listed_diagram_exists(client):
    names = client.get("/api/v1/diagrams").json()["names"]

    assert len(names) == len(Service) + 1


def test_an_unknown_diagram_is_404(client):
    answer = client.get("/api/v1/diagrams/case-lottery")

    assert answer.status_code == 404
