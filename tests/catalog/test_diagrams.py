"""Every seed service draws as SVG and exports as BPMN 2.0 that validates, lays out and runs."""

from __future__ import annotations

import os
from functools import lru_cache
from itertools import combinations

import pytest
import SpiffWorkflow
from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.diagrams.bpmn import BPMN, BPMNDI, QYZMET, bpmn_document
from qyzmet.catalog.diagrams.layout import layout_channel
from qyzmet.catalog.diagrams.svg import diagram_svg, interaction_svg
from qyzmet.catalog.vocabulary import duration_phrase
from qyzmet.cli import main

SVG = "{http://www.w3.org/2000/svg}"
CHANNELS = [(d.id, c.code.value) for d in catalog_default().latest_all() for c in d.channels]


@lru_cache(maxsize=1)
def bpmn_schema() -> etree.XMLSchema:
    folder = os.path.join(os.path.dirname(SpiffWorkflow.__file__), "bpmn", "parser", "schema")
    return etree.XMLSchema(etree.parse(os.path.join(folder, "BPMN20.xsd")))


def run_to_completion(document: bytes, choices: dict[str, str] | None = None) -> list[str]:
    """Run the BPMN in SpiffWorkflow, completing every task; return the ids of the tasks run."""
    root = etree.fromstring(document)
    parser = BpmnParser()
    parser.add_bpmn_xml(root, filename="service.bpmn")
    process_id = root.find(f"{{{BPMN}}}process").get("id")
    workflow = BpmnWorkflow(parser.get_spec(process_id))
    workflow.do_engine_steps()
    ran: list[str] = []
    for _ in range(200):
        if workflow.is_completed():
            return ran
        for task in workflow.get_tasks(state=TaskState.READY | TaskState.STARTED):
            if not (task.task_spec.manual or task.state == TaskState.STARTED):
                continue
            step_id = task.task_spec.name.removeprefix("Task_")
            task.data["outcome"] = (choices or {}).get(step_id)
            ran.append(step_id)
            if task.state == TaskState.STARTED:
                task.complete()
            else:
                task.run()
        workflow.do_engine_steps()
    raise AssertionError(f"workflow did not complete; ran {ran}")


@pytest.mark.parametrize(("service_id", "channel"), CHANNELS)
def test_layout_has_no_overlapping_boxes(service_id: str, channel: str) -> None:
    # given
    layout = layout_channel(catalog_default().latest(service_id), channel)

    # then
    for a, b in combinations(layout.nodes, 2):
        apart = a.x + a.width <= b.x or b.x + b.width <= a.x or a.y + a.height <= b.y or b.y + b.height <= a.y
        assert apart, f"{a.id} overlaps {b.id}"
    for node in layout.nodes:
        assert node.x >= 0 and node.x + node.width <= layout.width
        assert node.y >= 0 and node.y + node.height <= layout.height


@pytest.mark.parametrize(("service_id", "channel"), CHANNELS)
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_svg_draws_every_step_with_its_duration(service_id: str, channel: str, language: str) -> None:
    # given
    definition = catalog_default().latest(service_id)
    steps = definition.channel_steps(channel)

    # when
    svg = etree.fromstring(diagram_svg(definition, channel, language).encode())

    # then
    drawn = [g.get("id") for g in svg.iter(f"{SVG}g") if g.get("class") == "step"]
    assert drawn == [f"step-{s.id}" for s in steps]
    durations = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "duration"]
    expected = [duration_phrase(s.duration.value, s.duration.unit.value, language) for s in steps if s.duration]
    assert durations == expected
    ends = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "end"]
    assert len(ends) == sum(1 for s in steps if s.end) + (0 if steps[-1].end else 1)


@pytest.mark.parametrize(("service_id", "channel"), [c for c in CHANNELS if c[1] in ("portal", "state_corporation")])
def test_interaction_diagram_has_a_lane_per_information_system(service_id: str, channel: str) -> None:
    # given
    definition = catalog_default().latest(service_id)

    # when
    svg = interaction_svg(definition, channel, "ru")

    # then
    organizations = {s.organization.value for s in definition.channel_steps(channel) if s.role.value != "applicant"}
    lanes = etree.fromstring(svg.encode()).findall(f".//{SVG}g[@class='lane']")
    assert len(lanes) == 1 + len(organizations)


