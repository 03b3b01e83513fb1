"""Reading uploaded BPMN safely, and the facts the engine needs from it.

We parse every upload ourselves before SpiffWorkflow sees it: its parser uses lxml's
defaults, which resolve entities. Here DTDs, entities and the network are off, and any
DOCTYPE is refused outright (billion-laughs and external-entity attacks need one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import XSD_PATH

from engine.errors import Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
KETNAP_NS = "urn:ketnap:bpmn:1"
NS = {"bpmn": BPMN_NS, "ketnap": KETNAP_NS}
MAX_FILE_BYTES = 5 * 1024 * 1024
# Elements in one file: the admission diagram has 567, shapes and edges included. Counted
# before the file is parsed, as every later pass (ours, the schema's, SpiffWorkflow's)
# costs per element.
MAX_ELEMENTS = 20_000
# Up to this many elements, the schema check also names each problem's line: libxml2
# works out every error's place in the tree, at a cost that grows with the number of
# errors times the elements before them, so a large file full of errors is checked in
# one streaming pass instead, which knows no lines.
SCHEMA_LINES_ELEMENTS = 1_000
MAX_SCHEMA_PROBLEMS = 50

_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)

# Elements whose text is a Python expression (evaluated) or a script (executed).
EXPRESSION_TAGS = {
    "conditionExpression": "eval",
    "timeDate": "eval",
    "timeDuration": "eval",
    "timeCycle": "eval",
    "loopCardinality": "eval",
    "completionCondition": "eval",
    "condition": "eval",
    "script": "exec",
    # SpiffArena's scripts around a task (engine.definitions.spiff_scripts).
    "preScript": "exec",
    "postScript": "exec",
}
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
USER_TASK_TAGS = {"userTask", "manualTask"}
# Flow nodes: what sequence flows connect. Each needs a way in (but a start or boundary
# event) and a way out (but an end event); an unconnected one is drawn but never runs,
# or ends its branch silently.
FLOW_NODE_TAGS = {
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask",
    "receiveTask", "businessRuleTask", "callActivity", "subProcess", "transaction",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
    "complexGateway", "startEvent", "endEvent", "intermediateCatchEvent",
    "intermediateThrowEvent", "boundaryEvent",
}  # fmt: skip


def _parser(schema: etree.XMLSchema | None = None) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
        schema=schema,
    )


def element_count(content: bytes, limit: int = MAX_ELEMENTS) -> int:
    """The number of elements in ``content``, counted up to ``limit + 1`` only: a cheap
    upper bound from its tags first, and when that is over the limit, a streaming count
    (a "<" inside a comment or a script counts as a tag in the bound, not in the count)."""
    bound = content.count(b"<") - content.count(b"</")
    if bound <= limit:
        return max(bound, 0)
    count = 0
    try:
        for _event, _element in etree.iterparse(
            BytesIO(content),
            events=("start",),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        ):
            count += 1
            if count > limit:
                break
    except etree.XMLSyntaxError:
        pass  # the parse that follows says what is malformed, and where
    return count


def parse_secure(name: str, content: bytes) -> tuple[etree._Element | None, list[Problem]]:
    """Parse one uploaded file, or say why it cannot be used."""
    if len(content) > MAX_FILE_BYTES:
        return None, [
            Problem(name, f"file too large ({len(content)} bytes, at most {MAX_FILE_BYTES})")
        ]
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as err:
        # Stored and shown as UTF-8 text: another encoding would fail later, far from here.
        return None, [Problem(name, f"file is not UTF-8 (byte {err.start}); save it as UTF-8")]
    if _DECLARATION.search(content):
        return None, [
            Problem(name, "DOCTYPE and ENTITY declarations are not allowed in BPMN files")
        ]
    if element_count(content) > MAX_ELEMENTS:
        return None, [
            Problem(
                name,
                f"too many XML elements (more than {MAX_ELEMENTS:,}): split the diagram "
                "into called processes",
            )
        ]
    try:
        root = etree.fromstring(content, _parser())
    except etree.XMLSyntaxError as err:
        return None, [Problem(name, f"malformed XML: {err.msg}", line=err.lineno)]
    if root.getroottree().docinfo.doctype:
        return None, [Problem(name, "DOCTYPE declarations are not allowed in BPMN files")]
    if root.tag != f"{{{BPMN_NS}}}definitions":
        return None, [
            Problem(
                name,
                "not a BPMN 2.0 file: the root element must be bpmn:definitions",
                line=root.sourceline,
            )
        ]
    return root, []


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    with open(XSD_PATH, "rb") as xsd:
        return etree.XMLSchema(etree.parse(xsd, _parser()))


def schema_problems(name: str, root: etree._Element, content: bytes) -> list[Problem]:
    """What the BPMN schema says of one parsed file (``content`` as uploaded): the first
    MAX_SCHEMA_PROBLEMS problems, with their lines when the file is small."""
    schema = _schema()
    try:  # one streaming pass: linear, whatever the number of errors
        etree.fromstring(content, _parser(schema))
        return []
    except etree.XMLSyntaxError as err:
        errors = list(err.error_log)
    if element_count(content, SCHEMA_LINES_ELEMENTS) <= SCHEMA_LINES_ELEMENTS:
        schema.validate(root)
        errors = list(schema.error_log)
    return [
        Problem(name, f"BPMN schema: {error.message}", line=error.line or None)
        for error in errors[:MAX_SCHEMA_PROBLEMS]
    ]


def local(tag) -> str:
    """``{namespace}name`` without its namespace (quicker than etree.QName)."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def ketnap_attr(node: etree._Element, name: str) -> str | None:
    value = node.get(f"{{{KETNAP_NS}}}{name}")
    return value.strip() if value is not None and value.strip() else None


