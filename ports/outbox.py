"""The outbox: writes to other departments' registries, queued with the state change (P6).

A use case that must tell a registry something does not call it inside its transaction:
it stages an `OutboxEntry` in the unit of work (`uow.outbox.add`), and the entry commits
with the case, or not at all. A worker later claims due entries (`OutboxQueue.claim`),
holds each under a lease so that no other worker takes it meanwhile (P7), calls the
registry with the entry's idempotency key, and marks it delivered in a unit of work
(`uow.outbox.mark_delivered`). Delivery is at least once; the key makes it one effect.

A failed delivery is tried again later, with backoff; after a bounded number of
attempts the entry becomes an incident that operators list and retry (P8).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from attrs import frozen

from domain.identity import ResidentId
from ports.registries import PlatformApplication

# -- what is queued: one message per registry write --


@frozen
class RecordApplicationOnPlatform:
    """Record an accepted application on the platform; the scenario keeps the reference."""

    application: PlatformApplication
    scenario_id: str


@frozen
class RegisterUnemployment:
    """Register the person as unemployed, as the registration case decided (R8)."""

    person: ResidentId
    case_id: str
    on: date


@frozen
class RecordRecognition:
    """Record the outcome of a recognition of employment difficulty (R9)."""

    person: ResidentId
    case_id: str
    recognised: bool
    on: date


@frozen
class ResumeScenario:
    """Retry what a registry that did not answer left outstanding on a joint scenario.

    Not a write but a wait (R8, P8): queued with the failure, it is delivered by trying
    the registry again, so that the scenario moves on without an officer once the
    registry answers, with the outbox's backoff, and an incident when it never does.
    """

    scenario_id: str


OutboxMessage = (
    RecordApplicationOnPlatform | RegisterUnemployment | RecordRecognition | ResumeScenario
)


@frozen
class OutboxEntry:
    """One registry write to deliver; `key` is its idempotency key, stable across retries."""

    key: str
    message: OutboxMessage


class EntryStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt (or leased to a worker now)
    DELIVERED = "delivered"
    INCIDENT = "incident"  # gave up after the bounded attempts; an operator retries it


@frozen
class ClaimedEntry:
    """An entry leased to one worker until `lease_until`; `attempt` counts this one."""

    entry: OutboxEntry
    attempt: int
    worker_id: str
    lease_until: datetime


@frozen
class EntryState:
    """Where an entry stands, for operators and tests."""

    key: str
    kind: str
    status: EntryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None


class Outbox(Protocol):
    """The outbox as a unit of work sees it: staged entries commit with everything else."""

    def add(self, entry: OutboxEntry) -> None:
        """Stage an entry. An entry whose key is already queued is not queued twice."""
        ...

    def mark_delivered(self, key: str, *, at: datetime) -> None:
        """Stage the entry as delivered; a second delivery of it is a no-op."""
        ...


class OutboxQueue(Protocol):
    """The outbox as workers and operators see it; each call is its own transaction."""

    def claim(
        self, worker_id: str, *, now: datetime, lease: timedelta, limit: int
    ) -> list[ClaimedEntry]:
        """Lease up to `limit` due entries to `worker_id`, oldest first (P7).

        An entry is due when it is pending, its next attempt has come and no lease on it
        holds; entries other workers are claiming at the same moment are skipped.
        """
        ...

    def reschedule(self, claimed: ClaimedEntry, *, error: str, retry_at: datetime | None) -> None:
        """Record a failed attempt: try again at `retry_at`, or with None, an incident."""
        ...

    def incidents(self) -> list[EntryState]:
        """Entries that gave up, oldest first, for operators (P8)."""
        ...

    def retry(self, key: str, *, now: datetime) -> None:
        """Put an incident back in the queue with its attempts counted from zero."""
        ...

    def state_of(self, key: str) -> EntryState:
        """Where one entry stands; raises NotFound."""
        ...
