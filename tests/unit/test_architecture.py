"""The layer rules of DESIGN.md that import-linter cannot state as an allow-list."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_MAY_IMPORT = {"attrs", "statemachine", "domain"}


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", _modules("domain"), ids=lambda p: p.name)
def test_domain_imports_only_the_standard_library_attrs_and_statemachine(path):
    outside = _imported_roots(path) - DOMAIN_MAY_IMPORT - set(sys.stdlib_module_names)

    assert outside == set()


@pytest.mark.parametrize(
    "path", _modules("domain") + _modules("application"), ids=lambda p: p.name
)
def test_no_time_is_read_outside_the_clock_port(path):
    """R4: every time comes from the clock port; the core never asks the system."""
    source = path.read_text(encoding="utf-8")

    for call in ("datetime.now(", "date.today(", "time.time(", "datetime.utcnow("):
        assert call not in source


@pytest.mark.parametrize("path", _modules("domain"), ids=lambda p: p.name)
def test_domain_has_no_randomness_and_no_io(path):
    roots = _imported_roots(path)

    assert not roots & {"random", "secrets", "socket", "os", "pathlib", "logging", "uuid"}
