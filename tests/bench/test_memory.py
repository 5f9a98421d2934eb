"""bench.memory at its smallest: the sampler and the worker row (no speed, no size asserted)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("psutil")

from bench import http_intake, memory


def test_the_peak_of_a_process_and_its_children_is_sampled():
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; b = b'x' * 50_000_000; time.sleep(1)"]
    )
    try:
        peak = memory.Peak(child.pid).start()
        child.wait()
        highest = peak.finish()
    finally:
        child.kill()

    assert highest > 40


def test_the_worker_is_measured_to_its_end_on_a_copy_of_its_database(tmp_path):
    product = http_intake.prepare_product(f"sqlite:///{tmp_path / 'p.sqlite3'}", 0)
    empty = memory.copy_sqlite(product.url, tmp_path / "empty.sqlite3")
    # An empty outbox calls no registry: an address nothing listens on is enough here.
    worker = memory.WorkerMemory(
        product.environ, product.url, empty, "http://127.0.0.1:9", tmp_path
    )

    highest = worker.empty()

    assert highest > 0
    assert worker.delivered["baseline"] == [0]
    assert len(worker.high_water["baseline"]) == 1
