"""The registry simulator: idempotent writes, keys, faults by person, share and count, its
admin endpoint and its seed files (P2, P6, P9)."""

from __future__ import annotations

import json
from datetime import date

import httpx
import pytest

from adapters.http import RegistryEndpoint, RetryPolicy, Timeouts
from adapters.http.platform import HttpAssistancePlatform
from adapters.http.unemployment import HttpUnemploymentRegistry
from adapters.simulator import (
    Fault,
    FaultKind,
    PersonSeed,
    RegistrySimulator,
    Seed,
    SeedError,
    load_seed,
    parse_seed,
    person_hash,
)
from entrypoints.registries import SAMPLE_SEED
from ports.errors import RegistryAnswerInvalid, RegistryRefused, RegistryUnavailable
from tests.factories import resident_id
from tests.integration.registry_cases import API_KEY, PERSON, TODAY, application

OTHER = resident_id(8)


def platform(
    simulator: RegistrySimulator,
    client: httpx.Client,
    *,
    api_key: str = API_KEY,
    read: float = 2.0,
    attempts: int = 2,
) -> HttpAssistancePlatform:
    endpoint = RegistryEndpoint(
        "assistance_platform",
        simulator.base_url("platform"),
        api_key=api_key,
        timeouts=Timeouts(connect=0.5, read=read),
        retry=RetryPolicy.without_waiting(attempts),
    )
    return HttpAssistancePlatform(client, endpoint)


def unemployment(simulator: RegistrySimulator, client: httpx.Client) -> HttpUnemploymentRegistry:
    endpoint = RegistryEndpoint(
        "unemployment_registry",
        simulator.base_url("unemployment"),
        api_key=API_KEY,
        retry=RetryPolicy.without_waiting(1),
    )
    return HttpUnemploymentRegistry(client, endpoint)


def post(
    client: httpx.Client,
    simulator: RegistrySimulator,
    path: str,
    body: object,
    key: str | None = None,
) -> httpx.Response:
    headers = {"X-Api-Key": API_KEY}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(f"{simulator.url}{path}", json=body, headers=headers)


RECORD = {
    "case_id": "case-0001",
    "service": "dibao",
    "resident_id": PERSON.reveal(),
    "region": "370102001",
    "received_at": "2026-03-02T09:00:00+08:00",
}


# -- idempotent writes --


def test_the_same_key_and_body_get_the_first_answer_again_marked_as_replayed(simulator, loopback):
    """P2: a repeated write returns the first answer."""
    first = post(loopback, simulator, "/platform/v1/applications", RECORD, key="k1")

    again = post(loopback, simulator, "/platform/v1/applications", RECORD, key="k1")

    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again.headers["Idempotent-Replayed"] == "true"


def test_the_same_key_with_another_body_is_refused_with_422(simulator, loopback):
    """P2: a key names one write; reusing it for another is an error."""
    post(loopback, simulator, "/platform/v1/applications", RECORD, key="k1")
    other = {**RECORD, "service": "tekun"}

    answer = post(loopback, simulator, "/platform/v1/applications", other, key="k1")

    assert answer.status_code == 422


def test_an_adapter_told_of_another_outcome_for_a_case_is_refused(simulator, loopback):
    """The first recognition of a case stands; another outcome under its key is refused."""
    registry = unemployment(simulator, loopback)
    registry.record_recognition(PERSON, case_id="case-0003", recognised=True, on=TODAY)

    with pytest.raises(RegistryRefused) as refused:
        registry.record_recognition(PERSON, case_id="case-0003", recognised=False, on=TODAY)

    assert refused.value.status == 422


def test_a_write_without_a_key_is_refused_with_400(simulator, loopback):
    answer = post(loopback, simulator, "/platform/v1/applications", RECORD)

    assert answer.status_code == 400


