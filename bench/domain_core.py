"""Domain core, in process: the joint scenario for the demo's households, against BPMN.

Subject: the demo's ten households (`entrypoints.demo.HOUSEHOLDS`, every path of R6 to
R9) from intake until every branch is closed, driven through the application layer as
the demo's officers do, on the in-memory adapters (store, registries, outbox delivered
in process); the demo's printing of timelines is left out. Each sample runs the ten
households on new demos (new stores and clocks, built before the clock starts).

Baseline: the same scenario in BPMN (`bench/joint_scenario.bpmn`) run by SpiffWorkflow,
the same branches and decisions for the same households (decisions as process
variables), one user task per officer step completed programmatically; and again with
the workflow serialised to JSON and back whenever it waits for an officer, as a system
that keeps its state between requests must.

Goal: at least three times SpiffWorkflow's households per second.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from bench.report import Row, compare
from domain.ages import age_on
from domain.cases import BENEFIT_GRANTED
from domain.facts import DisabilityStatus
from domain.money import Money
from domain.policy_defaults import default_policy
from domain.scenario import disability_fact
from domain.services import Service
from entrypoints.demo import GRANT, HOUSEHOLDS, START, Demo, Household

NAME = "domain_core"
BPMN = Path(__file__).with_name("joint_scenario.bpmn")
PROCESS = "joint_scenario"
GOAL = "≥ 3× SpiffWorkflow"


@frozen
class Finished:
    """How a household's scenario ended: its state and the services granted."""

    key: str
    status: str
    granted: frozenset[Service]


class ScenarioOnly(Demo):
    """The demo without its printing: each household's scenario, then how it ended."""

    def __init__(self) -> None:
        super().__init__(out=_discard)
        self.finished: list[Finished] = []

    def _print(self, household: Household, scenario_id: str | None) -> None:
        assert scenario_id is not None
        with self.deps.uow() as uow:
            scenario = uow.scenarios.get(scenario_id)
            ids = [scenario.dibao_case_id, *scenario.linked_cases.values()]
            cases = [uow.cases.get(case_id) for case_id in ids]
        (status,) = scenario.configuration & {"completed", "not_accepted", "in_progress"}
        granted = frozenset(c.service for c in cases if c.state == BENEFIT_GRANTED)
        self.finished.append(Finished(household.key, status, granted))

    def households(self, households: Sequence[Household]) -> None:
        for number, household in enumerate(households, start=1):
            self._household(household, number)


def _discard(_line: str) -> None:
    pass


def ours(households: Sequence[Household], repeats: int) -> Callable[[], float]:
    """Households per second through the application layer, in memory."""

    def sample() -> float:
        demos = [ScenarioOnly() for _ in range(repeats)]
        began = time.perf_counter()
        for demo in demos:
            demo.households(households)
        spent = time.perf_counter() - began
        for demo in demos:
            assert all(f.status != "in_progress" for f in demo.finished), demo.finished
        return len(households) * repeats / spent

    return sample


# -- the BPMN side --


def decisions(household: Household) -> dict[str, bool]:
    """The household as the BPMN model's process variables: what the registries hold and
    what the officers decide, read from the same `Household` the demo drives."""
    policy = default_policy()
    monthly = household.severe_disability_monthly
    status = DisabilityStatus(
        household.severe_disability_subsidy,
        severe_nursing_monthly=Money.yuan(monthly) if monthly is not None else None,
    )
    found = disability_fact(status, policy.parameters.nursing_monthly)
    return {
        "blocked": bool(household.history),
        "missing": bool(household.missing),
        "dispute": household.dispute,
        "dibao_grant": household.dibao == GRANT,
        "objection": household.objection,
        "registered": household.registered,
        "registration_grant": household.registration == GRANT,
        "elderly": policy.parameters.age_rule.is_met(age_on(household.birth, START.date())),
        "disability_found": found == "disability_subsidy_found",
        "capability_ok": household.capability_level >= 2,
        "recognition_grant": household.recognition == GRANT,
        "subsidy_grant": household.subsidy == GRANT,
    }


