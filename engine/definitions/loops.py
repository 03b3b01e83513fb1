"""How many instances one multi-instance or loop step may run (``limits.max_instances``).

SpiffWorkflow creates one task per instance of a multi-instance step, all of them at
once for a parallel one: a cardinality of a million, or a collection of a million
items in case data, would build a million tasks (each with a copy of the case's data)
in one operation. Loops (standardLoopCharacteristics) may run until their condition
fails. So:

- ``problems`` refuses, when a diagram is checked, a literal cardinality or loop maximum
  above the limit (a constant expression such as ``1000 * 1000`` counts as literal);
- ``bound`` makes the parsed specs refuse, when such a step starts, a computed
  cardinality or a collection above the limit, and a loop's instance past it, with a
  workflow error the case operation reports (and rolls back).
"""

from __future__ import annotations

from collections.abc import Sized

from lxml import etree
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask, MultiInstanceTask

from engine import limits
from engine.definitions import bpmn_xml
from engine.errors import Problem
from engine.sandbox import Sandbox, SandboxError


def _refuse_beyond(my_task, count: int, what: str) -> None:
    limit = limits.current().max_instances
    if count > limit:
        raise WorkflowTaskException(
            f"{what} would run {count:,} instances; a step may run at most {limit:,} "
            "(KETNAP_MAX_INSTANCES)",
            task=my_task,
        )


class _Bounded:
    """Mixed in front of a loop or multi-instance spec's class (see ``bound``). Checked
    when the first instance is about to be made (the step's data is in place then),
    for all the instances a multi-instance step is to run, and again for each one."""

    def create_child(self, my_task, *args, **kwargs):
        made = sum(1 for _ in self._instances(my_task))
        if made == 0 and isinstance(self, MultiInstanceTask):
            _refuse_beyond(my_task, *_planned(self, my_task))
        what = "the step" if isinstance(self, MultiInstanceTask) else "the loop"
        _refuse_beyond(my_task, made + 1, what)
        return super().create_child(my_task, *args, **kwargs)


def _planned(spec: MultiInstanceTask, my_task) -> tuple[int, str]:
    """(instances the step is to run, what sets them); 0 when SpiffWorkflow refuses
    the step by itself (a cardinality that is no number)."""
    if spec.data_input is not None:
        collection = spec.data_input.get(my_task)
        name = spec.data_input.bpmn_id
        return (len(collection) if isinstance(collection, Sized) else 0), f"collection {name!r}"
    cardinality = my_task.internal_data.get("cardinality")  # a sequential step keeps it
    if cardinality is None:
        cardinality = my_task.workflow.script_engine.evaluate(my_task, spec.cardinality)
    if isinstance(cardinality, bool) or not isinstance(cardinality, int):
        return 0, ""
    return cardinality, f"cardinality {spec.cardinality.strip()!r}"


_BOUNDED: dict[type, type] = {}  # a spec class -> the same with _Bounded in front


def bound(task_spec) -> None:
    """Make a parsed loop or multi-instance spec keep to the instance limit."""
    if isinstance(task_spec, LoopTask) and not isinstance(task_spec, _Bounded):
        cls = type(task_spec)
        if cls not in _BOUNDED:
            _BOUNDED[cls] = type(cls.__name__, (_Bounded, cls), {"__module__": __name__})
        task_spec.__class__ = _BOUNDED[cls]


# Works out literal cardinalities: no functions, no data, a few steps (1000 * 1000 needs
# none; anything that needs more is not a literal).
_LITERALS = Sandbox(max_steps=100)


def problems(name: str, root: etree._Element) -> list[Problem]:
    """Literal cardinalities and loop maxima above the instance limit, in one file."""
    limit = limits.current().max_instances
    found = []
    for node in root.iter(f"{{{bpmn_xml.BPMN_NS}}}loopCardinality"):
        count = _constant(node.text or "")
        if count is not None and count > limit:
            found.append((node, f"loop cardinality {count:,}"))
    for node in root.iter(f"{{{bpmn_xml.BPMN_NS}}}standardLoopCharacteristics"):
        maximum = (node.get("loopMaximum") or "").strip()
        if maximum.isdigit() and int(maximum) > limit:
            found.append((node, f"loopMaximum {int(maximum):,}"))
    return [
        Problem(
            name,
            f"{what} is more than the {limit:,} instances a step may run (KETNAP_MAX_INSTANCES)",
            _owner(node),
            node.sourceline,
        )
        for node, what in found
    ]


def _constant(source: str) -> int | None:
    """The whole number ``source`` gives without data or functions, else None."""
    if not source.strip() or _LITERALS.check(source, "eval"):
        return None
    try:
        value = _LITERALS.evaluate(source, {})
    except SandboxError:  # it reads case data (unknown here), or fails: not a literal
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _owner(node) -> str | None:
    while node is not None and node.get("id") is None:
        node = node.getparent()
    return node.get("id") if node is not None else None
