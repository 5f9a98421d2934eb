"""Storage in SQL: units of work over `SqlDatabase`, aggregates as sealed documents.

A unit of work reads in short read transactions and stages what it is given, like the
in-memory adapter; `commit()` writes everything staged in one write transaction, in this
order:

1. saved aggregates: `UPDATE ... WHERE id = ? AND version = ?`, each needing exactly one
   row, else `ConcurrencyConflict` (or `NotFound`) and nothing is written (P5);
2. new aggregates: inserted at version 1; a stored id is a conflict, and a second open
   case of a person and service is refused by the partial unique index (P3);
3. outbox entries and deliveries;
4. a history entry for every case or scenario event not yet in the history (P11), then
   the unit's audit entries (logins, refusals, sensitive reads), last, since it takes
   the chain's lock until the commit.

On PostgreSQL, when there are history entries, the chain's lock is taken right after the
updates, and the new rows of 2 and 3 (up to `MAX_RIDERS`) ride in the one statement that
appends the last entry and moves the chain's head: an intake is then five round trips
(the pool's ping, BEGIN, the lock, that statement, COMMIT). A new case always brings its
receipt event, so every writer of a case takes the lock before inserting it: writers
meet in one order (updated rows, the lock, new rows), and a second open case still meets
the unique index.

Every document is encrypted with AES-GCM, its table and id as associated data (P12); the
person is stored only as a keyed hash. Each history entry seals the whole domain event
with the policy parameters in force (a function the composition root passes in), so that
a decision can be explained and recomputed later. A case's running deadline (`due_on`) is a column
filled by a function the composition root passes in, so that "past deadline in a region"
is an indexed query.
"""

from __future__ import annotations

import functools
import json
import logging
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace, TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    false,
    func,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from adapters.clock import CHINA_STANDARD_TIME
from adapters.sql.codec import Codec, FieldCodec, Json
from adapters.sql.crypto import PersonKey, Sealer
from adapters.sql.database import SqlDatabase
from adapters.sql.history import NewEntry, Rider, SqlHistory
from adapters.sql.tables import (
    cases,
    complaints,
    consultations,
    history,
    outbox,
    scenarios,
    spot_checks,
    staff,
    training_attendance,
    training_sessions,
)
from domain.cases import Case, CaseEvent
from domain.complaints import Complaint
from domain.identity import ResidentId
from domain.inquiries import Consultation
from domain.regions import RegionCode
from domain.scenario import Scenario, ScenarioEvent
from domain.spot_checks import SpotCheck
from domain.supervision import RecordEvent, unit_moves
from domain.training import TrainingSession
from ports.audit import AuditEntry, AuditLog
from ports.clock import Clock
from ports.errors import ConcurrencyConflict, DuplicateOpenCase, NotFound, StorageError
from ports.outbox import EntryStatus, Outbox, OutboxEntry
from ports.staff import StaffAccount, StaffRepository
from ports.storage import (
    CaseQuery,
    CaseRepository,
    ComplaintRepository,
    ConsultationRepository,
    RecordQuery,
    ScenarioRepository,
    SpotCheckRepository,
    TrainingRepository,
)

log = logging.getLogger(__name__)

OUTBOX_TABLE = "outbox"
# PostgreSQL: up to this many new rows (aggregates, outbox entries) ride in the statement
# that appends the last history entry; the rest are inserted on their own.
MAX_RIDERS = 16


def _configuration_codec() -> FieldCodec:
    """Scenario.state, python-statemachine's configuration, stored as its state names."""

    configuration = cast(property, vars(Scenario)["configuration"]).fget
    assert configuration is not None

    def encode(state: Any) -> list[str]:
        return sorted(configuration(SimpleNamespace(state=state)))

    def decode(names: list[str]) -> Any:
        holder = SimpleNamespace(state=None)
        Scenario.bind_configuration(cast(Scenario, holder), frozenset(names))
        return holder.state if names else None

    return FieldCodec(encode, decode)


def aggregate_codec() -> Codec:
    """The codec for every stored aggregate, events and outbox entries included; compiled
    at once, so that a field type it cannot store stops the process from starting."""
    codec = Codec({(Scenario, "state"): _configuration_codec()})
    codec.prepare(
        Case,
        Scenario,
        Consultation,
        Complaint,
        SpotCheck,
        TrainingSession,
        CaseEvent,
        ScenarioEvent,
        RecordEvent,
        OutboxEntry,
        StaffAccount,
        AuditEntry,
    )
    return codec


