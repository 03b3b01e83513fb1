"""Service tasks bound to connectors, as parsed and as run: ``<bpmn:serviceTask
ketnap:connector="name">`` becomes a ``ConnectorTask``, which calls what the domain
registered under that name (``Registry.connector``) when the flow reaches it. A failed
call leaves the task started with the error on it; engine/connectors.py turns that into
the case's incident and retries it.
"""

from __future__ import annotations

from collections.abc import Mapping
from copy import deepcopy
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.task import Task

from engine import deadline
from engine.definitions.bpmn_xml import BPMN_NS, KETNAP_NS
from engine.errors import OperationTooLong, Problem
from engine.registry import Connector, Registry

ATTRIBUTE = f"{{{KETNAP_NS}}}connector"
# Kept on the failed task (its internal data, stored with the case's state): the error,
# and how many calls in a row failed.
ERROR_KEY, ATTEMPTS_KEY = "connector_error", "connector_failures"
# When the operation has no ceiling (a test calling the engine directly).
DEFAULT_TIMEOUT = 30.0


class ConnectorTask(ServiceTask):
    """A service task that calls its connector when it runs."""

    connector: str = ""

    def _execute(self, task: Task) -> bool | None:
        return call(task, self.connector)


def bound(process: etree._Element) -> list[tuple[str, str]]:
    """(service task id, connector name) of each bound service task of a process."""
    found = []
    for node in process.iter(f"{{{BPMN_NS}}}serviceTask"):
        name = (node.get(ATTRIBUTE) or "").strip()
        if name:
            found.append((node.get("id") or "", name))
    return found


def attach(process_spec, process: etree._Element) -> None:
    """Make the bound service tasks of a parsed process call their connectors."""
    for task_id, name in bound(process):
        spec = process_spec.task_specs.get(task_id)
        if isinstance(spec, ServiceTask):
            spec.__class__ = ConnectorTask
            spec.connector = name


def problems(file: str, process: etree._Element, registry: Registry) -> list[Problem]:
    """Bound service tasks whose connector the domain did not register."""
    known = ", ".join(sorted(registry.connectors)) or "none"
    return [
        Problem(
            file,
            f'{task_id}: no connector "{name}" is registered (registered: {known})',
            task_id,
        )
        for task_id, name in bound(process)
        if name not in registry.connectors
    ]


def call(task: Task, name: str) -> bool | None:
    """Run connector ``name`` for ``task``: True when it gave its outputs, None (the
    task waits, started) when it failed, the error kept on the task."""
    connectors: Mapping[str, Connector] = getattr(task.workflow.script_engine, "connectors", {})
    connector = connectors.get(name)
    try:
        if connector is None:
            raise LookupError(f"no connector {name!r} is registered")
        outputs = _outputs(connector, _run(connector, task))
    except OperationTooLong:
        raise  # the operation's ceiling: the whole operation rolls back, as elsewhere
    except Exception as err:  # noqa: BLE001  any failure of the call is the case's incident
        text = f"{type(err).__name__}: {err}".strip()
        task.internal_data[ERROR_KEY] = f"{_step(task)}: {name}: {text}"
        task.internal_data[ATTEMPTS_KEY] = task.internal_data.get(ATTEMPTS_KEY, 0) + 1
        return None
    task.internal_data.pop(ERROR_KEY, None)
    task.internal_data.pop(ATTEMPTS_KEY, None)
    task.data.update(outputs)
    return True


def _step(task: Task) -> str:
    """The step as people know it, "Thu phí (t_pay)", or its id alone."""
    spec = task.task_spec
    return f"{spec.bpmn_name} ({spec.bpmn_id})" if spec.bpmn_name else spec.bpmn_id


def _run(connector: Connector, task: Task) -> Any:
    inputs = {key: deepcopy(task.data.get(key)) for key in connector.inputs}
    left = deadline.remaining()
    return connector.fn(inputs, timeout=left if left is not None else DEFAULT_TIMEOUT)


def _outputs(connector: Connector, result: Any) -> dict[str, Any]:
    if result is None:
        return {}
    if not isinstance(result, Mapping):
        raise TypeError(f"the connector gave {type(result).__name__}, not a dict of outputs")
    extra = sorted(set(result) - set(connector.outputs))
    if extra:
        raise ValueError(f"outputs not declared by the connector: {', '.join(extra)}")
    return dict(result)
