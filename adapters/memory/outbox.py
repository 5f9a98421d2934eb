"""The outbox in memory: staged per unit of work, committed with it, leased to workers.

`InMemoryOutboxStore` holds the committed entries and serves as the `OutboxQueue`;
`InMemoryOutbox` is the unit of work's staging area, applied by the unit's commit.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ports.errors import NotFound
from ports.outbox import ClaimedEntry, EntryState, EntryStatus, OutboxEntry


@dataclass
class _Record:
    entry: OutboxEntry
    created_at: datetime
    status: EntryStatus = EntryStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None  # None: due at once
    lease_until: datetime | None = None
    worker_id: str = ""
    last_error: str = ""
    delivered_at: datetime | None = None

    def state(self) -> EntryState:
        return EntryState(
            key=self.entry.key,
            kind=type(self.entry.message).__name__,
            status=self.status,
            attempts=self.attempts,
            next_attempt_at=self.next_attempt_at,
            last_error=self.last_error,
            created_at=self.created_at,
            delivered_at=self.delivered_at,
        )

    def is_due(self, now: datetime) -> bool:
        return (
            self.status is EntryStatus.PENDING
            and (self.next_attempt_at is None or self.next_attempt_at <= now)
            and (self.lease_until is None or self.lease_until <= now)
        )


class InMemoryOutboxStore:
    """Committed outbox entries in the order they were queued; the workers' queue."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: dict[str, _Record] = {}

    # -- applied by a unit of work's commit --

    def apply(self, added: list[OutboxEntry], delivered: dict[str, datetime]) -> None:
        with self._lock:
            for entry in added:
                if entry.key not in self._records:
                    self._records[entry.key] = _Record(entry, datetime.now(UTC))
            for key, at in delivered.items():
                record = self._records.get(key)
                if record is not None and record.status is EntryStatus.PENDING:
                    record.status, record.delivered_at = EntryStatus.DELIVERED, at
                    record.lease_until = None

    # -- OutboxQueue --

    def claim(
        self, worker_id: str, *, now: datetime, lease: timedelta, limit: int
    ) -> list[ClaimedEntry]:
        claimed: list[ClaimedEntry] = []
        with self._lock:
            for record in self._records.values():
                if len(claimed) == limit:
                    break
                if record.is_due(now):
                    record.attempts += 1
                    record.lease_until, record.worker_id = now + lease, worker_id
                    claimed.append(
                        ClaimedEntry(record.entry, record.attempts, worker_id, now + lease)
                    )
        return claimed

    def reschedule(self, claimed: ClaimedEntry, *, error: str, retry_at: datetime | None) -> None:
        with self._lock:
            record = self._records[claimed.entry.key]
            held = (record.worker_id, record.attempts) == (claimed.worker_id, claimed.attempt)
            if record.status is not EntryStatus.PENDING or not held:
                return
            record.last_error, record.lease_until = error, None
            if retry_at is None:
                record.status = EntryStatus.INCIDENT
            record.next_attempt_at = retry_at

    def incidents(self) -> list[EntryState]:
        with self._lock:
            return [r.state() for r in self._records.values() if r.status is EntryStatus.INCIDENT]

    def retry(self, key: str, *, now: datetime) -> None:
        with self._lock:
            record = self._records.get(key)
            if record is None:
                raise NotFound("outbox entry", key)
            if record.status is EntryStatus.INCIDENT:
                record.status, record.attempts, record.next_attempt_at = (
                    EntryStatus.PENDING,
                    0,
                    now,
                )

    def state_of(self, key: str) -> EntryState:
        with self._lock:
            record = self._records.get(key)
            if record is None:
                raise NotFound("outbox entry", key)
            return record.state()

    def states(self) -> list[EntryState]:
        """Every entry, in the order queued (for tests and the demo)."""
        with self._lock:
            return [r.state() for r in self._records.values()]


@dataclass
class InMemoryOutbox:
    """One unit of work's staged outbox changes."""

    store: InMemoryOutboxStore
    added: list[OutboxEntry] = field(default_factory=list)
    delivered: dict[str, datetime] = field(default_factory=dict)

    def add(self, entry: OutboxEntry) -> None:
        if all(e.key != entry.key for e in self.added):
            self.added.append(entry)

    def mark_delivered(self, key: str, *, at: datetime) -> None:
        self.delivered.setdefault(key, at)

    def apply(self) -> None:
        self.store.apply(self.added, self.delivered)
        self.discard()

    def discard(self) -> None:
        self.added, self.delivered = [], {}