class _Aggregate(Protocol):
    id: str
    version: int


A = TypeVar("A", bound=_Aggregate)


@dataclass
class _Staged:
    original: Any  # the caller's object: its version is raised after the commit
    document: dict[str, Any]  # the encoded snapshot, taken when staged
    columns: dict[str, Any]
    history: Callable[[int], list[NewEntry]]  # the history entries of events after a seq
    expected_version: int  # 0 for a new aggregate
    is_new: bool
    rows: list[dict[str, Any]]  # rows of a side table the aggregate keeps in step


class SqlStorage:
    """What every unit of work shares: the database, the keys, the codec and the clock."""

    def __init__(
        self,
        database: SqlDatabase,
        *,
        sealer: Sealer,
        person_key: PersonKey,
        clock: Clock,
        due_on: Callable[[Case], date | None] | None = None,
        parameters: Callable[[Case | Scenario], Mapping[str, str]] | None = None,
    ) -> None:
        self.database = database
        self.sealer = sealer
        self.person_key = person_key
        self.clock = clock
        self.due_on = due_on or (lambda _case: None)
        self.parameters = parameters or (lambda _aggregate: {})
        self.codec = aggregate_codec()
        self.history = SqlHistory(database, sealer, person_key)

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self)

    # -- documents --

    def seal(self, table: str, record_id: str, document: dict[str, Any]) -> bytes:
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        return self.sealer.seal(text.encode("utf-8"), table=table, record_id=record_id)

    def open(self, table: str, record_id: str, token: bytes) -> dict[str, Any]:
        plain = self.sealer.open(bytes(token), table=table, record_id=record_id)
        document: dict[str, Any] = json.loads(plain)
        return document


