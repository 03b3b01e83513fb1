"""A case's SpiffWorkflow state to and from one JSON document, without the spec.

The library's serializer stores the whole parsed spec inside every workflow's JSON and
rebuilds it on every load; that is most of the cost of a cycle. We store only the
instance (tasks, data, subprocesses, events) and attach the cached, already parsed spec
of the case's definition version when loading.
"""

from __future__ import annotations

import json
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry

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


def dumps(workflow: BpmnWorkflow) -> str:
    return dumps_full(workflow)


def dumps_full(workflow: BpmnWorkflow) -> str:
    """Every task of the workflow in one document, without the spec."""
    registry = _serializer.registry
    registry._encoder_mode = True
    try:
        dct = _serializer.to_dict(workflow)
    finally:
        registry._encoder_mode = False
    dct["format"] = FORMAT
    return json.dumps(dct, cls=_serializer._encoder_cls, separators=(",", ":"))


def loads(text: str, spec, subprocess_specs, script_engine) -> BpmnWorkflow:
    dct = json.loads(text, cls=_serializer.json_decoder_cls)
    if dct.pop("format", None) != FORMAT:
        raise ValueError("stored case state is not in a format this engine reads")
    return _converter.restore_with_specs(dct, spec, subprocess_specs, script_engine)
