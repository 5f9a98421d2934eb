"""The delivery of outbox entries (P6, DESIGN: persistence); `outbox_entries` builds them.

A use case queues what another department must be told in the same unit of work as the
state change; a worker delivers it later with `call_registry` and `record_delivery`
(two steps, so that a crash between them is safe: the registry deduplicates by the
entry's key, and the entry is marked delivered only with what the answer changes here).
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from application.dependencies import Dependencies
from application.orchestration import retry_outstanding
from ports.errors import RegistryUnavailable
from ports.outbox import (
    OutboxEntry,
    RecordApplicationOnPlatform,
    RecordRecognition,
    RegisterUnemployment,
    ResumeScenario,
)
from ports.storage import UnitOfWork


@frozen
class Delivered:
    """A registry's answer to one entry; `reference` is the platform's, where it gives one."""

    entry: OutboxEntry
    reference: str | None = None


def call_registry(deps: Dependencies, entry: OutboxEntry) -> Delivered:
    """Make the entry's registry call; raises RegistryError, repeating it is harmless."""
    match entry.message:
        case RecordApplicationOnPlatform(application=application):
            return Delivered(entry, deps.platform.record_application(application))
        case RegisterUnemployment(person=person, case_id=case_id, on=on):
            deps.unemployment.register(person, case_id=case_id, on=on)
        case RecordRecognition(person=person, case_id=case_id, recognised=recognised, on=on):
            deps.unemployment.record_recognition(
                person, case_id=case_id, recognised=recognised, on=on
            )
        case ResumeScenario(scenario_id=scenario_id):
            _resume(deps, scenario_id)
    return Delivered(entry)


def _resume(deps: Dependencies, scenario_id: str) -> None:
    """Retry a scenario's outstanding registry calls; raises while any is still left."""
    result = retry_outstanding(deps, scenario_id)
    if result.still_outstanding:
        if result.error is not None:
            raise result.error
        raise RegistryUnavailable("scenario", f"{result.still_outstanding} calls outstanding")


def record_delivery(uow: UnitOfWork, delivered: Delivered, *, at: datetime) -> None:
    """Stage what the answer changes here, and the entry as delivered (caller commits)."""
    message = delivered.entry.message
    if isinstance(message, RecordApplicationOnPlatform) and delivered.reference is not None:
        subject = uow.scenarios.get(message.scenario_id)
        if subject.platform_reference is None:
            subject.platform_reference = delivered.reference
            uow.scenarios.save(subject)
    uow.outbox.mark_delivered(delivered.entry.key, at=at)


def deliver_outbox_entry(deps: Dependencies, entry: OutboxEntry) -> None:
    """Deliver one entry and record it, in one go (the in-memory composition's way)."""
    delivered = call_registry(deps, entry)
    with deps.uow() as uow:
        record_delivery(uow, delivered, at=deps.clock.now())
        uow.commit()
