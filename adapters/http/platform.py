"""The social-assistance data platform over HTTP (docs/registries/assistance-platform.json)."""

from __future__ import annotations

import httpx

from adapters.http.client import CircuitBreaker, RegistryClient, RegistryEndpoint
from adapters.http.wire import Fields, wire_datetime
from domain.facts import (
    AssistanceHistory,
    AssistanceRecord,
    CheckWarning,
    HouseholdCheckReport,
    RecordStatus,
)
from domain.identity import ResidentId
from domain.services import Service
from ports.registries import PlatformApplication

NAME = "assistance_platform"


def check_report_key(case_id: str, revision: int) -> str:
    """The idempotency key of a check-report request: one report per case and revision."""
    return f"platform-check-report-{case_id}-r{revision}"


class HttpAssistancePlatform:
    """Histories, recorded applications and check reports, asked of the platform."""

    def __init__(
        self,
        client: httpx.Client,
        endpoint: RegistryEndpoint,
        *,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self._registry = RegistryClient(client, endpoint, breaker=breaker)

    @property
    def breaker(self) -> CircuitBreaker:
        return self._registry.breaker

    def history_of(self, person: ResidentId) -> AssistanceHistory:
        def decode(answer: Fields) -> AssistanceHistory:
            answer.expect("person", person.masked)
            return AssistanceHistory(tuple(_record(r) for r in answer.objects("records")))

        body = {"resident_id": person.reveal()}
        return self._registry.read(
            "history_of", "/v1/assistance-histories/query", body, decode, person=person
        )

    def record_application(self, application: PlatformApplication) -> str:
        def decode(answer: Fields) -> str:
            answer.expect("case_id", application.case_id)
            return answer.text("reference")

        body = {
            "case_id": application.case_id,
            "service": application.service.value,
            "resident_id": application.person.reveal(),
            "region": application.region.code,
            "received_at": wire_datetime(application.received_at),
        }
        return self._registry.write(
            "record_application",
            "/v1/applications",
            body,
            decode,
            person=application.person,
            idempotency_key=application.idempotency_key,
        )

    def check_report(
        self, person: ResidentId, *, case_id: str, revision: int = 0
    ) -> HouseholdCheckReport:
        def decode(answer: Fields) -> HouseholdCheckReport:
            answer.expect("case_id", case_id)
            answer.expect("revision", revision)
            return HouseholdCheckReport(
                reference=answer.text("reference"),
                issued_on=answer.day("issued_on"),
                warnings=tuple(_warning(w) for w in answer.objects("warnings")),
            )

        body = {"case_id": case_id, "revision": revision, "resident_id": person.reveal()}
        return self._registry.write(
            "check_report",
            "/v1/check-reports",
            body,
            decode,
            person=person,
            idempotency_key=check_report_key(case_id, revision),
        )


def _record(fields: Fields) -> AssistanceRecord:
    return AssistanceRecord(
        service=fields.choice("service", Service),
        status=fields.choice("status", RecordStatus),
        since=fields.day("since"),
        reference=fields.text("reference", allow_empty=True),
    )


def _warning(fields: Fields) -> CheckWarning:
    return CheckWarning(
        code=fields.text("code"), text=fields.text("text"), source=fields.text("source")
    )
