"""Engineer 1's benchmarks run, small, and return well-formed rows (no speed asserted)."""

import math

import pytest
from attrs import evolve

from bench import domain_core, intake_support, machines, storage
from bench.report import Row
from domain import lifecycle
from domain.errors import IllegalTransition, RuleRefused
from domain.lifecycle import Step
from domain.services import Service
from entrypoints.demo import HOUSEHOLDS


def assert_well_formed(rows: list[Row], benchmark: str) -> None:
    assert rows
    for row in rows:
        assert row.benchmark == benchmark
        assert row.subject
        assert row.baseline
        assert row.unit
        assert math.isfinite(row.subject_median)
        assert row.subject_median > 0
        assert math.isfinite(row.baseline_median)
        assert row.baseline_median > 0
        assert (row.goal_ratio is None) == (row.goal == "")


def test_the_bpmn_model_decides_as_the_joint_scenario_for_every_demo_household():
    demo = domain_core.ScenarioOnly()
    demo.households(HOUSEHOLDS)
    bpmn = domain_core.SpiffScenario()

    for household, ours in zip(HOUSEHOLDS, demo.finished, strict=True):
        outcome, steps = bpmn.run(domain_core.decisions(household))
        granted = {domain_core.GRANTING_TASKS[s] for s in steps if s in domain_core.GRANTING_TASKS}

        assert (outcome == "not_accepted") == (ours.status == "not_accepted"), household.key
        assert granted == ours.granted - {Service.ELDERLY_LIVING}, household.key


def test_domain_core_runs_and_returns_rows():
    rows = domain_core.run(True, HOUSEHOLDS[:2], domain_core._Sizes(repeats=1, rounds=1))

    assert_well_formed(rows, "domain_core")


def test_machines_runs_and_returns_rows():
    tiny = machines._Sizes(
        cases=2, loads=5, rounds=1, intakes=2, sql_intakes=2, profiled=2, profiles=1
    )

    rows = machines.run(True, tiny)

    assert_well_formed(rows, "machines")
    shares = [r for r in rows if r.unit == "% of CPU"]
    assert len(shares) == 2
    assert all(0 < r.subject_median < 100 for r in shares)


def test_the_table_baseline_refuses_as_the_machine_does():
    rules = machines._rules()
    table_case, machine_case = machines.new_cases(2, rules)
    table = machines.TableMachine(lifecycle.MACHINES[machines.SERVICE])
    no_reason = Step(machines.HR, intake_support.START)

    with pytest.raises(IllegalTransition):
        table.apply(table_case, "grant", no_reason, rules)
    with pytest.raises(RuleRefused) as by_table:
        table.apply(table_case, "withdraw", no_reason, rules)
    with pytest.raises(RuleRefused) as by_machine:
        lifecycle.apply(machine_case, "withdraw", no_reason, rules)

    assert by_table.value.code == by_machine.value.code == "reason_required"
    assert table_case.state == machine_case.state == "received"


def test_the_table_baseline_records_the_path_as_the_machine_does():
    rules = machines._rules()
    table_case, machine_case = machines.new_cases(2, rules)
    table = machines.TableMachine(lifecycle.MACHINES[machines.SERVICE])

    for event, step in machines.steps():
        table.apply(table_case, event, step, rules)
        lifecycle.apply(machine_case, event, step, rules)

    assert [evolve(e, case_id="") for e in table_case.events] == [
        evolve(e, case_id="") for e in machine_case.events
    ]
    assert table_case.state == machine_case.state == "closed"


def test_storage_runs_and_returns_rows():
    rows = storage.run(True, storage._Sizes(transactions=2, rounds=1))

    assert_well_formed(rows, "storage")
