"""What a use case queues for other departments' registries (P6): one entry per write.

Each entry carries its idempotency key, stable across retries; `application.outbox`
delivers them.
"""

from __future__ import annotations

from domain.cases import BENEFIT_GRANTED, Case, CaseEvent
from domain.scenario import Scenario
from domain.services import Service
from ports.outbox import (
    OutboxEntry,
    RecordApplicationOnPlatform,
    RecordRecognition,
    RegisterUnemployment,
    ResumeScenario,
)
from ports.registries import PlatformApplication


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


def resume_entry(subject: Scenario) -> OutboxEntry:
    """The entry that retries a scenario's outstanding registry calls (P8).

    One per failure episode: the key names how far the scenario had got, so a later
    failure, after this one is resolved, queues a new entry.
    """
    key = f"resume-scenario-{subject.id}-{len(subject.events)}"
    return OutboxEntry(key, ResumeScenario(subject.id))
