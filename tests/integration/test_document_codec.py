"""The document codec: every attrs class reachable from the aggregates round-trips.

The domain grows (new case states, household particulars, benefit decisions ...). These
tests walk the classes reachable from `Case`, `Scenario`, `Consultation`, complaints,
spot checks, training sessions and the outbox entries by their type hints, so a field
the codec cannot store fails here the day it lands, not in a county's database.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.sql.codec import DocumentInvalid, UnsupportedType
from adapters.sql.storage import aggregate_codec
from domain.benefits import DibaoHousehold
from domain.cases import Case
from domain.complaints import Complaint
from domain.errors import DomainError
from domain.identity import ResidentId, check_character
from domain.inquiries import Consultation
from domain.money import Money
from domain.regions import RegionCode
from domain.scenario import STATE_ORDER, Scenario
from domain.spot_checks import SpotCheck
from domain.training import TrainingSession
from ports.outbox import OutboxEntry
from tests.factories import make_case, make_scenario

ROOTS: tuple[type, ...] = (
    Case,
    Scenario,
    Consultation,
    Complaint,
    SpotCheck,
    TrainingSession,
    OutboxEntry,
)
CODEC = aggregate_codec()
REACHABLE = sorted(
    {c for root in ROOTS for c in CODEC.attrs_classes(root)}, key=lambda c: c.__qualname__
)


def _resident_ids() -> st.SearchStrategy[ResidentId]:
    def build(born: date, serial: int) -> ResidentId:
        first17 = f"370102{born:%Y%m%d}{serial:03d}"
        return ResidentId(first17 + check_character(first17))

    return st.builds(build, st.dates(date(1900, 1, 1), date(2025, 12, 31)), st.integers(0, 999))


def _aware_datetimes() -> st.SearchStrategy[datetime]:
    zones = st.sampled_from([UTC, timezone(timedelta(hours=8))])
    return st.datetimes(timezones=zones)


def _configurations() -> st.SearchStrategy[Any]:
    def bound(names: frozenset[str]) -> Any:
        holder = make_scenario()
        holder.bind_configuration(names)
        return holder.state

    return st.frozensets(st.sampled_from(STATE_ORDER), min_size=1, max_size=6).map(bound)


def _households() -> st.SearchStrategy[DibaoHousehold]:
    """Valid households only: drawn at random, most would fail its validator (members at
    least 1, covered between 1 and members, income not negative) and trip Hypothesis's
    filter health check."""
    return st.integers(1, 12).flatmap(
        lambda members: st.builds(
            DibaoHousehold,
            st.just(members),
            st.integers(1, members),
            st.integers(0, 10**8).map(Money),
        )
    )


STRATEGIES: dict[type, st.SearchStrategy[Any]] = {
    DibaoHousehold: _households(),
    ResidentId: _resident_ids(),
    RegionCode: st.sampled_from([RegionCode("37"), RegionCode("370102"), RegionCode("370102001")]),
    Money: st.integers(-(10**9), 10**9).map(Money),
    datetime: _aware_datetimes(),
    float: st.floats(allow_nan=False, allow_infinity=False),
    Decimal: st.decimals(allow_nan=False, allow_infinity=False),
    str: st.text(max_size=8),
}


def _instances(cls: type) -> st.SearchStrategy[Any]:
    """Any instance of an attrs class, each field drawn by its type hint."""
    hints = CODEC._fields_of(cls)
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for field in attrs.fields(cls):
        if not field.init:
            continue
        if (cls, field.name) == (Scenario, "state"):
            fields[field.alias or field.name] = _configurations()
        else:
            fields[field.alias or field.name] = st.from_type(hints[field.name])

    def build(**kwargs: Any) -> Any:
        try:
            return cls(**kwargs)
        except (DomainError, ValueError):  # a validator refused the drawn values
            return None

    return st.builds(build, **fields).filter(lambda value: value is not None)


def _registered() -> None:
    for cls, strategy in STRATEGIES.items():
        st.register_type_strategy(cls, strategy)
    for root in ROOTS:
        for cls in CODEC.attrs_classes(root):
            if cls not in STRATEGIES:
                st.register_type_strategy(cls, _deferred(cls))


def _deferred(cls: type) -> st.SearchStrategy[Any]:
    return st.deferred(lambda: _instances(cls))


_registered()


def _round_trip(value: Any, hint: Any) -> Any:
    text = json.dumps(CODEC.encode(value, hint), ensure_ascii=False)
    return CODEC.decode(json.loads(text), hint)


@pytest.mark.parametrize("root", ROOTS, ids=lambda r: r.__name__)
def test_every_field_type_reachable_from_an_aggregate_is_one_the_codec_stores(root: type):
    assert CODEC.check(root) == []


@pytest.mark.parametrize(
    "cls",
    REACHABLE,
    ids=lambda c: getattr(c, "__qualname__", repr(c)),
)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_every_reachable_class_reads_back_equal_after_a_round_trip(cls: type, data: Any):
    strategy = STRATEGIES[cls] if cls in STRATEGIES else _instances(cls)
    value = data.draw(strategy)

    assert _round_trip(value, cls) == value


def test_a_scenario_in_its_parallel_branches_reads_back_in_the_same_configuration():
    scenario = make_scenario(history_clear=True)

    loaded = _round_trip(scenario, Scenario)

    assert loaded.configuration == scenario.configuration


def test_a_case_document_holds_the_full_id_number_which_is_why_it_is_sealed():
    """P12: the document is complete; encryption, not omission, protects it."""
    case = make_case()

    document = json.dumps(CODEC.encode(case, Case))

    assert case.applicant.resident_id.reveal() in document


@attrs.frozen
class _WithComplex:
    amount: complex


@attrs.frozen
class _WithAny:
    anything: Any


@pytest.mark.parametrize("cls", [_WithComplex, _WithAny], ids=["complex", "Any"])
def test_a_field_type_the_codec_does_not_know_is_reported_and_refused(cls: type):
    assert CODEC.check(cls)
    with pytest.raises(UnsupportedType):
        CODEC.encode(cls(1j), cls)


def test_a_naive_datetime_is_refused_rather_than_stored_without_its_zone():
    case = make_case()
    case.received_at = datetime(2026, 3, 2, 9, 0)

    with pytest.raises(UnsupportedType):
        CODEC.encode(case, Case)


def test_a_document_missing_a_field_added_since_reads_back_with_its_default():
    document = CODEC.encode(make_case(), Case)
    del document["joined_scenarios"]

    assert CODEC.decode(document, Case).joined_scenarios == []


def test_a_document_with_a_field_the_class_no_longer_has_is_refused():
    document = {**CODEC.encode(make_case(), Case), "retired_field": 1}

    with pytest.raises(DocumentInvalid):
        CODEC.decode(document, Case)
