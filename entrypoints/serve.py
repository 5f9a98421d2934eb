"""`jiuzhu serve`: the HTTP API on uvicorn; with `--demo`, everything a newcomer needs.

    jiuzhu serve --demo   the SQLite file of DATABASE_URL (default ./jiuzhu.sqlite3),
                          migrations applied, the registry simulator on loopback (the
                          sample seed), the outbox worker in this process, demo staff
                          accounts (printed), a demo clock an administrator may move
                          forward, and the API on 127.0.0.1:8000.
    jiuzhu serve          the API alone, on a migrated database; the registries from
                          JIUZHU_REGISTRIES_URL / JIUZHU_<REGISTRY>_URL (else in memory,
                          with a warning); the worker runs apart (`jiuzhu worker`).
    jiuzhu serve --workers N
                          the same in N uvicorn worker processes sharing the port (each
                          builds its own composition from the environment; not with
                          --demo, whose simulator and worker live in one process).

JIUZHU_TOKEN_SECRET signs the login tokens; every API process of one installation must
share it. Unset, a random one is made at start (tokens then end with the process; with
--workers, one is made by the parent and shared by its worker processes).
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from attrs import frozen
from litestar import Litestar

from adapters.clock import OffsetClock, SystemClock
from adapters.passwords import Argon2PasswordHasher
from adapters.simulator import RegistrySimulator, load_seed
from adapters.sql.database import SqlDatabase
from adapters.sql.schema import upgrade
from entrypoints.api import ApiServices, create_app
from entrypoints.bootstrap import SqlComposition, bootstrap_sql
from entrypoints.registries import (
    SAMPLE_SEED,
    HttpRegistries,
    HttpRegistriesSettings,
    bootstrap_http_registries,
    with_registries,
)
from entrypoints.settings import Settings
from entrypoints.staff_seed import DEMO_STAFF, seed_demo_staff
from entrypoints.worker import Worker

log = logging.getLogger("jiuzhu.serve")

TOKEN_SECRET = "JIUZHU_TOKEN_SECRET"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("serve", help="serve the HTTP API (--demo: everything)")
    parser.add_argument("--demo", action="store_true", help="migrate, simulate, seed, work")
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--seed", type=Path, default=SAMPLE_SEED, help="the simulator's people")
    parser.add_argument(
        "--workers", type=_positive, default=1, help="uvicorn worker processes (not with --demo)"
    )


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError("expected a whole number of at least 1")
    return number


@frozen
class Serving:
    """What a running server holds, for the banner and for tests."""

    services: ApiServices
    system: SqlComposition
    simulator_url: str | None


def token_secret(environ: Mapping[str, str]) -> str:
    given = environ.get(TOKEN_SECRET, "")
    if given and len(given.encode("utf-8")) < 32:
        raise ValueError(f"{TOKEN_SECRET} must be at least 32 bytes")
    if not given:
        log.warning("%s not set: tokens are signed with a key made now", TOKEN_SECRET)
    return given or secrets.token_urlsafe(48)


@contextmanager
def serving(
    settings: Settings, environ: Mapping[str, str], *, demo: bool, seed: Path = SAMPLE_SEED
) -> Iterator[Serving]:
    """Start what the API needs; stop all of it when the block ends."""
    with ExitStack() as stack:
        registries: HttpRegistries | None = None
        demo_clock = OffsetClock(SystemClock()) if demo else None
        simulator_url = None
        if demo:
            database = SqlDatabase(settings.database_url)
            try:
                upgrade(database)
            finally:
                database.dispose()
            assert demo_clock is not None
            simulator = RegistrySimulator(load_seed(seed), clock=demo_clock, port=0)
            simulator.start()
            stack.callback(simulator.stop)
            simulator_url = simulator.url
            http = HttpRegistriesSettings.from_environ({"JIUZHU_REGISTRIES_URL": simulator.url})
        else:
            http = HttpRegistriesSettings.from_environ(environ)
        background: HttpRegistries | None = None
        if http is not None:
            registries = bootstrap_http_registries(http.interactive())
            stack.callback(registries.close)
            background = bootstrap_http_registries(http)
            stack.callback(background.close)
        system = bootstrap_sql(
            settings,
            clock=demo_clock,
            platform=registries.platform if registries else None,
            unemployment=registries.unemployment if registries else None,
            disability=registries.disability if registries else None,
        )
        stack.callback(system.close)
        hasher = Argon2PasswordHasher()
        if demo:
            seed_demo_staff(system.deps, hasher)
            stack.enter_context(_worker(system, settings, background))
        services = ApiServices(
            deps=system.deps,
            hasher=hasher,
            idempotency=system.idempotency,
            token_secret=token_secret(environ),
            demo_clock=demo_clock,
        )
        yield Serving(services, system, simulator_url)


@contextmanager
def _worker(
    system: SqlComposition, settings: Settings, registries: HttpRegistries | None
) -> Iterator[None]:
    """The outbox worker in a thread of this process, stopped with it; it asks the
    registries with the patient policy, the API with the quick one."""
    stop = threading.Event()
    name = f"{socket.gethostname()}:{os.getpid()}:serve"
    deps = system.deps if registries is None else with_registries(system.deps, registries)
    worker = Worker(deps, system.outbox, worker_id=name, settings=settings.worker)
    thread = threading.Thread(target=worker.run, args=(stop,), name="outbox-worker", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def banner(serving: Serving, host: str, port: int, *, demo: bool) -> str:
    root = f"http://{host}:{port}/api/v1"
    lines = [
        f"jiuzhu API on {root}",
        f"  OpenAPI: {root}/schema/openapi.json (browse: {root}/schema)",
        f"  database: {serving.system.storage.database.display_url}",
    ]
    if serving.simulator_url:
        lines.append(f"  registry simulator: {serving.simulator_url}")
    if demo:
        lines.append("  outbox worker: running in this process")
        lines.append("  demo staff (password for all: jiuzhu-demo-2026):")
        lines += [
            f"    {staff_id:<11} {role.label}（{role.value}） {region}"
            for staff_id, _name, role, region in DEMO_STAFF
        ]
        lines.append(f'  demo clock: POST {root}/demo/clock as admin, e.g. {{"days": 8}}')
    lines.append("stop with Ctrl-C")
    return "\n".join(lines)


def run(
    args: argparse.Namespace,
    settings: Settings,
    environ: Mapping[str, str],
    out: Callable[[str], None] = print,
) -> int:
    workers = getattr(args, "workers", 1)
    if workers > 1:
        return _run_workers(args, settings, environ, out, workers)
    with serving(settings, environ, demo=args.demo, seed=args.seed) as running:
        app = create_app(running.services)
        config = uvicorn.Config(app, host=args.host, port=args.port, **UVICORN_OPTIONS)
        server = uvicorn.Server(config)
        out(banner(running, args.host, args.port, demo=args.demo))
        server.run()
    return 0


# The server settings every `jiuzhu serve` runs with, one process or several.
UVICORN_OPTIONS: dict[str, Any] = {"log_level": "info", "server_header": False}


def _run_workers(
    args: argparse.Namespace,
    settings: Settings,
    environ: Mapping[str, str],
    out: Callable[[str], None],
    workers: int,
) -> int:
    """Several uvicorn worker processes; each builds its app with `worker_app`."""
    if args.demo:
        out("jiuzhu serve: --workers needs the API alone (not --demo)")
        return 2
    secret = token_secret(environ)
    # The worker processes inherit this process's environment: one secret for all.
    os.environ[TOKEN_SECRET] = secret
    with serving(settings, {**environ, TOKEN_SECRET: secret}, demo=False) as running:
        out(banner(running, args.host, args.port, demo=False))  # the schema checked once
    out(f"  workers: {workers} processes")
    uvicorn.run(
        f"{__name__}:worker_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=workers,
        **UVICORN_OPTIONS,
    )
    return 0


def worker_app() -> Litestar:
    """The app of one worker process of `jiuzhu serve --workers N`, from its environment;
    its composition is closed when the process shuts down."""
    stack = ExitStack()
    running = stack.enter_context(serving(Settings.from_environment(), os.environ, demo=False))
    app = create_app(running.services)
    app.on_shutdown.append(stack.close)
    return app
