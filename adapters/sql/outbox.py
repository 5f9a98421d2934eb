"""The outbox queue in SQL: claims under a lease, shared by many workers (P7, P8).

`claim` selects due entries with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so that workers
claiming at the same moment take different entries instead of waiting on each other, and
sets a lease on what it took, in one short transaction; until the lease runs out no other
worker claims the entry. SQLite has one writer at a time (`BEGIN IMMEDIATE`), so the same
statements, without the row locks, give one worker with a lease.

The entries are stored sealed (they name the person); `kind` and the counters are plain,
for operators.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update

from adapters.sql.storage import OUTBOX_TABLE, SqlStorage
from adapters.sql.tables import outbox
from ports.errors import NotFound
from ports.outbox import ClaimedEntry, EntryState, EntryStatus, OutboxEntry

_PENDING = EntryStatus.PENDING.value


class SqlOutboxQueue:
    """The `OutboxQueue` port over the `outbox` table."""

    def __init__(self, storage: SqlStorage) -> None:
        self._storage = storage
        self._db = storage.database

    def claim(
        self, worker_id: str, *, now: datetime, lease: timedelta, limit: int
    ) -> list[ClaimedEntry]:
        due = (
            select(outbox.c.key)
            .where(
                outbox.c.status == _PENDING,
                outbox.c.next_attempt_at <= now,
                or_(outbox.c.lease_until.is_(None), outbox.c.lease_until <= now),
            )
            .order_by(outbox.c.next_attempt_at, outbox.c.created_at, outbox.c.key)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        lease_until = now + lease
        with self._db.writing() as connection:
            keys = list(connection.execute(due).scalars())
            if not keys:
                return []
            connection.execute(
                update(outbox)
                .where(outbox.c.key.in_(keys))
                .values(
                    attempts=outbox.c.attempts + 1, lease_until=lease_until, worker_id=worker_id
                )
            )
            rows = connection.execute(
                select(outbox.c.key, outbox.c.payload, outbox.c.attempts).where(
                    outbox.c.key.in_(keys)
                )
            ).all()
        by_key = {row.key: row for row in rows}
        return [
            ClaimedEntry(self._entry(by_key[k]), by_key[k].attempts, worker_id, lease_until)
            for k in keys
        ]

    def reschedule(self, claimed: ClaimedEntry, *, error: str, retry_at: datetime | None) -> None:
        values: dict[str, Any] = {"last_error": error, "lease_until": None}
        if retry_at is None:
            values["status"] = EntryStatus.INCIDENT.value
        else:
            values["next_attempt_at"] = retry_at
        with self._db.writing() as connection:
            connection.execute(
                update(outbox)
                .where(
                    outbox.c.key == claimed.entry.key,
                    outbox.c.status == _PENDING,
                    outbox.c.worker_id == claimed.worker_id,
                    outbox.c.attempts == claimed.attempt,
                )
                .values(**values)
            )

    def incidents(self) -> list[EntryState]:
        query = (
            select(outbox)
            .where(outbox.c.status == EntryStatus.INCIDENT.value)
            .order_by(outbox.c.created_at, outbox.c.key)
        )
        with self._db.reading() as connection:
            return [_state(row) for row in connection.execute(query)]

    def retry(self, key: str, *, now: datetime) -> None:
        with self._db.writing() as connection:
            result = connection.execute(
                update(outbox)
                .where(outbox.c.key == key, outbox.c.status == EntryStatus.INCIDENT.value)
                .values(status=_PENDING, attempts=0, next_attempt_at=now, lease_until=None)
            )
            if result.rowcount == 0:
                self._state(connection, key)  # raises NotFound for an unknown key

    def state_of(self, key: str) -> EntryState:
        with self._db.reading() as connection:
            return self._state(connection, key)

    def states(self) -> list[EntryState]:
        """Every entry, oldest first (for tests and operators)."""
        query = select(outbox).order_by(outbox.c.created_at, outbox.c.key)
        with self._db.reading() as connection:
            return [_state(row) for row in connection.execute(query)]

    def _state(self, connection: Any, key: str) -> EntryState:
        row = connection.execute(select(outbox).where(outbox.c.key == key)).one_or_none()
        if row is None:
            raise NotFound("outbox entry", key)
        return _state(row)

    def _entry(self, row: Any) -> OutboxEntry:
        document = self._storage.open(OUTBOX_TABLE, row.key, row.payload)
        entry: OutboxEntry = self._storage.codec.decode(document, OutboxEntry)
        return entry


def _state(row: Any) -> EntryState:
    return EntryState(
        key=row.key,
        kind=row.kind,
        status=EntryStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at if row.status == _PENDING else None,
        last_error=row.last_error,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
    )
