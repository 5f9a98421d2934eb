"""The application over the HTTP registries and the simulator: an intake that meets a
fault is received all the same, and once the registries answer again, resuming the
scenario brings every case where it would be without the fault (P9, R4, R6)."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from adapters.clock import FixedClock
from adapters.http import (
    HttpAssistancePlatform,
    HttpDisabilityRegister,
    HttpUnemploymentRegistry,
    RegistryEndpoint,
    RetryPolicy,
)
from adapters.ids import SequentialIds
from adapters.simulator import Fault, FaultKind, PersonSeed, RegistrySimulator, Seed
from application.case_events import resume_scenario
from application.commands import SubmitApplication
from application.dependencies import Dependencies
from application.intake import submit_application
from application.queries import get_scenario
from domain.actors import Actor, Role
from domain.facts import DisabilityStatus
from domain.identity import ResidentId
from domain.policy_defaults import default_policy
from domain.services import Service
from entrypoints.bootstrap import bootstrap_in_memory
from tests.factories import T0, TOWNSHIP, resident_id
from tests.integration.registry_cases import API_KEY

ELDER = resident_id(21, born=date(1950, 4, 1))
WORKER = resident_id(22, born=date(1982, 9, 9))
SEED = Seed(
    (
        PersonSeed(ELDER, disability=DisabilityStatus(False)),
        PersonSeed(WORKER, registered_on=date(2025, 12, 1)),
    )
)
CLERK = Actor("clerk-1", "刘敏", [Role.WINDOW_CLERK], TOWNSHIP)
MATERIALS = frozenset(m.code for m in default_policy().guide(Service.DIBAO).required_materials)


def endpoint(simulator: RegistrySimulator, name: str, path: str) -> RegistryEndpoint:
    url = simulator.base_url(path)
    return RegistryEndpoint(name, url, api_key=API_KEY, retry=RetryPolicy.without_waiting(1))


def http_deps(simulator: RegistrySimulator, client: httpx.Client) -> Dependencies:
    """Everything in memory but the three registries, which are the simulator's."""
    return bootstrap_in_memory(
        clock=FixedClock(T0),
        ids=SequentialIds(),
        platform=HttpAssistancePlatform(
            client, endpoint(simulator, "assistance_platform", "platform")
        ),
        unemployment=HttpUnemploymentRegistry(
            client, endpoint(simulator, "unemployment_registry", "unemployment")
        ),
        disability=HttpDisabilityRegister(
            client, endpoint(simulator, "disability_register", "disability")
        ),
    )


def intake_then_resume(
    simulator: RegistrySimulator, client: httpx.Client, person: ResidentId, fault: Fault | None
) -> tuple[str, tuple[str, ...], int]:
    """The scenario's status, its branches' states, and the applications recorded, after
    an intake under `fault` and one resume once the fault is gone."""
    simulator.reset(SEED)
    deps = http_deps(simulator, client)
    if fault is not None:
        simulator.faults.add(fault)
    command = SubmitApplication(
        Service.DIBAO, person.reveal(), "张三", str(TOWNSHIP), materials=MATERIALS
    )
    intake = submit_application(deps, CLERK, command)
    assert intake.scenario is not None
    simulator.faults.clear()

    resume_scenario(deps, intake.scenario.id)

    view = get_scenario(deps, CLERK, intake.scenario.id)
    branches = tuple(f"{b.branch}:{b.state}" for b in view.branches)
    return view.status, branches, len(simulator.registries.platform.recorded)


KINDS = [
    FaultKind.ERROR,
    FaultKind.RESET,
    FaultKind.RATE_LIMITED,
    FaultKind.TRUNCATED,
    FaultKind.WRONG_SCHEMA,
    FaultKind.HTML,
]


@pytest.mark.parametrize("person", [ELDER, WORKER], ids=["elder", "worker"])
@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_after_a_fault_at_intake_resuming_ends_where_no_fault_would_have(
    simulator, loopback, person, kind
):
    """P9: the fault delays the scenario; it changes nothing it comes to."""
    without = intake_then_resume(simulator, loopback, person, None)

    after = intake_then_resume(simulator, loopback, person, Fault(kind))

    assert after == without


@pytest.mark.parametrize("registry", ["platform", "unemployment"])  # asked at intake
def test_with_one_registry_failing_the_intake_is_received_and_the_check_waits(
    simulator, loopback, registry
):
    """R4: received all the same; P9: what the registry did not say is left pending."""
    simulator.reset(SEED)
    deps = http_deps(simulator, loopback)
    simulator.faults.add(Fault(FaultKind.ERROR, registry=registry))
    person = WORKER
    command = SubmitApplication(
        Service.DIBAO, person.reveal(), "张三", str(TOWNSHIP), materials=MATERIALS
    )

    intake = submit_application(deps, CLERK, command)

    assert intake.notice.accepted
    assert intake.scenario is not None
    assert intake.scenario.outstanding
