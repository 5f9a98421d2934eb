"""`python -m bench`: every benchmark, side by side with its baseline, into one report.

    python -m bench                      # all seven, about 15 minutes
    python -m bench --quick              # all seven in under 2 minutes (CI: it runs)
    python -m bench --only machines,storage --out /tmp/bench

Each module `bench/<name>.py` exposes `run(quick) -> list[Row]`. The runner imports them
by name, runs them in the order below, prints the table and writes `<date>.md` and
`<date>.json` (see `bench.report`). A benchmark that fails is reported on stderr and the
others still run; the exit status is then 1. Nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from bench.report import RESULTS, Row, markdown, write_report

BENCHMARKS = (
    "domain_core",
    "machines",
    "http_intake",
    "storage",
    "scale",
    "workers",
    "memory",
)


def selected(only: str | None) -> tuple[str, ...]:
    """The benchmarks `--only` names, in the suite's order; all when it names none."""
    if not only:
        return BENCHMARKS
    names = {name.strip() for name in only.split(",") if name.strip()}
    unknown = sorted(names - set(BENCHMARKS))
    if unknown:
        raise SystemExit(f"unknown benchmark: {', '.join(unknown)} (known: {BENCHMARKS})")
    return tuple(name for name in BENCHMARKS if name in names)


def run_one(name: str, quick: bool) -> list[Row]:
    module = importlib.import_module(f"bench.{name}")
    rows: list[Row] = module.run(quick)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, under 2 minutes")
    parser.add_argument("--only", help="comma-separated benchmark names")
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory of the report")
    options = parser.parse_args(argv)
    names = selected(options.only)
    rows: list[Row] = []
    failed: list[str] = []
    began = time.perf_counter()
    for name in names:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        try:
            found = run_one(name, options.quick)
        except Exception:
            traceback.print_exc()
            failed.append(name)
            continue
        rows += found
        print(f"   {len(found)} rows in {time.perf_counter() - started:.1f} s", flush=True)
    seconds = time.perf_counter() - began
    md, js = write_report(rows, quick=options.quick, seconds=seconds, directory=options.out)
    print()
    print(markdown(rows, title="jiuzhu benchmarks", quick=options.quick, seconds=seconds))
    print(f"written: {md} and {js}")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
