"""What every HTTP registry request carries, how it is retried, logged, and cut off by the
circuit breaker (P6, P8, P9, P12)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import httpx
import pytest
import stamina.instrumentation

from adapters.http import BreakerState, CircuitBreaker, RegistryEndpoint, RetryPolicy
from adapters.http.platform import check_report_key
from adapters.http.unemployment import recognition_key, register_key
from ports.errors import RegistryAnswerInvalid, RegistryRefused, RegistryUnavailable
from tests.integration.registry_cases import (
    API_KEY,
    OPERATIONS,
    PERSON,
    Operation,
    Script,
    answer_ok,
    application,
    mock_client,
)

WRITES = [o for o in OPERATIONS if o.write]
READS = [o for o in OPERATIONS if not o.write]
BY_NAME = {o.name: o for o in OPERATIONS}
STABLE_KEYS = {
    "record_application": application().idempotency_key,
    "check_report": check_report_key("case-0001", 0),
    "register": register_key("case-0002"),
    "record_recognition": recognition_key("case-0003"),
}


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def unavailable(_: httpx.Request) -> httpx.Response:
    return httpx.Response(503, json={"status": 503})


def run(operation: Operation, script: Script, **make: object) -> object:
    with mock_client(script) as client:
        return operation.call(operation.make(client, **make))  # type: ignore[arg-type]


def outcome(operation: Operation, adapter: object) -> str:
    try:
        operation.call(adapter)  # type: ignore[arg-type]
    except (RegistryUnavailable, RegistryAnswerInvalid, RegistryRefused) as error:
        return type(error).__name__
    return "answered"


# -- what a request carries --


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_every_request_carries_the_api_key(operation):
    script = Script([], then=lambda _: answer_ok(operation))

    run(operation, script)

    assert script.sent[0].headers["X-Api-Key"] == API_KEY


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_the_full_id_number_travels_in_the_body_only(operation):
    """P12: no personal data in URLs (nor in headers, which proxies log too)."""
    script = Script([], then=lambda _: answer_ok(operation))

    run(operation, script)

    request = script.sent[0]
    assert next(script.bodies())["resident_id"] == PERSON.reveal()
    assert PERSON.reveal() not in str(request.url)
    assert all(PERSON.reveal() not in value for value in request.headers.values())


@pytest.mark.parametrize("operation", WRITES, ids=str)
def test_every_attempt_of_a_write_carries_the_same_stable_idempotency_key(operation):
    """P6: the registry deduplicates on the key, so repeating the write is safe."""
    script = Script([unavailable, unavailable], then=lambda _: answer_ok(operation))

    run(operation, script)

    keys = [request.headers["Idempotency-Key"] for request in script.sent]
    assert keys == [STABLE_KEYS[operation.name]] * 3


@pytest.mark.parametrize("operation", READS, ids=str)
def test_a_read_carries_no_idempotency_key(operation):
    script = Script([], then=lambda _: answer_ok(operation))

    run(operation, script)

    assert "Idempotency-Key" not in script.sent[0].headers


def test_a_check_report_of_another_revision_has_another_key():
    """R12: after a dispute, the next revision is a new check, not a replay."""
    assert check_report_key("case-0001", 1) != check_report_key("case-0001", 0)


# -- retries --


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_a_call_answered_after_two_outages_returns_the_answer(operation):
    script = Script([unavailable, unavailable], then=lambda _: answer_ok(operation))

    result = run(operation, script, attempts=3)

    assert result == operation.means


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_a_call_stops_at_its_bound_of_attempts(operation):
    """P8: the bound holds, however long the outage lasts."""
    script = Script([], then=unavailable)

    with pytest.raises(RegistryUnavailable):
        run(operation, script, attempts=2)

    assert len(script.sent) == 2


@pytest.fixture
def waits() -> Iterator[list[float]]:
    """The waits stamina schedules before each retry."""
    scheduled: list[float] = []
    stamina.instrumentation.set_on_retry_hooks([lambda d: scheduled.append(d.wait_for)])
    yield scheduled
    stamina.instrumentation.set_on_retry_hooks(None)


def test_a_retry_after_longer_than_the_longest_wait_waits_the_longest_wait(waits):
    operation = BY_NAME["history_of"]
    too_busy = httpx.Response(429, headers={"Retry-After": "120"}, json={})
    script = Script([lambda _: too_busy], then=lambda _: answer_ok(operation))
    policy = RetryPolicy(attempts=2, wait_initial=0.0, wait_max=0.01, wait_jitter=0.0)
    endpoint = RegistryEndpoint("assistance_platform", "http://registry.test", retry=policy)

    with mock_client(script) as client:
        operation.call(operation.adapter(client, endpoint))

    assert waits == [0.01]


# -- logs --


def test_each_request_logs_one_info_line_with_the_masked_id(caplog):
    operation = BY_NAME["history_of"]
    script = Script([unavailable], then=lambda _: answer_ok(operation))

    with caplog.at_level(logging.INFO, logger="adapters.http.client"):
        run(operation, script)

    lines = [r.getMessage() for r in caplog.records if r.name == "adapters.http.client"]
    assert len(lines) == 2
    assert all(PERSON.masked in line for line in lines)


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_no_log_line_holds_the_full_id_number(operation, caplog):
    """P12: not in the adapter's lines, nor in httpx's or stamina's."""
    script = Script([unavailable, lambda _: httpx.Response(200, text="<html/>")], then=unavailable)

    with caplog.at_level(logging.DEBUG):
        outcome(operation, operation.make(mock_client(script)))

    assert caplog.records
    assert all(PERSON.reveal() not in r.getMessage() for r in caplog.records)
    assert all(PERSON.reveal() not in repr(r.__dict__) for r in caplog.records)


