"""The README's embedding example runs as written, and prints what its comments say."""

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def _embedding_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Embedding", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, "the README's Embedding section has no python block"
    return match.group(1)


def test_readme_embedding_example_runs_and_prints_what_it_promises():
    source = _embedding_example()
    promised = re.findall(r"print\(.*\)  # (.*)", source)
    out = io.StringIO()

    with contextlib.redirect_stdout(out):
        exec(compile(source, str(README), "exec"), {"__name__": "readme_example"})

    assert out.getvalue().splitlines() == promised
