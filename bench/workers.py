"""Workers: outbox delivery per second against the registry simulator, on PostgreSQL.

A backlog of N pending entries (unemployment registrations, each with its own case and
idempotency key) is written to a throwaway PostgreSQL database; then one, or two,
`jiuzhu worker --once` processes deliver it to `jiuzhu registries` on a loopback port
(claims under a lease with SKIP LOCKED, the registry call, the delivery recorded). The
baseline is the floor: as many bare httpx loops, in their own processes, posting the
same requests (same body, same Idempotency-Key) to the same simulator.

Both sides are timed inside their processes, so that the start of a Python process is
not counted: a worker from its first delivery to its last (`delivered_at`, from the
system clock), a bare loop from its first request to its last answer. Rate = N over
that window (for two processes: from the first start to the last end).
"""

from __future__ import annotations

import base64
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from functools import partial
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import Any

import httpx
from attrs import evolve
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from adapters.clock import SystemClock
from adapters.http.client import IDEMPOTENCY_KEY_HEADER
from adapters.http.unemployment import register_key
from adapters.sql.crypto import PersonKey, Sealer, new_key
from adapters.sql.database import SqlDatabase
from adapters.sql.schema import upgrade
from adapters.sql.storage import SqlStorage
from adapters.sql.tables import outbox
from bench.report import Row, compare
from bench.scale import Probe, person, postgres_admin_url, postgres_available, profile_shares
from entrypoints.bootstrap import bootstrap_sql
from entrypoints.registries import HttpRegistriesSettings, bootstrap_http_registries
from entrypoints.settings import Settings
from entrypoints.worker import Worker
from ports.outbox import EntryStatus, OutboxEntry, RegisterUnemployment

ON = date(2026, 12, 1)
READY = re.compile(r"registries on (http://127\.0\.0\.1:\d+)")


@dataclass(frozen=True)
class Sizes:
    backlog: int
    rounds: int
    processes: tuple[int, ...] = (1, 2)


FULL = Sizes(1_000, 3)
QUICK = Sizes(150, 2)


@dataclass
class Bench:
    """The throwaway database, the simulator and the environment of a worker."""

    database: SqlDatabase
    storage: SqlStorage
    registries_url: str
    environment: dict[str, str]
    batch_number: int = 0

    def backlog(self, count: int) -> list[OutboxEntry]:
        """Queue `count` new pending entries (committed), each its own case and key."""
        self.batch_number += 1
        run = f"{self.batch_number}-{uuid.uuid4().hex[:8]}"
        entries = [
            OutboxEntry(
                register_key(f"bench-{run}-{i}"),
                RegisterUnemployment(person(i), f"bench-{run}-{i}", ON),
            )
            for i in range(count)
        ]
        with self.storage.unit_of_work() as uow:
            for entry in entries:
                uow.outbox.add(entry)
            uow.commit()
        return entries

    def pending(self) -> int:
        with self.database.reading() as connection:
            return int(
                connection.execute(
                    select(func.count())
                    .select_from(outbox)
                    .where(outbox.c.status == EntryStatus.PENDING.value)
                ).scalar_one()
            )

    def delivery_window(self, keys: list[str]) -> float:
        with self.database.reading() as connection:
            first, last, delivered = connection.execute(
                select(
                    func.min(outbox.c.delivered_at),
                    func.max(outbox.c.delivered_at),
                    func.count(outbox.c.delivered_at),
                ).where(outbox.c.key.in_(keys))
            ).one()
        if delivered != len(keys):
            raise RuntimeError(f"{len(keys) - delivered} of {len(keys)} entries not delivered")
        return float((last - first).total_seconds())