@pytest.mark.parametrize(("service_id", "channel"), CHANNELS)
def test_bpmn_validates_against_the_omg_schema_and_runs_to_completion(service_id: str, channel: str) -> None:
    # given
    definition = catalog_default().latest(service_id)
    steps = definition.channel_steps(channel)

    # when
    document = bpmn_document(definition, channel, "kk")
    root = etree.fromstring(document)

    # then: valid BPMN 2.0
    schema = bpmn_schema()
    assert schema.validate(root), str(schema.error_log)
    # every flow element and flow is laid out (BPMNDI)
    process = root.find(f"{{{BPMN}}}process")
    shaped = {s.get("bpmnElement") for s in root.iter(f"{{{BPMNDI}}}BPMNShape")}
    edged = {e.get("bpmnElement") for e in root.iter(f"{{{BPMNDI}}}BPMNEdge")}
    nodes = {
        e.get("id")
        for e in process
        if e.tag.split("}")[1] in {"startEvent", "endEvent", "userTask", "serviceTask", "exclusiveGateway"}
    }
    flows = {e.get("id") for e in process.iter(f"{{{BPMN}}}sequenceFlow")}
    assert nodes <= shaped and flows <= edged
    # roles and durations travel in the extension
    marked = [m for m in root.iter(f"{{{QYZMET}}}step")]
    assert [(m.get("id"), m.get("role")) for m in marked] == [(s.id, s.role.value) for s in steps]
    durations = [(d.get("value"), d.get("unit")) for d in root.iter(f"{{{QYZMET}}}duration")]
    assert durations == [(str(s.duration.value), s.duration.unit.value) for s in steps if s.duration]
    # SpiffWorkflow runs it to the end along the first branch of every gateway
    ran = run_to_completion(document)
    assert ran[0] == steps[0].id and ran[-1] == steps[-1].id


def test_bpmn_refusal_branch_ends_the_process_early() -> None:
    # given: the portal flow of S01, where a failed EDS check ends with a refusal message
    definition = catalog_default().latest("wko-2015-patronat-payment")
    document = bpmn_document(definition, "portal")

    # when
    ran = run_to_completion(document, choices={"check_signature": "invalid"})

    # then
    assert ran[-2:] == ["check_signature", "refuse_signature"]
    assert "register" not in ran


def test_akimat_branch_of_guardianship_runs_through_the_akimat() -> None:
    # given: S06, where a positive outcome goes to the district akimat's resolution
    definition = catalog_default().latest("wko-2019-guardianship-establishment")
    channel = definition.channels[0].code.value
    document = bpmn_document(definition, channel)
    steps = definition.channel_steps(channel)
    akimat = next(s.id for s in steps if s.role.value == "akimat")
    deciding = next(s for s in steps if s.branches and any(b.next == akimat for b in s.branches))
    refusing_branch = next(b for b in deciding.branches or [] if b.next != akimat)

    # when
    positive = run_to_completion(document)
    negative = run_to_completion(document, choices={deciding.id: refusing_branch.when})

    # then
    assert akimat in positive
    assert akimat not in negative


def test_diagram_command_writes_png(tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]) -> None:
    # given
    out = f"{tmp_path}/s17.png"

    # when
    code = main(
        [
            "catalog",
            "diagram",
            "karaganda-2015-targeted-social-assistance",
            "--channel",
            "rural_akim",
            "--lang",
            "kk",
            "--format",
            "png",
            "--out",
            out,
        ]
    )

    # then
    assert code == 0
    with open(out, "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"


def test_diagram_command_refuses_a_channel_the_service_lacks(capsys: pytest.CaptureFixture[str]) -> None:
    # when
    code = main(["catalog", "diagram", "wko-2019-guardianship-certificates", "--channel", "rural_akim"])

    # then
    assert code == 2
    assert "has no channel 'rural_akim' (it has: portal)" in capsys.readouterr().err


def test_bpmn_command_writes_to_stdout(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    # when
    code = main(["catalog", "bpmn", "pavlodar-2016-preschool-queue", "--channel", "provider_office"])

    # then
    assert code == 0
    root = etree.fromstring(capsysbinary.readouterr().out)
    assert root.tag == f"{{{BPMN}}}definitions"
