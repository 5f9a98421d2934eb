"""Memory: peak resident memory of the API process under the intake load, and of the worker.

API: each sample starts a fresh `jiuzhu serve` (SQLite, one worker, the databases of
`bench.http_intake`), logs the clerks in and runs the intake load for a few seconds while
psutil reads the resident set size of the process and its children every 20 ms; the
sample is the highest sum seen. The baseline is the bare Litestar app
(`bench.baseline_app`) under the same load, sampled the same way. Alternation needs a
new process per sample (a peak only grows), so each sample starts its server anew.

Worker: `jiuzhu worker --once` delivering an outbox backlog (the one the API samples
left behind, copied afresh for each sample) to the registry simulator (`jiuzhu
registries`), against the same command on a database with an empty outbox: what
delivering adds to the process's floor (the bare app's peak is given beside it).

Linux also keeps each process's own high-water mark (VmHWM in /proc/PID/status), read
just before the process ends; it is given in `extra` where available, as a check on the
sampling.
"""

from __future__ import annotations

import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import Any

import psutil
from attrs import define, evolve, field, frozen
from sqlalchemy.engine import make_url

from bench.http_intake import (
    API,
    ROOT,
    Product,
    Sampler,
    Sizes,
    _clean_environ,
    applicant_numbers,
    baseline_server,
    database_url,
    free_port,
    log_in,
    prepare_product,
    product_server,
    stop,
)
from bench.load import generator_name
from bench.report import Row, compare

MB = 1024 * 1024
INTERVAL = 0.02


@frozen
class MemorySizes:
    rounds: int
    load: Sizes  # `seconds` is the load's length in each API sample


FULL = MemorySizes(3, Sizes(rounds=3, seconds=5, warmup=0, connections=16, clerks=64))
QUICK = MemorySizes(1, Sizes(rounds=1, seconds=2, warmup=0, connections=8, clerks=8))


class Peak:
    """Samples the resident set of a process and its children until stopped."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.highest = 0
        self.high_water = 0  # VmHWM of the process itself, bytes (0 where not known)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> Peak:
        self._thread.start()
        return self

    def finish(self) -> float:
        """Stop sampling; the highest resident set seen, in MiB."""
        self._read_high_water()
        self._stop.set()
        self._thread.join()
        return self.highest / MB

    def _run(self) -> None:
        while not self._stop.is_set():
            self._read_high_water()
            self.highest = max(self.highest, resident(self.pid))
            self._stop.wait(INTERVAL)

    def _read_high_water(self) -> None:
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return
        found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        if found:
            self.high_water = max(self.high_water, int(found.group(1)) * 1024)


def resident(pid: int) -> int:
    """Resident bytes of the process and all its children now (0 once it is gone)."""
    try:
        process = psutil.Process(pid)
        family = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for member in family:
        with suppress(psutil.Error):
            total += int(member.memory_info().rss)
    return total


def copy_sqlite(source: str, target: Path) -> str:
    """A consistent copy of the SQLite database at URL `source`; the copy's URL."""
    path = make_url(source).database
    assert path is not None
    with sqlite3.connect(path) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    return f"sqlite:///{target}"


def _sides() -> dict[str, list[Any]]:
    return {"subject": [], "baseline": []}


@define
class ApiMemory:
    product: Product
    baseline_url: str
    sizes: MemorySizes
    folder: Path
    numbers: Callable[[int], int]
    high_water: dict[str, list[float]] = field(factory=_sides)
    before_load: dict[str, list[float]] = field(factory=_sides)  # started, logged in
    runs: int = 0

    def product_peak(self) -> float:
        self.runs += 1
        log = self.folder / f"memory-product-{self.runs}.log"
        with product_server(self.product, 1, log) as running:
            running.wait_healthy()
            tokens = log_in(running.url + API, self.product.clerks)
            url = f"{running.url}{API}/applications"
            return self._under_load(running.pid, url, tokens, "subject")

    def baseline_peak(self) -> float:
        self.runs += 1
        log = self.folder / f"memory-baseline-{self.runs}.log"
        with baseline_server(self.baseline_url, 1, log) as running:
            running.wait_healthy()
            url = running.url + "/rows"
            return self._under_load(running.pid, url, ("unused",), "baseline")

    def _under_load(self, pid: int, url: str, tokens: tuple[str, ...], side: str) -> float:
        self.before_load[side].append(resident(pid) / MB)
        peak = Peak(pid).start()
        sampler = Sampler(url, tokens, self.sizes.load, self.numbers, [])
        try:
            sampler.sample()
        finally:
            highest = peak.finish()
        self.high_water[side].append(peak.high_water / MB)
        return highest


