"""Storage of the aggregates, with a unit of work (DESIGN.md, persistence).

Repositories hand out copies: a change is visible to others only after `commit()`.
`save` stages a loaded aggregate; the commit checks that its stored version has not
moved since it was loaded (optimistic concurrency) and raises ConcurrencyConflict if it
has, changing nothing. A committed aggregate's `version` is one more than before.
"""

from __future__ import annotations

from datetime import date
from types import TracebackType
from typing import Protocol, Self

from attrs import frozen

from domain.cases import Case
from domain.complaints import Complaint, ComplaintKind
from domain.identity import ResidentId
from domain.inquiries import Consultation
from domain.regions import RegionCode
from domain.scenario import Scenario
from domain.services import Service
from domain.spot_checks import SpotCheck
from domain.training import TrainingSession
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
    # R13: only open cases whose running deadline, as stored at their last step, falls
    # on or before this day. That stored day is the earliest the deadline can fall
    # (pauses and extensions only move it later), so a caller that wants the cases due
    # by a day gets every one of them, and checks each deadline as of today itself.
    due_by: date | None = None
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


@frozen
class RecordQuery:
    """Which consultations, complaints or reports to list; ordered by receipt then id."""

    within: RegionCode | None = None
    open_only: bool = False
    moved_between_units: bool = False  # only records that moved at least once (R10)
    kind: ComplaintKind | None = None  # complaints and reports only
    case_id: str | None = None  # complaints and reports only: those about this case
    received_from: date | None = None  # the local day of receipt, from (included)
    received_to: date | None = None  # to (included)
    limit: int = 1000
    offset: int = 0


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

    def find(self, query: RecordQuery) -> list[Consultation]:
        """The consultations matching the query, by receipt time then id."""
        ...


class ComplaintRepository(Protocol):
    def add(self, complaint: Complaint) -> None:
        """Stage a new complaint or report."""
        ...

    def get(self, complaint_id: str) -> Complaint:
        """A copy of the stored complaint or report; raises NotFound."""
        ...

    def save(self, complaint: Complaint) -> None:
        """Stage the changes of a complaint loaded in this unit of work."""
        ...

    def find(self, query: RecordQuery) -> list[Complaint]:
        """The complaints and reports matching the query, by receipt time then id."""
        ...


class SpotCheckRepository(Protocol):
    def add(self, check: SpotCheck) -> None:
        """Stage a new spot check (its draw)."""
        ...

    def get(self, check_id: str) -> SpotCheck:
        """A copy of the stored spot check; raises NotFound."""
        ...

    def save(self, check: SpotCheck) -> None:
        """Stage the findings added to a spot check loaded in this unit of work."""
        ...

    def within(self, region: RegionCode) -> list[SpotCheck]:
        """The spot checks drawn in the region or inside it, oldest draw first."""
        ...


class TrainingRepository(Protocol):
    def add(self, session: TrainingSession) -> None:
        """Stage a new training session."""
        ...

    def get(self, session_id: str) -> TrainingSession:
        """A copy of the stored session; raises NotFound."""
        ...

    def save(self, session: TrainingSession) -> None:
        """Stage the attendance added to a session loaded in this unit of work."""
        ...

    def attended_by(self, staff_id: str, year: int) -> list[TrainingSession]:
        """The sessions held in `year` that the staff member attended, by day held."""
        ...

    def held_in(self, year: int) -> list[TrainingSession]:
        """Every session held in `year`, wherever it was organised, by day held then id."""
        ...


class UnitOfWork(Protocol):
    """One transaction over the repositories, the outbox and the audit entries;
    uncommitted, it rolls back."""

    cases: CaseRepository
    scenarios: ScenarioRepository
    consultations: ConsultationRepository
    staff: StaffRepository
    complaints: ComplaintRepository
    spot_checks: SpotCheckRepository
    training: TrainingRepository
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
