"""How the machines are built: synchronous, strict, and bound to the stored state."""

import attrs
import pytest
from statemachine.engines.sync import SyncEngine

from domain import lifecycle, machines
from domain.actors import Role
from domain.cases import Case
from domain.errors import IllegalTransition, RuleRefused
from domain.policy import AgeRule
from domain.regions import RegionCode
from domain.scenario import JointScenario, react
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


# -- reuse (domain.machines): one machine per kind, bound to each aggregate in turn --

CLERK = make_actor(Role.WINDOW_CLERK)


def _request_materials(case: Case) -> None:
    lifecycle.apply(
        case,
        "request_materials",
        lifecycle.Step(CLERK, T0.replace(hour=10)),
        rules_for(Service.DIBAO),
    )


def test_a_reused_machine_records_each_case_from_its_own_state():
    first, second = make_case("case-a"), attrs.evolve(make_case("case-b"), state="approved")
    second.events = [*make_case("case-b").events]

    _request_materials(first)
    lifecycle.apply(
        second,
        "grant",
        lifecycle.Step(COUNTY_APPROVER, T0.replace(hour=11)),
        rules_for(Service.DIBAO),
    )

    assert [e.case_id for e in first.events] == ["case-a", "case-a"]
    assert first.state == "received"
    assert first.events[-1].facts["missing"]
    assert [e.case_id for e in second.events] == ["case-b", "case-b"]
    assert (second.events[-1].from_state, second.events[-1].to_state) == (
        "approved",
        "benefit_granted",
    )
    assert "missing" not in second.events[-1].facts


def test_a_case_closed_on_a_reused_machine_does_not_stop_the_next_case():
    """Entering the final state stops python-statemachine's engine; binding restarts it."""
    closing = make_case("case-a")
    lifecycle.apply(
        closing,
        "withdraw",
        lifecycle.Step(CLERK, T0.replace(hour=10), reason="applicant_withdrew"),
        rules_for(Service.DIBAO),
    )
    following = make_case("case-b")

    _request_materials(following)

    assert closing.state == "closed"
    assert following.events[-1].event == "request_materials"


def _refusal(case: Case) -> tuple[str, str | None, tuple[str, ...], str]:
    with pytest.raises(RuleRefused) as refused:
        lifecycle.apply(
            case,
            "verify",
            lifecycle.Step(COUNTY_APPROVER, T0.replace(hour=10)),
            rules_for(Service.DIBAO),
        )
    error = refused.value
    return error.code, error.rule, error.allowed_events, error.subject_id


def test_reused_and_new_machines_refuse_alike_and_change_nothing():
    reused_case, new_case = make_case("case-a"), make_case("case-a")
    before = list(reused_case.events)

    reused = _refusal(reused_case)
    with machines.built_every_time():
        built = _refusal(new_case)

    assert reused == built
    assert reused_case.events == before
    assert reused_case.state == "received"


def test_an_idle_machine_holds_no_case():
    case = make_case("case-a")

    _request_materials(case)

    idle = machines._idle()[Service.DIBAO]
    assert isinstance(idle.model, machines.Placeholder)


def test_a_reused_scenario_chart_keeps_each_scenario_apart():
    first = make_scenario("scenario-a")
    second = make_scenario("scenario-b", history_clear=True)

    commands = react(first, "history_blocked", at=T0, age_rule=AgeRule())

    assert first.configuration == {"not_accepted"}
    assert "in_progress" in second.configuration
    assert [e.event for e in second.events] == ["history_clear"]
    assert [type(c).__name__ for c in commands] == ["NotAcceptDibao"]
