"""P9 against a real server: every operation of every adapter meets each fault the
simulator injects, over loopback, with small timeouts (real timeouts, resets, bodies cut
short). A write the fault struck before it was carried out leaves nothing behind."""

from __future__ import annotations

import httpx
import pytest

from adapters.http import Timeouts
from adapters.simulator import Fault, FaultKind, RegistrySimulator
from ports.errors import RegistryAnswerInvalid, RegistryError, RegistryUnavailable
from tests.integration.registry_cases import OPERATIONS, Operation

ATTEMPTS = 2
TIMEOUTS = Timeouts(connect=0.5, read=0.2)
EXPECTED = {
    FaultKind.TIMEOUT: RegistryUnavailable,
    FaultKind.RESET: RegistryUnavailable,
    FaultKind.ERROR: RegistryUnavailable,
    FaultKind.RATE_LIMITED: RegistryUnavailable,
    FaultKind.TRUNCATED: RegistryAnswerInvalid,
    FaultKind.INVALID_JSON: RegistryAnswerInvalid,
    FaultKind.WRONG_SCHEMA: RegistryAnswerInvalid,
    FaultKind.EMPTY: RegistryAnswerInvalid,
    FaultKind.HTML: RegistryAnswerInvalid,
}
CASES = [
    pytest.param(operation, kind, id=f"{operation}-{kind}")
    for operation in OPERATIONS
    for kind in EXPECTED
]


def call(simulator: RegistrySimulator, client: httpx.Client, operation: Operation) -> object:
    base_url = simulator.base_url(operation.simulator_path)
    adapter = operation.make(client, base_url, attempts=ATTEMPTS, timeouts=TIMEOUTS)
    return operation.call(adapter)


def fault(kind: FaultKind) -> Fault:
    return Fault(kind, delay=0.4 if kind is FaultKind.TIMEOUT else 0.0)


def writes_held(simulator: RegistrySimulator) -> int:
    platform, unemployment = simulator.registries.platform, simulator.registries.unemployment
    held = (platform.recorded, platform.reports, unemployment.registrations)
    return sum(map(len, held)) + len(unemployment.recognitions)


@pytest.mark.parametrize(("operation", "kind"), CASES)
def test_a_fault_on_the_wire_raises_its_port_error(simulator, loopback, operation, kind):
    """P9: never an answer, never an exception other than the port's."""
    simulator.faults.add(fault(kind))

    with pytest.raises(RegistryError) as raised:
        call(simulator, loopback, operation)

    assert type(raised.value) is EXPECTED[kind]


@pytest.mark.parametrize("operation", [o for o in OPERATIONS if o.write], ids=str)
@pytest.mark.parametrize("kind", [FaultKind.RESET, FaultKind.ERROR, FaultKind.HTML])
def test_a_write_struck_before_it_was_carried_out_leaves_nothing(
    simulator, loopback, operation, kind
):
    simulator.faults.add(fault(kind))

    with pytest.raises(RegistryError):
        call(simulator, loopback, operation)

    assert writes_held(simulator) == 0


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_latency_within_the_timeout_delays_the_answer_but_not_its_content(
    simulator, loopback, operation
):
    expected = call(simulator, loopback, operation)
    simulator.faults.add(Fault(FaultKind.LATENCY, delay=0.05))

    delayed = call(simulator, loopback, operation)

    assert delayed == expected


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_an_outage_that_ends_within_the_attempts_is_answered(simulator, loopback, operation):
    simulator.faults.add(Fault(FaultKind.ERROR, times=ATTEMPTS - 1))

    answer = call(simulator, loopback, operation)

    assert answer == call(simulator, loopback, operation)  # as without the outage
