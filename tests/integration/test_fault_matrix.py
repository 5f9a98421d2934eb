"""P9: every operation of every HTTP adapter against every fault, on a mock transport.

Each fault is what one request meets; it meets it on every attempt. The call must raise
the port error of the fault's kind (never answer, never raise anything else), after as
many attempts as the retry policy allows for that kind: all of them for an outage, one
for an answer that is invalid or a refusal.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator

import httpx
import pytest

from ports.errors import RegistryAnswerInvalid, RegistryRefused, RegistryUnavailable
from tests.integration.registry_cases import (
    OPERATIONS,
    Operation,
    Reply,
    Script,
    answer_ok,
    mock_client,
)

ATTEMPTS = 3
HTML_PAGE = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


def _raise(error: type[httpx.TransportError], message: str) -> Reply:
    def reply(request: httpx.Request) -> httpx.Response:
        raise error(message, request=request)

    return reply


def _status(status: int, **headers: str) -> Reply:
    return lambda _: httpx.Response(
        status, json={"title": "failure", "status": status}, headers=headers
    )


def _body(content: bytes, content_type: str = "application/json", status: int = 200) -> Reply:
    return lambda _: httpx.Response(
        status, content=content, headers={"content-type": content_type}
    )


class _CutShort(httpx.SyncByteStream):
    """A body that stops halfway, as httpcore reports a connection closed mid-body."""

    def __init__(self, content: bytes) -> None:
        self._content = content

    def __iter__(self) -> Iterator[bytes]:
        yield self._content[: len(self._content) // 2]
        raise httpx.RemoteProtocolError("peer closed connection without sending complete body")


def _truncated(operation: Operation) -> Reply:
    content = answer_ok(operation).content
    return lambda _: httpx.Response(
        200,
        headers={"content-type": "application/json", "content-length": str(len(content))},
        stream=_CutShort(content),
    )


def _document(document: object) -> Callable[[Operation], Reply]:
    return lambda _operation: lambda _: httpx.Response(200, json=document)


def _valid_prefix(operation: Operation) -> Reply:
    content = answer_ok(operation).content
    return _body(content[: len(content) - 5])


# fault name -> (reply for the operation, the port error, attempts the call may make)
FaultFor = Callable[[Operation], Reply]
UNAVAILABLE: dict[str, FaultFor] = {
    "connect_timeout": lambda _: _raise(httpx.ConnectTimeout, "connect timed out"),
    "read_timeout": lambda _: _raise(httpx.ReadTimeout, "read timed out"),
    "connection_refused": lambda _: _raise(httpx.ConnectError, "connection refused"),
    "disconnected_before_answer": lambda _: _raise(
        httpx.RemoteProtocolError, "server disconnected without sending a response"
    ),
    "500": lambda _: _status(500),
    "502_html_page": lambda _: _body(HTML_PAGE.encode(), "text/html", status=502),
    "503_retry_after": lambda _: _status(503, **{"Retry-After": "1"}),
    "504": lambda _: _status(504),
    "429_retry_after": lambda _: _status(429, **{"Retry-After": "2"}),
}
INVALID: dict[str, FaultFor] = {
    "truncated": _truncated,
    "truncated_json_text": _valid_prefix,
    "invalid_json": lambda _: _body(b"{'records': oops}"),
    "nan": lambda _: _body(b'{"person": NaN}'),
    "duplicate_key": lambda op: _body(
        answer_ok(op).content[:-1] + b',"' + next(iter(op.answer)).encode() + b'": null}'
    ),
    "empty_200": lambda _: _body(b""),
    "html_page_200": lambda _: _body("<html><body>系统维护中</body></html>".encode(), "text/html"),
    "json_as_text_plain": lambda op: _body(answer_ok(op).content, "text/plain"),
    "no_content_type": lambda op: _body(answer_ok(op).content, ""),
    "not_utf8": lambda _: _body('{"person": "张三"}'.encode("gb18030")),
    "corrupt_gzip": lambda _: (
        lambda _: httpx.Response(
            200,
            stream=httpx.ByteStream(b"not gzip at all"),
            headers={"content-type": "application/json", "content-encoding": "gzip"},
        )
    ),
    "nested_too_deeply": lambda _: _body(b"[" * 100_000 + b"]" * 100_000),
    "number_too_long": lambda _: _body(b'{"grade": ' + b"9" * 5000 + b"}"),
    "wrong_schema": _document({"result": "ok", "data": []}),
    "a_list": _document([]),
    "null": _document(None),
    "redirect_to_login": lambda _: (
        lambda _: httpx.Response(302, headers={"location": "https://login.test/"})
    ),
}
REFUSED: dict[str, FaultFor] = {
    "400": lambda _: _status(400),
    "401": lambda _: _status(401),
    "403": lambda _: _status(403),
    "404": lambda _: _status(404),
    "409": lambda _: _status(409),
    "422": lambda _: _status(422),
}
FAULTS = (
    [(name, fault, RegistryUnavailable, ATTEMPTS) for name, fault in UNAVAILABLE.items()]
    + [(name, fault, RegistryAnswerInvalid, 1) for name, fault in INVALID.items()]
    + [(name, fault, RegistryRefused, 1) for name, fault in REFUSED.items()]
)


def _wrong_type(value: object) -> object:
    """A value of another JSON type than `value` (null is replaced by a list)."""
    if isinstance(value, bool):
        return "true"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return 12345
    if isinstance(value, list):
        return {}
    if isinstance(value, dict):
        return []
    return []


def _mutations(answer: dict[str, object]) -> Iterator[tuple[str, dict[str, object]]]:
    """Every answer with one field left out or of the wrong type, one level deep too."""
    for name, value in answer.items():
        missing = {k: v for k, v in answer.items() if k != name}
        yield f"without_{name}", missing
        yield f"{name}_of_wrong_type", {**answer, name: _wrong_type(value)}
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for inner, inner_value in value[0].items():
                changed = copy.deepcopy(answer)
                del changed[name][0][inner]  # type: ignore[index]
                yield f"{name}_item_without_{inner}", changed
                changed = copy.deepcopy(answer)
                changed[name][0][inner] = _wrong_type(inner_value)  # type: ignore[index]
                yield f"{name}_item_{inner}_of_wrong_type", changed


def _record(**changes: object) -> dict[str, object]:
    valid = {"service": "dibao", "status": "ended", "since": "2025-10-09", "reference": ""}
    return {**valid, **changes}


# Answers of the right shape that say something impossible or about someone else: the
# changes each makes to the operation's valid answer.
IMPOSSIBLE: dict[str, list[tuple[str, dict[str, object]]]] = {
    "history_of": [
        ("another_person", {"person": "110***********002X"}),
        ("unknown_status", {"records": [_record(status="maybe")]}),
        ("unknown_service", {"records": [_record(service="pension")]}),
        ("date_that_does_not_exist", {"records": [_record(since="2025-02-30")]}),
        ("date_without_dashes", {"records": [_record(since="20251009")]}),
        ("date_with_a_time", {"records": [_record(since="2025-10-09T00:00:00")]}),
    ],
    "record_application": [
        ("another_case", {"case_id": "case-9999"}),
        ("empty_reference", {"reference": ""}),
    ],
    "check_report": [
        ("another_case", {"case_id": "case-9999"}),
        ("another_revision", {"revision": 1}),
        ("revision_as_false", {"revision": False}),
        ("date_in_another_form", {"issued_on": "03/02/2026"}),
        ("warnings_null", {"warnings": None}),
    ],
    "registration_of": [
        ("another_person", {"person": "110***********002X"}),
        ("registered_without_a_date", {"registered_on": None}),
        ("a_date_but_not_registered", {"registered": False}),
        ("registered_as_1", {"registered": 1}),
    ],
    "register": [
        ("not_registered_after_registering", {"registered": False, "registered_on": None}),
    ],
    "record_recognition": [
        ("another_outcome", {"recognised": False}),
        ("another_case", {"case_id": "case-0004"}),
    ],
    "status_of": [
        ("another_person", {"person": "110***********002X"}),
        ("grade_5", {"grade": 5}),
        ("grade_0", {"grade": 0}),
        ("grade_as_float", {"grade": 1.0}),
        ("unknown_category", {"category": "其他"}),
        ("negative_amount", {"severe_nursing_monthly_fen": -1}),
        ("amount_in_yuan_text", {"severe_nursing_monthly_fen": "100.00"}),
        ("amount_without_the_subsidy", {"receives_severe_nursing_subsidy": False}),
    ],
}


def _cases() -> Iterator[object]:
    for operation in OPERATIONS:
        for name, fault, error, attempts in FAULTS:
            yield pytest.param(
                operation, fault(operation), error, attempts, id=f"{operation}-{name}"
            )
        impossible = [
            (name, {**operation.answer, **changes}) for name, changes in IMPOSSIBLE[operation.name]
        ]
        for name, document in [*_mutations(operation.answer), *impossible]:
            reply = _document(document)(operation)
            yield pytest.param(
                operation, reply, RegistryAnswerInvalid, 1, id=f"{operation}-{name}"
            )


CASES = list(_cases())


def _call(operation: Operation, reply: Reply) -> tuple[Script, Exception | None]:
    script = Script(replies=[], then=reply)
    with mock_client(script) as client:
        adapter = operation.make(client, attempts=ATTEMPTS)
        try:
            operation.call(adapter)
        except Exception as error:  # the test asserts on it
            return script, error
    return script, None


@pytest.mark.parametrize(("operation", "reply", "error", "attempts"), CASES)
def test_a_fault_raises_its_port_error_and_never_answers(operation, reply, error, attempts):
    """P9: a timeout, error or malformed answer is never read as a negative answer."""
    _, raised = _call(operation, reply)

    assert type(raised) is error


@pytest.mark.parametrize(("operation", "reply", "error", "attempts"), CASES)
def test_a_fault_is_retried_only_when_it_is_worth_repeating(operation, reply, error, attempts):
    """P8: an outage is retried up to the bound; an invalid answer or a refusal is not."""
    script, _ = _call(operation, reply)

    assert len(script.sent) == attempts


def test_the_matrix_holds_about_two_hundred_cases():
    """PROMISES.md asks for about 200 fixed cases."""
    assert len(CASES) >= 200


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_every_valid_answer_is_read_as_what_it_means(operation):
    script = Script(replies=[], then=lambda _: answer_ok(operation))
    with mock_client(script) as client:
        result = operation.call(operation.make(client))

    assert result == operation.means
