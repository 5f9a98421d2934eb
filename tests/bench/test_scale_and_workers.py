"""The scale and workers benchmarks run and return well-formed rows (never a speed)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from adapters.sql.database import SqlDatabase
from bench import scale, workers
from bench.report import Row


def _well_formed(row: Row, benchmark: str) -> None:
    assert row.benchmark == benchmark
    assert all((row.subject, row.baseline, row.unit))
    assert all((row.subject_samples, row.baseline_samples))
    assert all(math.isfinite(v) and v > 0 for v in (row.subject_median, row.baseline_median))


def test_the_loaded_rows_are_the_adapters_rows_with_an_intact_chain(tmp_path: Path) -> None:
    target = scale.Target("sqlite", f"sqlite:///{tmp_path / 'scale.sqlite3'}")

    scale.load([target], 120, seed=7)

    database = SqlDatabase(target.url)
    storage = scale.new_storage(database, seed=7)
    generated = list(scale.generated_cases(0, 120, seed=7))
    with storage.unit_of_work() as uow:
        stored = [uow.cases.get(case.id) for case in generated]
    report = storage.history.verify()
    database.dispose()
    assert [(c.id, c.state, c.events) for c in stored] == [
        (c.id, c.state, c.events) for c in generated
    ]
    assert report.intact
    assert report.entries == sum(len(c.events) for c in generated)


def test_scale_returns_a_row_per_query_statistics_and_intake_on_sqlite() -> None:
    sizes = scale.Sizes(300, 5, 1, 2, "37", cache=False)

    rows = scale.run_scale(sizes, seed=11, postgres=False)

    assert len(rows) == 5
    for row in rows:
        _well_formed(row, "scale")
        assert row.goal_ratio is not None


@pytest.mark.skipif(
    not scale.postgres_available() and os.environ.get("CI") != "true",
    reason="no PostgreSQL server",
)
def test_workers_returns_a_row_for_one_worker_against_the_bare_loop() -> None:
    rows = workers.run_workers(workers.Sizes(12, 1, (1,)))

    assert len(rows) == 1
    _well_formed(rows[0], "workers")
