"""Storage in memory: one `InMemoryStore` of committed aggregates, units of work over it.

The store holds deep copies, so nothing a caller does to an aggregate is visible to
anyone else until a unit of work commits it. A commit takes the store's lock, checks
every staged change (versions, new ids, one open case per person and service, P3, P5)
and applies all of them or none.

A unit of work is used in one `with` block, the way a database session is; `commit()`
may be called more than once inside it, each call applying what was staged since the
previous one. Leaving the block without committing discards what is staged. Reads see
the committed data and what this unit of work has staged itself.

Adding an aggregate whose id is already stored fails the commit with
`ConcurrencyConflict` (expected version 0): someone else created it first.

A case's running deadline for `CaseQuery.due_by` is what the `due_on` function a unit of
work is given says (the composition root passes the one the SQL adapter stores); a unit
given none matches no case on `due_by`, as the SQL column is empty without one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

from adapters.memory.outbox import InMemoryOutbox, InMemoryOutboxStore
from adapters.memory.snapshot import snapshot
from domain.cases import Case
from domain.complaints import Complaint
from domain.identity import ResidentId
from domain.inquiries import Consultation
from domain.regions import RegionCode
from domain.scenario import Scenario
from domain.services import Service
from domain.spot_checks import SpotCheck
from domain.supervision import unit_moves
from domain.training import TrainingSession
from ports.audit import AuditEntry, AuditLog
from ports.errors import ConcurrencyConflict, DuplicateOpenCase, NotFound
from ports.outbox import Outbox
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

DueOn = Callable[[Case], date | None]


class _Aggregate(Protocol):
    id: str
    version: int


A = TypeVar("A", bound=_Aggregate)


class InMemoryStore:
    """The committed state: aggregates by id, each with its committed version; staff
    accounts; the audit entries in the order committed; the outbox."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.cases: dict[str, Case] = {}
        self.scenarios: dict[str, Scenario] = {}
        self.consultations: dict[str, Consultation] = {}
        self.staff: dict[str, StaffAccount] = {}
        self.audit: list[AuditEntry] = []
        self.complaints: dict[str, Complaint] = {}
        self.spot_checks: dict[str, SpotCheck] = {}
        self.training: dict[str, TrainingSession] = {}
        self.outbox = InMemoryOutboxStore()


@dataclass
class _Staged(Generic[A]):
    """One aggregate staged for commit: a snapshot, the caller's object, its version."""

    snapshot: A
    original: A
    expected_version: int  # 0 for a new aggregate
    is_new: bool


class _Repository(Generic[A]):
    """Staging and copy-on-read for one kind of aggregate."""

    def __init__(self, kind: str, store: InMemoryStore, committed: dict[str, A]) -> None:
        self._kind = kind
        self._store = store
        self._committed = committed
        self._staged: dict[str, _Staged[A]] = {}

    def add(self, aggregate: A) -> None:
        if aggregate.id in self._staged:
            raise ConcurrencyConflict(self._kind, aggregate.id, 0)
        self._staged[aggregate.id] = _Staged(snapshot(aggregate), aggregate, 0, True)

    def get(self, record_id: str) -> A:
        staged = self._staged.get(record_id)
        if staged is not None:
            return snapshot(staged.snapshot)
        with self._store.lock:
            stored = self._committed.get(record_id)
            if stored is None:
                raise NotFound(self._kind, record_id)
            return snapshot(stored)

    def save(self, aggregate: A) -> None:
        previous = self._staged.get(aggregate.id)
        is_new = previous is not None and previous.is_new
        self._staged[aggregate.id] = _Staged(
            snapshot(aggregate), aggregate, aggregate.version, is_new
        )

    def _current(self) -> list[A]:
        """The committed aggregates overlaid with this unit's staged ones, uncopied.

        Committed objects are replaced at commit, never changed, so they may be read
        outside the lock; callers copy what they hand out.
        """
        with self._store.lock:
            merged = dict(self._committed)
        merged.update({k: s.snapshot for k, s in self._staged.items()})
        return list(merged.values())

    # -- commit, called with the store's lock held --

    def _check(self) -> None:
        for record_id, staged in self._staged.items():
            stored = self._committed.get(record_id)
            if staged.is_new and stored is not None:
                raise ConcurrencyConflict(self._kind, record_id, 0)
            if not staged.is_new and stored is None:
                raise NotFound(self._kind, record_id)
            if stored is not None and stored.version != staged.expected_version:
                raise ConcurrencyConflict(self._kind, record_id, staged.expected_version)

    def _apply(self) -> None:
        for record_id, staged in self._staged.items():
            version = staged.expected_version + 1
            staged.snapshot.version = version
            staged.original.version = version
            self._committed[record_id] = staged.snapshot
        self._staged.clear()

    def _staged_snapshots(self) -> Iterator[A]:
        return (s.snapshot for s in self._staged.values())

    def _discard(self) -> None:
        self._staged.clear()


