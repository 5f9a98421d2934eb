"""What the three HTTP registry adapters share: endpoint settings, retries, a circuit
breaker, and the one place where every failure becomes a port error (P9).

    what happened                                   port error              retried
    connect error, timeout, 5xx, 429                RegistryUnavailable     yes
    the circuit is open                             RegistryUnavailable     no request sent
    4xx other than 429 (bad key, reused write key)  RegistryRefused         no
    body cut short or undecodable, not JSON, not    RegistryAnswerInvalid   no
    application/json (an HTML page), empty, wrong schema, 1xx or 3xx

Every operation is safe to repeat: reads change nothing, and every write carries its
idempotency key, the same on each attempt, which the registry deduplicates on (P6).
An invalid answer is not retried here: the registry answered, and the command stays
outstanding for the scenario or the worker to retry later.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import TypeVar

import httpx
import stamina
from attrs import field, frozen

from adapters.http.wire import Fields, WireError, parse_json
from domain.identity import ResidentId
from ports.errors import (
    RegistryAnswerInvalid,
    RegistryError,
    RegistryRefused,
    RegistryUnavailable,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

API_KEY_HEADER = "X-Api-Key"
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"


def _positive(_instance: object, attribute: object, value: float) -> None:
    if value <= 0:
        raise ValueError(f"{getattr(attribute, 'name', 'value')} must be positive")


@frozen
class Timeouts:
    """Seconds to wait for a connection, and for each read of the answer."""

    connect: float = field(default=2.0, validator=_positive)
    read: float = field(default=5.0, validator=_positive)

    def as_httpx(self) -> httpx.Timeout:
        return httpx.Timeout(self.read, connect=self.connect)


@frozen
class RetryPolicy:
    """At most `attempts` requests per call, backing off exponentially with jitter (P8).

    No new attempt starts once `total` seconds have passed since the first. A 429 or
    503 with Retry-After waits that long, but never more than `wait_max`.
    """

    attempts: int = 3
    wait_initial: float = 0.2
    wait_max: float = 2.0
    wait_jitter: float = 0.2
    total: float = 10.0

    def __attrs_post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if min(self.wait_initial, self.wait_max, self.wait_jitter) < 0 or self.total <= 0:
            raise ValueError("waits must not be negative and total must be positive")

    @classmethod
    def without_waiting(cls, attempts: int = 3) -> RetryPolicy:
        """Retries back to back: for tests, which must not sleep."""
        return cls(attempts=attempts, wait_initial=0.0, wait_max=0.0, wait_jitter=0.0)


@frozen
class RegistryEndpoint:
    """Where one registry answers and how long to wait for it."""

    name: str  # the registry's name in errors and logs, e.g. assistance_platform
    base_url: str
    api_key: str | None = field(default=None, repr=False)
    timeouts: Timeouts = field(factory=Timeouts)
    retry: RetryPolicy = field(factory=RetryPolicy)


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Stops asking a registry that keeps failing, and tries again after a pause.

    Closed until `failures` attempts in a row fail; then open for `reset_after` seconds,
    during which no request is sent; then half-open: one trial request, whose outcome
    closes or reopens it. `clock` gives seconds on a monotonic scale (tests pass a fake).
    """

    def __init__(
        self,
        *,
        failures: int = 5,
        reset_after: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failures < 1 or reset_after <= 0:
            raise ValueError("failures must be at least 1 and reset_after positive")
        self._threshold = failures
        self._reset_after = reset_after
        self._clock = clock
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._trial_running = False

    @property
    def state(self) -> BreakerState:
        with self._lock:
            self._maybe_half_open()
            return self._state

    def allow(self) -> bool:
        """Whether a request may be sent now; each allowed request must report back."""
        with self._lock:
            self._maybe_half_open()
            if self._state is BreakerState.CLOSED:
                return True
            if self._state is BreakerState.HALF_OPEN and not self._trial_running:
                self._trial_running = True
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            self._state = BreakerState.CLOSED
            self._failures = 0
            self._trial_running = False

    def record_failure(self) -> None:
        with self._lock:
            self._trial_running = False
            self._failures += 1
            if self._state is BreakerState.HALF_OPEN or self._failures >= self._threshold:
                self._state = BreakerState.OPEN
                self._opened_at = self._clock()

    def _maybe_half_open(self) -> None:
        waited = self._clock() - self._opened_at
        if self._state is BreakerState.OPEN and waited >= self._reset_after:
            self._state = BreakerState.HALF_OPEN
            self._trial_running = False


class _Transient(Exception):
    """An attempt that failed in a way worth repeating; carries the port error to raise."""

    def __init__(self, error: RegistryUnavailable, retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


@frozen
class _Answer:
    status: int
    content_type: str
    content: bytes
    retry_after: float | None


class RegistryClient:
    """Sends the operations of one registry: JSON bodies, headers, retries, breaker, logs.

    Each request logs one INFO line with the operation, the outcome and the masked ID;
    the full ID travels only in the JSON body, never in the URL (P12).
    """

    def __init__(
        self,
        client: httpx.Client,
        endpoint: RegistryEndpoint,
        *,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self._client = client
        self._endpoint = endpoint
        self.breaker = breaker or CircuitBreaker()

    @property
    def name(self) -> str:
        return self._endpoint.name

    def read(
        self,
        operation: str,
        path: str,
        body: Mapping[str, object],
        decode: Callable[[Fields], T],
        *,
        person: ResidentId,
    ) -> T:
        """A query: changes nothing on the registry, so it is repeated freely."""
        return self._call(operation, path, body, decode, person=person, key=None)

    def write(
        self,
        operation: str,
        path: str,
        body: Mapping[str, object],
        decode: Callable[[Fields], T],
        *,
        person: ResidentId,
        idempotency_key: str,
    ) -> T:
        """A write, repeated only under its idempotency key (the same on every attempt)."""
        if not idempotency_key:
            raise ValueError("a write needs an idempotency key")
        return self._call(operation, path, body, decode, person=person, key=idempotency_key)

    def _call(
        self,
        operation: str,
        path: str,
        body: Mapping[str, object],
        decode: Callable[[Fields], T],
        *,
        person: ResidentId,
        key: str | None,
    ) -> T:
        request = self._request(path, body, key)
        policy = self._endpoint.retry
        try:
            for attempt in stamina.retry_context(
                on=self._backoff,
                attempts=policy.attempts,
                timeout=policy.total,
                wait_initial=policy.wait_initial,
                wait_max=policy.wait_max,
                wait_jitter=policy.wait_jitter,
            ):
                with attempt:
                    return self._attempt(operation, request, decode, person, attempt.num)
        except _Transient as failure:
            raise failure.error from failure.__cause__
        raise AssertionError("retry_context ended without an outcome")  # pragma: no cover

    def _backoff(self, error: Exception) -> bool | float:
        if not isinstance(error, _Transient):
            return False
        if error.retry_after is not None:
            return min(error.retry_after, self._endpoint.retry.wait_max)
        return True

    def _request(self, path: str, body: Mapping[str, object], key: str | None) -> httpx.Request:
        headers = {"Accept": "application/json"}
        if self._endpoint.api_key:
            headers[API_KEY_HEADER] = self._endpoint.api_key
        if key is not None:
            headers[IDEMPOTENCY_KEY_HEADER] = key
        return self._client.build_request(
            "POST",
            self._endpoint.base_url.rstrip("/") + path,
            json=dict(body),
            headers=headers,
            timeout=self._endpoint.timeouts.as_httpx(),
        )

    def _attempt(
        self,
        operation: str,
        request: httpx.Request,
        decode: Callable[[Fields], T],
        person: ResidentId,
        number: int,
    ) -> T:
        if not self.breaker.allow():
            self._log(operation, person, number, "circuit open, not sent", None)
            raise RegistryUnavailable(self.name, f"{operation}: circuit open, not asked")
        started = time.monotonic()
        outcome = "answered"
        try:
            answer = self._exchange(operation, request)
            value = self._answer(operation, answer, decode)
        except (_Transient, RegistryError) as failure:
            error = failure.error if isinstance(failure, _Transient) else failure
            outcome = str(error).removeprefix(f"{self.name}: {operation}: ")
            if isinstance(error, RegistryRefused):
                self.breaker.record_success()  # it answered: the request was at fault
            else:
                self.breaker.record_failure()
            raise
        else:
            self.breaker.record_success()
            return value
        finally:
            self._log(operation, person, number, outcome, started)

    def _exchange(self, operation: str, request: httpx.Request) -> _Answer:
        """Send and read the whole answer; transport failures become port errors."""
        try:
            response = self._client.send(request, stream=True)
        except httpx.TimeoutException as error:
            raise self._transient(operation, "timed out", error) from error
        except httpx.RequestError as error:
            raise self._transient(operation, "unreachable", error) from error
        try:
            content = response.read()
        except httpx.TimeoutException as error:
            raise self._transient(operation, "timed out while answering", error) from error
        except httpx.RequestError as error:  # cut short, or a content encoding that fails
            message = f"{operation}: the answer could not be read ({type(error).__name__})"
            raise RegistryAnswerInvalid(self.name, message) from error
        finally:
            response.close()
        return _Answer(
            status=response.status_code,
            content_type=response.headers.get("content-type", ""),
            content=content,
            retry_after=_seconds(response.headers.get("retry-after")),
        )

    def _transient(
        self,
        operation: str,
        what: str,
        cause: Exception | None = None,
        retry_after: float | None = None,
    ) -> _Transient:
        error = RegistryUnavailable(self.name, f"{operation}: {what}")
        error.__cause__ = cause
        return _Transient(error, retry_after)

    def _answer(self, operation: str, answer: _Answer, decode: Callable[[Fields], T]) -> T:
        status = answer.status
        if status == 429 or status >= 500:
            raise self._transient(operation, f"answered {status}", retry_after=answer.retry_after)
        if 400 <= status < 500:
            raise RegistryRefused(self.name, f"{operation}: refused ({status})", status=status)
        if not 200 <= status < 300:
            raise RegistryAnswerInvalid(self.name, f"{operation}: unexpected status {status}")
        if not _is_json(answer.content_type):
            kind = answer.content_type.split(";")[0].strip() or "no content type"
            raise RegistryAnswerInvalid(self.name, f"{operation}: answered {kind}, not JSON")
        if not answer.content:
            raise RegistryAnswerInvalid(self.name, f"{operation}: answered an empty body")
        try:
            return decode(Fields(parse_json(answer.content)))
        except WireError as error:
            raise RegistryAnswerInvalid(self.name, f"{operation}: {error}") from error

    def _log(
        self,
        operation: str,
        person: ResidentId,
        number: int,
        outcome: str,
        started: float | None,
    ) -> None:
        elapsed = 0.0 if started is None else (time.monotonic() - started) * 1000
        log.info(
            "%s %s for %s: attempt %d, %s in %.0f ms",
            self.name,
            operation,
            person.masked,
            number,
            outcome,
            elapsed,
        )


def _is_json(content_type: str) -> bool:
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def _seconds(retry_after: str | None) -> float | None:
    """Retry-After in seconds; the HTTP-date form is ignored (backoff applies instead)."""
    if retry_after is None or not retry_after.strip().isdigit():
        return None
    return float(retry_after.strip())
