"""`jiuzhu serve --demo` as a newcomer starts it: a real uvicorn server on loopback.

One server per module, in a temporary working directory (its SQLite file, migrated at
start), driven with httpx and with the README's curl walk (`docs/demo-walk.sh`).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path

import httpx
import pytest

from adapters.clock import china_timezone
from tests.e2e import p12
from tests.factories import resident_id

ROOT = Path(__file__).resolve().parents[2]
JIUZHU = Path(sys.executable).with_name("jiuzhu")
PASSWORD = "jiuzhu-demo-2026"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    def __init__(self, folder: Path) -> None:
        self.port = _free_port()
        self.api = f"http://127.0.0.1:{self.port}/api/v1"
        self.log = folder / "serve.log"
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["HTTPX_LOG_LEVEL"] = "warning"
        self.process = subprocess.Popen(
            [str(JIUZHU), "serve", "--demo", "--port", str(self.port)],
            cwd=folder,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.api}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError("server did not answer in time")

    def stop(self) -> str:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return self.log.read_text()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("serve"))
    try:
        running.wait_ready()
        yield running
    finally:
        output = running.stop()
        assert p12.valid_ids(output) == [], "the server logged an unmasked ID number"


def token(server: Server, who: str) -> dict[str, str]:
    answer = httpx.post(f"{server.api}/auth/login", json={"username": who, "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_the_demo_server_prints_its_staff_and_their_password(server):
    assert "clerk" in server.log.read_text()
    assert PASSWORD in server.log.read_text()


def test_the_demo_server_serves_its_openapi_document(server):
    answer = httpx.get(f"{server.api}/schema/openapi.json")

    assert answer.json()["info"]["title"] == "jiuzhu 救助 API"


def test_the_readme_walk_takes_a_dibao_case_to_its_granted_benefit(server):
    """R1: the curl walk of the README, run as it is printed there."""
    done = subprocess.run(
        ["bash", str(ROOT / "docs" / "demo-walk.sh")],
        env={**os.environ, "API": server.api},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "benefit_granted 1100.00元" in done.stdout
    # The supervisor's steps (R13, R15): the spot check's audit redraws its sample.
    assert "audit True" in done.stdout
    assert re.search(r"^csv rows [1-9]", done.stdout, re.MULTILINE)


def test_fifty_identical_posts_with_one_key_open_exactly_one_case(server):
    """P2: 50 concurrent identical POSTs with one Idempotency-Key create one case."""
    clerk = token(server, "clerk")
    headers = {**clerk, "Idempotency-Key": f"burst-{uuid.uuid4()}"}
    person = resident_id(901, born=date(1980, 1, 2))
    body = {
        "service": "temporary",
        "resident_id": person.reveal(),
        "name": "李四",
        "region": "370102001",
        "particulars": {
            "type": "temporary_request",
            "temporary_kind": "spending",
            "cause": "serious_illness",
            "amount_fen": 150000,
        },
    }
    with httpx.Client(timeout=30) as client, ThreadPoolExecutor(50) as pool:
        answers = list(
            pool.map(
                lambda _: client.post(f"{server.api}/applications", json=body, headers=headers),
                range(50),
            )
        )
        found = client.post(
            f"{server.api}/people/cases", json={"resident_id": person.reveal()}, headers=clerk
        )

    for answer in [*answers, found]:
        p12.scan_response(answer)
    statuses = {a.status_code for a in answers}
    created = {a.json()["case"]["id"] for a in answers if a.status_code == 201}
    assert statuses <= {201, 409}
    assert len(created) == 1
    assert [c["id"] for c in found.json()] == list(created)


def test_a_refusal_on_the_sql_storage_is_an_audit_entry_of_the_intact_chain(server):
    """P10, P11: the refusal is in the history table, and the chain still verifies."""
    clerk = token(server, "clerk")
    answer = httpx.post(
        f"{server.api}/staff",
        json={
            "id": "x-y",
            "name": "某",
            "roles": ["reviewer"],
            "region": "370102",
            "password": "a-long-enough-password",
        },
        headers=clerk,
    )
    database = server.log.parent / "jiuzhu.sqlite3"
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT actor_id, event, to_state, reason FROM history"
            " WHERE subject_kind = 'audit' AND from_state = 'staff/x-y'"
        ).fetchall()
    verified = subprocess.run(
        [str(JIUZHU), "audit", "verify"],
        cwd=server.log.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert answer.status_code == 403
    assert rows == [("clerk", "access_refused", "refused", "role_not_allowed")]
    assert verified.returncode == 0, verified.stdout


def test_a_complaint_moves_through_its_machine_on_the_sql_storage(server):
    """R10, R15 on SQLite: recorded by the clerk, transferred to the county, closed by the
    supervisor with the complainant's response; the first responder stays on it."""
    clerk, supervisor = token(server, "clerk"), token(server, "supervisor")
    body = {
        "kind": "report",
        "summary": "有人冒领补贴",
        "region": "370102001",
        "channel": "letter",
    }
    recorded = httpx.post(f"{server.api}/complaints", json=body, headers=clerk).json()
    path = f"{server.api}/complaints/{recorded['id']}"
    moved = {"to_unit": "370102/civil_affairs", "reason": "涉及县级"}
    httpx.post(f"{path}/transfer", json=moved, headers=clerk).raise_for_status()
    for event in (
        {"event": "verify", "text": "不属实", "substantiated": False},
        {"event": "answer", "text": "已书面答复"},
        {"event": "close", "satisfaction": "unreachable"},
    ):
        httpx.post(f"{path}/events", json=event, headers=supervisor).raise_for_status()

    stored = httpx.get(path, headers=supervisor).json()

    assert (stored["state"], stored["region"], stored["first_responder"]) == (
        "closed",
        "370102",
        "clerk",
    )
    assert stored["response"]["satisfaction"] == "unreachable"


def test_the_untrained_list_reads_the_staff_accounts_of_the_sql_storage(server):
    """R14 on SQLite: every demo account of the county, less the one who attended."""
    supervisor = token(server, "supervisor")
    today = datetime.now(china_timezone()).date()  # the server's day, or before it
    session = {"title": "业务培训", "region": "370102", "held_on": today.isoformat(), "hours": 2}
    held = httpx.post(f"{server.api}/training/sessions", json=session, headers=supervisor)
    attendance = {"staff_id": "reviewer", "name": "陈刚"}
    path = f"{server.api}/training/sessions/{held.json()['id']}/attendance"
    httpx.post(path, json=attendance, headers=supervisor).raise_for_status()

    query = f"year={today.year}"
    found = httpx.get(f"{server.api}/training/untrained?{query}", headers=supervisor).json()

    expected = ["admin", "approver", "assessor", "auditor", "clerk", "hr", "supervisor"]
    assert [s["id"] for s in found] == expected