class _SqlRepository(Generic[A]):
    """Staging, sealed documents and version checks for one kind of aggregate."""

    kind: str
    table: Table
    cls: type[A]
    records_history = True  # its events go to the history (P11)
    has_side_rows = False  # rows of a side table follow each write (`_write_side_rows`)

    def __init__(self, storage: SqlStorage) -> None:
        self._storage = storage
        self._staged: dict[str, _Staged] = {}

    # -- what each kind says about itself --

    def _columns(self, aggregate: A) -> dict[str, Any]:
        raise NotImplementedError

    def _history(self, aggregate: A) -> Callable[[int], list[NewEntry]]:
        return lambda _after: []

    def _side_rows(self, aggregate: A) -> list[dict[str, Any]]:
        """Rows of a side table that mirror the aggregate (none unless a kind says so)."""
        return []

    def _write_side_rows(self, connection: Connection, record_id: str, staged: _Staged) -> None:
        """Replace the aggregate's side-table rows, in the write transaction."""

    # -- the port --

    def add(self, aggregate: A) -> None:
        if aggregate.id in self._staged:
            raise ConcurrencyConflict(self.kind, aggregate.id, 0)
        self._staged[aggregate.id] = self._stage(aggregate, expected=0, is_new=True)

    def get(self, record_id: str) -> A:
        staged = self._staged.get(record_id)
        if staged is not None:
            return self._decode(staged.document, staged.expected_version)
        with self._storage.database.reading_one() as connection:
            row = connection.execute(_by_id(self.table), {"record_id": record_id}).one_or_none()
        if row is None:
            raise NotFound(self.kind, record_id)
        return self._from_row(record_id, row.version, row.document)

    def save(self, aggregate: A) -> None:
        previous = self._staged.get(aggregate.id)
        is_new = previous is not None and previous.is_new
        self._staged[aggregate.id] = self._stage(
            aggregate, expected=aggregate.version, is_new=is_new
        )

    # -- reading --

    def _select(self, *where: ColumnElement[bool]) -> list[A]:
        """Committed aggregates matching `where`, overlaid with this unit's staged ones."""
        query = select(self.table.c.id, self.table.c.version, self.table.c.document).where(*where)
        return self._overlaid(query, {})

    def _overlaid(self, query: Select[Any], parameters: Mapping[str, Any]) -> list[A]:
        """The aggregates one statement reads (id, version, document), overlaid with
        this unit's staged ones."""
        with self._storage.database.reading_one() as connection:
            rows = connection.execute(query, parameters).all()
        found = {row.id: self._from_row(row.id, row.version, row.document) for row in rows}
        for record_id, staged in self._staged.items():
            found[record_id] = self._decode(staged.document, staged.expected_version)
        return list(found.values())

    def _from_row(self, record_id: str, version: int, token: bytes) -> A:
        document = self._storage.open(self.table.name, record_id, token)
        return self._decode(document, version)

    def _decode(self, document: Mapping[str, Any], version: int) -> A:
        decoded: A = self._storage.codec.decode({**document, "version": version}, self.cls)
        return decoded

    def _stage(self, aggregate: A, *, expected: int, is_new: bool) -> _Staged:
        document = self._storage.codec.encode(aggregate, self.cls)
        del document["version"]  # a column: the stored document holds everything else
        return _Staged(
            aggregate,
            document,
            self._columns(aggregate),
            self._history(aggregate),
            expected,
            is_new,
            self._side_rows(aggregate),
        )

    # -- commit, inside the write transaction --

    def _write_updates(self, connection: Connection, version_of: dict[str, int]) -> None:
        for record_id in sorted(self._staged):  # one lock order for every writer
            staged = self._staged[record_id]
            if staged.is_new:
                continue
            result = connection.execute(
                update(self.table)
                .where(
                    self.table.c.id == record_id, self.table.c.version == staged.expected_version
                )
                .values(version=staged.expected_version + 1, **self._values(record_id, staged))
            )
            if result.rowcount != 1:
                exists = connection.execute(
                    select(self.table.c.id).where(self.table.c.id == record_id)
                ).first()
                if exists is None:
                    raise NotFound(self.kind, record_id)
                raise ConcurrencyConflict(self.kind, record_id, staged.expected_version)
            self._write_side_rows(connection, record_id, staged)
            version_of[record_id] = staged.expected_version + 1

    def _write_inserts(
        self,
        connection: Connection,
        version_of: dict[str, int],
        riders: list[Rider] | None = None,
    ) -> None:
        """Insert the new aggregates, or hand their rows to `riders` (the history's
        statement inserts them) when given a list and no side table follows them."""
        new = [(i, s) for i, s in sorted(self._staged.items()) if s.is_new]
        if not new:
            return
        # An id already stored fails the insert on the primary key, and
        # `SqlUnitOfWork._explained` names it as a conflict (`_stored_new_id`): no
        # round trip to look first.
        rows = [{"id": i, "version": 1, **self._values(i, s)} for i, s in new]
        version_of.update({i: 1 for i, _ in new})
        fits = riders is not None and len(riders) + len(rows) <= MAX_RIDERS
        if riders is not None and fits and not self.has_side_rows:
            riders.extend(Rider(self.table, row) for row in rows)
            return
        connection.execute(insert(self.table), rows)
        for record_id, staged in new:
            self._write_side_rows(connection, record_id, staged)

    def _stored_new_id(self, connection: Connection) -> str | None:
        """After a unique violation: an id among the staged new ones that is stored."""
        new = sorted(i for i, s in self._staged.items() if s.is_new)
        if not new:
            return None
        existing = connection.execute(
            select(self.table.c.id).where(self.table.c.id.in_(new))
        ).first()
        return None if existing is None else str(existing.id)

    def _values(self, record_id: str, staged: _Staged) -> dict[str, Any]:
        token = self._storage.seal(self.table.name, record_id, staged.document)
        return {**staged.columns, "document": token}

    def _new_history(self, connection: Connection) -> list[NewEntry]:
        """The staged aggregates' events that the history does not hold yet."""
        entries: list[NewEntry] = []
        if not self.records_history:
            return entries
        for record_id, staged in sorted(self._staged.items()):
            recorded = 0 if staged.is_new else _recorded_seq(connection, self.kind, record_id)
            entries.extend(staged.history(recorded))
        return entries

    def _applied(self, version_of: Mapping[str, int]) -> None:
        for record_id, staged in self._staged.items():
            staged.original.version = version_of[record_id]
        self._staged.clear()

    def _discard(self) -> None:
        self._staged.clear()


def _recorded_seq(connection: Connection, kind: str, subject_id: str) -> int:
    parameters = {"subject_kind": kind, "subject_id": subject_id}
    return int(connection.execute(_RECORDED_SEQ, parameters).scalar_one())


_RECORDED_SEQ = select(func.coalesce(func.max(history.c.event_seq), 0)).where(
    history.c.subject_kind == bindparam("subject_kind"),
    history.c.subject_id == bindparam("subject_id"),
)


