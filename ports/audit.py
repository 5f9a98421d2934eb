"""The audit part of the history (P10, P11, P12): what was refused or read, and by whom.

Case and scenario events reach the history with their aggregates; these entries record
what happens around them: every login and failed login, every refusal (role,
jurisdiction, rate limit, lockout) and every sensitive read (a full ID number, a search
by ID number). They are appended in a unit of work and committed with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from attrs import Factory, frozen

from domain.identity import ResidentId


class AuditOutcome(StrEnum):
    ALLOWED = "allowed"
    REFUSED = "refused"


@frozen
class AuditEntry:
    """Who did what to which record, when, and with which outcome and rule.

    `person` is the resident the record is about, if any: the history finds entries by
    person through its keyed hash, and never stores the number in the clear.
    """

    at: datetime
    actor_id: str
    action: str  # a stable code: login, login_failed, access_refused, resident_id_read ...
    outcome: AuditOutcome
    subject_kind: str  # case, scenario, consultation, staff, region, request
    subject_id: str
    rule: str = ""
    reason: str = ""  # a stable code of why (role_not_allowed, outside_jurisdiction ...)
    person: ResidentId | None = None
    details: Mapping[str, str] = Factory(dict)


class AuditLog(Protocol):
    def append(self, entry: AuditEntry) -> None:
        """Stage an entry; it is written, in the history's chain, when the unit commits."""
        ...
