"""How the machines are built: synchronous, strict, and bound to the stored state."""

import attrs
import pytest
from statemachine.engines.sync import SyncEngine

from domain import lifecycle
from domain.actors import Role
from domain.cases import Case
from domain.errors import IllegalTransition
from domain.regions import RegionCode
from domain.scenario import JointScenario
from domain.services import Service
from tests.factories import T0, make_actor, make_case, make_scenario, rules_for

COUNTY_APPROVER = make_actor(Role.APPROVER, actor_id="approver-1", region=RegionCode("370102"))


@pytest.mark.parametrize("service", list(Service), ids=str)
def test_every_case_machine_runs_on_the_synchronous_engine(service):
    """An `async def` callback would move python-statemachine to its slower async engine."""
    machine = lifecycle.MACHINES[service](make_case(service=service))

    assert isinstance(machine._engine, SyncEngine)


def test_the_scenario_statechart_runs_on_the_synchronous_engine():
    assert isinstance(JointScenario(make_scenario())._engine, SyncEngine)


@pytest.mark.parametrize("machine", [*lifecycle.MACHINES.values(), JointScenario])
def test_machines_keep_the_strict_error_settings(machine):
    assert machine.catch_errors_as_events is False
    assert machine.allow_event_without_transition is False


def test_a_case_loaded_in_a_later_state_continues_from_it_without_replay():
    """A stored case binds its state: building its machine runs no initial transition."""
    stored: Case = attrs.evolve(make_case(), state="approved", events=[*make_case().events])
    before = list(stored.events)

    lifecycle.apply(
        stored,
        "grant",
        lifecycle.Step(COUNTY_APPROVER, T0.replace(hour=10)),
        rules_for(Service.DIBAO),
    )

    assert stored.state == "benefit_granted"
    assert stored.events[:-1] == before
    assert (stored.events[-1].from_state, stored.events[-1].to_state) == (
        "approved",
        "benefit_granted",
    )


def test_a_case_loaded_in_the_closed_state_refuses_every_event():
    stored = attrs.evolve(make_case(), state="closed")

    with pytest.raises(IllegalTransition) as refused:
        lifecycle.apply(
            stored, "verify", lifecycle.Step(COUNTY_APPROVER, T0), rules_for(Service.DIBAO)
        )

    assert refused.value.allowed_events == ()
    assert stored.state == "closed"
