"""P1 through the real server: an application answered with 201 survives a SIGKILL.

`jiuzhu serve --demo` runs on loopback over its SQLite file; right after the 201 the
process is killed (no shutdown, no flush), a new server starts on the same folder, and
the case, its receipt in the history and the stored idempotent answer are all there.
"""

from __future__ import annotations

import signal
import uuid
from datetime import date
from pathlib import Path

import httpx

from tests.e2e import p12
from tests.e2e.test_serve_demo import Server, token
from tests.factories import resident_id


def _killed(server: Server) -> None:
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(timeout=30)


def test_an_application_answered_201_is_there_after_the_server_is_killed_and_restarted(
    tmp_path: Path,
) -> None:
    person = resident_id(902, born=date(1979, 3, 4))
    body = {
        "service": "dibao",
        "resident_id": person.reveal(),
        "name": "王五",
        "region": "370102001",
        "materials": ["id_card", "household_register", "commitment", "check_authorization"],
    }
    first = Server(tmp_path)
    try:
        first.wait_ready()
        headers = {**token(first, "clerk"), "Idempotency-Key": f"crash-{uuid.uuid4()}"}
        answer = httpx.post(f"{first.api}/applications", json=body, headers=headers, timeout=30)
        assert answer.status_code == 201, answer.text
        case_id = answer.json()["case"]["id"]
    finally:
        _killed(first)

    second = Server(tmp_path)
    try:
        second.wait_ready()
        clerk = token(second, "clerk")
        case = httpx.get(f"{second.api}/cases/{case_id}", headers=clerk, timeout=30)
        replay = httpx.post(
            f"{second.api}/applications",
            json=body,
            headers={**clerk, "Idempotency-Key": headers["Idempotency-Key"]},
            timeout=30,
        )
    finally:
        output = second.stop()

    assert case.status_code == 200, case.text
    assert case.json()["case"]["state"] == "received"
    assert [e["event"] for e in case.json()["timeline"]][:1] == ["receive"]
    # The stored answer is replayed for the same operator, key and body: no second case.
    assert (replay.status_code, replay.headers.get("Idempotent-Replayed")) == (201, "true")
    assert replay.json()["case"]["id"] == case_id
    assert p12.valid_ids(output) == []
