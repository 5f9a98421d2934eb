"""The three registries of other departments, as the core needs them (DESIGN.md, ports)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from attrs import frozen

from domain.facts import (
    AssistanceHistory,
    DisabilityStatus,
    HouseholdCheckReport,
    UnemploymentStatus,
)
from domain.identity import ResidentId
from domain.regions import RegionCode
from domain.services import Service


@frozen
class PlatformApplication:
    """An accepted application to record on the platform (申请一户，录入一户, R4, R6)."""

    case_id: str
    service: Service
    person: ResidentId
    region: RegionCode
    received_at: datetime

    @property
    def idempotency_key(self) -> str:
        return f"platform-record-{self.case_id}"


class AssistancePlatform(Protocol):
    """The social-assistance data platform (山东社会救助数字平台)."""

    def history_of(self, person: ResidentId) -> AssistanceHistory:
        """The person's assistance records; raises RegistryError rather than guess (P9)."""
        ...

    def record_application(self, application: PlatformApplication) -> str:
        """Record an accepted application; returns the platform's reference.

        Repeating it with the same case id returns the first reference (idempotent).
        """
        ...

    def check_report(
        self, person: ResidentId, *, case_id: str, revision: int = 0
    ) -> HouseholdCheckReport:
        """The household economic check report for the case, with its warnings (R12).

        Idempotent per (case, revision): asking again returns the same report. After the
        applicant disputes a report with evidence, the next revision is a new check.
        """
        ...


class UnemploymentRegistry(Protocol):
    """The unemployment registry (失业登记) of human resources and social security."""

    def registration_of(self, person: ResidentId) -> UnemploymentStatus:
        """Whether the person holds a current unemployment registration (R8)."""
        ...

    def register(self, person: ResidentId, *, case_id: str, on: date) -> UnemploymentStatus:
        """Register the person as unemployed; idempotent per case id."""
        ...

    def record_recognition(
        self, person: ResidentId, *, case_id: str, recognised: bool, on: date
    ) -> None:
        """Record the outcome of a recognition of employment difficulty; idempotent."""
        ...


class DisabilityRegister(Protocol):
    """The disability register (残疾人信息) of the disabled persons' federation."""

    def status_of(self, person: ResidentId) -> DisabilityStatus:
        """The severe-disability nursing subsidy and disability grade of the person (R7)."""
        ...