@define
class WorkerMemory:
    """`jiuzhu worker --once` on copies of a backlog and of an empty outbox."""

    environ: dict[str, str]
    backlog_url: str
    empty_url: str
    registries_url: str
    folder: Path
    delivered: dict[str, list[int]] = field(factory=_sides)
    seconds: dict[str, list[float]] = field(factory=_sides)
    high_water: dict[str, list[float]] = field(factory=_sides)
    runs: int = 0

    def with_backlog(self) -> float:
        return self._once(self.backlog_url, "subject")

    def empty(self) -> float:
        return self._once(self.empty_url, "baseline")

    def _once(self, template: str, side: str) -> float:
        self.runs += 1
        url = copy_sqlite(template, self.folder / f"worker-{self.runs}.sqlite3")
        environ = {
            **self.environ,
            "DATABASE_URL": url,
            "JIUZHU_REGISTRIES_URL": self.registries_url,
        }
        command = [sys.executable, "-m", "entrypoints.cli", "worker", "--once"]
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=_clean_environ(environ),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        peak = Peak(process.pid).start()
        try:
            output, _ = process.communicate(timeout=600)
        finally:
            highest = peak.finish()
            stop(process)
        self.seconds[side].append(time.perf_counter() - started)
        found = re.search(rb"delivered (\d+) entries", output)
        self.delivered[side].append(int(found.group(1)) if found else -1)
        self.high_water[side].append(peak.high_water / MB)
        return highest


def registry_simulator(folder: Path, stack: ExitStack) -> str:
    """Start `jiuzhu registries` on a free loopback port; its root URL."""
    port = free_port()
    log = folder / "registries.log"
    command = [sys.executable, "-m", "entrypoints.cli", "registries", "--port", str(port)]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=_clean_environ({}),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    stack.callback(stop, process)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the simulator exited: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the registry simulator did not start in 60 s")


def _medians(values: dict[str, list[float]], name: str) -> dict[str, float | str]:
    return {f"{side}_{name}": statistics.median(found) for side, found in values.items() if found}


def api_memory(sizes: MemorySizes, folder: Path, product: Product, baseline_url: str) -> Row:
    """The API process's peak against the bare app's, a fresh server per sample."""
    api = ApiMemory(product, baseline_url, sizes, folder, applicant_numbers())
    row = compare(
        "memory",
        subject=(
            "API process (jiuzhu serve, SQLite), peak RSS under intake load",
            api.product_peak,
        ),
        baseline=("bare Litestar + SQLModel insert, same load", api.baseline_peak),
        unit="MiB",
        rounds=sizes.rounds,
        better="lower",
    )
    extra: dict[str, float | str] = {
        "sampled_every_ms": INTERVAL * 1000,
        "load_seconds": float(sizes.load.seconds),
        "connections": float(sizes.load.connections),
        "generator": generator_name(),
        **_medians(api.high_water, "vm_hwm_mib"),
        **_medians(api.before_load, "mib_before_load"),
    }
    return evolve(row, extra={**row.extra, **extra})


def worker_memory(
    rounds: int, folder: Path, environ: dict[str, str], backlog_url: str, empty_url: str
) -> Row:
    """`jiuzhu worker --once` on a copy of the backlog against one on an empty outbox."""
    with ExitStack() as stack:
        registries = registry_simulator(folder, stack)
        worker = WorkerMemory(environ, backlog_url, empty_url, registries, folder)
        row = compare(
            "memory",
            subject=(
                "worker (jiuzhu worker --once) delivering the backlog, peak RSS",
                worker.with_backlog,
            ),
            baseline=("the same worker on an empty outbox", worker.empty),
            unit="MiB",
            rounds=rounds,
            better="lower",
        )
    extra: dict[str, float | str] = {
        "entries_delivered": float(statistics.median(worker.delivered["subject"])),
        "subject_seconds": statistics.median(worker.seconds["subject"]),
        "baseline_seconds": statistics.median(worker.seconds["baseline"]),
        "registries": "jiuzhu registries (the simulator, sample seed)",
        **_medians(worker.high_water, "vm_hwm_mib"),
    }
    return evolve(row, extra={**row.extra, **extra})


def run(quick: bool, *, sizes: MemorySizes | None = None) -> list[Row]:
    chosen = sizes or (QUICK if quick else FULL)
    with tempfile.TemporaryDirectory(prefix="jiuzhu-bench-memory-") as name, ExitStack() as stack:
        folder = Path(name)
        product_url = stack.enter_context(database_url("sqlite", folder, "product"))
        baseline_url = stack.enter_context(database_url("sqlite", folder, "baseline"))
        product = prepare_product(product_url, chosen.load.clerks)
        # The same database before any load: the same keys, an empty outbox.
        empty_url = copy_sqlite(product_url, folder / "empty.sqlite3")
        api_row = api_memory(chosen, folder, product, baseline_url)
        # The API samples left their applications' outbox entries: the worker's backlog.
        worker_row = worker_memory(chosen.rounds, folder, product.environ, product_url, empty_url)
    # The baseline for memory is the bare app: given beside the worker's own floor.
    bare = {"bare_litestar_app_peak_mib": api_row.baseline_median}
    return [api_row, evolve(worker_row, extra={**worker_row.extra, **bare})]
