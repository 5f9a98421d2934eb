"""The benchmark runner: names, selection and the report it writes (no speed asserted)."""

import json

import pytest

from bench import __main__ as runner
from bench.report import Row


def test_only_keeps_the_suites_order_and_refuses_unknown_names():
    assert runner.selected("storage,machines") == ("machines", "storage")
    assert runner.selected(None) == runner.BENCHMARKS
    with pytest.raises(SystemExit):
        runner.selected("machines,nonsense")


def test_the_runner_writes_the_rows_of_each_benchmark_into_the_report(tmp_path, monkeypatch):
    row = Row("machines", "a", "b", "ops/s", 2.0, 1.0, goal="≥ 1×", goal_ratio=1.0)
    monkeypatch.setattr(runner, "run_one", lambda name, quick: [row])

    status = runner.main(["--quick", "--only", "machines", "--out", str(tmp_path)])

    assert status == 0
    (report,) = tmp_path.glob("*-quick.json")
    document = json.loads(report.read_text(encoding="utf-8"))
    assert [r["benchmark"] for r in document["rows"]] == ["machines"]
    assert document["rows"][0]["met"] is True


def test_a_failing_benchmark_is_reported_and_the_others_still_run(tmp_path, monkeypatch):
    def run_one(name, quick):
        if name == "machines":
            raise RuntimeError("broken")
        return [Row(name, "a", "b", "ops/s", 1.0, 1.0)]

    monkeypatch.setattr(runner, "run_one", run_one)

    status = runner.main(["--quick", "--only", "machines,storage", "--out", str(tmp_path)])

    assert status == 1
    (report,) = tmp_path.glob("*-quick.json")
    rows = json.loads(report.read_text(encoding="utf-8"))["rows"]
    assert [r["benchmark"] for r in rows] == ["storage"]