def test_a_write_without_a_key_changes_nothing(simulator, loopback):
    post(loopback, simulator, "/platform/v1/applications", RECORD)

    assert simulator.registries.platform.recorded == ()


def test_an_invalid_id_number_is_refused_without_being_echoed(simulator, loopback):
    """P13: the refusal names the field, not the value."""
    body = {"resident_id": PERSON.reveal()[:-1] + "0"}

    answer = post(loopback, simulator, "/platform/v1/assistance-histories/query", body)

    assert answer.status_code == 422
    assert body["resident_id"] not in answer.text


def test_a_wrong_api_key_is_refused(simulator, loopback):
    with pytest.raises(RegistryRefused) as refused:
        platform(simulator, loopback, api_key="wrong").history_of(PERSON)

    assert refused.value.status == 401


def test_a_timeout_that_hides_a_success_is_retried_under_its_key_and_recorded_once(
    simulator, loopback
):
    """P6: the write was applied, its answer lost; the retry returns the first answer."""
    simulator.faults.add(Fault(FaultKind.TIMEOUT, delay=0.5, times=1, after_write=True))

    reference = platform(simulator, loopback, read=0.2).record_application(application())

    assert [r.reference for r in simulator.registries.platform.recorded] == [reference]


@pytest.mark.parametrize("kind", [FaultKind.RESET, FaultKind.ERROR, FaultKind.TRUNCATED])
def test_a_write_whose_answer_was_lost_is_recorded_once_when_delivered_again(
    simulator, loopback, kind
):
    """P6: the worker delivers the outbox entry again after the failed call."""
    simulator.faults.add(Fault(kind, times=1, after_write=True))
    with pytest.raises((RegistryUnavailable, RegistryAnswerInvalid)):
        platform(simulator, loopback, attempts=1).record_application(application())

    reference = platform(simulator, loopback).record_application(application())

    assert [r.reference for r in simulator.registries.platform.recorded] == [reference]


# -- which requests a fault strikes --


@pytest.mark.parametrize("name", [PERSON.masked, person_hash(PERSON)], ids=["masked", "hash"])
def test_a_fault_for_a_named_person_strikes_only_that_person(simulator, loopback, name):
    simulator.faults.add(Fault(FaultKind.ERROR, person=name))
    adapter = platform(simulator, loopback)

    other = adapter.history_of(OTHER)

    assert other.records == ()
    with pytest.raises(RegistryUnavailable):
        adapter.history_of(PERSON)


def test_a_fault_for_some_times_is_gone_after_them(simulator, loopback):
    simulator.faults.add(Fault(FaultKind.HTML, times=2))
    adapter = platform(simulator, loopback)
    for _ in range(2):
        with pytest.raises(RegistryAnswerInvalid):
            adapter.history_of(PERSON)

    history = adapter.history_of(PERSON)

    assert history.records == ()


def test_a_fault_for_a_fraction_of_requests_strikes_some_and_spares_some(simulator, loopback):
    simulator.faults.add(Fault(FaultKind.ERROR, fraction=0.5))
    adapter = platform(simulator, loopback, attempts=1)
    outcomes = set()

    for _ in range(40):
        try:
            adapter.history_of(PERSON)
            outcomes.add("answered")
        except RegistryUnavailable:
            outcomes.add("failed")

    assert outcomes == {"answered", "failed"}


def test_a_fault_for_one_registry_spares_the_others(simulator, loopback):
    simulator.faults.add(Fault(FaultKind.ERROR, registry="unemployment"))

    history = platform(simulator, loopback).history_of(PERSON)

    assert history.records == ()


# -- the admin endpoint --


def test_a_fault_posted_to_the_admin_endpoint_strikes_until_cleared(simulator, loopback):
    adapter = platform(simulator, loopback)
    post(loopback, simulator, "/_admin/faults", {"kind": "wrong_schema", "registry": "platform"})
    with pytest.raises(RegistryAnswerInvalid):
        adapter.history_of(PERSON)

    loopback.delete(f"{simulator.url}/_admin/faults", headers={"X-Api-Key": API_KEY})

    assert adapter.history_of(PERSON).records == ()


