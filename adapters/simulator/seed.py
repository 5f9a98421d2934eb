"""The people a registry simulator answers about, read from a JSON seed file.

    {"people": [{
        "resident_id": "370102196605200011",
        "history": [{"service": "dibao", "status": "receiving", "since": "2024-07-01",
                     "reference": "SD-2024-0701"}],
        "unemployment_registered_on": "2025-11-03",
        "disability": {"receives_severe_nursing_subsidy": true, "grade": 1,
                       "category": "肢体", "severe_nursing_monthly_fen": 10000},
        "check_warnings": [{"code": "real_estate", "text": "名下有两套住房",
                            "source": "不动产登记机构"}]}]}

Every key of a person but `resident_id` may be left out: no history, not registered,
no disability record, no warnings. A seed with a mistake is refused whole, naming the
place of the mistake but never the ID number (P13).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from attrs import frozen

from adapters.http.wire import Fields, WireError
from domain.errors import InvalidValue
from domain.facts import (
    AssistanceRecord,
    CheckWarning,
    DisabilityStatus,
    RecordStatus,
)
from domain.identity import ResidentId
from domain.money import Money
from domain.services import Service


class SeedError(ValueError):
    """A seed file that cannot be read; says where."""


@frozen
class PersonSeed:
    """What the three registries hold about one person."""

    person: ResidentId
    history: tuple[AssistanceRecord, ...] = ()
    registered_on: date | None = None  # None: not registered
    disability: DisabilityStatus | None = None
    check_warnings: tuple[CheckWarning, ...] = ()


@frozen
class Seed:
    people: tuple[PersonSeed, ...] = ()

    def of(self, person: ResidentId) -> PersonSeed | None:
        return next((p for p in self.people if p.person == person), None)


def load_seed(path: Path) -> Seed:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SeedError(f"{path}: cannot read the seed ({type(error).__name__})") from error
    return parse_seed(data)


def parse_seed(data: object) -> Seed:
    try:
        root = Fields(data)
        people = tuple(_person(fields) for fields in root.objects("people"))
    except WireError as error:
        raise SeedError(str(error)) from None
    seen = [p.person for p in people]
    if len(set(seen)) != len(seen):
        raise SeedError("$.people holds a person twice")
    return Seed(people)


def _person(fields: Fields) -> PersonSeed:
    try:
        person = ResidentId(fields.text("resident_id"))
    except InvalidValue as error:
        raise WireError(f"a resident_id is not valid ({error.code})") from None
    return PersonSeed(
        person=person,
        history=tuple(_record(r) for r in _objects(fields, "history")),
        registered_on=fields.left_out_or(fields.optional_day, "unemployment_registered_on"),
        disability=fields.left_out_or(lambda name: _disability(fields.nested(name)), "disability"),
        check_warnings=tuple(_warning(w) for w in _objects(fields, "check_warnings")),
    )


def _objects(fields: Fields, name: str) -> Iterable[Fields]:
    return fields.objects(name) if fields.has(name) else ()


def _record(fields: Fields) -> AssistanceRecord:
    return AssistanceRecord(
        service=fields.choice("service", Service),
        status=fields.choice("status", RecordStatus),
        since=fields.day("since"),
        reference=fields.left_out_or(fields.text, "reference") or "",
    )


def _warning(fields: Fields) -> CheckWarning:
    return CheckWarning(fields.text("code"), fields.text("text"), fields.text("source"))


def _disability(fields: Fields) -> DisabilityStatus:
    def integer(name: str, minimum: int, maximum: int | None = None) -> int | None:
        return fields.left_out_or(
            lambda n: fields.integer(n, minimum=minimum, maximum=maximum), name
        )

    monthly = integer("severe_nursing_monthly_fen", 0)
    return DisabilityStatus(
        receives_severe_nursing_subsidy=fields.boolean("receives_severe_nursing_subsidy"),
        grade=integer("grade", 1, 4),
        category=fields.left_out_or(fields.text, "category"),
        severe_nursing_monthly=None if monthly is None else Money(monthly),
    )
