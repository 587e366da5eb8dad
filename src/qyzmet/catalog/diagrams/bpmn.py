"""A channel's procedure as a BPMN 2.0 document with diagram interchange (BPMNDI).

One pool (the service) with a lane per actor; human steps are user tasks, steps of an
information system are service tasks; a step with branches is followed by an exclusive
gateway whose first branch is the default flow and whose other branches test
`outcome == "<when>"` (Python expressions, as SpiffWorkflow evaluates them). The role and
the maximum duration travel in a documented extension element:

    <qyzmet:step role="head" organization="provider" does="sign">
      <qyzmet:duration value="1" unit="working_days"/>
    </qyzmet:step>

Working and calendar days are not ISO 8601 durations, so no timer is invented for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from qyzmet import __version__
from qyzmet.catalog.diagrams.layout import START_ID, Layout, Node, layout_steps
from qyzmet.catalog.diagrams.svg import number_label, text_in
from qyzmet.catalog.schema import ServiceDefinition, Step
from qyzmet.catalog.vocabulary import CHANNELS, ORGANIZATIONS, ROLES, VERBS, name

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
QYZMET = "https://qyzmet.kz/schema/bpmn/1"
NSMAP = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI, "xsi": XSI, "qyzmet": QYZMET}

GATEWAY_SIZE = 36
HUMAN_ROLES = frozenset(
    {"applicant", "office_clerk", "head", "executor", "sc_operator", "akim_office_specialist", "akim", "akimat"}
)


def _q(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


def _element_id(node_id: str) -> str:
    if node_id == START_ID:
        return "StartEvent_1"
    if node_id.startswith("end_"):
        return f"EndEvent_{node_id[4:]}"
    return f"Task_{node_id}"


@dataclass(frozen=True)
class _Flow:
    id: str
    source: str
    target: str
    condition: str | None
    points: tuple[tuple[int, int], ...]


def _gateway_box(node: Node) -> tuple[int, int]:
    return node.x + node.width + 12, node.y + node.height // 2 - GATEWAY_SIZE // 2


def _path(start: tuple[int, int], end: tuple[int, int]) -> tuple[tuple[int, int], ...]:
    if start[1] == end[1]:
        return (start, end)
    middle = max(start[0] + 10, end[0] - 14)
    return (start, (middle, start[1]), (middle, end[1]), end)


def _flows(layout: Layout) -> tuple[list[_Flow], dict[str, str]]:
    """Sequence flows (through a gateway after each branching step) and the default flow per gateway."""
    flows: list[_Flow] = []
    defaults: dict[str, str] = {}
    by_source: dict[str, list[tuple[str, str | None]]] = {}
    for edge in layout.edges:
        by_source.setdefault(edge.source, []).append((edge.target, edge.label))
    for source_id, targets in by_source.items():
        source = layout.node(source_id)
        start = (source.x + source.width, source.y + source.height // 2)
        if source.step is not None and source.step.branches:
            gateway = f"Gateway_{source_id}"
            gx, gy = _gateway_box(source)
            flows.append(
                _Flow(
                    f"Flow_{source_id}_to_gateway",
                    _element_id(source_id),
                    gateway,
                    None,
                    (start, (gx, gy + GATEWAY_SIZE // 2)),
                )
            )
            for index, (target_id, label) in enumerate(targets):
                target = layout.node(target_id)
                flow_id = f"Flow_{source_id}_{label}"
                condition = None if index == 0 else f'outcome == "{label}"'
                if index == 0:
                    defaults[gateway] = flow_id
                points = _path((gx + GATEWAY_SIZE, gy + GATEWAY_SIZE // 2), (target.x, target.y + target.height // 2))
                flows.append(_Flow(flow_id, gateway, _element_id(target_id), condition, points))
            continue
        for target_id, _ in targets:
            target = layout.node(target_id)
            points = _path(start, (target.x, target.y + target.height // 2))
            flows.append(
                _Flow(f"Flow_{source_id}_{target_id}", _element_id(source_id), _element_id(target_id), None, points)
            )
    return flows, defaults


def _task_name(step: Step, language: str) -> str:
    verb = name(VERBS, step.does.value, language)
    return f"{number_label(step.number, language)}: {verb}" if step.number else verb


def _lane_name(key: tuple[str, str], language: str) -> str:
    organization, role = key
    if organization == "applicant":
        return name(ROLES, "applicant", language)
    if role == "system":
        return name(ORGANIZATIONS, organization, language)
    return f"{name(ORGANIZATIONS, organization, language)}: {name(ROLES, role, language)}"


def _extension(parent: etree._Element, step: Step) -> None:
    extension = etree.SubElement(parent, _q(BPMN, "extensionElements"))
    attributes = {
        "id": step.id,
        "role": step.role.value,
        "organization": step.organization.value,
        "does": step.does.value,
    }
    if step.number:
        attributes["number"] = step.number
    marker = etree.SubElement(extension, _q(QYZMET, "step"), attributes)
    if step.duration is not None:
        etree.SubElement(
            marker, _q(QYZMET, "duration"), {"value": str(step.duration.value), "unit": step.duration.unit.value}
        )
    for document in step.produces:
        etree.SubElement(marker, _q(QYZMET, "produces"), {"document": document})


def _bounds(parent: etree._Element, x: int, y: int, width: int, height: int) -> None:
    etree.SubElement(parent, _q(DC, "Bounds"), {"x": str(x), "y": str(y), "width": str(width), "height": str(height)})


def bpmn_document(definition: ServiceDefinition, channel: str, language: str = "ru") -> bytes:
    """The BPMN 2.0 XML (with BPMNDI) of one channel of a service."""
    original = definition.source.language.value
    steps = definition.channel_steps(channel)
    layout = layout_steps(steps)
    flows, defaults = _flows(layout)
    process_id = f"Process_{definition.id.replace('-', '_')}_{channel}"
    root = etree.Element(
        _q(BPMN, "definitions"),
        nsmap=NSMAP,
        attrib={
            "id": "Definitions_1",
            "targetNamespace": "https://qyzmet.kz/bpmn",
            "exporter": "Qyzmet",
            "exporterVersion": __version__,
        },
    )
    collaboration = etree.SubElement(root, _q(BPMN, "collaboration"), {"id": "Collaboration_1"})
    title = f"{text_in(definition.title, language, original)} — {name(CHANNELS, channel, language)}"
    etree.SubElement(
        collaboration, _q(BPMN, "participant"), {"id": "Participant_1", "name": title, "processRef": process_id}
    )
    process = etree.SubElement(root, _q(BPMN, "process"), {"id": process_id, "name": title, "isExecutable": "true"})
    etree.SubElement(
        process, _q(BPMN, "documentation")
    ).text = f"{definition.id} v{definition.version}; source {definition.source.seed}"
    lane_set = etree.SubElement(process, _q(BPMN, "laneSet"), {"id": "LaneSet_1"})
    lane_elements = {}
    for lane in layout.lanes:
        lane_elements[lane.key] = etree.SubElement(
            lane_set, _q(BPMN, "lane"), {"id": f"Lane_{lane.index}", "name": _lane_name(lane.key, language)}
        )
    incoming: dict[str, list[str]] = {}
    outgoing: dict[str, list[str]] = {}
    for flow in flows:
        outgoing.setdefault(flow.source, []).append(flow.id)
        incoming.setdefault(flow.target, []).append(flow.id)

    def connect(element: etree._Element, element_id: str) -> None:
        for flow_id in incoming.get(element_id, []):
            etree.SubElement(element, _q(BPMN, "incoming")).text = flow_id
        for flow_id in outgoing.get(element_id, []):
            etree.SubElement(element, _q(BPMN, "outgoing")).text = flow_id

    for node in layout.nodes:
        element_id = _element_id(node.id)
        etree.SubElement(lane_elements[node.lane.key], _q(BPMN, "flowNodeRef")).text = element_id
        if node.step is not None and node.step.branches:
            etree.SubElement(lane_elements[node.lane.key], _q(BPMN, "flowNodeRef")).text = f"Gateway_{node.id}"
        if node.kind == "start":
            element = etree.SubElement(process, _q(BPMN, "startEvent"), {"id": element_id})
        elif node.kind == "end":
            element = etree.SubElement(process, _q(BPMN, "endEvent"), {"id": element_id})
        else:
            assert node.step is not None
            tag = "userTask" if node.step.role.value in HUMAN_ROLES else "serviceTask"
            element = etree.SubElement(
                process, _q(BPMN, tag), {"id": element_id, "name": _task_name(node.step, language)}
            )
            etree.SubElement(element, _q(BPMN, "documentation")).text = text_in(node.step.action, language, original)
            _extension(element, node.step)
        connect(element, element_id)
        if node.step is not None and node.step.branches:
            gateway_id = f"Gateway_{node.id}"
            gateway = etree.SubElement(
                process, _q(BPMN, "exclusiveGateway"), {"id": gateway_id, "default": defaults[gateway_id]}
            )
            connect(gateway, gateway_id)
    for flow in flows:
        element = etree.SubElement(
            process, _q(BPMN, "sequenceFlow"), {"id": flow.id, "sourceRef": flow.source, "targetRef": flow.target}
        )
        if flow.condition:
            expression = etree.SubElement(
                element, _q(BPMN, "conditionExpression"), {_q(XSI, "type"): "bpmn:tFormalExpression"}
            )
            expression.text = flow.condition
    _diagram(root, layout, flows)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _diagram(root: etree._Element, layout: Layout, flows: list[_Flow]) -> None:
    diagram = etree.SubElement(root, _q(BPMNDI, "BPMNDiagram"), {"id": "BPMNDiagram_1"})
    plane = etree.SubElement(diagram, _q(BPMNDI, "BPMNPlane"), {"id": "BPMNPlane_1", "bpmnElement": "Collaboration_1"})
    first, last = layout.lanes[0], layout.lanes[-1]
    left, right = 20, layout.width - 20
    shape = etree.SubElement(
        plane,
        _q(BPMNDI, "BPMNShape"),
        {"id": "Participant_1_di", "bpmnElement": "Participant_1", "isHorizontal": "true"},
    )
    _bounds(
        shape,
        left,
        first.y,
        right - left,
        last.y + (last.y - first.y) // max(len(layout.lanes) - 1, 1) + 150 - first.y if len(layout.lanes) > 1 else 150,
    )
    for lane in layout.lanes:
        shape = etree.SubElement(
            plane,
            _q(BPMNDI, "BPMNShape"),
            {"id": f"Lane_{lane.index}_di", "bpmnElement": f"Lane_{lane.index}", "isHorizontal": "true"},
        )
        _bounds(shape, left + 30, lane.y, right - left - 30, 150)
    for node in layout.nodes:
        element_id = _element_id(node.id)
        shape = etree.SubElement(plane, _q(BPMNDI, "BPMNShape"), {"id": f"{element_id}_di", "bpmnElement": element_id})
        _bounds(shape, node.x, node.y, node.width, node.height)
        if node.step is not None and node.step.branches:
            gx, gy = _gateway_box(node)
            shape = etree.SubElement(
                plane,
                _q(BPMNDI, "BPMNShape"),
                {"id": f"Gateway_{node.id}_di", "bpmnElement": f"Gateway_{node.id}", "isMarkerVisible": "true"},
            )
            _bounds(shape, gx, gy, GATEWAY_SIZE, GATEWAY_SIZE)
    for flow in flows:
        edge = etree.SubElement(plane, _q(BPMNDI, "BPMNEdge"), {"id": f"{flow.id}_di", "bpmnElement": flow.id})
        for x, y in flow.points:
            etree.SubElement(edge, _q(DI, "waypoint"), {"x": str(x), "y": str(y)})
