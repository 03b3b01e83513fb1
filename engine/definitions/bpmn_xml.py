"""Reading uploaded BPMN safely, and the facts the engine needs from it.

We parse every upload ourselves before SpiffWorkflow sees it: its parser uses lxml's
defaults, which resolve entities. Here DTDs, entities and the network are off, and any
DOCTYPE is refused outright (billion-laughs and external-entity attacks need one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import XSD_PATH

from engine.errors import Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
KETNAP_NS = "urn:ketnap:bpmn:1"
NS = {"bpmn": BPMN_NS, "ketnap": KETNAP_NS}
MAX_FILE_BYTES = 5 * 1024 * 1024

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
}
USER_TASK_TAGS = {"userTask", "manualTask"}


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


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


def schema_problems(name: str, root: etree._Element) -> list[Problem]:
    schema = _schema()
    if schema.validate(root):
        return []
    return [
        Problem(name, f"BPMN schema: {err.message}", line=err.line) for err in schema.error_log
    ][:50]


def local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


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
        for node in proc.iter():
            tag = local(node.tag)
            if node.get("id") is None or node is proc or tag in ("lane", "laneSet"):
                continue
            if node.getparent() is not None and local(node.getparent().tag) == "laneSet":
                continue
            info.nodes[node.get("id")] = {
                "tag": tag,
                "name": node.get("name") or "",
                "lane": lane_of(node, lane_ids),
                "form": ketnap_attr(node, "form"),
                "due": ketnap_attr(node, "due"),
                "due_from": ketnap_attr(node, "dueFrom"),
                "escalation": ketnap_attr(node, "escalation") == "true",
                # Words for the domain's check of the task's form (engine.submission).
                "options": ketnap_attr(node, "options"),
                "line": node.sourceline,
            }
            if tag == "callActivity" and node.get("calledElement"):
                info.calls.append((node.get("id"), node.get("calledElement")))
        infos.append(info)
    return infos


def lane_of(node: etree._Element, lanes: dict[str, str]) -> str | None:
    """The lane (``lanes``: element id -> lane) of ``node`` or of its nearest container."""
    # A task inside an embedded sub-process sits in the lane of that sub-process.
    while node is not None:
        lane = lanes.get(node.get("id") or "")
        if lane:
            return lane
        node = node.getparent()
    return None


def structure_problems(name: str, root: etree._Element, info: ProcessInfo) -> list[Problem]:
    """Checks SpiffWorkflow would report one at a time, or not at all."""
    problems = []
    # A variable, not the id pasted into the path: an id may hold quotes.
    proc = root.xpath("bpmn:process[@id=$id]", namespaces=NS, id=info.id)[0]
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


def expressions(root: etree._Element) -> list[tuple[str | None, str, str, int]]:
    """Every expression or script in the file: (element id, source, mode, line)."""
    found: list[tuple[str | None, str, str, int]] = []
    for node in root.iter():
        mode = EXPRESSION_TAGS.get(local(node.tag))
        if mode is None or local(node.tag) == "condition" and node.getparent() is None:
            continue
        text = (node.text or "").strip()
        if not text:
            continue
        owner = node
        while owner is not None and owner.get("id") is None:
            owner = owner.getparent()
        found.append((owner.get("id") if owner is not None else None, text, mode, node.sourceline))
    return found
