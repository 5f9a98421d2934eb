"""Diagrams are generated from the machines, so every state and event appears in them."""

import pytest

from domain import complaints
from domain.lifecycle import EVENT_LABELS, MACHINES, event_names
from domain.scenario import STATE_LABELS, JointScenario
from domain.services import Service
from entrypoints.cli import main
from entrypoints.diagrams import (
    case_type_diagram,
    complaint_diagram,
    scenario_diagram,
    write_all,
)


@pytest.mark.parametrize("service", list(Service), ids=str)
def test_case_type_diagram_shows_every_state_and_event_of_its_machine(service):
    text = case_type_diagram(service, "mermaid")

    for state in MACHINES[service].states_map:
        assert f" as {state}" in text
    for event in event_names(service):
        assert EVENT_LABELS[event] in text or f"{event} /" in text


def test_scenario_diagram_shows_every_branch_and_state():
    text = scenario_diagram("mermaid")

    for state in JointScenario.states_map:
        assert f" as {state}" in text
        assert STATE_LABELS[state] in text


def test_dot_diagrams_are_graphviz_digraphs():
    assert scenario_diagram("dot").startswith("digraph JointScenario {")
    assert case_type_diagram(Service.DIBAO, "dot").startswith("digraph DibaoCase {")


def test_write_all_writes_one_file_per_case_type_the_scenario_and_complaints(tmp_path):
    written = write_all(tmp_path, "dot")

    assert len(written) == len(Service) + 2
    assert all(path.read_text(encoding="utf-8").startswith("digraph") for path in written)


def test_cli_prints_the_diagram_of_one_case_type(capsys):
    code = main(["diagram", "--service", "elderly_nursing"])

    assert code == 0
    assert "record_assessment" in capsys.readouterr().out


def test_the_complaint_diagram_shows_every_state_and_event_of_its_machine():
    text = complaint_diagram("mermaid")

    for state in complaints.ComplaintMachine.states_map:
        assert f" as {state}" in text
    for event in complaints.event_names():
        assert complaints.EVENT_LABELS[event] in text or f"{event} /" in text


def test_cli_prints_the_complaint_diagram(capsys):
    code = main(["diagram", "--complaint"])

    assert code == 0
    assert "rectified" in capsys.readouterr().out
