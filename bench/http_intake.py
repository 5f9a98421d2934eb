"""HTTP intake: dibao applications through the real API against a bare insert endpoint.

The subject is `jiuzhu serve` itself (a child process: the API alone, its default
in-memory registries, so the history check runs through the platform port in the
process), on a fresh migrated database with clerk accounts seeded; every request
is authenticated, validated, stored with its history entries and outbox entries, under
its own Idempotency-Key. The baseline is `bench.baseline_app` (one SQLModel row per
POST) under the same uvicorn options, on a database of the same kind and settings.

Three settings: SQLite with one worker, PostgreSQL with one, PostgreSQL with two
(`jiuzhu serve --workers 2`, as the baseline); a quick run takes the first and the last.
Each row's `extra` gives p50 and p99 latency of both sides (wrk's, or the asyncio
client's), failures, the server's CPU milliseconds per request (psutil), and on SQLite in
a full run a py-spy profile of the API process by layer (`profile_shares`).

PostgreSQL rows are left out, with a note on stderr, when its server cannot be reached
(JIUZHU_BENCH_POSTGRES, default postgresql://postgres@127.0.0.1:5432/postgres); the
databases made here are dropped.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path

import httpx
from attrs import define, evolve, field, frozen
from sqlalchemy import create_engine, text

from adapters.passwords import Argon2PasswordHasher
from adapters.sql.crypto import new_key
from adapters.sql.database import SqlDatabase
from adapters.sql.schema import upgrade
from application.staff import CreateStaffAccount, seed_staff_account
from bench.baseline_app import HEALTH_PATH, ROWS_PATH
from bench.load import REGION, Load, LoadResult, generator_name, numbers_used, run_load
from bench.report import Row, compare
from domain.actors import Role
from entrypoints.bootstrap import bootstrap_sql
from entrypoints.settings import DATA_KEY, PERSON_KEY, Settings, encoded_key

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("JIUZHU_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "bench-clerk-password"
# Login cost is not measured here: cheap Argon2 parameters keep the seeding quick.
HASHER = Argon2PasswordHasher(time_cost=1, memory_cost=1024)
API = "/api/v1"
GOAL = "≥ 0.5× the bare endpoint's req/s"


@frozen
class Sizes:
    rounds: int
    seconds: int  # per sample
    warmup: int  # seconds of load before the first sample
    connections: int
    clerks: int  # the API allows each operator 10 requests a second (burst 120)
    profile: bool = True  # a py-spy profile of the API on SQLite after the samples


FULL = Sizes(rounds=5, seconds=5, warmup=2, connections=16, clerks=64)
QUICK = Sizes(rounds=1, seconds=1, warmup=0, connections=8, clerks=8, profile=False)


# -- databases --


def postgres_reachable() -> bool:
    engine = create_engine(POSTGRES, connect_args={"connect_timeout": 2})
    try:
        with engine.connect():
            return True
    except Exception:
        return False
    finally:
        engine.dispose()


@contextmanager
def database_url(kind: str, folder: Path, name: str) -> Iterator[str]:
    """A new empty database of `kind`: a file in `folder`, or a PostgreSQL database with
    a random name, dropped when the block ends (even on failure)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / (name + '.sqlite3')}"
        return
    database = f"jiuzhu_bench_{name}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        try:
            yield str(admin.url.set(database=database).render_as_string(hide_password=False))
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    finally:
        admin.dispose()


@frozen
class Product:
    """A migrated product database with its keys and clerk accounts."""

    url: str
    environ: dict[str, str]
    clerks: tuple[str, ...]


def prepare_product(url: str, clerks: int) -> Product:
    data_key, person_key = new_key(), new_key()
    database = SqlDatabase(url)
    try:
        upgrade(database)
    finally:
        database.dispose()
    system = bootstrap_sql(Settings(url, data_key, person_key))
    names = tuple(f"bench-clerk-{n:03d}" for n in range(clerks))
    try:
        for name in names:
            account = CreateStaffAccount(name, "经办人", [Role.WINDOW_CLERK], REGION, PASSWORD)
            seed_staff_account(system.deps, HASHER, account)
    finally:
        system.close()
    environ = {
        "DATABASE_URL": url,
        DATA_KEY: encoded_key(data_key),
        PERSON_KEY: encoded_key(person_key),
        "JIUZHU_TOKEN_SECRET": secrets.token_urlsafe(48),
    }
    return Product(url, environ, names)


