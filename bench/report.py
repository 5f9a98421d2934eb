"""Side-by-side measurement and the report every benchmark writes into.

A benchmark measures a subject (the product) and a baseline (its floor or a peer) in the
same run, alternating the two `rounds` times so that a slow moment of the machine falls on
both, and keeps the median of each. A `Row` is one such comparison; `write_report` turns
the rows of a run into `bench/results/<date>.md` and `.json`.

Nothing here asserts a speed: a goal missed is reported, never raised.
"""

from __future__ import annotations

import json
import platform
import statistics
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Literal

from attrs import asdict, field, frozen

Direction = Literal["higher", "lower"]

RESULTS = Path(__file__).parent / "results"


@frozen
class Row:
    """One comparison: the subject's median against the baseline's, and the goal."""

    benchmark: str
    subject: str
    baseline: str
    unit: str
    subject_median: float
    baseline_median: float
    better: Direction = "higher"
    goal: str = ""
    # The least ratio subject/baseline the goal asks for ("higher"), or the most ("lower").
    goal_ratio: float | None = None
    subject_samples: tuple[float, ...] = ()
    baseline_samples: tuple[float, ...] = ()
    extra: dict[str, float | str] = field(factory=dict)

    @property
    def ratio(self) -> float:
        """Subject over baseline (for "higher", above 1 means the subject is faster)."""
        if self.baseline_median == 0:
            return float("inf")
        return self.subject_median / self.baseline_median

    @property
    def met(self) -> bool | None:
        if self.goal_ratio is None:
            return None
        if self.better == "higher":
            return self.ratio >= self.goal_ratio
        return self.ratio <= self.goal_ratio


def alternate(
    subject: Callable[[], float], baseline: Callable[[], float], rounds: int
) -> tuple[list[float], list[float]]:
    """Run baseline and subject in turn, `rounds` times each; each call returns one sample."""
    subject_samples: list[float] = []
    baseline_samples: list[float] = []
    for turn in range(rounds):
        # Swap who goes first every round, so neither always meets a warm or cold machine.
        if turn % 2 == 0:
            baseline_samples.append(baseline())
            subject_samples.append(subject())
        else:
            subject_samples.append(subject())
            baseline_samples.append(baseline())
    return subject_samples, baseline_samples


def compare(
    benchmark: str,
    *,
    subject: tuple[str, Callable[[], float]],
    baseline: tuple[str, Callable[[], float]],
    unit: str,
    rounds: int,
    better: Direction = "higher",
    goal: str = "",
    goal_ratio: float | None = None,
    extra: dict[str, float | str] | None = None,
) -> Row:
    """Alternate subject and baseline and keep both medians in one row."""
    ours, theirs = alternate(subject[1], baseline[1], rounds)
    return Row(
        benchmark=benchmark,
        subject=subject[0],
        baseline=baseline[0],
        unit=unit,
        subject_median=statistics.median(ours),
        baseline_median=statistics.median(theirs),
        better=better,
        goal=goal,
        goal_ratio=goal_ratio,
        subject_samples=tuple(ours),
        baseline_samples=tuple(theirs),
        extra=dict(extra or {}),
    )


def machine() -> dict[str, str]:
    import os

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": str(os.cpu_count()),
    }


def _number(value: float) -> str:
    if value == float("inf"):
        return "∞"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def _verdict(row: Row) -> str:
    met = row.met
    if met is None:
        return ""
    return "met" if met else "missed"


def markdown(rows: Sequence[Row], *, title: str, quick: bool, seconds: float) -> str:
    mode = "quick (CI: checks that it runs, not how fast)" if quick else "full"
    lines = [
        f"# {title}",
        "",
        f"Mode: {mode}; took {seconds:.0f} s; machine: "
        + ", ".join(f"{k} {v}" for k, v in machine().items()),
        "",
        "| benchmark | subject | baseline | unit | subject | baseline | ratio | goal | |",
        "|---|---|---|---|---:|---:|---:|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.benchmark} | {row.subject} | {row.baseline} | {row.unit} "
            f"| {_number(row.subject_median)} | {_number(row.baseline_median)} "
            f"| {_number(row.ratio)} | {row.goal} | {_verdict(row)} |"
        )
    notes = [(row, row.extra) for row in rows if row.extra]
    if notes:
        lines += ["", "## Details", ""]
        for row, extra in notes:
            details = ", ".join(
                f"{k} {_number(v) if isinstance(v, float | int) else v}" for k, v in extra.items()
            )
            lines.append(f"- {row.benchmark} / {row.subject}: {details}")
    return "\n".join(lines) + "\n"


def write_report(
    rows: Sequence[Row],
    *,
    quick: bool,
    seconds: float,
    day: date | None = None,
    directory: Path = RESULTS,
) -> tuple[Path, Path]:
    """Write `<date>.md` and `<date>.json` (a quick run adds `-quick` to the name)."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = (day or date.today()).isoformat() + ("-quick" if quick else "")
    title = f"jiuzhu benchmarks, {(day or date.today()).isoformat()}"
    md = directory / f"{stem}.md"
    js = directory / f"{stem}.json"
    md.write_text(markdown(rows, title=title, quick=quick, seconds=seconds), encoding="utf-8")
    document = {
        "date": (day or date.today()).isoformat(),
        "quick": quick,
        "seconds": seconds,
        "machine": machine(),
        "rows": [{**asdict(row), "ratio": row.ratio, "met": row.met} for row in rows],
    }
    js.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return md, js
