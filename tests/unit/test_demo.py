"""`jiuzhu demo` runs every sample household and never prints a full ID number (P12)."""

from __future__ import annotations

import re

import pytest

from domain.identity import ResidentId
from entrypoints.demo import HOUSEHOLDS, resident_id, run_demo

SEQUENCES = range(1, 1000)  # every number the demo could give a household


@pytest.fixture(scope="module")
def demo() -> tuple[list[str], str]:
    """The demo's summaries and everything it printed, from one run."""
    lines: list[str] = []
    summaries = run_demo(out=lines.append)
    return summaries, "\n".join(lines)


def sample_numbers() -> dict[str, set[str]]:
    """Every ID number the demo could compute, per household key."""
    return {h.key: {resident_id(h, n) for n in SEQUENCES} for h in HOUSEHOLDS}


def test_the_demo_returns_one_summary_per_household(demo: tuple[list[str], str]) -> None:
    """Each sample household ends in one summary line, in order."""
    summaries, _ = demo

    keys = [line.split(" ", 1)[0] for line in summaries]

    assert keys == [h.key for h in HOUSEHOLDS]


def test_the_demo_output_never_contains_a_full_resident_id(demo: tuple[list[str], str]) -> None:
    """P12: no sample ID number appears unmasked anywhere in the output."""
    _, output = demo

    shown = {n for numbers in sample_numbers().values() for n in numbers if n in output}

    assert shown == set()
    assert re.search(r"\d{17}[\dX]", output) is None


def test_the_demo_shows_each_household_by_its_masked_id(demo: tuple[list[str], str]) -> None:
    """P12: the applicant is still identified, by the masked number only."""
    _, output = demo

    masked = {
        key: {ResidentId(n).masked for n in numbers if ResidentId(n).masked in output}
        for key, numbers in sample_numbers().items()
    }

    assert all(masked.values()), masked