def count_rows(url: str, query: str) -> int:
    database = SqlDatabase(url)
    try:
        with database.reading() as connection:
            return int(connection.execute(text(query)).scalar_one())
    finally:
        database.dispose()


# -- servers --


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _clean_environ(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment without any registry or database setting, plus `extra`:
    the servers run on what `jiuzhu serve` uses by default."""
    kept = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("JIUZHU_") and k not in ("DATABASE_URL",)
    }
    return {**kept, **extra}


@define
class Server:
    """A server this benchmark started, in its own process group, on loopback."""

    process: subprocess.Popen[bytes]
    url: str
    health: str
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_healthy(self) -> Server:
        """Wait until its health route answers 200 (servers start side by side)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self._tail()}")
            try:
                if httpx.get(self.url + self.health, timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not answer in 60 s: {self._tail()}")

    def _tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:]


@contextmanager
def server(
    command: list[str], environ: dict[str, str], health: str, log: Path, port: int
) -> Iterator[Server]:
    """Start `command` (not waiting for it: see `Server.wait_healthy`); stop it, and its
    children, when the block ends, whatever happened."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=_clean_environ(environ),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield Server(process, f"http://127.0.0.1:{port}", health, log)
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's own process group (its uvicorn workers), then SIGKILL."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def product_server(product: Product, workers: int, log: Path) -> AbstractContextManager[Server]:
    port = free_port()
    command = [sys.executable, "-m", "entrypoints.cli", "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    return server(command, product.environ, f"{API}/health", log, port)


def baseline_server(url: str, workers: int, log: Path) -> AbstractContextManager[Server]:
    port = free_port()
    command = [sys.executable, "-m", "bench.baseline_app", "--port", str(port)]
    command += ["--workers", str(workers)]
    return server(command, {"DATABASE_URL": url}, HEALTH_PATH, log, port)


def log_in(api: str, clerks: tuple[str, ...]) -> tuple[str, ...]:
    """One token per clerk, each logged in once."""
    tokens = []
    with httpx.Client(base_url=api, timeout=30) as client:
        for name in clerks:
            answer = client.post("/auth/login", json={"username": name, "password": PASSWORD})
            answer.raise_for_status()
            tokens.append(str(answer.json()["access_token"]))
    return tuple(tokens)


# -- measuring --


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU seconds of a process and its children so far (None without
    psutil, which the `bench` extra brings)."""
    try:
        import psutil
    except ImportError:
        return None
    try:
        root = psutil.Process(pid)
        family = [root, *root.children(recursive=True)]
        return float(sum(sum(p.cpu_times()[:2]) for p in family))
    except psutil.Error:
        return None


@define
class Sampler:
    """Runs loads against one URL, each meeting new applicants, and keeps every result."""

    url: str
    tokens: tuple[str, ...]
    sizes: Sizes
    numbers: Callable[[int], int]  # reserves applicant numbers: (used) -> first
    results: list[LoadResult]
    pid: int | None = None  # the server's, to read its CPU time around each sample
    answered: int = 0  # 2xx answers of every load, warm-up included
    cpu_ms_per_request: list[float] = field(factory=list)

    def load(self, seconds: int) -> LoadResult:
        first = self.numbers(0)
        load = Load(
            self.url,
            self.tokens,
            self.sizes.connections,
            seconds,
            first,
            key_prefix=f"bench-{uuid.uuid4().hex[:12]}",
        )
        result = run_load(load)
        self.numbers(numbers_used(result))
        self.answered += result.requests - result.failures
        return result

    def sample(self) -> float:
        before = cpu_seconds(self.pid) if self.pid else None
        result = self.load(self.sizes.seconds)
        after = cpu_seconds(self.pid) if self.pid else None
        self.results.append(result)
        if before is not None and after is not None and result.requests:
            self.cpu_ms_per_request.append((after - before) * 1000 / result.requests)
        return result.per_second


