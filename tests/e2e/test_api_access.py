"""Logins, lockout, the rate limit, staff accounts and idempotency keys over the API
(P2, P10, P11)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from litestar.testing import TestClient

from application.staff import LockoutPolicy
from domain.actors import Role
from entrypoints.api import ApiSettings
from tests.e2e.conftest import PASSWORD, Api, ScannedClient
from tests.e2e.test_api_walk import Officers

LOGIN = "/api/v1/auth/login"


@pytest.fixture
def officers(api, client) -> Officers:
    return Officers(api, client)


def log_in(client: TestClient[Any], who: str, password: str = PASSWORD) -> Any:
    return client.post(LOGIN, json={"username": who, "password": password})


def test_a_login_answers_a_bearer_token_and_the_officer(officers, client):
    answer = log_in(client, officers.clerk)

    body = answer.json()
    assert (body["token_type"], body["staff"]["id"]) == ("Bearer", officers.clerk)
    assert body["expires_in"] == 15 * 60


def test_a_wrong_password_is_401_and_recorded(officers, client, api):
    """P11: every failed login is in the history."""
    answer = log_in(client, officers.clerk, "wrong-password!")

    assert (answer.status_code, answer.json()["code"]) == (401, "login_failed")
    assert api.refusals()[-1] == (officers.clerk, "login_failed", "wrong_password")


def test_an_unknown_login_name_is_told_the_same_as_a_wrong_password(client):
    answer = log_in(client, "nobody")

    assert (answer.status_code, answer.json()["code"]) == (401, "login_failed")


def test_five_failed_logins_lock_the_account_even_for_the_right_password(officers, client):
    for _ in range(LockoutPolicy().max_failures):
        log_in(client, officers.clerk, "wrong-password!")

    answer = log_in(client, officers.clerk)

    assert (answer.status_code, answer.json()["code"]) == (423, "account_locked")
    assert int(answer.headers["retry-after"]) > 0


def test_a_locked_account_opens_again_after_the_lock(officers, client, api):
    for _ in range(LockoutPolicy().max_failures):
        log_in(client, officers.clerk, "wrong-password!")
    api.clock.advance(minutes=16)

    answer = log_in(client, officers.clerk)

    assert answer.status_code == 200


def test_an_operator_over_the_rate_limit_is_429_and_recorded():
    """P11: a refusal by the limit is in the history too."""
    api = Api(settings=ApiSettings(requests_per_minute=1, burst=2))
    clerk = api.add_staff(Role.WINDOW_CLERK, "370102001")
    with ScannedClient(app=api.app) as client:
        headers = api.headers(client, clerk)
        answers = [client.get("/api/v1/auth/me", headers=headers) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert int(answers[-1].headers["retry-after"]) >= 1
    assert api.refusals()[-1] == (clerk, "rate_limited", "rate_limited")


def test_an_administrator_creates_an_account_in_their_jurisdiction(api, client):
    admin = api.add_staff(Role.ADMINISTRATOR, "370102")
    body = {
        "id": "new-clerk",
        "name": "新人",
        "roles": ["window_clerk"],
        "region": "370102002",
        "password": "a-long-enough-password",
    }

    created = client.post("/api/v1/staff", json=body, headers=api.headers(client, admin))
    answer = log_in(client, "new-clerk", "a-long-enough-password")

    assert created.status_code == 201
    assert answer.json()["staff"]["region"] == "370102002"


def test_an_administrator_cannot_create_an_account_outside_their_jurisdiction(api, client):
    admin = api.add_staff(Role.ADMINISTRATOR, "370102")
    body = {
        "id": "far-clerk",
        "name": "外县",
        "roles": ["window_clerk"],
        "region": "370103001",
        "password": "a-long-enough-password",
    }

    answer = client.post("/api/v1/staff", json=body, headers=api.headers(client, admin))

    assert answer.status_code == 403


def test_a_short_password_is_refused_without_being_repeated(api, client):
    admin = api.add_staff(Role.ADMINISTRATOR, "370102")
    body = {
        "id": "x1",
        "name": "甲",
        "roles": ["reviewer"],
        "region": "370102",
        "password": "short",
    }

    answer = client.post("/api/v1/staff", json=body, headers=api.headers(client, admin))

    assert (answer.status_code, answer.json()["code"]) == (422, "password_too_short")
    assert "short" not in answer.json()["detail"]


# -- idempotency keys (P2) --


def test_a_repeat_with_the_same_key_and_body_returns_the_first_answer(officers, api):
    first = officers.apply_keyed("key-1")

    again = officers.apply_keyed("key-1")

    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert len(api.store.cases) == 2  # the dibao case and its one linked case, once


def test_the_same_key_with_another_body_is_422(officers):
    officers.apply_keyed("key-1")

    answer = officers.apply_keyed("key-1", note="另一份申请")

    assert (answer.status_code, answer.json()["code"]) == (422, "idempotency_key_reused")


def test_keys_are_scoped_per_operator(officers, api, client):
    other = api.add_staff(Role.WINDOW_CLERK, "370102001", login="clerk-two")
    officers.apply_keyed("key-1")

    answer = officers.apply_keyed("key-1", who=other)

    assert "idempotent-replayed" not in answer.headers
    assert answer.json()["notice"]["accepted"] is False  # its own run: already applying (R6)


def test_a_repeat_while_the_first_still_runs_is_409(officers, api, monkeypatch):
    started, release = threading.Event(), threading.Event()
    submit = api.platform.history_of

    def slow_history(person):
        started.set()
        release.wait(10)
        return submit(person)

    monkeypatch.setattr(api.platform, "history_of", slow_history)
    first: list[Any] = []
    worker = threading.Thread(target=lambda: first.append(officers.apply_keyed("key-1")))
    worker.start()
    started.wait(10)

    answer = officers.apply_keyed("key-1")
    release.set()
    worker.join(10)

    assert (answer.status_code, answer.json()["code"]) == (409, "idempotency_in_progress")
    assert first[0].status_code == 201


def test_an_answer_of_500_is_not_kept_so_a_retry_runs_anew(officers, api):
    case_id = officers.apply().json()["case"]["id"]
    api.platform.set_unavailable()
    failed = officers.step_keyed("key-2", case_id, "record_check_report")
    api.platform.set_unavailable(False)

    retried = officers.step_keyed("key-2", case_id, "record_check_report")

    assert (failed.status_code, retried.status_code) == (503, 200)


ME = "/api/v1/auth/me"


def test_a_disabled_account_is_refused_on_its_next_request_with_a_token_already_checked(
    officers, client, api
):
    headers = api.headers(client, officers.clerk)
    assert client.get(ME, headers=headers).status_code == 200
    with api.deps.uow() as uow:
        account = uow.staff.get(officers.clerk)
        account.active = False
        uow.staff.save(account)
        uow.commit()

    answer = client.get(ME, headers=headers)

    assert answer.status_code == 401


def test_a_token_already_checked_is_refused_once_it_expires(officers, client, api, monkeypatch):
    headers = api.headers(client, officers.clerk)
    assert client.get(ME, headers=headers).status_code == 200
    later = time.time() + 15 * 60 + 1
    monkeypatch.setattr("entrypoints.api.auth.time.time", lambda: later)

    answer = client.get(ME, headers=headers)

    assert answer.status_code == 401


def test_a_changed_token_is_refused_after_the_real_one_was_checked(officers, client, api):
    headers = api.headers(client, officers.clerk)
    assert client.get(ME, headers=headers).status_code == 200
    token = headers["Authorization"].removeprefix("Bearer ")
    header, payload, signature = token.split(".")
    changed = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")

    answer = client.get(ME, headers={"Authorization": f"Bearer {header}.{payload}.{changed}"})

    assert answer.status_code == 401