# -- the circuit breaker --


def test_the_circuit_opens_after_its_failures_in_a_row_and_then_sends_nothing():
    operation = BY_NAME["status_of"]
    breaker = CircuitBreaker(failures=3, reset_after=30, clock=FakeMonotonic())
    script = Script([], then=unavailable)
    adapter = operation.make(mock_client(script), attempts=3, breaker=breaker)
    outcome(operation, adapter)

    second = outcome(operation, adapter)

    assert (second, len(script.sent), breaker.state) == (
        "RegistryUnavailable",
        3,
        BreakerState.OPEN,
    )


def test_an_open_circuit_sends_one_trial_after_its_pause_and_an_answer_closes_it():
    operation = BY_NAME["status_of"]
    clock = FakeMonotonic()
    breaker = CircuitBreaker(failures=2, reset_after=30, clock=clock)
    script = Script([unavailable, unavailable], then=lambda _: answer_ok(operation))
    adapter = operation.make(mock_client(script), attempts=2, breaker=breaker)
    outcome(operation, adapter)
    clock.now += 30

    result = operation.call(adapter)

    assert (result, len(script.sent), breaker.state) == (
        operation.means,
        3,
        BreakerState.CLOSED,
    )


def test_a_trial_that_fails_opens_the_circuit_again():
    clock = FakeMonotonic()
    breaker = CircuitBreaker(failures=1, reset_after=30, clock=clock)
    breaker.record_failure()
    clock.now += 30
    assert breaker.allow()

    breaker.record_failure()

    assert breaker.state is BreakerState.OPEN


def test_a_half_open_circuit_lets_one_trial_through_at_a_time():
    clock = FakeMonotonic()
    breaker = CircuitBreaker(failures=1, reset_after=30, clock=clock)
    breaker.record_failure()
    clock.now += 30

    allowed = [breaker.allow(), breaker.allow()]

    assert allowed == [True, False]


def test_an_answer_between_failures_starts_the_count_again():
    breaker = CircuitBreaker(failures=3, reset_after=30, clock=FakeMonotonic())
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()

    breaker.record_failure()

    assert breaker.state is BreakerState.CLOSED


@pytest.mark.parametrize("status", [400, 401, 422])
def test_refusals_do_not_open_the_circuit(status):
    """A refusal says the request was wrong, not that the registry is down."""
    operation = BY_NAME["history_of"]
    breaker = CircuitBreaker(failures=1, reset_after=30, clock=FakeMonotonic())
    script = Script([], then=lambda _: httpx.Response(status, json={}))
    adapter = operation.make(mock_client(script), breaker=breaker)

    outcome(operation, adapter)

    assert breaker.state is BreakerState.CLOSED


def test_each_registry_has_a_breaker_of_its_own():
    platform, register = BY_NAME["history_of"], BY_NAME["status_of"]
    client = mock_client(Script([], then=unavailable))

    assert platform.make(client).breaker is not register.make(client).breaker


def test_no_attempt_starts_once_the_total_time_of_a_call_has_passed():
    """P8: the deadline bounds a call even when attempts are left."""
    operation = BY_NAME["history_of"]

    def slow_outage(request: httpx.Request) -> httpx.Response:
        time.sleep(0.01)  # longer than the whole call may take
        return unavailable(request)

    script = Script([], then=slow_outage)
    policy = RetryPolicy(attempts=5, wait_initial=0, wait_max=0, wait_jitter=0, total=0.005)
    endpoint = RegistryEndpoint("assistance_platform", "http://registry.test", retry=policy)

    with mock_client(script) as client, pytest.raises(RegistryUnavailable):
        operation.call(operation.adapter(client, endpoint))

    assert len(script.sent) == 1
