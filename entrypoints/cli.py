"""The `jiuzhu` command line: demo, diagrams, and the commands of the SQL storage.

    jiuzhu serve --demo       everything on the embedded defaults: SQLite, migrations,
                              the registry simulator, the worker, the API on 127.0.0.1
    jiuzhu serve              the HTTP API alone (see entrypoints.serve)
    jiuzhu migrate            bring the database of DATABASE_URL to the current schema
    jiuzhu worker [--once]    deliver the outbox to the registries until stopped
    jiuzhu outbox incidents   list the entries that gave up (P8)
    jiuzhu outbox retry KEY   put an incident back in the queue
    jiuzhu audit verify       check the history's hash chain; report the first broken link

Settings come from the environment (`entrypoints.settings`), read once here.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from adapters.clock import SystemClock
from adapters.sql.database import SqlDatabase
from adapters.sql.schema import SchemaNotCurrent, upgrade
from domain.services import Service
from entrypoints import diagrams, registries, serve
from entrypoints.bootstrap import SqlComposition, bootstrap_sql
from entrypoints.demo import run_demo
from entrypoints.registries import HttpRegistriesSettings, bootstrap_http_registries
from entrypoints.settings import Settings, SettingsError
from entrypoints.worker import Worker
from ports.errors import NotFound, StorageError

log = logging.getLogger("jiuzhu")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jiuzhu", description="救助: social-assistance cases")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="run the joint scenario in memory for sample households")
    diagram = commands.add_parser("diagram", help="print or write the state diagrams")
    diagram.add_argument("--format", choices=diagrams.FORMATS, default="mermaid")
    target = diagram.add_mutually_exclusive_group()
    target.add_argument("--service", choices=[s.value for s in Service])
    target.add_argument(
        "--complaint", action="store_true", help="the complaint and report machine (R15)"
    )
    target.add_argument("--out", type=Path, help="write every diagram into this folder")
    commands.add_parser("migrate", help="bring the database to the current schema")
    worker = commands.add_parser("worker", help="deliver the outbox to the registries")
    worker.add_argument("--once", action="store_true", help="deliver what is due, then stop")
    worker.add_argument("--id", dest="worker_id", help="this worker's name (host:pid)")
    outbox = commands.add_parser("outbox", help="the outbox's incidents, for operators")
    outbox_commands = outbox.add_subparsers(dest="outbox_command", required=True)
    outbox_commands.add_parser("incidents", help="list the entries that gave up")
    retry = outbox_commands.add_parser("retry", help="put an incident back in the queue")
    retry.add_argument("key", help="the entry's idempotency key")
    audit = commands.add_parser("audit", help="the history's integrity")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    audit_commands.add_parser("verify", help="check the hash chain of the history")
    registries.add_command(commands)
    serve.add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "registries":
        return registries.run(args)
    if args.command == "demo":
        run_demo()
    elif args.command == "diagram":
        _diagram(args)
    else:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        if args.command != "migrate":
            logging.getLogger("alembic").setLevel(logging.WARNING)  # the schema check's chatter
        try:
            if args.command == "serve":
                return serve.run(args, Settings.from_environment(), os.environ)
            return _on_database(args, Settings.from_environment())
        except (SettingsError, SchemaNotCurrent) as error:
            print(f"jiuzhu: {error}", file=sys.stderr)
            return 2
        except StorageError as error:
            print(f"jiuzhu: storage: {error}", file=sys.stderr)
            return 3
    return 0


def _diagram(args: argparse.Namespace) -> None:
    if args.out is not None:
        for path in diagrams.write_all(args.out, args.format):
            print(path)
    elif args.service is not None:
        print(diagrams.case_type_diagram(Service(args.service), args.format))
    elif args.complaint:
        print(diagrams.complaint_diagram(args.format))
    else:
        print(diagrams.scenario_diagram(args.format))


def _on_database(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "migrate":
        database = SqlDatabase(settings.database_url)
        try:
            revisions = upgrade(database)
        finally:
            database.dispose()
        print(f"{database.display_url}: at revision {', '.join(revisions)}")
        return 0
    http = None
    if args.command == "worker":
        # A worker delivers to the real registries: in memory its effects would be lost.
        configured = HttpRegistriesSettings.from_environ(os.environ)
        if configured is None:
            print(
                "jiuzhu worker: no registry is configured; set JIUZHU_REGISTRIES_URL or "
                "JIUZHU_PLATFORM_URL, JIUZHU_UNEMPLOYMENT_URL and JIUZHU_DISABILITY_URL",
                file=sys.stderr,
            )
            return 2
        http = bootstrap_http_registries(configured)
    system = bootstrap_sql(
        settings,
        platform=http.platform if http else None,
        unemployment=http.unemployment if http else None,
        disability=http.disability if http else None,
    )
    try:
        if args.command == "worker":
            return _work(system, settings, once=args.once, worker_id=args.worker_id)
        if args.command == "outbox":
            return _outbox(system, args)
        return _verify(system)
    finally:
        system.close()
        if http is not None:
            http.close()


def _work(system: SqlComposition, settings: Settings, *, once: bool, worker_id: str | None) -> int:
    name = worker_id or f"{socket.gethostname()}:{os.getpid()}"
    worker = Worker(system.deps, system.outbox, worker_id=name, settings=settings.worker)
    if once:
        print(f"delivered {worker.drain()} entries")
        return 0
    stop = threading.Event()

    def stop_on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)
    worker.run(stop)
    return 0


def _outbox(system: SqlComposition, args: argparse.Namespace) -> int:
    if args.outbox_command == "incidents":
        incidents = system.outbox.incidents()
        for entry in incidents:
            print(f"{entry.key}\t{entry.kind}\t{entry.attempts} attempts\t{entry.last_error}")
        print(f"{len(incidents)} incidents")
        return 0
    try:
        system.outbox.retry(args.key, now=SystemClock().now())
    except NotFound:
        print(f"jiuzhu: no outbox entry {args.key}", file=sys.stderr)
        return 1
    print(f"{args.key}: queued again")
    return 0


def _verify(system: SqlComposition) -> int:
    report = system.history.verify()
    if report.intact:
        print(f"history intact: {report.entries} entries, head {report.head_hash}")
        return 0
    print(
        f"history broken at entry {report.broken_at}: {report.problem} "
        f"({report.entries} entries before it hold)"
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