# The BPMN user tasks that grant a linked case (the living subsidy is granted by a script
# task, as the system grants it).
GRANTING_TASKS: dict[str, Service] = {
    "grant_dibao": Service.DIBAO,
    "grant_registration": Service.UNEMPLOYMENT_REGISTRATION,
    "grant_nursing": Service.ELDERLY_NURSING,
    "grant_recognition": Service.EMPLOYMENT_DIFFICULTY,
    "grant_subsidy": Service.FLEXIBLE_INSURANCE_SUBSIDY,
}


class SpiffScenario:
    """The BPMN model parsed once; `run` takes one household through it."""

    def __init__(self, round_trip: bool = False) -> None:
        from SpiffWorkflow.bpmn.parser import BpmnParser
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer

        parser = BpmnParser()
        parser.add_bpmn_file(str(BPMN))
        self.spec = parser.get_spec(PROCESS)
        self.serializer = BpmnWorkflowSerializer()
        self.round_trip = round_trip

    def run(self, data: dict[str, bool]) -> tuple[str, list[str]]:
        """(the outcome, the officer steps taken in order)."""
        from SpiffWorkflow.bpmn import BpmnWorkflow
        from SpiffWorkflow.util.task import TaskState

        workflow: Any = BpmnWorkflow(self.spec)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)
        steps: list[str] = []
        while True:
            workflow.do_engine_steps()
            waiting = workflow.get_tasks(state=TaskState.READY, manual=True)
            if not waiting:
                break
            if self.round_trip:  # stored while it waits, loaded for the officer's step
                stored = self.serializer.serialize_json(workflow)
                workflow = self.serializer.deserialize_json(stored)
                waiting = workflow.get_tasks(state=TaskState.READY, manual=True)
            for task in waiting:
                steps.append(task.task_spec.bpmn_id)
                task.run()
        assert workflow.is_completed()
        return str(workflow.last_task.data.get("outcome")), steps


def theirs(households: Sequence[Household], repeats: int, round_trip: bool) -> Callable[[], float]:
    scenario = SpiffScenario(round_trip)
    inputs = [decisions(h) for h in households]

    def sample() -> float:
        began = time.perf_counter()
        for _ in range(repeats):
            for data in inputs:
                scenario.run(data)
        return len(inputs) * repeats / (time.perf_counter() - began)

    return sample


@frozen
class _Sizes:
    repeats: int
    rounds: int


FULL = _Sizes(repeats=3, rounds=5)
QUICK = _Sizes(repeats=1, rounds=3)


def run(
    quick: bool, households: Sequence[Household] = HOUSEHOLDS, sizes: _Sizes | None = None
) -> list[Row]:
    sizes = sizes or (QUICK if quick else FULL)
    subject = ours(households, sizes.repeats)
    steps = sum(len(SpiffScenario().run(decisions(h))[1]) for h in households)
    shared = {"households": len(households), "BPMN user tasks for them": steps}
    return [
        compare(
            NAME,
            subject=("joint scenario, application layer in memory", subject),
            baseline=(
                "SpiffWorkflow, same scenario in BPMN",
                theirs(households, sizes.repeats, False),
            ),
            unit="households/s",
            rounds=sizes.rounds,
            goal=GOAL,
            goal_ratio=3.0,
            extra=dict(shared),
        ),
        compare(
            NAME,
            subject=("joint scenario, application layer in memory", subject),
            baseline=(
                "SpiffWorkflow, JSON round trip at each wait",
                theirs(households, sizes.repeats, True),
            ),
            unit="households/s",
            rounds=sizes.rounds,
            goal=GOAL,
            goal_ratio=3.0,
            extra=dict(shared),
        ),
    ]
