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
