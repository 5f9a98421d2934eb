"""Hypothesis profiles: "dev" for a quick local run, "ci" for the figures of PROMISES.md.

Choose one with the environment variable HYPOTHESIS_PROFILE (default "dev"); the
stateful lifecycle and scenario tests read `max_examples` from it.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("dev", max_examples=50)
settings.register_profile(
    "ci", max_examples=200, deadline=None, derandomize=False, print_blob=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
