"""Storage of the aggregates, with a unit of work (DESIGN.md, persistence).

Repositories hand out copies: a change is visible to others only after `commit()`.
`save` stages a loaded aggregate; the commit checks that its stored version has not
moved since it was loaded (optimistic concurrency) and raises ConcurrencyConflict if it
has, changing nothing. A committed aggregate's `version` is one more than before.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from attrs import frozen

from domain.cases import Case
from domain.identity import ResidentId
from domain.inquiries import Consultation
from domain.regions import RegionCode
from domain.scenario import Scenario
from domain.services import Service
from ports.audit import AuditLog
from ports.outbox import Outbox
from ports.staff import StaffRepository


@frozen
class CaseQuery:
    """Which cases to list; every criterion is optional, results ordered by receipt."""

    service: Service | None = None
    state: str | None = None
    within: RegionCode | None = None
    responsible: str | None = None
    open_only: bool = False
    limit: int = 100
    offset: int = 0


class CaseRepository(Protocol):
    def add(self, case: Case) -> None:
        """Stage a new case. At commit, a second open case of the same person and service
        raises DuplicateOpenCase (P3)."""
        ...

    def get(self, case_id: str) -> Case:
        """A copy of the stored case; raises NotFound."""
        ...

    def save(self, case: Case) -> None:
        """Stage the changes of a case loaded in this unit of work."""
        ...

    def of_person(self, person: ResidentId) -> list[Case]:
        """Every case of the person, open or closed, oldest first."""
        ...

    def find(self, query: CaseQuery) -> list[Case]:
        """The cases matching the query, by receipt time then id."""
        ...


class ScenarioRepository(Protocol):
    def add(self, scenario: Scenario) -> None:
        """Stage a new joint scenario."""
        ...

    def get(self, scenario_id: str) -> Scenario:
        """A copy of the stored scenario; raises NotFound."""
        ...

    def save(self, scenario: Scenario) -> None:
        """Stage the changes of a scenario loaded in this unit of work."""
        ...

    def unfinished(self) -> list[Scenario]:
        """Scenarios that are neither completed nor not accepted, oldest first."""
        ...


class ConsultationRepository(Protocol):
    def add(self, consultation: Consultation) -> None:
        """Stage a new consultation."""
        ...

    def get(self, consultation_id: str) -> Consultation:
        """A copy of the stored consultation; raises NotFound."""
        ...

    def save(self, consultation: Consultation) -> None:
        """Stage the changes of a consultation loaded in this unit of work."""
        ...


class UnitOfWork(Protocol):
    """One transaction over the repositories, the outbox and the audit entries;
    uncommitted, it rolls back."""

    cases: CaseRepository
    scenarios: ScenarioRepository
    consultations: ConsultationRepository
    staff: StaffRepository
    outbox: Outbox
    audit: AuditLog

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None:
        """Make every staged change visible at once, or none (raises a StorageError)."""
        ...

    def rollback(self) -> None:
        """Discard every staged change."""
        ...
