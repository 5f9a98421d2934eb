"""P8, P9 as properties: random fault schedules against every operation of every adapter.

A schedule says what each request in turn meets; past its end the registry answers.
Whatever the schedule, a call answers the true answer or raises a port error, never
anything else; it sends no more requests than its bound; it stops at the first fault
not worth repeating; and a write repeats its one idempotency key. Under the CI profile
each property runs 1,000 examples (five times the profile's count).
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.http import CircuitBreaker
from ports.errors import RegistryAnswerInvalid, RegistryError, RegistryRefused, RegistryUnavailable
from tests.integration.registry_cases import OPERATIONS, Operation, Script, answer_ok, mock_client

EXAMPLES = 5 * settings().max_examples  # from the loaded profile (tests/conftest.py)

FaultReply = Callable[[Operation], Callable[[httpx.Request], httpx.Response]]


def _raising(error: type[httpx.TransportError]) -> FaultReply:
    def reply(request: httpx.Request) -> httpx.Response:
        raise error("simulated", request=request)

    return lambda _: reply


def _status(status: int) -> FaultReply:
    return lambda _: lambda _: httpx.Response(status, json={"status": status})


def _content(content: bytes, content_type: str = "application/json") -> FaultReply:
    headers = {"content-type": content_type}
    return lambda _: lambda _: httpx.Response(200, content=content, headers=headers)


def _cut_short(operation: Operation) -> Callable[[httpx.Request], httpx.Response]:
    return _content(answer_ok(operation).content[:-3])(operation)


# what a request meets -> (its reply, what the call makes of it)
REPLIES: dict[str, tuple[FaultReply, str]] = {
    "answer": (lambda op: lambda _: answer_ok(op), "answered"),
    "connect_timeout": (_raising(httpx.ConnectTimeout), "unavailable"),
    "read_timeout": (_raising(httpx.ReadTimeout), "unavailable"),
    "connection_refused": (_raising(httpx.ConnectError), "unavailable"),
    "500": (_status(500), "unavailable"),
    "503": (_status(503), "unavailable"),
    "429": (_status(429), "unavailable"),
    "truncated_json": (_cut_short, "invalid"),
    "invalid_json": (_content(b"{oops"), "invalid"),
    "wrong_schema": (_content(b'{"result": "ok"}'), "invalid"),
    "empty": (_content(b""), "invalid"),
    "html": (_content(b"<html>maintenance</html>", "text/html"), "invalid"),
    "401": (_status(401), "refused"),
    "422": (_status(422), "refused"),
}
ERRORS = {
    "unavailable": RegistryUnavailable,
    "invalid": RegistryAnswerInvalid,
    "refused": RegistryRefused,
}


def predicted(schedule: list[str], attempts: int) -> tuple[str, int]:
    """What the call should come to, and after how many requests (the table of client.py)."""
    for number in range(1, attempts + 1):
        meets = schedule[number - 1] if number <= len(schedule) else "answer"
        kind = REPLIES[meets][1]
        if kind != "unavailable":
            return kind, number
    return "unavailable", attempts


def run(operation: Operation, script: Script, attempts: int, breaker=None) -> tuple[str, object]:
    adapter = operation.make(mock_client(script), attempts=attempts, breaker=breaker)
    try:
        return "answered", operation.call(adapter)
    except RegistryError as error:  # anything else fails the property
        kinds = {cls: name for name, cls in ERRORS.items()}
        return kinds[type(error)], error


operations = st.sampled_from(OPERATIONS)
schedules = st.lists(st.sampled_from(sorted(REPLIES)), max_size=6)


@settings(max_examples=EXAMPLES, deadline=None)
@given(operation=operations, schedule=schedules, attempts=st.integers(1, 4))
def test_any_fault_schedule_ends_in_the_true_answer_or_a_port_error(operation, schedule, attempts):
    """P9: no schedule makes a call answer anything but what the registry said."""
    script = Script(
        [REPLIES[s][0](operation) for s in schedule], then=lambda _: answer_ok(operation)
    )

    kind, result = run(operation, script, attempts)

    if kind == "answered":
        assert result == operation.means
    assert (kind, len(script.sent)) == predicted(schedule, attempts)


@settings(max_examples=EXAMPLES, deadline=None)
@given(operation=operations, schedule=schedules, attempts=st.integers(1, 4))
def test_any_fault_schedule_keeps_the_bound_and_the_key(operation, schedule, attempts):
    """P6, P8: at most `attempts` requests, every one of a write under the same key."""
    script = Script(
        [REPLIES[s][0](operation) for s in schedule], then=lambda _: answer_ok(operation)
    )

    run(operation, script, attempts)

    keys = {request.headers.get("Idempotency-Key") for request in script.sent}
    assert 1 <= len(script.sent) <= attempts
    assert len(keys) == 1
    assert (None in keys) is not operation.write


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


calls = st.lists(
    st.tuples(st.lists(st.sampled_from(sorted(REPLIES)), max_size=4), st.booleans()),
    min_size=1,
    max_size=8,
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(operation=operations, sequence=calls)
def test_an_open_circuit_sends_nothing_until_its_pause_is_over(operation, sequence):
    """P8: a registry that keeps failing is left alone for a while, and asked again after."""
    clock = FakeMonotonic()
    breaker = CircuitBreaker(failures=3, reset_after=30, clock=clock)
    was_open = False
    for schedule, pause in sequence:
        if pause:
            clock.now += 30
        script = Script(
            [REPLIES[s][0](operation) for s in schedule], then=lambda _: answer_ok(operation)
        )

        kind, result = run(operation, script, 2, breaker)

        if was_open and not pause:
            assert (kind, len(script.sent)) == ("unavailable", 0)
        if pause:
            assert len(script.sent) >= 1
        if kind == "answered":
            assert result == operation.means
        was_open = breaker.state == "open"
