"""Diagrams generated from the models themselves: each case type, the joint scenario, and
the complaint and report machine."""

from __future__ import annotations

from pathlib import Path

from statemachine.contrib.diagram.formatter import formatter

from domain.complaints import ComplaintMachine
from domain.lifecycle import MACHINES
from domain.scenario import JointScenario
from domain.services import Service

FORMATS = ("dot", "mermaid")
SUFFIXES = {"dot": "dot", "mermaid": "mmd"}


def case_type_diagram(service: Service, fmt: str = "mermaid") -> str:
    """The state diagram of one case type, in Graphviz DOT or Mermaid text."""
    return formatter.render(MACHINES[service], fmt)


def scenario_diagram(fmt: str = "mermaid") -> str:
    """The statechart of the joint scenario (R6 to R9) with its parallel branches."""
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
