"""The disability register over HTTP (docs/registries/disability-register.json)."""

from __future__ import annotations

import httpx

from adapters.http.client import CircuitBreaker, RegistryClient, RegistryEndpoint
from adapters.http.wire import Fields, WireError
from domain.facts import DisabilityStatus
from domain.identity import ResidentId
from domain.money import Money

NAME = "disability_register"

# 残疾类别 of GB/T 26341-2010: sight, hearing, speech, physical, intellectual, mental, multiple.
CATEGORIES = frozenset({"视力", "听力", "言语", "肢体", "智力", "精神", "多重"})


class HttpDisabilityRegister:
    """The severe-disability nursing subsidy and the grade, asked of the register (R7)."""

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

    def status_of(self, person: ResidentId) -> DisabilityStatus:
        def decode(answer: Fields) -> DisabilityStatus:
            answer.expect("person", person.masked)
            return _status(answer)

        body = {"resident_id": person.reveal()}
        return self._registry.read(
            "status_of", "/v1/disability-statuses/query", body, decode, person=person
        )


def _status(answer: Fields) -> DisabilityStatus:
    receives = answer.boolean("receives_severe_nursing_subsidy")
    grade = answer.optional_integer("grade", minimum=1, maximum=4)
    category = answer.optional_text("category")
    if category is not None and category not in CATEGORIES:
        raise WireError(f"$.category should be one of {sorted(CATEGORIES)}")
    monthly = answer.optional_integer("severe_nursing_monthly_fen", minimum=0)
    if monthly is not None and not receives:
        raise WireError("$.severe_nursing_monthly_fen is given for a person without the subsidy")
    return DisabilityStatus(
        receives_severe_nursing_subsidy=receives,
        grade=grade,
        category=category,
        severe_nursing_monthly=None if monthly is None else Money(monthly),
    )
