"""The in-memory store's copies: equal to the original, sharing nothing mutable with it."""

from adapters.memory.snapshot import snapshot
from domain.cases import MaterialRequest
from tests.factories import T0, make_case, make_scenario


def test_a_snapshot_of_a_case_is_equal_and_independent():
    case = make_case()
    case.material_requests.append(MaterialRequest(T0, ("id_card",)))

    copied = snapshot(case)
    facts = copied.events[0].facts
    assert isinstance(facts, dict)
    facts["channel"] = "changed"
    copied.events.clear()
    copied.material_requests.clear()

    assert case.events[0].facts["channel"] == "window"
    assert len(case.events) == 1
    assert case.material_requests == [MaterialRequest(T0, ("id_card",))]
    assert snapshot(case) == case


def test_a_snapshot_of_a_running_scenario_keeps_its_configuration_apart():
    scenario = make_scenario(history_clear=True)

    copied = snapshot(scenario)
    copied.state.add("completed")
    copied.linked_cases.clear()

    assert "completed" not in scenario.configuration
    assert snapshot(scenario) == scenario


def test_a_snapshot_shares_only_values_that_cannot_change():
    scenario = make_scenario(history_clear=True)
    case = make_case()

    copied_scenario, copied_case = snapshot(scenario), snapshot(case)

    assert copied_scenario.events[0] is scenario.events[0]  # frozen, immutable throughout
    assert copied_scenario.events is not scenario.events
    assert copied_scenario.linked_cases is not scenario.linked_cases
    assert copied_case.events[0] is not case.events[0]  # its facts are a dict
    assert copied_case.events[0].facts is not case.events[0].facts
    assert copied_case.applicant is case.applicant