@dataclass
class ProcessInfo:
    """What the engine reads of one process: its lanes and its flow elements."""

    id: str
    name: str
    executable: bool
    file: str
    element: etree._Element = field(repr=False, compare=False)  # the bpmn:process
    lanes: dict[str, dict] = field(default_factory=dict)  # lane id -> name, resolver
    nodes: dict[str, dict] = field(default_factory=dict)  # element id -> metadata
    calls: list[tuple[str, str]] = field(default_factory=list)  # (element id, called process)

    def as_dict(self) -> dict:
        return {"name": self.name, "file": self.file, "lanes": self.lanes, "nodes": self.nodes}


def read_processes(name: str, root: etree._Element) -> list[ProcessInfo]:
    infos = []
    for proc in root.iterfind("bpmn:process", NS):
        info = ProcessInfo(
            id=proc.get("id", ""),
            name=proc.get("name") or proc.get("id", ""),
            executable=proc.get("isExecutable", "false").lower() == "true",
            file=name,
            element=proc,
        )
        lane_ids = {}
        for lane in proc.iterfind(".//bpmn:lane", NS):
            lane_id = lane.get("id", "")
            info.lanes[lane_id] = {
                "name": lane.get("name") or lane_id,
                "resolver": ketnap_attr(lane, "resolver"),
                "line": lane.sourceline,
            }
            for ref in lane.iterfind("bpmn:flowNodeRef", NS):
                if ref.text:
                    lane_ids[ref.text.strip()] = lane_id
        lane_of = lanes_within(proc, lane_ids)
        for node in proc.iter():
            tag = local(node.tag)
            if node.get("id") is None or node is proc or tag in ("lane", "laneSet"):
                continue
            if node.getparent() is not None and local(node.getparent().tag) == "laneSet":
                continue
            info.nodes[node.get("id")] = {
                "tag": tag,
                "name": node.get("name") or "",
                "lane": lane_of[node],
                "form": ketnap_attr(node, "form"),
                "due": ketnap_attr(node, "due"),
                "due_from": ketnap_attr(node, "dueFrom"),
                "escalation": ketnap_attr(node, "escalation") == "true",
                # Words for the domain's check of the task's form (engine.submission).
                "options": ketnap_attr(node, "options"),
                # SpiffArena's text for the person doing the task (Markdown), kept for
                # the task page.
                "instructions": _instructions(node),
                "line": node.sourceline,
            }
            if tag == "callActivity" and node.get("calledElement"):
                info.calls.append((node.get("id"), node.get("calledElement")))
        infos.append(info)
    return infos


