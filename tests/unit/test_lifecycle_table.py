"""Every (state, event) pair of every case type (P4).

A legal pair succeeds with a valid step and lands where the table of RULES.md says; any
other pair raises `IllegalTransition`, says what is allowed now, and changes nothing.
"""

from __future__ import annotations

import pytest

from domain.cases import HELPED_FIRST, IN_PUBLIC_NOTICE, RECEIVED, VERIFIED, Case
from domain.errors import IllegalTransition
from domain.lifecycle import allowed_events, apply, event_names
from domain.services import Service
from tests.unit.lifecycle_helpers import (
    Clock,
    act,
    case_in,
    expected_table,
    extendable_rules,
    pass_the_notice,
    required_materials,
    rules_for,
    snapshot,
    states_of,
    step_for,
)

PAIRS = [
    pytest.param(service, state, event, id=f"{service.value}-{state}-{event}")
    for service in Service
    for state in states_of(service)
    for event in event_names(service)
]


def arranged_case(service: Service, state: str, event: str, clock: Clock) -> Case:
    """A case in `state` whose guards will accept `event` if the state allows it."""
    if state in (RECEIVED, HELPED_FIRST) and event == "request_materials":
        materials = required_materials(service) - {"id_card"}
        return case_in(service, state, clock=clock, materials=materials)
    case = case_in(service, state, clock=clock)
    if event == "release" and state in (RECEIVED, VERIFIED):
        act(case, "hold", clock)
    if event == "approve" and state == IN_PUBLIC_NOTICE:
        pass_the_notice(clock)
    return case


@pytest.mark.parametrize(("service", "state"), [(s, st) for s in Service for st in states_of(s)])
def test_the_events_a_state_allows_are_those_of_the_table(service: Service, state: str) -> None:
    case = case_in(service, state)

    allowed = allowed_events(case)

    expected = {event for (source, event) in expected_table(service) if source == state}
    assert set(allowed) == expected
    assert len(allowed) == len(set(allowed))


@pytest.mark.parametrize(("service", "state", "event"), PAIRS)
def test_each_pair_either_moves_as_the_table_says_or_changes_nothing(
    service: Service, state: str, event: str
) -> None:
    clock = Clock()
    case = arranged_case(service, state, event, clock)
    before = snapshot(case)
    step = step_for(service, event, clock.tick())

    if event in allowed_events(case):
        rules = extendable_rules(service) if event == "extend" else rules_for(service)
        recorded = apply(case, event, step, rules)

        assert case.state == expected_table(service)[(state, event)]
        assert recorded == case.events[-1]
        assert (recorded.event, recorded.from_state, recorded.to_state) == (
            event,
            state,
            case.state,
        )
        assert len(case.events) == len(before.events) + 1
    else:
        with pytest.raises(IllegalTransition) as refused:
            apply(case, event, step, rules_for(service))

        assert refused.value.allowed_events == allowed_events(case)
        assert refused.value.rule == "P4"
        assert (refused.value.event, refused.value.state) == (event, state)
        assert (state, event) not in expected_table(service)
        assert case == before


@pytest.mark.parametrize("service", list(Service))
@pytest.mark.parametrize("event", ["bogus", "receive", "approve_now", ""])
def test_an_unknown_event_name_is_illegal_and_changes_nothing(
    service: Service, event: str
) -> None:
    clock = Clock()
    case = case_in(service, RECEIVED, clock=clock)
    before = snapshot(case)

    with pytest.raises(IllegalTransition) as refused:
        apply(case, event, step_for(service, "verify", clock.tick()), rules_for(service))

    assert refused.value.allowed_events == allowed_events(case)
    assert refused.value.rule == "P4"
    assert case == before