def applicant_numbers(start: int = 0) -> Callable[[int], int]:
    """A reservation of applicant numbers: called with how many the last load used,
    answers the first free one."""
    state = {"next": start}

    def reserve(used: int) -> int:
        state["next"] += used
        return state["next"]

    return reserve


def latency_extra(prefix: str, results: list[LoadResult]) -> dict[str, float | str]:
    return {
        f"{prefix}_p50_ms": statistics.median(r.p50_ms for r in results),
        f"{prefix}_p99_ms": statistics.median(r.p99_ms for r in results),
        f"{prefix}_failures": float(sum(r.failures for r in results)),
    }


def measure(kind: str, workers: int, sizes: Sizes, folder: Path) -> Row:
    label = f"{'SQLite' if kind == 'sqlite' else 'PostgreSQL'}, {workers} worker"
    label += "s" if workers > 1 else ""
    numbers = applicant_numbers()
    with ExitStack() as stack:
        product_url = stack.enter_context(database_url(kind, folder, f"product{workers}"))
        baseline_url = stack.enter_context(database_url(kind, folder, f"baseline{workers}"))
        product = prepare_product(product_url, sizes.clerks)
        api_server = stack.enter_context(
            product_server(product, workers, folder / f"product-{kind}-{workers}.log")
        )
        bare = stack.enter_context(
            baseline_server(baseline_url, workers, folder / f"baseline-{kind}-{workers}.log")
        )
        api_server.wait_healthy()
        bare.wait_healthy()
        tokens = log_in(api_server.url + API, product.clerks)
        intake = f"{api_server.url}{API}/applications"
        ours = Sampler(intake, tokens, sizes, numbers, [], api_server.pid)
        theirs = Sampler(bare.url + ROWS_PATH, tokens, sizes, numbers, [], bare.pid)
        for sampler in (ours, theirs):
            if sizes.warmup:
                sampler.load(sizes.warmup)
        row = compare(
            "http_intake",
            subject=(f"dibao application via the API, {label}", ours.sample),
            baseline=(f"bare Litestar + SQLModel insert, {label}", theirs.sample),
            unit="req/s",
            rounds=sizes.rounds,
            goal=GOAL,
            goal_ratio=0.5,
        )
        profile = {}
        if sizes.profile and kind == "sqlite":
            profile = profiled(ours, api_server.pid, sizes)
        stored = count_rows(product_url, "SELECT count(*) FROM cases WHERE service = 'dibao'")
        answered = ours.answered
    extra: dict[str, float | str] = {
        "generator": generator_name(),
        "connections": float(sizes.connections),
        "seconds_per_sample": float(sizes.seconds),
        "clerks": float(sizes.clerks),
        **latency_extra("subject", ours.results),
        **latency_extra("baseline", theirs.results),
        # every application answered 201 stored its dibao case (warm-up loads included)
        "dibao_cases_stored": float(stored),
        "applications_answered_2xx": float(answered),
        "registries": "in memory (jiuzhu serve's default)",
        **_cpu_extra("subject", ours),
        **_cpu_extra("baseline", theirs),
        **profile,
    }
    return evolve(row, extra={**row.extra, **extra})


def _cpu_extra(side: str, sampler: Sampler) -> dict[str, float | str]:
    if not sampler.cpu_ms_per_request:
        return {}
    return {f"{side}_server_cpu_ms_per_request": statistics.median(sampler.cpu_ms_per_request)}


# -- where the API's time goes --

