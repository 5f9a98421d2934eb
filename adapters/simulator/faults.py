"""Faults a registry simulator injects on request, so that clients meet real failures.

A fault names what goes wrong (`FaultKind`) and which requests it strikes: a registry,
an operation, a person (by masked ID or by `person_hash`), a fraction of the requests
that match, and at most `times` of them. The first fault that strikes a request
decides its fate; a fault struck `times` times is gone.
"""

from __future__ import annotations

import hashlib
import random
import threading
from enum import StrEnum

from attrs import define, field, frozen

from adapters.http.wire import Fields, WireError
from domain.identity import ResidentId

REGISTRIES = ("platform", "unemployment", "disability")


class FaultKind(StrEnum):
    LATENCY = "latency"  # answers correctly after `delay` seconds
    TIMEOUT = "timeout"  # says nothing for `delay` seconds, then hangs up
    RESET = "reset"  # hangs up without answering
    ERROR = "error"  # answers `status` (5xx by default) with a problem document
    RATE_LIMITED = "rate_limited"  # answers 429 with Retry-After
    TRUNCATED = "truncated"  # promises the whole body, sends half, hangs up
    INVALID_JSON = "invalid_json"  # 200 with a body that is not JSON
    WRONG_SCHEMA = "wrong_schema"  # 200 with JSON of another shape
    EMPTY = "empty"  # 200 with an empty body
    HTML = "html"  # an HTML error page, with `status` (200 by default)


def person_hash(person: ResidentId) -> str:
    """A stable name of a person that is not the ID number (for naming one in a fault)."""
    digest = hashlib.sha256(f"jiuzhu-simulator:{person.reveal()}".encode())
    return digest.hexdigest()[:16]


def _fraction(_instance: object, _attribute: object, value: float) -> None:
    if not 0 < value <= 1:
        raise ValueError("fraction must be in (0, 1]")


@frozen
class Fault:
    kind: FaultKind
    registry: str | None = None  # platform, unemployment or disability; None: all three
    operation: str | None = None  # e.g. history_of; None: every operation
    person: str | None = None  # a masked ID or a person_hash; None: everyone
    fraction: float = field(default=1.0, validator=_fraction)
    times: int | None = None  # None: until cleared
    status: int | None = None  # for ERROR (default 503) and HTML (default 200)
    delay: float = 0.0  # seconds, for LATENCY and TIMEOUT (default 30 for TIMEOUT)
    after_write: bool = False  # a write is carried out first, then its answer is lost

    def __attrs_post_init__(self) -> None:
        if self.registry is not None and self.registry not in REGISTRIES:
            raise ValueError(f"registry must be one of {REGISTRIES}")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be at least 1")
        if self.delay < 0:
            raise ValueError("delay must not be negative")

    @property
    def wait(self) -> float:
        return self.delay or (30.0 if self.kind is FaultKind.TIMEOUT else 0.0)

    def matches(self, registry: str, operation: str, person: ResidentId | None) -> bool:
        if self.registry not in (None, registry) or self.operation not in (None, operation):
            return False
        if self.person is None:
            return True
        return person is not None and self.person in (person.masked, person_hash(person))


def fault_from_json(data: object) -> Fault:
    """A fault from the admin endpoint's JSON; raises ValueError saying what is wrong."""
    try:
        fields = Fields(data)
        return Fault(
            fields.choice("kind", FaultKind),
            registry=fields.left_out_or(fields.optional_text, "registry"),
            operation=fields.left_out_or(fields.optional_text, "operation"),
            person=fields.left_out_or(fields.optional_text, "person"),
            fraction=fields.left_out_or(fields.number, "fraction") or 1.0,
            times=fields.left_out_or(lambda n: fields.optional_integer(n, minimum=1), "times"),
            status=fields.left_out_or(
                lambda n: fields.optional_integer(n, minimum=100, maximum=599), "status"
            ),
            delay=fields.left_out_or(fields.number, "delay") or 0.0,
            after_write=fields.left_out_or(fields.boolean, "after_write") or False,
        )
    except WireError as error:
        raise ValueError(str(error)) from None


@define
class _Entry:
    fault: Fault
    left: int | None


class FaultBook:
    """The faults in force, thread-safe; `fraction` is drawn from a seeded generator."""

    def __init__(self, *, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self._entries: list[_Entry] = []
        self.struck = 0  # how many requests a fault has struck since the book was made

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._entries.append(_Entry(fault, fault.times))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    @property
    def in_force(self) -> tuple[Fault, ...]:
        with self._lock:
            return tuple(entry.fault for entry in self._entries)

    def strike(self, registry: str, operation: str, person: ResidentId | None) -> Fault | None:
        """The fault that strikes this request, if any; counts it against `times`."""
        with self._lock:
            for entry in self._entries:
                if not entry.fault.matches(registry, operation, person):
                    continue
                if entry.fault.fraction < 1 and self._random.random() >= entry.fault.fraction:
                    continue
                if entry.left is not None:
                    entry.left -= 1
                    if entry.left == 0:
                        self._entries.remove(entry)
                self.struck += 1
                return entry.fault
        return None
