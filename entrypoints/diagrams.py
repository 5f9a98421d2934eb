"""Diagrams generated from the models themselves: each case type, the joint scenario, and
the complaint and report machine.

DOT and Mermaid come from python-statemachine's formatter; SVG from DOT through the
`dot` of graphviz-pure (a Graphviz port shipped on PyPI as one binary, so nothing
outside the virtual environment is needed), run as a subprocess.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from statemachine.contrib.diagram.formatter import formatter

from domain.complaints import ComplaintMachine
from domain.lifecycle import MACHINES
from domain.scenario import JointScenario
from domain.services import Service

FORMATS = ("dot", "mermaid", "svg")
SUFFIXES = {"dot": "dot", "mermaid": "mmd", "svg": "svg"}


def case_type_diagram(service: Service, fmt: str = "mermaid") -> str:
    """The state diagram of one case type, in Graphviz DOT, Mermaid text or SVG."""
    if fmt == "svg":
        return svg(formatter.render(MACHINES[service], "dot"))
    return formatter.render(MACHINES[service], fmt)


def scenario_diagram(fmt: str = "mermaid") -> str:
    """The statechart of the joint scenario (R6 to R9) with its parallel branches."""
    if fmt == "svg":
        return svg(formatter.render(JointScenario, "dot"))
    return formatter.render(JointScenario, fmt)


def complaint_diagram(fmt: str = "mermaid") -> str:
    """The state diagram of complaints and reports (R15)."""
    return formatter.render(ComplaintMachine, fmt)


def write_all(folder: Path, fmt: str) -> list[Path]:
    """Write every diagram in `fmt` into `folder`; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    sources = {f"case-{s.value}": case_type_diagram(s, fmt) for s in Service}
    sources["joint-scenario"] = scenario_diagram(fmt)
    sources["complaint"] = complaint_diagram(fmt)
    for name, text in sources.items():
        path = folder / f"{name}.{SUFFIXES[fmt]}"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


DOT_PROGRAM = "graphviz-pure"


class DiagramError(RuntimeError):
    """The SVG could not be made (the dot program is missing or failed)."""


def dot_program() -> str:
    """The graphviz-pure binary: beside this Python first (the virtual environment)."""
    beside = Path(sys.executable).with_name(DOT_PROGRAM)
    if beside.exists():
        return str(beside)
    found = shutil.which(DOT_PROGRAM)
    if found is None:
        raise DiagramError(f"{DOT_PROGRAM} not found: install the graphviz-pure package")
    return found


def svg(dot: str, *, timeout: float = 20.0) -> str:
    """Render DOT text as SVG."""
    try:
        done = subprocess.run(
            [dot_program(), "-Tsvg"],
            input=dot.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise DiagramError(f"{DOT_PROGRAM} failed: {type(error).__name__}") from error
    if done.returncode != 0 or b"<svg" not in done.stdout:
        raise DiagramError(f"{DOT_PROGRAM} exited with {done.returncode}")
    return done.stdout.decode("utf-8")


def diagram_names() -> tuple[str, ...]:
    """`case-<service>` for each case type, and `joint-scenario`."""
    return (*(f"case-{s.value}" for s in Service), "joint-scenario")


def dot_of(name: str) -> str | None:
    """The DOT text of a diagram by its name, or None for an unknown name."""
    if name == "joint-scenario":
        return scenario_diagram("dot")
    services = {f"case-{s.value}": s for s in Service}
    service = services.get(name)
    return case_type_diagram(service, "dot") if service is not None else None
