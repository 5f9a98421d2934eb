"""Registry writes as outbox entries, and their delivery (P6, DESIGN: persistence).

A use case queues what another department must be told in the same unit of work as the
state change; a worker delivers it later with `call_registry` and `record_delivery`
(two steps, so that a crash between them is safe: the registry deduplicates by the
entry's key, and the entry is marked delivered only with what the answer changes here).
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from application.dependencies import Dependencies
from domain.cases import BENEFIT_GRANTED, Case, CaseEvent
from domain.services import Service
from ports.outbox import (
    OutboxEntry,
    RecordApplicationOnPlatform,
    RecordRecognition,
    RegisterUnemployment,
)
from ports.registries import PlatformApplication
from ports.storage import UnitOfWork


def platform_entry(application: PlatformApplication, scenario_id: str) -> OutboxEntry:
    """Record an accepted dibao application on the platform (R6), under its case."""
    message = RecordApplicationOnPlatform(application, scenario_id)
    return OutboxEntry(application.idempotency_key, message)


def registry_writes(case: Case, event: CaseEvent) -> tuple[OutboxEntry, ...]:
    """What the unemployment registry must be told of a human-resources decision (R8, R9)."""
    on = event.at.date()
    person = case.applicant.resident_id
    granted = event.to_state == BENEFIT_GRANTED
    if case.service is Service.UNEMPLOYMENT_REGISTRATION and granted:
        key = f"unemployment-register-{case.id}"
        return (OutboxEntry(key, RegisterUnemployment(person, case.id, on)),)
    if case.service is Service.EMPLOYMENT_DIFFICULTY and (granted or event.event == "reject"):
        key = f"unemployment-recognition-{case.id}"
        return (OutboxEntry(key, RecordRecognition(person, case.id, granted, on)),)
    return ()


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
    return Delivered(entry)


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
