"""Lay out one channel's procedure as swimlanes: lanes per actor, columns by flow depth.

Pure geometry shared by the SVG drawing and the BPMN diagram interchange, so a
modeler shows the same picture as the regulation's appendix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from qyzmet.catalog.lint import END, successors
from qyzmet.catalog.schema import ServiceDefinition, Step

LANE_HEADER = 150
LANE_HEIGHT = 150
COLUMN_WIDTH = 240
BOX_WIDTH = 160
BOX_HEIGHT = 96
EVENT_SIZE = 36
MARGIN = 20

START_ID = "start"
END_PREFIX = "end_"


@dataclass(frozen=True)
class Lane:
    key: tuple[str, str]  # (organization, role)
    index: int

    @property
    def y(self) -> int:
        return MARGIN + self.index * LANE_HEIGHT


@dataclass(frozen=True)
class Node:
    """A placed element: a step, the start event or an end event."""

    id: str
    kind: str  # "start", "end" or "step"
    lane: Lane
    column: int
    step: Step | None = None

    @property
    def width(self) -> int:
        return BOX_WIDTH if self.kind == "step" else EVENT_SIZE

    @property
    def height(self) -> int:
        return BOX_HEIGHT if self.kind == "step" else EVENT_SIZE

    @property
    def x(self) -> int:
        return MARGIN + LANE_HEADER + self.column * COLUMN_WIDTH + (COLUMN_WIDTH - self.width) // 2

    @property
    def y(self) -> int:
        return self.lane.y + (LANE_HEIGHT - self.height) // 2


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str | None
    points: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Layout:
    lanes: tuple[Lane, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    width: int
    height: int

    def node(self, node_id: str) -> Node:
        return next(n for n in self.nodes if n.id == node_id)


def _flow(steps: list[Step]) -> dict[str, list[tuple[str, str | None]]]:
    """Step id -> [(target id, branch label)], with 'end' made unique per step."""
    flow: dict[str, list[tuple[str, str | None]]] = {}
    for position, step in enumerate(steps):
        targets = successors(steps, position)
        labels: list[str | None] = [b.when for b in step.branches] if step.branches else [None] * len(targets)
        flow[step.id] = [
            (END_PREFIX + step.id if target == END else target, label)
            for target, label in zip(targets, labels, strict=True)
        ]
    return flow


def lane_key(step: Step) -> tuple[str, str]:
    """The applicant has one lane wherever they act; everyone else a lane per organization and role."""
    if step.role.value == "applicant":
        return ("applicant", "applicant")
    return (step.organization.value, step.role.value)


def system_lane_key(step: Step) -> tuple[str, str]:
    """Lanes per information system (and the applicant), for the functional-interaction diagram."""
    if step.role.value == "applicant":
        return ("applicant", "applicant")
    return (step.organization.value, "system")


LaneKey = Callable[[Step], tuple[str, str]]


def _lanes(steps: list[Step], key_of: LaneKey) -> dict[tuple[str, str], Lane]:
    keys: list[tuple[str, str]] = [("applicant", "applicant")]
    for step in steps:
        key = key_of(step)
        if key not in keys:
            keys.append(key)
    return {key: Lane(key, index) for index, key in enumerate(keys)}


def _orthogonal(source: Node, target: Node) -> tuple[tuple[int, int], ...]:
    start = (source.x + source.width, source.y + source.height // 2)
    end = (target.x, target.y + target.height // 2)
    if start[1] == end[1] and end[0] > start[0]:
        return (start, end)
    if end[0] > start[0]:
        middle = end[0] - (COLUMN_WIDTH - BOX_WIDTH) // 2 + 4
        return (start, (middle, start[1]), (middle, end[1]), end)
    # A backward edge (rare): go below the source lane and come back.
    below = source.lane.y + LANE_HEIGHT - 6
    return (start, (start[0] + 10, start[1]), (start[0] + 10, below), (end[0] - 10, below), (end[0] - 10, end[1]), end)


def layout_steps(steps: list[Step], key_of: LaneKey = lane_key) -> Layout:
    """Place the start event, every step and an end event per ending step, without overlaps."""
    lanes = _lanes(steps, key_of)
    flow = _flow(steps)
    occupied: set[tuple[int, int]] = set()
    columns: dict[str, int] = {}
    placed: dict[str, Node] = {}

    def place(node_id: str, kind: str, lane: Lane, column: int, step: Step | None = None) -> None:
        while (lane.index, column) in occupied:
            column += 1
        occupied.add((lane.index, column))
        columns[node_id] = column
        placed[node_id] = Node(node_id, kind, lane, column, step)

    applicant = lanes[("applicant", "applicant")]
    place(START_ID, "start", applicant, 0)
    predecessors: dict[str, list[str]] = {step.id: [] for step in steps}
    if steps:
        predecessors[steps[0].id].append(START_ID)
    for step in steps:
        for target, _ in flow[step.id]:
            if target in predecessors:
                predecessors[target].append(step.id)
    for step in steps:  # steps are in text order, which is a topological order for forward flows
        earlier = [columns[p] for p in predecessors[step.id] if p in columns]
        place(step.id, "step", lanes[key_of(step)], max(earlier, default=0) + 1, step)
        for target, _ in flow[step.id]:
            if target.startswith(END_PREFIX) and target not in placed:
                place(target, "end", placed[step.id].lane, columns[step.id] + 1)
    edges: list[Edge] = []
    if steps:
        edges.append(Edge(START_ID, steps[0].id, None, _orthogonal(placed[START_ID], placed[steps[0].id])))
    for step in steps:
        for target, label in flow[step.id]:
            edges.append(Edge(step.id, target, label, _orthogonal(placed[step.id], placed[target])))
    width = MARGIN * 2 + LANE_HEADER + (max(columns.values()) + 1) * COLUMN_WIDTH
    height = MARGIN * 2 + len(lanes) * LANE_HEIGHT
    return Layout(tuple(lanes.values()), tuple(placed.values()), tuple(edges), width, height)


def layout_channel(definition: ServiceDefinition, channel: str) -> Layout:
    return layout_steps(definition.channel_steps(channel))
