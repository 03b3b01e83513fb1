"""A case's SpiffWorkflow state to and from JSON documents, without the spec.

The library's serializer stores the whole parsed spec inside every workflow's JSON and
rebuilds it on every load; that is most of the cost of a cycle. We store only the
instance (tasks, data, subprocesses, events) and attach the cached, already parsed spec
of the case's definition version when loading.

A case that has run for long keeps most of its tasks in its finished trunk, which no
operation needs (``task_tree.cut_trunk``): ``cut`` takes it out as stored parts,
appended as it grows, and the case's document holds the live part (its key ``cut``
says where the whole tree's root is and how many parts there are). Operations load the
live part; ``whole`` puts the parts back for what reads the history.
"""

from __future__ import annotations

import json
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry

from engine import task_tree

FORMAT = "ketnap-state-1"


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Like the library's converter, minus the spec and subprocess specs."""

    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def restore_with_specs(self, dct, spec, subprocess_specs, script_engine):
        workflow = self.target_class(
            spec, subprocess_specs, script_engine=script_engine, deserializing=True
        )
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _build() -> tuple[BpmnWorkflowSerializer, _SpeclessWorkflowConverter]:
    registry = DefaultRegistry()
    converters = {
        cls: converter(cls, registry)
        for cls, converter in DEFAULT_CONFIG.items()
        if cls is not BpmnWorkflow
    }
    converters[BpmnWorkflow] = _SpeclessWorkflowConverter(BpmnWorkflow, registry)
    return BpmnWorkflowSerializer(registry), converters[BpmnWorkflow]


_serializer, _converter = _build()


def _encoded(convert):
    registry = _serializer.registry
    registry._encoder_mode = True
    try:
        return convert()
    finally:
        registry._encoder_mode = False


def _text(dct: dict) -> str:
    return json.dumps(dct, cls=_serializer._encoder_cls, separators=(",", ":"))


def dumps(workflow: BpmnWorkflow) -> str:
    """The tasks of ``workflow`` in memory: all of them, or the live part of a case whose
    finished trunk is stored apart (see ``cut``)."""
    dct = _encoded(lambda: _serializer.to_dict(workflow))
    _link_to_trunk(dct["tasks"], workflow.task_tree)
    dct["format"] = FORMAT
    cut = getattr(workflow, "_ketnap_cut", None)
    if cut is not None:
        dct["cut"] = cut
    return _text(dct)


def cut(workflow: BpmnWorkflow, *, first: int) -> str | None:
    """Take the finished trunk (``task_tree.cut_trunk``) out of ``workflow`` in memory and
    return it as one stored part numbered ``first`` and up, or None when there is
    nothing to take. What stays is the live part; the sub-processes of the trunk's tasks
    go with them."""
    trunk = task_tree.cut_trunk(workflow)
    if not trunk:
        return None
    ids = {task.id for task in trunk}
    subs = _owned_subprocesses(workflow, ids)
    part = _encoded(
        lambda: {
            "tasks": {str(t.id): _serializer.registry.convert(t) for t in trunk},
            "subprocesses": {
                str(i): _serializer.registry.convert(workflow.subprocesses[i]) for i in subs
            },
        }
    )
    _link_to_trunk(part["tasks"], trunk[0])
    root = (getattr(workflow, "_ketnap_cut", None) or {}).get("root", str(trunk[0].id))
    workflow.task_tree = workflow.tasks[trunk[-1]._children[0]]
    for task_id in ids:
        del workflow.tasks[task_id]
    for sub_id in subs:
        del workflow.subprocesses[sub_id]
    workflow._ketnap_cut = {"root": root, "parts": first + 1}
    return _text(part)


def _link_to_trunk(tasks: dict, top) -> None:
    """The top task of a loaded live part has its parent in an earlier stored part, out
    of memory: the library would store no parent; it keeps the link."""
    if top._parent is not None and top.parent is None:
        tasks[str(top.id)]["parent"] = str(top._parent)


def _owned_subprocesses(workflow: BpmnWorkflow, owners: set) -> list:
    """The sub-processes of the tasks ``owners``, and theirs, and so on."""
    owners, found, more = set(owners), [], True
    while more:
        more = False
        for sub_id, sub in workflow.subprocesses.items():
            if sub_id in owners and sub_id not in found:
                found.append(sub_id)
                owners |= set(sub.tasks)
                more = True
    return found


def loads(text: str, spec, subprocess_specs, script_engine) -> BpmnWorkflow:
    dct = json.loads(text, cls=_serializer.json_decoder_cls)
    if dct.pop("format", None) != FORMAT:
        raise ValueError("stored case state is not in a format this engine reads")
    cut_info, whole_case = dct.pop("cut", None), dct.pop("whole", False)
    workflow = _converter.restore_with_specs(dct, spec, subprocess_specs, script_engine)
    workflow._ketnap_cut = cut_info
    workflow._ketnap_whole = whole_case
    return workflow


def whole(text: str, parts: list[str]) -> str:
    """The stored state ``text`` with its stored trunk ``parts`` (in order) put back
    above it: every task of the case, marked so that storing it writes its parts anew."""
    dct = json.loads(text)
    cut_info = dct.pop("cut", None)
    if cut_info is None:
        return text
    joined = join_parts([*map(json.loads, parts), dct])
    dct.update(joined, root=cut_info["root"], whole=True)
    return json.dumps(dct, separators=(",", ":"))


def join_parts(parts: list[dict]) -> dict:
    """Stored parts (or a state's tasks and sub-processes) in order, as one part. The
    order matters: a task's data is stored as its changes to its parent's, so parents
    come first."""
    tasks: dict = {}
    subs: dict = {}
    for part in parts:
        tasks.update(part["tasks"])
        subs.update(part["subprocesses"])
    return {"tasks": tasks, "subprocesses": subs}