def _instructions(node: etree._Element) -> str | None:
    extensions = node.find(f"{{{BPMN_NS}}}extensionElements")
    if extensions is None:
        return None
    return (extensions.findtext(f"{{{SPIFF_NS}}}instructionsForEndUser") or "").strip() or None


def lanes_within(container: etree._Element, lanes: dict[str, str]) -> dict:
    """The lane of every element in ``container``: its own (``lanes``: element id ->
    lane), else that of its nearest container; a task inside an embedded sub-process sits
    in the lane of that sub-process. Found in one pass from the top, not by walking up
    from each element (a cost of elements times depth)."""
    found = {container: lanes.get(container.get("id") or "")}
    for node in container.iter():
        if node is not container:
            found[node] = lanes.get(node.get("id") or "") or found[node.getparent()]
    return found


def structure_problems(name: str, info: ProcessInfo) -> list[Problem]:
    """Checks SpiffWorkflow would report one at a time, or not at all."""
    problems = []
    proc = info.element  # not looked up by id: a lookup per process made the check quadratic
    ids = set(info.nodes)
    if info.executable and proc.find("bpmn:startEvent", NS) is None:
        problems.append(Problem(name, "the process has no start event", info.id, proc.sourceline))
    for flow in proc.iterfind(".//bpmn:sequenceFlow", NS):
        for end in ("sourceRef", "targetRef"):
            target = flow.get(end)
            if not target or target not in ids:
                problems.append(
                    Problem(
                        name,
                        f"sequence flow {end} points to no element ({target or 'empty'})",
                        flow.get("id"),
                        flow.sourceline,
                    )
                )
    return problems


def unconnected_problems(name: str, proc: etree._Element) -> list[Problem]:
    """Flow nodes without an incoming or an outgoing sequence flow where they need one."""
    sources, targets = set(), set()
    for flow in proc.iterfind(".//bpmn:sequenceFlow", NS):
        sources.add(flow.get("sourceRef"))
        targets.add(flow.get("targetRef"))
    problems = []
    for node in proc.iter():
        tag = local(node.tag)
        if tag not in FLOW_NODE_TAGS or _outside_the_flow(node):
            continue
        node_id = node.get("id")
        line = node.sourceline
        if tag not in ("startEvent", "boundaryEvent") and node_id not in targets:
            problems.append(Problem(name, "no sequence flow leads to this element", node_id, line))
        if tag != "endEvent" and node_id not in sources:
            problems.append(Problem(name, "no sequence flow leaves this element", node_id, line))
    return problems


def _outside_the_flow(node: etree._Element) -> bool:
    """An event sub-process (started by its event), a compensation handler and its
    boundary event (joined by an association), and a link event (its pair stands for
    the flow) take no part in the sequence flows."""
    if node.get("triggeredByEvent") == "true" or node.get("isForCompensation") == "true":
        return True
    if (
        local(node.tag) == "boundaryEvent"
        and node.find("bpmn:compensateEventDefinition", NS) is not None
    ):
        return True
    return node.find("bpmn:linkEventDefinition", NS) is not None


def expressions(root: etree._Element) -> list[tuple[str | None, str, str, int]]:
    """Every expression or script in the file: (element id, source, mode, line)."""
    found: list[tuple[str | None, str, str, int]] = []
    owners: dict = {root: root.get("id")}  # element -> the id of it or its nearest container
    for node in root.iter():
        if node is not root:
            owners[node] = node.get("id") or owners[node.getparent()]
        mode = EXPRESSION_TAGS.get(local(node.tag))
        if mode is None or local(node.tag) == "condition" and node.getparent() is None:
            continue
        text = (node.text or "").strip()
        if text:
            found.append((owners[node], text, mode, node.sourceline))
    return found