@pytest.mark.parametrize(
    "fault",
    [{"kind": "meltdown"}, {"kind": "error", "fraction": 2}, {"kind": "error", "times": 0}],
    ids=["unknown_kind", "fraction_above_1", "zero_times"],
)
def test_an_invalid_fault_is_refused_with_422(simulator, loopback, fault):
    answer = post(loopback, simulator, "/_admin/faults", fault)

    assert (answer.status_code, simulator.faults.in_force) == (422, ())


def test_the_admin_state_counts_what_each_registry_holds_as_written(simulator, loopback):
    platform(simulator, loopback).record_application(application())

    state = loopback.get(f"{simulator.url}/_admin/state", headers={"X-Api-Key": API_KEY})

    assert state.json()["platform"]["applications_recorded"] == 1


# -- seed files --


def test_the_sample_seed_holds_every_kind_of_fact():
    seed = load_seed(SAMPLE_SEED)

    assert any(p.history for p in seed.people)
    assert any(p.registered_on for p in seed.people)
    assert any(p.disability and p.disability.severe_nursing_monthly for p in seed.people)
    assert any(p.check_warnings for p in seed.people)


def test_a_seeded_person_is_answered_from_the_seed(simulator, loopback):
    simulator.reset(Seed((PersonSeed(PERSON, registered_on=date(2025, 11, 3)),)))

    status = unemployment(simulator, loopback).registration_of(PERSON)

    assert status.registered_on == date(2025, 11, 3)


def test_a_seed_with_an_invalid_id_number_is_refused_without_echoing_it():
    invalid = PERSON.reveal()[:-1] + "0"

    with pytest.raises(SeedError) as refused:
        parse_seed({"people": [{"resident_id": invalid}]})

    assert invalid not in str(refused.value)


def test_a_seed_holding_a_person_twice_is_refused():
    person = {"resident_id": PERSON.reveal()}

    with pytest.raises(SeedError, match="twice"):
        parse_seed({"people": [person, person]})


def test_a_seed_with_an_unknown_status_is_refused_naming_the_place():
    record = {"service": "dibao", "status": "paused", "since": "2024-01-01"}

    with pytest.raises(SeedError, match=r"people\[0\]\.history\[0\]\.status"):
        parse_seed({"people": [{"resident_id": PERSON.reveal(), "history": [record]}]})


def test_a_seed_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "seed.json"
    path.write_text("people: []", encoding="utf-8")

    with pytest.raises(SeedError):
        load_seed(path)


def test_a_seed_file_round_trips_through_json(tmp_path):
    path = tmp_path / "seed.json"
    document = {"people": [{"resident_id": PERSON.reveal(), "unemployment_registered_on": None}]}
    path.write_text(json.dumps(document), encoding="utf-8")

    seed = load_seed(path)

    assert seed.people == (PersonSeed(PERSON),)


def test_requests_to_unknown_paths_get_404(simulator, loopback):
    answer = post(loopback, simulator, "/platform/v2/applications", RECORD)

    assert answer.status_code == 404


def test_the_simulator_answers_an_unread_person_as_holding_nothing(simulator, loopback):
    """Not P9: a person the registry holds nothing about is an answer, given as such."""
    status = unemployment(simulator, loopback).registration_of(resident_id(9))

    assert not status.registered


def test_a_request_refused_before_its_body_was_read_leaves_the_connection_usable(simulator):
    """The refused body is consumed, so the next request on the connection is read whole."""
    with httpx.Client(trust_env=False, limits=httpx.Limits(max_connections=1)) as one:
        with pytest.raises(RegistryRefused):
            platform(simulator, one, api_key="wrong").record_application(application())

        reference = platform(simulator, one).record_application(application())

    assert reference
