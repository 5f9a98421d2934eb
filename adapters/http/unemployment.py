"""The unemployment registry over HTTP (docs/registries/unemployment-registry.json)."""

from __future__ import annotations

from datetime import date

import httpx

from adapters.http.client import CircuitBreaker, RegistryClient, RegistryEndpoint
from adapters.http.wire import Fields, WireError, wire_date
from domain.facts import UnemploymentStatus
from domain.identity import ResidentId

NAME = "unemployment_registry"


def register_key(case_id: str) -> str:
    return f"unemployment-register-{case_id}"


def recognition_key(case_id: str) -> str:
    return f"unemployment-recognition-{case_id}"


class HttpUnemploymentRegistry:
    """Registrations and recognitions, asked of and told to the unemployment registry."""

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

    def registration_of(self, person: ResidentId) -> UnemploymentStatus:
        def decode(answer: Fields) -> UnemploymentStatus:
            answer.expect("person", person.masked)
            return _status(answer)

        body = {"resident_id": person.reveal()}
        return self._registry.read(
            "registration_of", "/v1/registrations/query", body, decode, person=person
        )

    def register(self, person: ResidentId, *, case_id: str, on: date) -> UnemploymentStatus:
        def decode(answer: Fields) -> UnemploymentStatus:
            answer.expect("person", person.masked)
            status = _status(answer)
            if not status.registered:
                raise WireError("$.registered is false after registering")
            return status

        body = {"resident_id": person.reveal(), "case_id": case_id, "on": wire_date(on)}
        return self._registry.write(
            "register",
            "/v1/registrations",
            body,
            decode,
            person=person,
            idempotency_key=register_key(case_id),
        )

    def record_recognition(
        self, person: ResidentId, *, case_id: str, recognised: bool, on: date
    ) -> None:
        def decode(answer: Fields) -> None:
            answer.expect("case_id", case_id)
            answer.expect("recognised", recognised)

        body = {
            "resident_id": person.reveal(),
            "case_id": case_id,
            "recognised": recognised,
            "on": wire_date(on),
        }
        self._registry.write(
            "record_recognition",
            "/v1/recognitions",
            body,
            decode,
            person=person,
            idempotency_key=recognition_key(case_id),
        )


def _status(answer: Fields) -> UnemploymentStatus:
    registered = answer.boolean("registered")
    on = answer.optional_day("registered_on")
    if registered != (on is not None):
        raise WireError("$.registered_on must be a date exactly when registered is true")
    return UnemploymentStatus(registered=registered, registered_on=on)
