"""The three registries in memory: seeded from plain data, idempotent, and breakable.

Each adapter answers from what it was seeded with; a person it holds nothing about has
an empty history, no registration and no subsidy, as the real registries answer for a
person without records. Writes are kept as effects (`recorded`, `registrations`,
`recognitions`) and repeated writes return the first result without a second effect.

Every adapter can be told to fail, so that tests can show a registry error is never read
as a negative answer (P9):

- `set_unavailable(True)`: every call raises `RegistryUnavailable` until switched back;
- `fail_next(n, error)`: the next `n` calls raise `error` (`RegistryUnavailable` by
  default); with `after_write=True` a write is applied first and its answer is then
  lost, as when a timeout hides a success (the retry must not duplicate it, P6).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from domain.facts import (
    AssistanceHistory,
    AssistanceRecord,
    CheckWarning,
    DisabilityStatus,
    HouseholdCheckReport,
    UnemploymentStatus,
)
from domain.identity import ResidentId
from ports.clock import Clock
from ports.errors import RegistryError, RegistryUnavailable
from ports.registries import PlatformApplication


@dataclass(frozen=True)
class PlatformRecord:
    """An application the platform recorded, under the reference it answered with."""

    reference: str
    application: PlatformApplication


@dataclass(frozen=True)
class Registration:
    """An unemployment registration made through `register`."""

    person: ResidentId
    case_id: str
    on: date


@dataclass(frozen=True)
class Recognition:
    """The outcome of a recognition of employment difficulty, as recorded."""

    person: ResidentId
    case_id: str
    recognised: bool
    on: date


@dataclass(frozen=True)
class _Fault:
    error: RegistryError | None
    after_write: bool


class _SimulatedRegistry:
    """Fault injection and a lock, shared by the three in-memory registries."""

    name = "registry"

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._unavailable = False
        self._faults: deque[_Fault] = deque()

    def set_unavailable(self, unavailable: bool = True) -> None:
        """While set, every call raises RegistryUnavailable and changes nothing."""
        with self._lock:
            self._unavailable = unavailable

    @property
    def unavailable(self) -> bool:
        return self._unavailable

    def fail_next(
        self, n: int = 1, error: RegistryError | None = None, *, after_write: bool = False
    ) -> None:
        """Make the next `n` calls raise `error` (by default RegistryUnavailable).

        With `after_write`, a write is carried out before its call raises; a read raises
        without answering either way.
        """
        if n < 1:
            raise ValueError("n must be at least 1")
        with self._lock:
            self._faults.extend(_Fault(error, after_write) for _ in range(n))

    def _before(self, operation: str, *, write: bool = False) -> None:
        if self._unavailable:
            raise RegistryUnavailable(self.name, f"{operation}: unavailable (simulated)")
        if self._faults and not (write and self._faults[0].after_write):
            raise self._error(operation, self._faults.popleft())

    def _after_write(self, operation: str) -> None:
        if self._faults and self._faults[0].after_write:
            raise self._error(operation, self._faults.popleft())

    def _error(self, operation: str, fault: _Fault) -> RegistryError:
        if fault.error is not None:
            return fault.error
        return RegistryUnavailable(self.name, f"{operation}: failed (simulated)")


class InMemoryAssistancePlatform(_SimulatedRegistry):
    """The social-assistance data platform: histories and check-report warnings per person.

    Check reports are issued on the clock's date, one per case and revision: asking
    again for the same case and revision returns the same report.
    """

    name = "assistance_platform"

    def __init__(
        self,
        *,
        clock: Clock,
        histories: Mapping[ResidentId, Iterable[AssistanceRecord]] | None = None,
        warnings: Mapping[ResidentId, Iterable[CheckWarning]] | None = None,
    ) -> None:
        super().__init__()
        self._clock = clock
        self._histories = {p: list(r) for p, r in (histories or {}).items()}
        self._warnings = {p: list(w) for p, w in (warnings or {}).items()}
        self._records: dict[str, PlatformRecord] = {}
        self._reports: dict[str, HouseholdCheckReport] = {}

    def seed_history(self, person: ResidentId, *records: AssistanceRecord) -> None:
        """Add records to the person's history."""
        with self._lock:
            self._histories.setdefault(person, []).extend(records)

    def seed_warnings(self, person: ResidentId, *warnings: CheckWarning) -> None:
        """Add warnings to every check report issued for the person from now on."""
        with self._lock:
            self._warnings.setdefault(person, []).extend(warnings)

    @property
    def recorded(self) -> tuple[PlatformRecord, ...]:
        """Every application recorded, once each, in the order they were recorded."""
        with self._lock:
            return tuple(self._records.values())

    @property
    def reports(self) -> Mapping[str, HouseholdCheckReport]:
        """The check reports issued, by case id (with "#n" for revision n after the first)."""
        with self._lock:
            return dict(self._reports)

    def history_of(self, person: ResidentId) -> AssistanceHistory:
        with self._lock:
            self._before("history_of")
            return AssistanceHistory(records=tuple(self._histories.get(person, ())))

    def record_application(self, application: PlatformApplication) -> str:
        with self._lock:
            self._before("record_application", write=True)
            record = self._records.get(application.case_id)
            if record is None:
                record = PlatformRecord(f"SD-{len(self._records) + 1}", application)
                self._records[application.case_id] = record
            self._after_write("record_application")
            return record.reference

    def check_report(
        self, person: ResidentId, *, case_id: str, revision: int = 0
    ) -> HouseholdCheckReport:
        key = case_id if revision == 0 else f"{case_id}#{revision}"
        with self._lock:
            self._before("check_report", write=True)
            report = self._reports.get(key)
            if report is None:
                report = HouseholdCheckReport(
                    reference=f"HC-{len(self._reports) + 1}",
                    issued_on=self._clock.now().date(),
                    warnings=tuple(self._warnings.get(person, ())),
                )
                self._reports[key] = report
            self._after_write("check_report")
            return report


