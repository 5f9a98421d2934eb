"""Recording what the history must show beside case events (P10, P11, P12).

Each entry is committed in a unit of work of its own, so that a refusal is recorded even
though the use case that refused changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from application.dependencies import Dependencies
from domain.identity import ResidentId
from ports.audit import AuditEntry, AuditOutcome


def record(deps: Dependencies, entry: AuditEntry) -> None:
    """Append one audit entry to the history, now."""
    with deps.uow() as uow:
        uow.audit.append(entry)
        uow.commit()


def record_refusal(
    deps: Dependencies,
    actor_id: str,
    action: str,
    *,
    subject: tuple[str, str],
    reason: str,
    rule: str,
    person: ResidentId | None = None,
    details: Mapping[str, str] | None = None,
) -> None:
    """Record that `action` on `subject` (kind, id) was refused, naming why and the rule."""
    kind, subject_id = subject
    record(
        deps,
        AuditEntry(
            at=deps.clock.now(),
            actor_id=actor_id,
            action=action,
            outcome=AuditOutcome.REFUSED,
            subject_kind=kind,
            subject_id=subject_id,
            rule=rule,
            reason=reason,
            person=person,
            details=dict(details or {}),
        ),
    )


def record_allowed(
    deps: Dependencies,
    actor_id: str,
    action: str,
    *,
    subject: tuple[str, str],
    rule: str,
    reason: str = "",
    person: ResidentId | None = None,
    details: Mapping[str, str] | None = None,
) -> None:
    """Record an action the history must show although it changes no case (a login, a
    sensitive read)."""
    kind, subject_id = subject
    record(
        deps,
        AuditEntry(
            at=deps.clock.now(),
            actor_id=actor_id,
            action=action,
            outcome=AuditOutcome.ALLOWED,
            subject_kind=kind,
            subject_id=subject_id,
            rule=rule,
            reason=reason,
            person=person,
            details=dict(details or {}),
        ),
    )
