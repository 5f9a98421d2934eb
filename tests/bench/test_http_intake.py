"""bench.http_intake, bench.load and bench.baseline_app at their smallest: they run and
answer well-formed rows (no speed is asserted anywhere)."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from bench import http_intake, load
from bench.baseline_app import UVICORN_OPTIONS as BASELINE_OPTIONS
from bench.report import Row
from domain.identity import ResidentId
from entrypoints.serve import UVICORN_OPTIONS

TINY = http_intake.Sizes(rounds=1, seconds=1, warmup=0, connections=2, clerks=2, profile=False)


def test_each_applicant_number_gives_a_distinct_valid_resident_id():
    numbers = [0, 1, 899, 900, 89_999, 90_000, 10**9 - 1]

    ids = [load.resident_id(n) for n in numbers]

    assert all(ResidentId.parse(i, today=date(2026, 12, 1)).reveal() == i for i in ids)
    assert len(set(ids)) == len(ids)


def test_a_profile_gives_each_sample_to_its_innermost_layer_and_skips_waiting_threads():
    raw = "\n".join(
        [
            "run (asyncio/events.py:1);submit_application (application/intake.py:9);"
            "StateChart.__init__ (statemachine/statemachine.py:1) 3",
            "submit_application (application/intake.py:9);execute (sqlalchemy/base.py:2);"
            "loads (json/decoder.py:3) 1",
            "Thread.run (threading.py:982);Condition.wait (threading.py:327) 50",
        ]
    )

    shares = http_intake.profile_shares(raw)

    assert shares["profile_samples"] == 4
    assert shares["profile_own_time"] == "python-statemachine 75%, SQLAlchemy and driver 25%"
    assert shares["profile_in_state_machines"] == 0.75
    assert shares["profile_in_use_case_submit_application"] == 1.0


def test_the_baseline_runs_under_the_options_of_jiuzhu_serve():
    assert BASELINE_OPTIONS == UVICORN_OPTIONS


def test_the_sqlite_intake_row_compares_the_api_with_the_bare_endpoint(tmp_path):
    row = http_intake.measure("sqlite", 1, TINY, tmp_path)

    assert isinstance(row, Row)
    assert (row.benchmark, row.unit, row.goal_ratio) == ("http_intake", "req/s", 0.5)
    assert len(row.subject_samples) == len(row.baseline_samples) == 1
    assert row.subject_median > 0
    assert row.baseline_median > 0
    assert row.extra["subject_failures"] == 0
    assert float(row.extra["dibao_cases_stored"]) >= float(row.extra["applications_answered_2xx"])
    assert float(row.extra["applications_answered_2xx"]) > 0
    assert "subject_p99_ms" in row.extra
    assert "generator" in row.extra


def test_the_asyncio_client_loads_the_bare_endpoint(tmp_path):
    url = f"sqlite:///{tmp_path / 'bare.sqlite3'}"
    with http_intake.baseline_server(url, 1, tmp_path / "bare.log") as bare:
        bare.wait_healthy()
        spec = load.Load(bare.url + "/rows", ("t",), 2, 1, 0, "test")

        result = asyncio.run(load._run_asyncio(spec))

    assert result.generator == "python asyncio client"
    assert result.requests > 0
    assert result.failures == 0
    assert http_intake.count_rows(url, "SELECT count(*) FROM bench_intake_row") > 0


@pytest.mark.skipif(not http_intake.postgres_reachable(), reason="no PostgreSQL server")
def test_a_postgres_database_made_for_a_benchmark_is_dropped_after_it(tmp_path):
    with http_intake.database_url("postgresql", tmp_path, "t") as url:
        assert http_intake.count_rows(url, "SELECT 1") == 1

    with pytest.raises(Exception):  # noqa: B017, PT011 (the driver's error: no such database)
        http_intake.count_rows(url, "SELECT 1")