class InMemoryUnemploymentRegistry(_SimulatedRegistry):
    """The unemployment registry: who is registered since when, and what was recorded.

    A person holds at most one registration: registering a registered person returns the
    existing registration, which also makes `register` idempotent per case id.
    """

    name = "unemployment_registry"

    def __init__(self, *, registered: Mapping[ResidentId, date] | None = None) -> None:
        super().__init__()
        self._registered = dict(registered or {})
        self._registrations: list[Registration] = []
        self._recognitions: dict[str, Recognition] = {}

    def seed_registered(self, person: ResidentId, on: date) -> None:
        """Hold a registration of the person made on `on`, outside any case."""
        with self._lock:
            self._registered.setdefault(person, on)

    @property
    def registrations(self) -> tuple[Registration, ...]:
        """The registrations made through `register`, once each."""
        with self._lock:
            return tuple(self._registrations)

    @property
    def recognitions(self) -> tuple[Recognition, ...]:
        """The recognitions recorded, one per case id (the first call's outcome)."""
        with self._lock:
            return tuple(self._recognitions.values())

    def registration_of(self, person: ResidentId) -> UnemploymentStatus:
        with self._lock:
            self._before("registration_of")
            return self._status(person)

    def register(self, person: ResidentId, *, case_id: str, on: date) -> UnemploymentStatus:
        with self._lock:
            self._before("register", write=True)
            if person not in self._registered:
                self._registered[person] = on
                self._registrations.append(Registration(person, case_id, on))
            self._after_write("register")
            return self._status(person)

    def record_recognition(
        self, person: ResidentId, *, case_id: str, recognised: bool, on: date
    ) -> None:
        with self._lock:
            self._before("record_recognition", write=True)
            if case_id not in self._recognitions:
                self._recognitions[case_id] = Recognition(person, case_id, recognised, on)
            self._after_write("record_recognition")

    def _status(self, person: ResidentId) -> UnemploymentStatus:
        on = self._registered.get(person)
        if on is None:
            return UnemploymentStatus(registered=False)
        return UnemploymentStatus(registered=True, registered_on=on)


class InMemoryDisabilityRegister(_SimulatedRegistry):
    """The disability register: a status per person; anyone else receives no subsidy."""

    name = "disability_register"

    def __init__(self, *, statuses: Mapping[ResidentId, DisabilityStatus] | None = None) -> None:
        super().__init__()
        self._statuses = dict(statuses or {})

    def seed(self, person: ResidentId, status: DisabilityStatus) -> None:
        with self._lock:
            self._statuses[person] = status

    def status_of(self, person: ResidentId) -> DisabilityStatus:
        with self._lock:
            self._before("status_of")
            status = self._statuses.get(person)
            if status is None:
                return DisabilityStatus(receives_severe_nursing_subsidy=False)
            return status