class InMemoryCaseRepository(_Repository[Case]):
    def __init__(self, store: InMemoryStore, due_on: DueOn | None = None) -> None:
        super().__init__("case", store, store.cases)
        self._due_on = due_on

    def of_person(self, person: ResidentId) -> list[Case]:
        mine = _ordered(c for c in self._current() if c.applicant.resident_id == person)
        return snapshot(mine)

    def find(self, query: CaseQuery) -> list[Case]:
        matching = _ordered(
            c for c in self._current() if _matches(c, query) and self._due_by(c, query)
        )
        return snapshot(matching[query.offset : query.offset + query.limit])

    def _due_by(self, case: Case, query: CaseQuery) -> bool:
        if query.due_by is None:
            return True
        due = self._due_on(case) if self._due_on is not None and case.is_open else None
        return due is not None and due <= query.due_by

    def _check_one_open_case(self) -> None:
        """P3: every staged open case is the only open one of its person and service."""
        if not self._staged:
            return
        open_cases: dict[tuple[ResidentId, Service], str] = {}
        for case in self._committed.values():
            if case.is_open and case.id not in self._staged:
                open_cases[(case.applicant.resident_id, case.service)] = case.id
        for case in self._staged_snapshots():
            if not case.is_open:
                continue
            key = (case.applicant.resident_id, case.service)
            existing = open_cases.setdefault(key, case.id)
            if existing != case.id:
                raise DuplicateOpenCase(case.service.value, existing)


class InMemoryScenarioRepository(_Repository[Scenario]):
    def __init__(self, store: InMemoryStore) -> None:
        super().__init__("scenario", store, store.scenarios)

    def unfinished(self) -> list[Scenario]:
        unfinished = (s for s in self._current() if not s.is_finished)
        return snapshot(sorted(unfinished, key=lambda s: (s.started_at, s.id)))


class InMemoryConsultationRepository(_Repository[Consultation]):
    def __init__(self, store: InMemoryStore) -> None:
        super().__init__("consultation", store, store.consultations)

    def find(self, query: RecordQuery) -> list[Consultation]:
        found = sorted(
            (c for c in self._current() if _record_matches(c, query)),
            key=lambda c: (c.received_at, c.id),
        )
        return snapshot(found[query.offset : query.offset + query.limit])


class InMemoryComplaintRepository(_Repository[Complaint]):
    def __init__(self, store: InMemoryStore) -> None:
        super().__init__("complaint", store, store.complaints)

    def find(self, query: RecordQuery) -> list[Complaint]:
        found = sorted(
            (
                c
                for c in self._current()
                if _record_matches(c, query)
                and (query.kind is None or c.kind is query.kind)
                and (query.case_id is None or c.case_id == query.case_id)
            ),
            key=lambda c: (c.received_at, c.id),
        )
        return snapshot(found[query.offset : query.offset + query.limit])


class InMemorySpotCheckRepository(_Repository[SpotCheck]):
    def __init__(self, store: InMemoryStore) -> None:
        super().__init__("spot_check", store, store.spot_checks)

    def within(self, region: RegionCode) -> list[SpotCheck]:
        found = (c for c in self._current() if c.region.is_within(region))
        return snapshot(sorted(found, key=lambda c: (c.drawn_at, c.id)))


