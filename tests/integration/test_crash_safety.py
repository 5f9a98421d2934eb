"""Crash safety, with real processes killed by SIGKILL (P1, P6, P7).

A worker is killed at each named checkpoint and at random moments; restarted, it loses
nothing, and the fake registry, which deduplicates by idempotency key as the real ones
do, counts exactly one effect per entry. A process killed right after acknowledging an
application leaves it stored.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from adapters.sql.database import SqlDatabase
from adapters.sql.outbox import SqlOutboxQueue
from domain.services import Service
from entrypoints.worker import CHECKPOINTS
from ports.outbox import (
    EntryStatus,
    OutboxEntry,
    OutboxMessage,
    RecordApplicationOnPlatform,
    RecordRecognition,
    RegisterUnemployment,
)
from ports.registries import PlatformApplication
from tests.factories import T0, TOWNSHIP, make_scenario, resident_id
from tests.integration.crash_process import LEASE_SECONDS
from tests.sql_support import storage_for

ROOT = Path(__file__).resolve().parents[2]
ENTRIES = 6


def queued_entries(url: str) -> list[str]:
    """Six entries of the three kinds; the platform ones with their scenarios stored."""
    storage = storage_for(SqlDatabase(url))
    entries: list[OutboxEntry] = []
    with storage.unit_of_work() as uow:
        for n in range(1, ENTRIES + 1):
            person, case_id = resident_id(n), f"case-{n:04d}"
            if n % 3 == 0:
                scenario = make_scenario(f"scenario-{n:04d}", person=person)
                uow.scenarios.add(scenario)
                application = PlatformApplication(case_id, Service.DIBAO, person, TOWNSHIP, T0)
                message: OutboxMessage = RecordApplicationOnPlatform(application, scenario.id)
                key = application.idempotency_key
            elif n % 3 == 1:
                message = RegisterUnemployment(person, case_id, date(2026, 3, 2))
                key = f"unemployment-register-{case_id}"
            else:
                message = RecordRecognition(person, case_id, True, date(2026, 3, 2))
                key = f"unemployment-recognition-{case_id}"
            entries.append(OutboxEntry(key, message))
        for entry in entries:
            uow.outbox.add(entry)
        uow.commit()
    storage.database.dispose()
    return [e.key for e in entries]


def run(*args: str, kill_after: float | None = None) -> int:
    """Run the crash process to its end (or kill it after `kill_after` seconds)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "tests.integration.crash_process", *args]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE)
    if kill_after is not None:
        try:
            process.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
    return process.wait(timeout=120)


def effects(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT key, calls FROM effects"))


def statuses(url: str) -> dict[str, EntryStatus]:
    database = SqlDatabase(url)
    states = SqlOutboxQueue(storage_for(database)).states()
    database.dispose()
    return {s.key: s.status for s in states}


def restarted_until_done(url: str, effects_file: Path) -> None:
    time.sleep(LEASE_SECONDS)  # the killed worker's leases run out
    assert run("deliver", url, str(effects_file)) == 0


@pytest.mark.parametrize("point", CHECKPOINTS)
def test_a_worker_killed_at_a_named_point_loses_nothing_and_duplicates_nothing(
    database_url, tmp_path, point
):
    """P6, P7: every entry delivered, one effect each, however the worker died."""
    keys = queued_entries(database_url)
    effects_file = tmp_path / "effects.sqlite3"

    killed = run("deliver", database_url, str(effects_file), "--crash-at", point)
    restarted_until_done(database_url, effects_file)

    assert killed == -signal.SIGKILL
    assert sorted(effects(effects_file)) == sorted(keys)
    assert set(statuses(database_url).values()) == {EntryStatus.DELIVERED}


def test_a_worker_killed_after_the_registry_call_makes_the_call_again_without_a_new_effect(
    database_url, tmp_path
):
    """P6: at least once on the wire, exactly once in effect: the key deduplicates."""
    queued_entries(database_url)
    effects_file = tmp_path / "effects.sqlite3"

    run("deliver", database_url, str(effects_file), "--crash-at", "after_registry_call")
    restarted_until_done(database_url, effects_file)

    calls = effects(effects_file)
    assert max(calls.values()) == 2
    assert len(calls) == ENTRIES


def test_a_worker_killed_at_random_moments_loses_nothing_and_duplicates_nothing(
    database_url, tmp_path
):
    """P6, P7: SIGKILL at random points of a slowed-down delivery, five times over."""
    keys = queued_entries(database_url)
    effects_file = tmp_path / "effects.sqlite3"
    chance = random.Random(os.environ.get("PYTEST_XDIST_WORKER", "seed"))

    for _ in range(5):
        run(
            "deliver",
            database_url,
            str(effects_file),
            "--delay",
            "0.15",
            kill_after=chance.uniform(0.5, 2.5),
        )
        time.sleep(LEASE_SECONDS)
    assert run("deliver", database_url, str(effects_file)) == 0

    assert sorted(effects(effects_file)) == sorted(keys)
    assert set(statuses(database_url).values()) == {EntryStatus.DELIVERED}


def test_an_application_acknowledged_before_a_kill_is_there_after_the_restart(database_url):
    """P1: acknowledged means committed; killing the process right after loses nothing."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "tests.integration.crash_process", "submit", database_url]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    case_id = process.stdout.readline().strip()
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    storage = storage_for(SqlDatabase(database_url))
    with storage.unit_of_work() as uow:
        case = uow.cases.get(case_id)
    history = storage.history.of_subject("case", case_id)
    storage.database.dispose()

    assert (case.id, [e.event for e in history]) == (case_id, ["receive"])