def _key(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


@contextmanager
def _throwaway_postgres() -> Iterator[str]:
    admin = SqlDatabase(postgres_admin_url())
    name = f"jiuzhu_bench_workers_{uuid.uuid4().hex[:12]}"
    try:
        with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield make_url(postgres_admin_url()).set(database=name).render_as_string(False)
    finally:
        with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _jiuzhu() -> list[str]:
    return [sys.executable, "-m", "entrypoints.cli"]


@contextmanager
def _simulator() -> Iterator[str]:
    """`jiuzhu registries` on a free loopback port; stopped when the block ends."""
    process = subprocess.Popen(
        [*_jiuzhu(), "registries", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                raise RuntimeError("jiuzhu registries stopped before serving")
            found = READY.search(line)
            if found:
                yield found.group(1)
                return
        raise RuntimeError("jiuzhu registries did not start within 30 s")
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def bench_setup() -> Iterator[Bench]:
    with ExitStack() as stack:
        url = stack.enter_context(_throwaway_postgres())
        registries = stack.enter_context(_simulator())
        database = SqlDatabase(url)
        stack.callback(database.dispose)
        upgrade(database)
        data_key, person_key = new_key(), new_key()
        storage = SqlStorage(
            database,
            sealer=Sealer(data_key),
            person_key=PersonKey(person_key),
            clock=SystemClock(),
        )
        environment = {
            **os.environ,
            "DATABASE_URL": url,
            "JIUZHU_DATA_KEY": _key(data_key),
            "JIUZHU_PERSON_KEY": _key(person_key),
            "JIUZHU_REGISTRIES_URL": registries,
        }
        yield Bench(database, storage, registries, environment)


def workers_sample(bench: Bench, size: int, processes: int) -> float:
    """Entries delivered per second by `processes` workers, from a fresh backlog."""
    keys = [e.key for e in bench.backlog(size)]
    started = [
        subprocess.Popen(
            [*_jiuzhu(), "worker", "--once", "--id", f"bench-{n}"],
            env=bench.environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=Path(__file__).parent.parent,
        )
        for n in range(processes)
    ]
    try:
        for process in started:
            if process.wait(timeout=600) != 0:
                raise RuntimeError(f"jiuzhu worker exited with {process.returncode}")
    finally:
        for process in started:
            _stop(process)
    # the window opens at the first delivery: the N - 1 after it are what it times
    return (size - 1) / bench.delivery_window(keys)


def _requests(entries: list[OutboxEntry]) -> list[tuple[dict[str, str], str]]:
    """What the HTTP adapter sends for each entry: its body and idempotency key."""
    built = []
    for entry in entries:
        message = entry.message
        assert isinstance(message, RegisterUnemployment)
        body = {
            "resident_id": message.person.reveal(),
            "case_id": message.case_id,
            "on": message.on.isoformat(),
        }
        built.append((body, register_key(message.case_id)))
    return built


def _bare_loop(url: str, requests: list[tuple[dict[str, str], str]], pipe: Pipe) -> None:
    with httpx.Client(trust_env=False, timeout=10.0) as client:
        began = time.time()
        for body, key in requests:
            answer = client.post(
                url,
                json=body,
                headers={"Accept": "application/json", IDEMPOTENCY_KEY_HEADER: key},
            )
            answer.raise_for_status()
        pipe.send((began, time.time()))
    pipe.close()


def bare_sample(bench: Bench, size: int, processes: int) -> float:
    """Requests per second by `processes` bare httpx loops, each posting its share."""
    entries = _unqueued(bench, size)
    requests = _requests(entries)
    url = f"{bench.registries_url}/unemployment/v1/registrations"
    context = multiprocessing.get_context("fork")
    running = []
    for n in range(processes):
        ours, theirs = context.Pipe(duplex=False)
        share = requests[n::processes]
        process = context.Process(target=_bare_loop, args=(url, share, theirs))
        process.start()
        running.append((process, ours))
    windows: list[tuple[float, float]] = []
    for process, pipe in running:
        windows.append(pipe.recv())
        process.join(timeout=60)
    return size / (max(end for _, end in windows) - min(began for began, _ in windows))


def _unqueued(bench: Bench, size: int) -> list[OutboxEntry]:
    """Entries like a backlog's, new keys, not written to the outbox (the floor posts
    them itself)."""
    bench.batch_number += 1
    run = f"bare-{bench.batch_number}-{uuid.uuid4().hex[:8]}"
    return [
        OutboxEntry(
            register_key(f"bench-{run}-{i}"),
            RegisterUnemployment(person(i), f"bench-{run}-{i}", ON),
        )
        for i in range(size)
    ]


WORKER_PROBES: dict[str, Probe] = {
    "claim": ("adapters/sql/outbox.py", "claim"),
    "registry_call": ("application/outbox.py", "call_registry"),
    "record_delivery_commit": ("entrypoints/worker.py", "_record"),
    "database_wait": ("psycopg/connection.py", "wait"),
    "pool_checkout": ("sqlalchemy/engine/base.py", "raw_connection"),
}


def worker_profile(bench: Bench, size: int) -> dict[str, float]:
    """One worker in this process, under cProfile, over a backlog of `size`."""
    bench.backlog(size)
    settings = Settings.from_environment(bench.environment)
    registries = HttpRegistriesSettings.from_environ(bench.environment)
    assert registries is not None
    http = bootstrap_http_registries(registries)
    system = bootstrap_sql(
        settings,
        platform=http.platform,
        unemployment=http.unemployment,
        disability=http.disability,
    )
    try:
        worker = Worker(system.deps, system.outbox, worker_id="bench-profiled")
        return profile_shares(worker.drain, WORKER_PROBES)
    finally:
        system.close()
        http.close()


def run_workers(sizes: Sizes) -> list[Row]:
    rows = []
    with bench_setup() as bench:
        for processes in sizes.processes:
            name = "1 worker" if processes == 1 else f"{processes} workers"
            loops = "1 bare httpx loop" if processes == 1 else f"{processes} bare httpx loops"
            subject = partial(workers_sample, bench, sizes.backlog, processes)
            baseline = partial(bare_sample, bench, sizes.backlog, processes)
            rows.append(
                compare(
                    "workers",
                    subject=(f"PostgreSQL outbox, {name} (jiuzhu worker --once)", subject),
                    baseline=(f"{loops} posting the same requests", baseline),
                    unit="deliveries/s",
                    rounds=sizes.rounds,
                    extra={
                        "backlog": float(sizes.backlog),
                        "registry": "jiuzhu registries on loopback (one process)",
                        "timed": "first delivery to last, inside the processes",
                    },
                )
            )
        shares = worker_profile(bench, max(10, sizes.backlog // 5))
        rows[0] = evolve(rows[0], extra={**rows[0].extra, **shares})
        if bench.pending():
            raise RuntimeError(f"{bench.pending()} entries left pending")
    return rows


def run(quick: bool) -> list[Row]:
    if not postgres_available():
        # The outbox shared by several workers is PostgreSQL's (SKIP LOCKED): no rows
        # without it, said aloud; CI has a server, so there it is an error.
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"workers: no PostgreSQL server at {postgres_admin_url()}")
        print("  workers: no PostgreSQL server; skipped")
        return []
    return run_workers(QUICK if quick else FULL)


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(
            f"{row.subject}: {row.subject_median:,.0f} vs {row.baseline_median:,.0f} "
            f"({row.baseline}), ratio {row.ratio:.2f}"
        )
