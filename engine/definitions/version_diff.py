"""What changed between two versions of a definition: elements and forms.

An element is compared by its id across all the version's diagrams: its type, name,
process and lane, its attributes (our ``ketnap:*`` ones included, vendor ones too), the
expressions it holds (conditions, scripts, timers, multi-instance settings) and the
kinds of event it reacts to. Forms are compared by name, and within a form field by
field name. Layout (coordinates) is not a change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.definitions import bpmn_xml

_SKIPPED_ATTRS = {"id", "name"}
_EXPRESSION_TAGS = set(bpmn_xml.EXPRESSION_TAGS) | {
    "loopDataInputRef",
    "loopDataOutputRef",
    "documentation",
}


@dataclass
class Change:
    id: str
    kind: str  # the element's type, or "form" / "field"
    name: str
    fields: list[tuple[str, object, object]] = field(default_factory=list)  # (what, old, new)


@dataclass
class Diff:
    """Changes of elements, of forms (FormChange) or of a form's fields."""

    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    changed: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _qualified(root, attribute: str) -> str:
    """``{uri}local`` as ``prefix:local`` with the file's own prefix, else the local name."""
    if not attribute.startswith("{"):
        return attribute
    uri, local = attribute[1:].split("}", 1)
    prefix = next((p for p, u in (root.nsmap or {}).items() if u == uri and p), None)
    return f"{prefix}:{local}" if prefix else local


def _signature(root, node, process: str, lane: str | None) -> dict:
    sig = {
        "type": bpmn_xml.local(node.tag),
        "name": node.get("name") or "",
        "process": process,
        "lane": lane or "",
    }
    for attribute, value in node.attrib.items():
        name = _qualified(root, attribute)
        if name not in _SKIPPED_ATTRS:
            sig[name] = value
    events = []
    for child in _own_parts(node):
        tag = bpmn_xml.local(child.tag)
        if tag.endswith("EventDefinition"):
            events.append(tag.replace("EventDefinition", ""))
        if tag in _EXPRESSION_TAGS and (child.text or "").strip():
            sig[tag] = child.text.strip()
    if events:
        sig["events"] = ", ".join(events)
    return sig


def _own_parts(node):
    """What ``node`` holds, short of the elements inside it that have signatures of their
    own (a sub-process's tasks): each element is walked once, whatever the nesting."""
    stack = list(reversed(node))  # popped in document order
    while stack:
        child = stack.pop()
        if not isinstance(child.tag, str):
            continue
        if child.get("id") is not None and not _in_expression(child):
            continue
        yield child
        stack.extend(reversed(child))


def _lane_names(proc) -> dict[str, str]:
    names = {}
    for lane in proc.iterfind(".//bpmn:lane", bpmn_xml.NS):
        for ref in lane.iterfind("bpmn:flowNodeRef", bpmn_xml.NS):
            if ref.text:
                names[ref.text.strip()] = lane.get("name") or lane.get("id")
    return names


def elements(files: dict[str, str]) -> dict[str, dict]:
    """Every element with an id inside a process or a collaboration: id -> signature."""
    found = {}
    for name, text in sorted(files.items()):
        root, _ = bpmn_xml.parse_secure(name, text.encode("utf-8"))
        if root is None:
            continue
        for container in root:
            tag = bpmn_xml.local(container.tag)
            if tag not in ("process", "collaboration"):
                continue
            lanes = _lane_names(container) if tag == "process" else {}
            lane_of = bpmn_xml.lanes_within(container, lanes)
            owner = container.get("id") or ""
            for node in container.iter():
                if not isinstance(node.tag, str) or node.get("id") is None or node is container:
                    continue
                if _in_expression(node):
                    continue
                found[node.get("id")] = _signature(root, node, owner, lane_of[node])
    return found


def _in_expression(node) -> bool:
    # An event definition or an expression with an id is part of its element's signature.
    tag = bpmn_xml.local(node.tag)
    return (
        tag.endswith("EventDefinition")
        or tag in _EXPRESSION_TAGS
        or tag
        in (
            "laneSet",
            "flowNodeRef",
            "multiInstanceLoopCharacteristics",
            "inputDataItem",
            "outputDataItem",
        )
    )


def _fields_changed(old: dict, new: dict) -> list[tuple[str, object, object]]:
    keys = list(dict.fromkeys([*old, *new]))
    return [(key, old.get(key), new.get(key)) for key in keys if old.get(key) != new.get(key)]


def _compare(old: dict[str, dict], new: dict[str, dict], kind_of, name_of) -> Diff:
    diff = Diff()
    for key in new:
        if key not in old:
            diff.added.append(Change(key, kind_of(new[key]), name_of(new[key])))
    for key in old:
        if key not in new:
            diff.removed.append(Change(key, kind_of(old[key]), name_of(old[key])))
        elif old[key] != new[key]:
            diff.changed.append(
                Change(
                    key, kind_of(new[key]), name_of(new[key]), _fields_changed(old[key], new[key])
                )
            )
    return diff


def diff_elements(old_files: dict[str, str], new_files: dict[str, str]) -> Diff:
    return _compare(
        elements(old_files), elements(new_files), lambda sig: sig["type"], lambda sig: sig["name"]
    )


@dataclass
class FormChange:
    name: str
    title: str
    fields: Diff | None = None  # for a changed form: its fields
    other: list[tuple[str, object, object]] = field(default_factory=list)


def _by_name(form: dict) -> dict[str, dict]:
    return {spec.get("name", f"#{i}"): spec for i, spec in enumerate(form.get("fields", []))}


def diff_forms(old: dict[str, dict], new: dict[str, dict]) -> Diff:
    """Forms added, removed and changed (as FormChange entries of a Diff)."""
    result = Diff()
    for name in sorted(set(new) - set(old)):
        result.added.append(FormChange(name, new[name].get("title", "")))
    for name in sorted(set(old) - set(new)):
        result.removed.append(FormChange(name, old[name].get("title", "")))
    for name in sorted(set(old) & set(new)):
        if old[name] == new[name]:
            continue
        fields = _compare(
            _by_name(old[name]),
            _by_name(new[name]),
            lambda spec: spec.get("type", ""),
            lambda spec: spec.get("label", ""),
        )
        other = _fields_changed(
            {k: v for k, v in old[name].items() if k != "fields"},
            {k: v for k, v in new[name].items() if k != "fields"},
        )
        result.changed.append(FormChange(name, new[name].get("title", ""), fields, other))
    return result


def between(old_version, new_version) -> tuple[Diff, Diff]:
    """The changes from ``old_version`` to ``new_version`` (DefinitionVersion rows)."""
    return (
        diff_elements(old_version.files, new_version.files),
        diff_forms(old_version.forms, new_version.forms),
    )


__all__ = ["Change", "Diff", "FormChange", "between", "diff_elements", "diff_forms", "elements"]
