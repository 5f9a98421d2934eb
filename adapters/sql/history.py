"""The history (P11): every transition and decision, append-only and hash-chained.

Each entry stores who, when, from, to, rule and reason as plain columns and the whole
domain event (its facts, note and anything the domain adds to events) sealed with
AES-GCM. Its `entry_hash` is SHA-256 over a canonical JSON of the stored entry and the
previous entry's hash, so that changing, removing or reordering any stored entry breaks
every link after it. Appends lock the one `history_head` row, which keeps the chain's
last position and hash: entries are numbered 1, 2, 3 ... without gaps, and the chain
cannot fork under concurrent writers. No code path updates or deletes an entry, and on
both databases a trigger refuses to (see the first migration).

`verify` needs no key: it checks the stored bytes. It reports the first broken link.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from attrs import frozen
from sqlalchemy import Connection, Insert, RowMapping, Table, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql

from adapters.sql.crypto import PersonKey, Sealer
from adapters.sql.database import SqlDatabase
from adapters.sql.tables import history, history_head
from domain.identity import ResidentId

GENESIS = "0" * 64
_LOCK_HEAD = (
    select(history_head.c.position, history_head.c.entry_hash)
    .where(history_head.c.id == 1)
    .with_for_update()
)
_MOVE_HEAD = (  # built once: bound parameters, its compiled form found at once
    update(history_head)
    .where(history_head.c.id == 1)
    .values(position=bindparam("head_position"), entry_hash=bindparam("head_hash"))
)
TABLE = "history"
_FIELDS = (
    "position",
    "recorded_at",
    "subject_kind",
    "subject_id",
    "event_seq",
    "person_hash",
    "event",
    "actor_id",
    "at",
    "from_state",
    "to_state",
    "rule",
    "reason",
    "payload",
)


@frozen
class NewEntry:
    """What the storage adapter appends for one domain event; `details` is sealed."""

    subject_kind: str
    subject_id: str
    event_seq: int
    person_hash: str
    event: str
    actor_id: str
    at: datetime
    from_state: str
    to_state: str
    rule: str
    reason: str
    details: bytes  # the encoded domain event (JSON)


@frozen
class HistoryEntry:
    """A stored entry as read back, its sealed details opened."""

    position: int
    recorded_at: datetime
    subject_kind: str
    subject_id: str
    event_seq: int
    event: str
    actor_id: str
    at: datetime
    from_state: str
    to_state: str
    rule: str
    reason: str
    details: Mapping[str, Any]


@frozen
class ChainReport:
    """What `verify` found: how many entries hold, and the first broken link if any."""

    entries: int
    head_hash: str
    broken_at: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def _canonical_time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(fields: Mapping[str, Any] | RowMapping, prev_hash: str) -> str:
    """SHA-256 over the canonical JSON of the stored fields and the previous hash."""
    canonical: dict[str, Any] = {}
    for name in _FIELDS:
        value = fields[name]
        if isinstance(value, datetime):
            value = _canonical_time(value)
        elif isinstance(value, bytes | memoryview):
            value = base64.b64encode(bytes(value)).decode("ascii")
        canonical[name] = value
    canonical["prev_hash"] = prev_hash
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class SqlHistory:
    """Appends to, reads and verifies the history chain."""

    def __init__(self, database: SqlDatabase, sealer: Sealer, person_key: PersonKey) -> None:
        self._db = database
        self._sealer = sealer
        self._person_key = person_key

    def lock_head(self, connection: Connection) -> tuple[int, str]:
        """Lock the head row in the caller's write transaction; its position and hash."""
        head = connection.execute(_LOCK_HEAD).one()
        return int(head.position), str(head.entry_hash)

    def append(
        self,
        connection: Connection,
        entries: Sequence[NewEntry],
        now: datetime,
        *,
        head: tuple[int, str] | None = None,
        riders: Sequence[Rider] = (),
    ) -> None:
        """Append in the caller's write transaction; holds the head row until it commits.

        `head` is what `lock_head` returned when the caller locked it already. On
        PostgreSQL the `riders` are inserted by the statement that appends the last entry
        (elsewhere, and without entries, the caller inserts them itself).
        """
        if not entries:
            return
        position, previous = head if head is not None else self.lock_head(connection)
        rows = self.chained(entries, (position, previous), now)
        position, previous = position + len(rows), str(rows[-1]["entry_hash"])
        if connection.dialect.name == "postgresql":
            # One round trip for the last entry, the head and the riders: the head moves
            # and the riders are inserted in CTEs of the entry's insert (one row each, so
            # that the statement's compiled form is cached for its shape).
            if rows[:-1]:
                connection.execute(insert(history), rows[:-1])
            statement, parameters = _folded(riders)
            moved = {"head_position": position, "head_hash": previous}
            connection.execute(statement, {**rows[-1], **moved, **parameters})
            return
        connection.execute(insert(history), rows)
        connection.execute(_MOVE_HEAD, {"head_position": position, "head_hash": previous})

    def chained(
        self, entries: Sequence[NewEntry], head: tuple[int, str], now: datetime
    ) -> list[dict[str, Any]]:
        """The rows of `entries` after `head` (position, hash), each chained to the one
        before: what `append` inserts (and a bulk loader may insert itself)."""
        position, previous = head
        rows = []
        for entry in entries:
            position += 1
            row = self._row(entry, position, now)
            row["prev_hash"] = previous
            row["entry_hash"] = previous = entry_hash(row, previous)
            rows.append(row)
        return rows

    def of_person(self, person: ResidentId) -> list[HistoryEntry]:
        """Every entry about the person, in the order recorded (a sensitive read, P12)."""
        query = (
            select(history)
            .where(history.c.person_hash == self._person_key.of(person))
            .order_by(history.c.position)
        )
        with self._db.reading() as connection:
            return [self._entry(row._mapping) for row in connection.execute(query)]

    def of_subject(self, kind: str, subject_id: str) -> list[HistoryEntry]:
        query = (
            select(history)
            .where(history.c.subject_kind == kind, history.c.subject_id == subject_id)
            .order_by(history.c.position)
        )
        with self._db.reading() as connection:
            return [self._entry(row._mapping) for row in connection.execute(query)]

    def verify(self, *, batch: int = 5_000) -> ChainReport:
        """Walk the chain from the first entry; stop at the first broken link."""
        previous, count = GENESIS, 0
        with self._db.reading() as connection:
            for row in _stream(connection, batch):
                count += 1
                problem = _link_problem(row, count, previous)
                if problem:
                    return ChainReport(count - 1, previous, broken_at=count, problem=problem)
                previous = str(row["entry_hash"])
            head = connection.execute(
                select(history_head.c.position, history_head.c.entry_hash).where(
                    history_head.c.id == 1
                )
            ).one()
        if (int(head.position), str(head.entry_hash)) != (count, previous):
            problem = f"the head says entry {head.position}, the chain ends at entry {count}"
            return ChainReport(count, previous, broken_at=count + 1, problem=problem)
        return ChainReport(count, previous)

    def _row(self, entry: NewEntry, position: int, now: datetime) -> dict[str, Any]:
        aad_id = f"{entry.subject_kind}/{entry.subject_id}/{entry.event_seq}"
        return {
            "position": position,
            "recorded_at": now.astimezone(UTC),
            "subject_kind": entry.subject_kind,
            "subject_id": entry.subject_id,
            "event_seq": entry.event_seq,
            "person_hash": entry.person_hash,
            "event": entry.event,
            "actor_id": entry.actor_id,
            "at": entry.at.astimezone(UTC),
            "from_state": entry.from_state,
            "to_state": entry.to_state,
            "rule": entry.rule,
            "reason": entry.reason,
            "payload": self._sealer.seal(entry.details, table=TABLE, record_id=aad_id),
        }

    def _entry(self, row: RowMapping) -> HistoryEntry:
        aad_id = f"{row['subject_kind']}/{row['subject_id']}/{row['event_seq']}"
        details = self._sealer.open(bytes(row["payload"]), table=TABLE, record_id=aad_id)
        return HistoryEntry(
            position=row["position"],
            recorded_at=row["recorded_at"],
            subject_kind=row["subject_kind"],
            subject_id=row["subject_id"],
            event_seq=row["event_seq"],
            event=row["event"],
            actor_id=row["actor_id"],
            at=row["at"],
            from_state=row["from_state"],
            to_state=row["to_state"],
            rule=row["rule"],
            reason=row["reason"],
            details=json.loads(details),
        )