# Frames are named "function (path:line)"; a path tells the layer.
LAYERS = (
    ("python-statemachine", ("statemachine/",)),
    ("SQLAlchemy and driver", ("sqlalchemy/", "sqlite3/", "psycopg/", "sqlmodel/")),
    ("cryptography", ("cryptography/",)),
    ("Litestar", ("litestar/", "msgspec/")),
    ("uvicorn, h11, asyncio", ("uvicorn/", "h11/", "asyncio/", "anyio/")),
    ("jiuzhu domain", ("(domain/",)),
    ("jiuzhu application", ("(application/",)),
    ("jiuzhu adapters", ("(adapters/",)),
    ("jiuzhu entrypoints", ("(entrypoints/",)),
)
# Inclusive: the share of samples with such a frame anywhere on the stack.
WITHIN = (
    ("in_state_machines", ("statemachine/",)),
    ("in_sql", ("sqlalchemy/",)),
    ("in_use_case_submit_application", ("submit_application (application/intake.py",)),
    ("in_idempotency_middleware", ("(entrypoints/api/idempotency.py",)),
    ("in_authentication", ("actor_of (application/staff.py", "middleware/authentication.py")),
)
# A thread whose innermost frame is one of these waits for work: not counted.
WAITING = (
    "EpollSelector.select",
    "Condition.wait",
    "Event.wait",
    "Queue.get",
    "_worker (concurrent/futures/thread.py",
)


def layer_of(frame: str) -> str | None:
    for layer, marks in LAYERS:
        if any(mark in frame for mark in marks):
            return layer
    return None


def profile_shares(raw: str) -> dict[str, float | str]:
    """Shares of py-spy's collapsed stacks ("frame;frame;... count" a line), over the
    samples of threads not waiting for work (with --gil, of the GIL's holder): each
    sample's own time goes to the layer of its innermost frame that has one (the
    standard library's frames count for their caller), and the WITHIN shares count a
    sample wherever the frame sits on its stack."""
    own: dict[str, int] = {}
    within = dict.fromkeys((name for name, _ in WITHIN), 0)
    total = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        if any(mark in frames[-1] for mark in WAITING):
            continue
        total += count
        layer = next((lay for f in reversed(frames) if (lay := layer_of(f))), "other")
        own[layer] = own.get(layer, 0) + count
        for name, marks in WITHIN:
            if any(mark in stack for mark in marks):
                within[name] += count
    if not total:
        return {}
    ranked = sorted(own.items(), key=lambda item: -item[1])
    shares: dict[str, float | str] = {
        "profile_samples": float(total),
        "profile_own_time": ", ".join(f"{name} {n / total:.0%}" for name, n in ranked),
    }
    shares.update({f"profile_{name}": n / total for name, n in within.items()})
    return shares


def profiled(sampler: Sampler, pid: int, sizes: Sizes) -> dict[str, float | str]:
    """A py-spy profile of the API process under one more load (not a measured sample:
    sampling pauses the process a little); empty without py-spy. `profile_samples` over
    100 Hz times the seconds is the share of the time the process held the GIL."""
    spy = shutil.which("py-spy") or _beside_python("py-spy")
    if spy is None:
        return {}
    seconds = max(2, sizes.seconds)
    with tempfile.TemporaryDirectory(prefix="jiuzhu-spy-") as folder:
        out = Path(folder) / "stacks.txt"
        command = [spy, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "100"]
        # --gil: only the thread holding the GIL, i.e. the process's Python CPU time.
        command += ["--format", "raw", "--gil", "-o", str(out)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            sampler.load(seconds)
            process.wait(timeout=seconds + 30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        if not out.exists():
            return {"profile": "py-spy could not attach (ptrace not permitted?)"}
        return {
            "profiler": "py-spy --gil, 100 Hz (the thread holding the GIL)",
            **profile_shares(out.read_text()),
        }


def _beside_python(name: str) -> str | None:
    candidate = Path(sys.executable).with_name(name)
    return str(candidate) if candidate.exists() else None


SETTINGS = (("sqlite", 1), ("postgresql", 1), ("postgresql", 2))
QUICK_SETTINGS = (("sqlite", 1), ("postgresql", 2))  # each path once, CI's time kept short


def run(quick: bool, *, sizes: Sizes | None = None) -> list[Row]:
    chosen = sizes or (QUICK if quick else FULL)
    rows = []
    postgres = postgres_reachable()
    with tempfile.TemporaryDirectory(prefix="jiuzhu-bench-http-") as name:
        for kind, workers in QUICK_SETTINGS if quick else SETTINGS:
            if kind == "postgresql" and not postgres:
                print(
                    f"http_intake: PostgreSQL not reachable at {POSTGRES}; row skipped",
                    file=sys.stderr,
                )
                continue
            rows.append(measure(kind, workers, chosen, Path(name)))
    return rows