_CASES_OF_PERSON = select(cases.c.id, cases.c.version, cases.c.document).where(
    cases.c.person_hash == bindparam("person_hash")
)


@functools.cache
def _by_id(table: Table) -> Select[tuple[int, bytes]]:
    """The version and document of one row, built once per table: a statement with bound
    parameters, so that SQLAlchemy neither rebuilds it nor recomputes its cache key."""
    return select(table.c.version, table.c.document).where(table.c.id == bindparam("record_id"))


class SqlCaseRepository(_SqlRepository[Case]):
    kind, table, cls = "case", cases, Case

    def of_person(self, person: ResidentId) -> list[Case]:
        parameters = {"person_hash": self._storage.person_key.of(person)}
        mine = self._overlaid(_CASES_OF_PERSON, parameters)
        return _ordered(c for c in mine if c.applicant.resident_id == person)

    def find(self, query: CaseQuery) -> list[Case]:
        where = _case_filters(query)
        if not self._staged:
            statement = (
                select(cases.c.id, cases.c.version, cases.c.document)
                .where(*where)
                .order_by(cases.c.received_at, cases.c.id)
                .limit(query.limit)
                .offset(query.offset)
            )
            with self._storage.database.reading_one() as connection:
                rows = connection.execute(statement).all()
            return [self._from_row(r.id, r.version, r.document) for r in rows]
        matching = _ordered(
            c for c in self._select(*where) if _matches(c, query) and self._due_by(c, query.due_by)
        )
        return matching[query.offset : query.offset + query.limit]

    def _due_by(self, case: Case, day: date | None) -> bool:
        if day is None:
            return True
        due = self._storage.due_on(case) if case.is_open else None
        return due is not None and due <= day

    def _columns(self, case: Case) -> dict[str, Any]:
        return {
            "service": case.service.value,
            "state": case.state,
            "region": case.region.code,
            "responsible": case.responsible,
            "received_at": case.received_at,
            "is_open": case.is_open,
            "person_hash": self._storage.person_key.of(case.applicant.resident_id),
            "scenario_id": case.scenario_id,
            "due_on": self._storage.due_on(case),
        }

    def _history(self, case: Case) -> Callable[[int], list[NewEntry]]:
        person = self._storage.person_key.of(case.applicant.resident_id)
        codec, events = self._storage.codec, tuple(case.events)
        used = self._storage.parameters(case)
        return lambda after: [_case_entry(codec, person, e, used) for e in events if e.seq > after]

    def _check_staged_open_cases(self) -> None:
        """P3 within the unit: the index checks the rest at insert."""
        seen: dict[tuple[str, str], str] = {}
        for record_id, staged in sorted(self._staged.items()):
            if staged.columns["is_open"]:
                key = (staged.columns["person_hash"], staged.columns["service"])
                first = seen.setdefault(key, record_id)
                if first != record_id:
                    raise DuplicateOpenCase(staged.columns["service"], first)

    def _open_case_blocking(self, connection: Connection) -> DuplicateOpenCase | None:
        """After a unique violation: which stored open case the staged one collides with."""
        for record_id, staged in self._staged.items():
            if not staged.columns["is_open"]:
                continue
            other = connection.execute(
                select(cases.c.id).where(
                    cases.c.person_hash == staged.columns["person_hash"],
                    cases.c.service == staged.columns["service"],
                    cases.c.is_open == true(),
                    cases.c.id != record_id,
                )
            ).first()
            if other is not None:
                return DuplicateOpenCase(staged.columns["service"], other.id)
        return None


def _details(event: Json, parameters: Mapping[str, str]) -> bytes:
    """What the history seals: the whole domain event and the parameters in force."""
    document = {"event": event, "parameters": dict(parameters)}
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def _case_entry(
    codec: Codec, person_hash: str, event: CaseEvent, parameters: Mapping[str, str]
) -> NewEntry:
    details = _details(codec.encode(event, CaseEvent), parameters)
    return NewEntry(
        subject_kind="case",
        subject_id=event.case_id,
        event_seq=event.seq,
        person_hash=person_hash,
        event=event.event,
        actor_id=event.actor_id,
        at=event.at,
        from_state=event.from_state,
        to_state=event.to_state,
        rule=event.rule,
        reason=event.reason,
        details=details,
    )