@frozen
class Rider:
    """A row of another table that rides in the history's statement (PostgreSQL); with
    `skip_conflict`, a row whose key is stored is left out (the outbox's entries)."""

    table: Table
    row: Mapping[str, Any]
    skip_conflict: bool = False


_Shape = tuple[tuple[str, tuple[str, ...], bool], ...]
_statements: dict[_Shape, Insert] = {}


def _folded(riders: Sequence[Rider]) -> tuple[Insert, dict[str, Any]]:
    """The insert of one history row with CTEs that move the head and insert the riders
    (a data-modifying CTE runs once, whether or not the statement reads it), built once
    per shape; and the riders' parameters."""
    shape = tuple((r.table.name, tuple(r.row), r.skip_conflict) for r in riders)
    statement = _statements.get(shape)
    if statement is None:
        statement = insert(history).add_cte(
            update(history_head)
            .where(history_head.c.id == 1)
            .values(position=bindparam("head_position"), entry_hash=bindparam("head_hash"))
            .cte("moved_head")
        )
        for number, rider in enumerate(riders):
            values: dict[str, Any] = {n: bindparam(f"r{number}_{n}") for n in rider.row}
            if rider.skip_conflict:
                ignoring = postgresql.insert(rider.table).values(values)
                cte = ignoring.on_conflict_do_nothing(index_elements=["key"]).cte(f"r{number}")
            else:
                cte = insert(rider.table).values(values).cte(f"r{number}")
            statement = statement.add_cte(cte)
        _statements[shape] = statement
    parameters = {
        f"r{number}_{name}": value
        for number, rider in enumerate(riders)
        for name, value in rider.row.items()
    }
    return statement, parameters


def _stream(connection: Connection, batch: int) -> Iterator[RowMapping]:
    """The entries in position order, read in batches by position (keyset paging)."""
    after = 0
    while True:
        rows = connection.execute(
            select(history)
            .where(history.c.position > after)
            .order_by(history.c.position)
            .limit(batch)
        ).all()
        if not rows:
            return
        for row in rows:
            yield row._mapping
        after = int(rows[-1].position)


def _link_problem(row: RowMapping, expected_position: int, previous: str) -> str:
    if row["position"] != expected_position:
        return f"entry {expected_position} is missing (found {row['position']} next)"
    if row["prev_hash"] != previous:
        return f"entry {expected_position} does not point at the entry before it"
    if entry_hash(row, previous) != row["entry_hash"]:
        return f"entry {expected_position} was changed after it was written"
    return ""
