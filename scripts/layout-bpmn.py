#!/usr/bin/env python3
"""Generate the diagram layout (BPMNDiagram) of BPMN files from their process model.

    .venv/bin/python scripts/layout-bpmn.py bpmn/*.bpmn

We write the process model by hand and let this script draw it, so that a change to
the flow never leaves a stale or half-edited drawing behind. Each file must have one
collaboration whose participants name its processes. The layout is simple: one pool
per process, one horizontal band per lane (in laneSet order), a column per step of
the longest path from the start (loops are drawn as back edges under their nodes),
and nodes sharing a lane and a column stacked. Any existing BPMNDiagram is replaced.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lxml import etree

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
SIZES = {"task": (100, 80), "event": (36, 36), "gateway": (50, 50)}
COL_W, ROW_H, LANE_PAD, POOL_LABEL, X0, Y0 = 150, 120, 20, 30, 40, 40
EVENTS = {
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
}


def _tag(node) -> str:
    return etree.QName(node).localname


def _kind(tag: str) -> str:
    if tag in EVENTS:
        return "event"
    return "gateway" if tag.endswith("Gateway") else "task"


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


class Process:
    """The flow graph of one process, with the column and row of each node."""

    def __init__(self, proc):
        self.lanes = [lane.get("id") for lane in proc.iterfind(".//bpmn:lane", NS)]
        self.lane_of = {
            ref.text.strip(): lane.get("id")
            for lane in proc.iterfind(".//bpmn:lane", NS)
            for ref in lane.iterfind("bpmn:flowNodeRef", NS)
        }
        self.nodes = {
            n.get("id"): n
            for n in proc
            if isinstance(n.tag, str) and n.get("id") and _tag(n) not in ("laneSet", "sequenceFlow")
        }
        self.flows = [
            (f.get("id"), f.get("sourceRef"), f.get("targetRef"))
            for f in proc.iterfind("bpmn:sequenceFlow", NS)
        ]
        self.attached = {
            i: n.get("attachedToRef") for i, n in self.nodes.items() if _tag(n) == "boundaryEvent"
        }
        missing = [i for i in self.nodes if i not in self.lane_of]
        if missing:
            raise SystemExit(f"{proc.get('id')}: not in any lane: {', '.join(missing)}")
        self.col = self._columns()
        self.row = self._rows()

    def _successors(self, node: str) -> list[str]:
        found = [t for _, s, t in self.flows if s == node]
        return found + [b for b, host in self.attached.items() if host == node]

    def _columns(self) -> dict[str, int]:
        # Depth-first from the starts: an edge back to a node on the current path is a
        # loop; the others form a DAG, laid out by longest path.
        back, state = set(), {}

        def visit(node):
            state[node] = "open"
            for nxt in self._successors(node):
                if state.get(nxt) == "open":
                    back.add((node, nxt))
                elif nxt not in state:
                    visit(nxt)
            state[node] = "done"

        for node, element in self.nodes.items():
            if _tag(element) == "startEvent":
                visit(node)
        col = {node: 0 for node in self.nodes}
        for _ in range(len(self.nodes)):  # relax until stable (a DAG: bounded)
            changed = False
            for node in self.nodes:
                for nxt in self._successors(node):
                    step = 0 if nxt in self.attached else 1
                    if (node, nxt) not in back and col[nxt] < col[node] + step:
                        col[nxt], changed = col[node] + step, True
            if not changed:
                break
        return col

    def _rows(self) -> dict[str, int]:
        row, used = {}, {}
        for node in sorted(self.nodes, key=lambda n: (self.col[n], list(self.nodes).index(n))):
            if node in self.attached:
                continue
            key = (self.lane_of[node], self.col[node])
            row[node] = used.get(key, 0)
            used[key] = row[node] + 1
        return row


def _bounds(parent, x, y, w, h) -> None:
    etree.SubElement(
        parent,
        _q("dc", "Bounds"),
        x=str(round(x)),
        y=str(round(y)),
        width=str(round(w)),
        height=str(round(h)),
    )


def layout(root) -> None:
    for old in root.iterfind("bpmndi:BPMNDiagram", NS):
        root.remove(old)
    collab = root.find("bpmn:collaboration", NS)
    diagram = etree.SubElement(root, _q("bpmndi", "BPMNDiagram"), id=f"diagram_{collab.get('id')}")
    plane = etree.SubElement(
        diagram,
        _q("bpmndi", "BPMNPlane"),
        id=f"plane_{collab.get('id')}",
        bpmnElement=collab.get("id"),
    )
    top = Y0
    for participant in collab.iterfind("bpmn:participant", NS):
        proc = root.find(f"bpmn:process[@id='{participant.get('processRef')}']", NS)
        top = _draw(plane, participant, Process(proc), top) + 60


def _draw(plane, participant, p: Process, top: float) -> float:
    rows = {
        lane: 1 + max([p.row[n] for n in p.nodes if p.lane_of[n] == lane and n in p.row] or [0])
        for lane in p.lanes
    }
    lane_y, y = {}, top
    for lane in p.lanes:
        lane_y[lane], y = y, y + rows[lane] * ROW_H + 2 * LANE_PAD
    width = POOL_LABEL * 2 + (max(p.col.values()) + 1) * COL_W
    shape = etree.SubElement(
        plane,
        _q("bpmndi", "BPMNShape"),
        id=f"{participant.get('id')}_di",
        bpmnElement=participant.get("id"),
        isHorizontal="true",
    )
    _bounds(shape, X0, top, width, y - top)
    for lane in p.lanes:
        shape = etree.SubElement(
            plane, _q("bpmndi", "BPMNShape"), id=f"{lane}_di", bpmnElement=lane, isHorizontal="true"
        )
        _bounds(
            shape,
            X0 + POOL_LABEL,
            lane_y[lane],
            width - POOL_LABEL,
            rows[lane] * ROW_H + 2 * LANE_PAD,
        )
    box = {}
    for node, element in p.nodes.items():
        if node in p.attached:
            continue
        w, h = SIZES[_kind(_tag(element))]
        cx = X0 + 2 * POOL_LABEL + p.col[node] * COL_W + COL_W / 2
        cy = lane_y[p.lane_of[node]] + LANE_PAD + p.row[node] * ROW_H + ROW_H / 2
        box[node] = (cx - w / 2, cy - h / 2, w, h)
    for node, host in p.attached.items():  # on the lower edge of the task it guards
        hx, hy, hw, hh = box[host]
        box[node] = (hx + hw - 38, hy + hh - 18, 36, 36)
    for node, element in p.nodes.items():
        extra = {"isMarkerVisible": "true"} if _tag(element) == "exclusiveGateway" else {}
        shape = etree.SubElement(
            plane, _q("bpmndi", "BPMNShape"), id=f"{node}_di", bpmnElement=node, **extra
        )
        _bounds(shape, *box[node])
    for flow, source, target in p.flows:
        edge = etree.SubElement(plane, _q("bpmndi", "BPMNEdge"), id=f"{flow}_di", bpmnElement=flow)
        for x, y in _route(
            box[source],
            box[target],
            source in p.attached,
            _kind(_tag(p.nodes[source])) == "gateway",
        ):
            etree.SubElement(edge, _q("di", "waypoint"), x=str(round(x)), y=str(round(y)))
    return y


def _route(src, dst, from_boundary: bool, from_gateway: bool) -> list[tuple[float, float]]:
    sx, sy, sw, sh = src
    tx, ty, tw, th = dst
    s_mid, t_mid = (sx + sw / 2, sy + sh / 2), (tx + tw / 2, ty + th / 2)
    skips = from_gateway and abs(s_mid[1] - t_mid[1]) <= 1 and tx - (sx + sw) > COL_W
    if tx <= sx or skips:  # a loop, or a bypass: under the nodes in between
        low = max(sy + sh, ty + th) + 25
        return [(s_mid[0], sy + sh), (s_mid[0], low), (t_mid[0], low), (t_mid[0], ty + th)]
    if from_boundary and t_mid[1] <= sy + sh:  # down off the task, then round it
        below, bend = sy + sh + 12, tx - 25
        return [
            (s_mid[0], sy + sh),
            (s_mid[0], below),
            (bend, below),
            (bend, t_mid[1]),
            (tx, t_mid[1]),
        ]
    if from_boundary or (from_gateway and abs(s_mid[1] - t_mid[1]) > 1):
        start_y = sy + sh if t_mid[1] > s_mid[1] else sy
        return [(s_mid[0], start_y), (s_mid[0], t_mid[1]), (tx, t_mid[1])]
    if abs(s_mid[1] - t_mid[1]) <= 1:
        return [(sx + sw, s_mid[1]), (tx, t_mid[1])]
    bend = tx - 25
    return [(sx + sw, s_mid[1]), (bend, s_mid[1]), (bend, t_mid[1]), (tx, t_mid[1])]


def main(paths: list[str]) -> None:
    parser = etree.XMLParser(remove_blank_text=False, resolve_entities=False, no_network=True)
    for path in map(Path, paths):
        tree = etree.parse(str(path), parser)
        layout(tree.getroot())
        for element in tree.getroot().iter(_q("bpmndi", "BPMNDiagram")):
            etree.indent(element, space="  ", level=1)
            element.tail = "\n"
        tree.write(str(path), xml_declaration=True, encoding="UTF-8")
        print(f"{path}: laid out")


if __name__ == "__main__":
    main(sys.argv[1:] or sys.exit(__doc__))