def _scenario_entry(
    codec: Codec, person_hash: str, event: ScenarioEvent, parameters: Mapping[str, str]
) -> NewEntry:
    details = _details(codec.encode(event, ScenarioEvent), parameters)
    return NewEntry(
        subject_kind="scenario",
        subject_id=event.scenario_id,
        event_seq=event.seq,
        person_hash=person_hash,
        event=event.event,
        actor_id="system",
        at=event.at,
        from_state=";".join(f"{m.branch}:{m.from_state}" for m in event.moves),
        to_state=";".join(f"{m.branch}:{m.to_state}" for m in event.moves),
        rule=",".join(dict.fromkeys(m.rule for m in event.moves)),
        reason=",".join(m.reason for m in event.moves),
        details=details,
    )


class SqlScenarioRepository(_SqlRepository[Scenario]):
    kind, table, cls = "scenario", scenarios, Scenario

    def unfinished(self) -> list[Scenario]:
        running = self._select(scenarios.c.is_finished == false())
        return sorted(
            (s for s in running if not s.is_finished), key=lambda s: (s.started_at, s.id)
        )

    def _columns(self, scenario: Scenario) -> dict[str, Any]:
        return {
            "dibao_case_id": scenario.dibao_case_id,
            "region": scenario.region.code,
            "started_at": scenario.started_at,
            "is_finished": scenario.is_finished,
            "person_hash": self._storage.person_key.of(scenario.applicant.resident_id),
        }

    def _history(self, scenario: Scenario) -> Callable[[int], list[NewEntry]]:
        person = self._storage.person_key.of(scenario.applicant.resident_id)
        codec, events = self._storage.codec, tuple(scenario.events)
        used = self._storage.parameters(scenario)
        return lambda after: [
            _scenario_entry(codec, person, e, used) for e in events if e.seq > after
        ]


class SqlConsultationRepository(_SqlRepository[Consultation]):
    kind, table, cls = "consultation", consultations, Consultation
    records_history = False  # a consultation holds no events (yet)

    def find(self, query: RecordQuery) -> list[Consultation]:
        found = self._select(*_record_filters(consultations, query))
        return _page(found, query, lambda c: _record_matches(c, query))

    def _columns(self, consultation: Consultation) -> dict[str, Any]:
        return {
            "region": consultation.region.code,
            "received_at": consultation.received_at,
            "is_open": consultation.is_open,
            "unit_moves": unit_moves(consultation),
        }


class SqlStaffRepository(_SqlRepository[StaffAccount]):
    kind, table, cls = "staff", staff, StaffAccount
    records_history = False  # logins and refusals are audit entries instead

    def within(self, region: RegionCode) -> list[StaffAccount]:
        found = self._select(within_region(staff, region.code), staff.c.is_active == true())
        mine = (a for a in found if a.active and a.region.is_within(region))
        return sorted(mine, key=lambda a: a.id)

    def _columns(self, account: StaffAccount) -> dict[str, Any]:
        return {"region": account.region.code, "is_active": account.active}


AUDIT_KIND = "audit"


class SqlAuditLog:
    """One unit of work's audit entries, appended to the history chain at commit.

    Each is one history entry of kind "audit" under an id of its own: the action as its
    event, the subject ("case/case-123") as its from-state and the outcome as its
    to-state; the whole entry is sealed in its payload, the person only as a keyed hash.
    """

    def __init__(self, storage: SqlStorage) -> None:
        self._storage = storage
        self.staged: list[AuditEntry] = []

    def append(self, entry: AuditEntry) -> None:
        self.staged.append(entry)

    def _entries(self) -> list[NewEntry]:
        codec, key = self._storage.codec, self._storage.person_key
        return [
            NewEntry(
                subject_kind=AUDIT_KIND,
                subject_id=f"audit-{uuid.uuid4().hex}",
                event_seq=1,
                person_hash=key.of(entry.person) if entry.person is not None else "",
                event=entry.action,
                actor_id=entry.actor_id,
                at=entry.at,
                from_state=f"{entry.subject_kind}/{entry.subject_id}",
                to_state=entry.outcome.value,
                rule=entry.rule,
                reason=entry.reason,
                details=_details(codec.encode(entry, AuditEntry), {}),
            )
            for entry in self.staged
        ]

    def _discard(self) -> None:
        self.staged = []


