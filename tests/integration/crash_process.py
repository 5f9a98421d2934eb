"""A process for the crash tests to kill: an outbox worker, or a window that submits.

    python -m tests.integration.crash_process deliver URL EFFECTS [--crash-at POINT]
    python -m tests.integration.crash_process submit URL

`deliver` runs a worker against a fake registry whose effects are counted in the SQLite
file EFFECTS, deduplicated by idempotency key, as a real registry deduplicates; with
`--crash-at` the worker kills itself with SIGKILL the first time it reaches that
checkpoint. `submit` records one dibao application, prints its case id once committed
(the acknowledgement), then waits to be killed.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from adapters.clock import SystemClock
from application.commands import SubmitApplication
from application.intake import submit_application
from domain.facts import (
    AssistanceHistory,
    DisabilityStatus,
    HouseholdCheckReport,
    UnemploymentStatus,
)
from domain.identity import ResidentId
from domain.services import Service
from entrypoints.bootstrap import bootstrap_sql
from entrypoints.worker import Worker, WorkerSettings
from ports.registries import PlatformApplication
from tests.factories import resident_id
from tests.sql_support import settings_for
from tests.unit.app_helpers import DIBAO_MATERIALS, county_staff

LEASE_SECONDS = 1.0


class CountingRegistry:
    """Every registry in one: each write is one effect per key; each call is counted."""

    def __init__(self, path: Path, *, delay: float = 0.0) -> None:
        self._path = path
        self._delay = delay
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE IF NOT EXISTS effects (key TEXT PRIMARY KEY, calls INT)")

    def _effect(self, key: str) -> None:
        time.sleep(self._delay)
        with sqlite3.connect(self._path, timeout=30) as db:
            db.execute(
                "INSERT INTO effects VALUES (?, 1)"
                " ON CONFLICT(key) DO UPDATE SET calls = calls + 1",
                (key,),
            )

    def history_of(self, person: ResidentId) -> AssistanceHistory:
        return AssistanceHistory()

    def record_application(self, application: PlatformApplication) -> str:
        self._effect(application.idempotency_key)
        return f"SD-{application.case_id}"

    def check_report(
        self, person: ResidentId, *, case_id: str, revision: int = 0
    ) -> HouseholdCheckReport:
        return HouseholdCheckReport(f"HC-{case_id}", date(2026, 3, 2))

    def registration_of(self, person: ResidentId) -> UnemploymentStatus:
        return UnemploymentStatus(registered=False)

    def register(self, person: ResidentId, *, case_id: str, on: date) -> UnemploymentStatus:
        self._effect(f"unemployment-register-{case_id}")
        return UnemploymentStatus(registered=True, registered_on=on)

    def record_recognition(
        self, person: ResidentId, *, case_id: str, recognised: bool, on: date
    ) -> None:
        self._effect(f"unemployment-recognition-{case_id}")

    def status_of(self, person: ResidentId) -> DisabilityStatus:
        return DisabilityStatus(receives_severe_nursing_subsidy=False)


def _crash_at(point: str | None) -> Callable[[str], None]:
    def checkpoint(name: str) -> None:
        if name == point:
            os.kill(os.getpid(), signal.SIGKILL)

    return checkpoint


def deliver(url: str, effects: Path, crash_at: str | None, delay: float) -> None:
    registry = CountingRegistry(effects, delay=delay)
    system = bootstrap_sql(
        settings_for(url), platform=registry, unemployment=registry, disability=registry
    )
    settings = WorkerSettings(lease_seconds=LEASE_SECONDS, batch=2)
    worker = Worker(
        system.deps,
        system.outbox,
        worker_id=f"crash-{os.getpid()}",
        settings=settings,
        checkpoint=_crash_at(crash_at),
    )
    print(f"delivered {worker.drain()}", flush=True)
    system.close()


def submit(url: str) -> None:
    system = bootstrap_sql(settings_for(url), clock=SystemClock())
    command = SubmitApplication(
        Service.DIBAO, resident_id(42).reveal(), "李四", "370102001", materials=DIBAO_MATERIALS
    )
    intake = submit_application(system.deps, county_staff().clerk, command)
    print(intake.case.id, flush=True)
    time.sleep(120)


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    deliver_parser = commands.add_parser("deliver")
    deliver_parser.add_argument("url")
    deliver_parser.add_argument("effects", type=Path)
    deliver_parser.add_argument("--crash-at")
    deliver_parser.add_argument("--delay", type=float, default=0.0)
    submit_parser = commands.add_parser("submit")
    submit_parser.add_argument("url")
    args = parser.parse_args()
    if args.command == "deliver":
        deliver(args.url, args.effects, args.crash_at, args.delay)
    else:
        submit(args.url)
    sys.exit(0)


if __name__ == "__main__":
    main()