class InMemoryTrainingRepository(_Repository[TrainingSession]):
    def __init__(self, store: InMemoryStore) -> None:
        super().__init__("training_session", store, store.training)

    def attended_by(self, staff_id: str, year: int) -> list[TrainingSession]:
        return [s for s in self.held_in(year) if staff_id in s.attendees]

    def held_in(self, year: int) -> list[TrainingSession]:
        found = (s for s in self._current() if s.held_on.year == year)
        return snapshot(sorted(found, key=lambda s: (s.held_on, s.id)))


class InMemoryStaffRepository(_Repository[StaffAccount]):
    def __init__(self, store: InMemoryStore) -> None:
        super().__init__("staff", store, store.staff)

    def within(self, region: RegionCode) -> list[StaffAccount]:
        found = (a for a in self._current() if a.active and a.region.is_within(region))
        return snapshot(sorted(found, key=lambda a: a.id))


class InMemoryAuditLog:
    """One unit of work's staged audit entries, appended to the store at commit."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store
        self._staged: list[AuditEntry] = []

    def append(self, entry: AuditEntry) -> None:
        self._staged.append(entry)

    def _apply(self) -> None:
        self._store.audit.extend(self._staged)
        self._staged = []

    def _discard(self) -> None:
        self._staged = []


class InMemoryUnitOfWork:
    """One transaction over the store's aggregates and its outbox."""

    def __init__(self, store: InMemoryStore, *, due_on: DueOn | None = None) -> None:
        self._store = store
        self._cases = InMemoryCaseRepository(store, due_on)
        self._scenarios = InMemoryScenarioRepository(store)
        self._consultations = InMemoryConsultationRepository(store)
        self._staff = InMemoryStaffRepository(store)
        self._audit = InMemoryAuditLog(store)
        self._complaints = InMemoryComplaintRepository(store)
        self._spot_checks = InMemorySpotCheckRepository(store)
        self._training = InMemoryTrainingRepository(store)
        self._outbox = InMemoryOutbox(store.outbox)
        # Typed as the ports declare them (the protocol's attributes are invariant).
        self.cases: CaseRepository = self._cases
        self.scenarios: ScenarioRepository = self._scenarios
        self.consultations: ConsultationRepository = self._consultations
        self.staff: StaffRepository = self._staff
        self.audit: AuditLog = self._audit
        self.complaints: ComplaintRepository = self._complaints
        self.spot_checks: SpotCheckRepository = self._spot_checks
        self.training: TrainingRepository = self._training
        self.outbox: Outbox = self._outbox

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
        """Apply every staged change at once, or raise a StorageError and apply none.

        On failure the staged changes stay staged: the caller rolls back (or leaves the
        `with` block) and starts again from fresh copies.
        """
        repositories = self._repositories()
        with self._store.lock:
            for repository in repositories:
                repository._check()
            self._cases._check_one_open_case()
            for repository in repositories:
                repository._apply()
            self._outbox.apply()
            self._audit._apply()

    def rollback(self) -> None:
        for repository in self._repositories():
            repository._discard()
        self._outbox.discard()
        self._audit._discard()

    def _repositories(self) -> tuple[_Repository[Any], ...]:
        return (
            self._cases,
            self._scenarios,
            self._consultations,
            self._staff,
            self._complaints,
            self._spot_checks,
            self._training,
        )


def _ordered(cases: Iterable[Case]) -> list[Case]:
    return sorted(cases, key=lambda c: (c.received_at, c.id))


def _matches(case: Case, query: CaseQuery) -> bool:
    return (
        (query.service is None or case.service is query.service)
        and (query.state is None or case.state == query.state)
        and (query.within is None or case.region.is_within(query.within))
        and (query.responsible is None or case.responsible == query.responsible)
        and (case.is_open or not query.open_only)
    )


def _record_matches(record: Consultation | Complaint, query: RecordQuery) -> bool:
    day = record.received_at.date()
    return (
        (query.within is None or record.region.is_within(query.within))
        and (record.is_open or not query.open_only)
        and (not query.moved_between_units or unit_moves(record) > 0)
        and (query.received_from is None or day >= query.received_from)
        and (query.received_to is None or day <= query.received_to)
    )