class SqlComplaintRepository(_SqlRepository[Complaint]):
    kind, table, cls = "complaint", complaints, Complaint

    def find(self, query: RecordQuery) -> list[Complaint]:
        where = _record_filters(complaints, query)
        if query.kind is not None:
            where.append(complaints.c.kind == query.kind.value)
        if query.case_id is not None:
            where.append(complaints.c.case_id == query.case_id)
        found = self._select(*where)
        return _page(
            found,
            query,
            lambda c: (
                _record_matches(c, query)
                and (query.kind is None or c.kind is query.kind)
                and (query.case_id is None or c.case_id == query.case_id)
            ),
        )

    def _columns(self, complaint: Complaint) -> dict[str, Any]:
        return {
            "kind": complaint.kind.value,
            "state": complaint.state,
            "region": complaint.region.code,
            "received_at": complaint.received_at,
            "is_open": complaint.is_open,
            "responsible": complaint.responsible,
            "case_id": complaint.case_id,
            "unit_moves": unit_moves(complaint),
        }

    def _history(self, complaint: Complaint) -> Callable[[int], list[NewEntry]]:
        return _record_history(self._storage.codec, self.kind, tuple(complaint.events))


class SqlSpotCheckRepository(_SqlRepository[SpotCheck]):
    kind, table, cls = "spot_check", spot_checks, SpotCheck

    def within(self, region: RegionCode) -> list[SpotCheck]:
        found = self._select(within_region(spot_checks, region.code))
        mine = (c for c in found if c.region.is_within(region))
        return sorted(mine, key=lambda c: (c.drawn_at, c.id))

    def _columns(self, check: SpotCheck) -> dict[str, Any]:
        return {"region": check.region.code, "drawn_at": check.drawn_at}

    def _history(self, check: SpotCheck) -> Callable[[int], list[NewEntry]]:
        return _record_history(self._storage.codec, self.kind, tuple(check.events))


class SqlTrainingRepository(_SqlRepository[TrainingSession]):
    kind, table, cls = "training_session", training_sessions, TrainingSession
    has_side_rows = True
    records_history = False  # attendance is a record, not a transition

    def attended_by(self, staff_id: str, year: int) -> list[TrainingSession]:
        first, last = date(year, 1, 1), date(year, 12, 31)
        attended = (
            select(training_attendance.c.session_id)
            .where(
                training_attendance.c.staff_id == staff_id,
                training_attendance.c.held_on >= first,
                training_attendance.c.held_on <= last,
            )
            .scalar_subquery()
        )
        found = self._select(training_sessions.c.id.in_(attended))
        mine = (s for s in found if s.held_on.year == year and staff_id in s.attendees)
        return sorted(mine, key=lambda s: (s.held_on, s.id))

    def held_in(self, year: int) -> list[TrainingSession]:
        found = self._select(
            training_sessions.c.held_on >= date(year, 1, 1),
            training_sessions.c.held_on <= date(year, 12, 31),
        )
        return sorted(
            (s for s in found if s.held_on.year == year), key=lambda s: (s.held_on, s.id)
        )

    def _columns(self, session: TrainingSession) -> dict[str, Any]:
        return {"region": session.region.code, "held_on": session.held_on}

    def _side_rows(self, session: TrainingSession) -> list[dict[str, Any]]:
        return [
            {"session_id": session.id, "staff_id": staff, "held_on": session.held_on}
            for staff in sorted(session.attendees)
        ]

    def _write_side_rows(self, connection: Connection, record_id: str, staged: _Staged) -> None:
        connection.execute(
            delete(training_attendance).where(training_attendance.c.session_id == record_id)
        )
        if staged.rows:
            connection.execute(insert(training_attendance), staged.rows)


def _record_history(
    codec: Codec, kind: str, events: tuple[RecordEvent, ...]
) -> Callable[[int], list[NewEntry]]:
    """History entries of a complaint's or spot check's events: no person is named by
    them (a complaint's case is named in its facts), so the person hash is empty."""

    def entries(after: int) -> list[NewEntry]:
        return [
            NewEntry(
                subject_kind=kind,
                subject_id=e.record_id,
                event_seq=e.seq,
                person_hash="",
                event=e.event,
                actor_id=e.actor_id,
                at=e.at,
                from_state=e.from_state,
                to_state=e.to_state,
                rule=e.rule,
                reason=e.reason,
                details=_details(codec.encode(e, RecordEvent), {}),
            )
            for e in events
            if e.seq > after
        ]

    return entries


