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
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

from adapters.memory.outbox import InMemoryOutbox, InMemoryOutboxStore
from domain.cases import Case
from domain.identity import ResidentId
from domain.inquiries import Consultation
from domain.scenario import Scenario
from domain.services import Service
from ports.audit import AuditEntry, AuditLog
from ports.errors import ConcurrencyConflict, DuplicateOpenCase, NotFound
from ports.outbox import Outbox
from ports.staff import StaffAccount, StaffRepository
from ports.storage import (
    CaseQuery,
    CaseRepository,
    ConsultationRepository,
    ScenarioRepository,
)


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
        self._staged[aggregate.id] = _Staged(copy.deepcopy(aggregate), aggregate, 0, True)

    def get(self, record_id: str) -> A:
        staged = self._staged.get(record_id)
        if staged is not None:
            return copy.deepcopy(staged.snapshot)
        with self._store.lock:
            stored = self._committed.get(record_id)
            if stored is None:
                raise NotFound(self._kind, record_id)
            return copy.deepcopy(stored)

    def save(self, aggregate: A) -> None:
        previous = self._staged.get(aggregate.id)
        is_new = previous is not None and previous.is_new
        self._staged[aggregate.id] = _Staged(
            copy.deepcopy(aggregate), aggregate, aggregate.version, is_new
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
    def __init__(self, store: InMemoryStore) -> None:
        super().__init__("case", store, store.cases)

    def of_person(self, person: ResidentId) -> list[Case]:
        mine = _ordered(c for c in self._current() if c.applicant.resident_id == person)
        return copy.deepcopy(mine)

    def find(self, query: CaseQuery) -> list[Case]:
        matching = _ordered(c for c in self._current() if _matches(c, query))
        return copy.deepcopy(matching[query.offset : query.offset + query.limit])

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
        return copy.deepcopy(sorted(unfinished, key=lambda s: (s.started_at, s.id)))


class InMemoryConsultationRepository(_Repository[Consultation]):
    def __init__(self, store: InMemoryStore) -> None:
        super().__init__("consultation", store, store.consultations)


class InMemoryStaffRepository(_Repository[StaffAccount]):
    def __init__(self, store: InMemoryStore) -> None:
        super().__init__("staff", store, store.staff)


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
    """One transaction over the store's cases, scenarios and consultations."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store
        self._cases = InMemoryCaseRepository(store)
        self._scenarios = InMemoryScenarioRepository(store)
        self._consultations = InMemoryConsultationRepository(store)
        self._staff = InMemoryStaffRepository(store)
        self._audit = InMemoryAuditLog(store)
        self._outbox = InMemoryOutbox(store.outbox)
        # Typed as the ports declare them (the protocol's attributes are invariant).
        self.cases: CaseRepository = self._cases
        self.scenarios: ScenarioRepository = self._scenarios
        self.consultations: ConsultationRepository = self._consultations
        self.staff: StaffRepository = self._staff
        self.audit: AuditLog = self._audit
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
        return (self._cases, self._scenarios, self._consultations, self._staff)


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