class SqlOutbox:
    """One unit of work's staged outbox entries and deliveries."""

    def __init__(self, storage: SqlStorage) -> None:
        self._storage = storage
        self.added: dict[str, OutboxEntry] = {}
        self.delivered: dict[str, datetime] = {}

    def add(self, entry: OutboxEntry) -> None:
        self.added.setdefault(entry.key, entry)

    def mark_delivered(self, key: str, *, at: datetime) -> None:
        self.delivered.setdefault(key, at)

    @property
    def staged(self) -> bool:
        return bool(self.added or self.delivered)

    def _write(self, connection: Connection, riders: list[Rider] | None = None) -> None:
        """Insert the added entries (or hand them to `riders`), record the deliveries."""
        now = self._storage.clock.now()
        rows = [self._row(entry, now) for entry in self.added.values()]
        if riders is not None and len(riders) + len(rows) <= MAX_RIDERS:
            riders.extend(Rider(outbox, row, skip_conflict=True) for row in rows)
        elif rows:
            dialect = postgresql if self._storage.database.kind == "postgresql" else sqlite
            statement = dialect.insert(outbox).on_conflict_do_nothing(index_elements=["key"])
            connection.execute(statement, rows)
        for key, at in self.delivered.items():
            connection.execute(
                update(outbox)
                .where(outbox.c.key == key, outbox.c.status == EntryStatus.PENDING.value)
                .values(status=EntryStatus.DELIVERED.value, delivered_at=at, lease_until=None)
            )

    def _row(self, entry: OutboxEntry, now: datetime) -> dict[str, Any]:
        document = self._storage.codec.encode(entry, OutboxEntry)
        return {
            "key": entry.key,
            "kind": type(entry.message).__name__,
            "payload": self._storage.seal(OUTBOX_TABLE, entry.key, document),
            "status": EntryStatus.PENDING.value,
            "attempts": 0,
            "next_attempt_at": now,
            "lease_until": None,
            "worker_id": "",
            "last_error": "",
            "created_at": now,
            "delivered_at": None,
        }

    def _discard(self) -> None:
        self.added, self.delivered = {}, {}


class SqlUnitOfWork:
    """One transaction over the SQL repositories and the outbox (ports.storage)."""

    def __init__(self, storage: SqlStorage) -> None:
        self._storage = storage
        self._cases = SqlCaseRepository(storage)
        self._scenarios = SqlScenarioRepository(storage)
        self._consultations = SqlConsultationRepository(storage)
        self._staff = SqlStaffRepository(storage)
        self._complaints = SqlComplaintRepository(storage)
        self._spot_checks = SqlSpotCheckRepository(storage)
        self._training = SqlTrainingRepository(storage)
        self._outbox = SqlOutbox(storage)
        self._audit = SqlAuditLog(storage)
        self.cases: CaseRepository = self._cases
        self.scenarios: ScenarioRepository = self._scenarios
        self.consultations: ConsultationRepository = self._consultations
        self.staff: StaffRepository = self._staff
        self.complaints: ComplaintRepository = self._complaints
        self.spot_checks: SpotCheckRepository = self._spot_checks
        self.training: TrainingRepository = self._training
        self.outbox: Outbox = self._outbox
        self.audit: AuditLog = self._audit

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        """Write everything staged in one transaction, or raise and write nothing.

        On failure the staged changes stay staged, as in memory: the caller rolls back
        (or leaves the block) and starts again from fresh copies.
        """
        repositories = self._repositories()
        staged = any(r._staged for r in repositories) or self._outbox.staged
        if not staged and not self._audit.staged:
            return
        self._cases._check_staged_open_cases()
        version_of: list[dict[str, int]] = [{} for _ in repositories]
        history = self._storage.history
        try:
            with self._storage.database.writing() as connection:
                for repository, versions in zip(repositories, version_of, strict=True):
                    repository._write_updates(connection, versions)
                entries = [e for r in repositories for e in r._new_history(connection)]
                entries.extend(self._audit._entries())
                riders: list[Rider] | None = None
                head: tuple[int, str] | None = None
                if entries and self._storage.database.kind == "postgresql":
                    # The chain's lock first, then the new rows ride in the statement
                    # that appends the last entry: two round trips fewer.
                    head, riders = history.lock_head(connection), []
                for repository, versions in zip(repositories, version_of, strict=True):
                    repository._write_inserts(connection, versions, riders)
                self._outbox._write(connection, riders)
                now = self._storage.clock.now()
                history.append(connection, entries, now, head=head, riders=riders or ())
        except IntegrityError as error:
            raise self._explained(error) from error
        for repository, versions in zip(repositories, version_of, strict=True):
            repository._applied(versions)
        self._outbox._discard()
        self._audit._discard()

    def rollback(self) -> None:
        for repository in self._repositories():
            repository._discard()
        self._outbox._discard()
        self._audit._discard()

    def _repositories(self) -> tuple[_SqlRepository[Any], ...]:
        return (
            self._cases,
            self._scenarios,
            self._consultations,
            self._staff,
            self._complaints,
            self._spot_checks,
            self._training,
        )

    def _explained(self, error: IntegrityError) -> StorageError:
        """A unique violation, named as the port names it, in the order of the writes:
        per kind, a new aggregate whose id is stored (a conflict, expected version 0),
        then for cases a second open case of the person and service (P3); else a
        concurrent writer's insert of a new id."""
        with self._storage.database.reading() as connection:
            for repository in self._repositories():
                stored = repository._stored_new_id(connection)
                if stored is not None:
                    return ConcurrencyConflict(repository.kind, stored, 0)
                if repository is self._cases:
                    duplicate = self._cases._open_case_blocking(connection)
                    if duplicate is not None:
                        return duplicate
        for repository in self._repositories():
            new = [i for i, s in repository._staged.items() if s.is_new]
            if new:
                return ConcurrencyConflict(repository.kind, new[0], 0)
        log.error("integrity error not explained: %s", type(error.orig).__name__)
        return StorageError("the database refused the write")


def _case_filters(query: CaseQuery) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if query.service is not None:
        where.append(cases.c.service == query.service.value)
    if query.state is not None:
        where.append(cases.c.state == query.state)
    if query.within is not None:
        where.append(within_region(cases, query.within.code))
    if query.responsible is not None:
        where.append(cases.c.responsible == query.responsible)
    if query.open_only:
        where.append(cases.c.is_open == true())
    if query.due_by is not None:
        where.extend([cases.c.is_open == true(), cases.c.due_on <= query.due_by])
    return where


def _record_filters(table: Table, query: RecordQuery) -> list[ColumnElement[bool]]:
    """What a consultation's or complaint's columns can filter (the rest in Python)."""
    where: list[ColumnElement[bool]] = []
    if query.within is not None:
        where.append(within_region(table, query.within.code))
    if query.open_only:
        where.append(table.c.is_open == true())
    if query.moved_between_units:
        where.append(table.c.unit_moves > 0)
    if query.received_from is not None:
        where.append(table.c.received_at >= _local_midnight(query.received_from))
    if query.received_to is not None:
        where.append(table.c.received_at < _local_midnight(query.received_to + timedelta(1)))
    return where


def _local_midnight(day: date) -> datetime:
    """The start of a local day (China keeps +08:00 all year)."""
    return datetime.combine(day, time(0), tzinfo=CHINA_STANDARD_TIME)


class _Received(Protocol):
    id: str
    received_at: datetime


R = TypeVar("R", bound=_Received)


def _page(found: Iterable[R], query: RecordQuery, keep: Callable[[R], bool]) -> list[R]:
    """Staged records too are held to the query; then ordered and paged."""
    kept = sorted((r for r in found if keep(r)), key=lambda r: (r.received_at, r.id))
    return kept[query.offset : query.offset + query.limit]


def _record_matches(record: Consultation | Complaint, query: RecordQuery) -> bool:
    day = record.received_at.astimezone(CHINA_STANDARD_TIME).date()
    return (
        (query.within is None or record.region.is_within(query.within))
        and (record.is_open or not query.open_only)
        and (not query.moved_between_units or unit_moves(record) > 0)
        and (query.received_from is None or day >= query.received_from)
        and (query.received_to is None or day <= query.received_to)
    )


def within_region(table: Table, code: str) -> ColumnElement[bool]:
    """The region and every region inside it: a prefix, as an indexable range.

    Region codes are digits; ':' sorts right after '9', so `[code, code + ':')` holds
    exactly the codes that start with `code` (the columns compare bytewise).
    """
    return and_(table.c.region >= code, table.c.region < code + ":")


def _ordered(found: Iterable[Case]) -> list[Case]:
    return sorted(found, key=lambda c: (c.received_at, c.id))


def _matches(case: Case, query: CaseQuery) -> bool:
    return (
        (query.service is None or case.service is query.service)
        and (query.state is None or case.state == query.state)
        and (query.within is None or case.region.is_within(query.within))
        and (query.responsible is None or case.responsible == query.responsible)
        and (case.is_open or not query.open_only)
    )
