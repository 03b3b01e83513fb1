"""SpiffArena's scripts around a task: ``spiffworkflow:preScript`` runs when the task
becomes ready, ``spiffworkflow:postScript`` when it completes, both in the sandbox.

The engine parses with SpiffWorkflow's plain BPMN parser, whose task specs know nothing
of these extension elements; a diagram drawn in SpiffArena lost them without a word.
They are read from the XML here and attached to the parsed specs (as ``loops.bound``
attaches the instance limit), and ``ketnap check`` checks them like any script
(``bpmn_xml.EXPRESSION_TAGS``).
"""

from __future__ import annotations

from lxml import etree
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.definitions.bpmn_xml import BPMN_NS, SPIFF_NS


def read(process: etree._Element) -> dict[str, tuple[str | None, str | None]]:
    """Element id -> (pre-script, post-script) of the tasks of one process."""
    found = {}
    for extensions in process.iter(f"{{{BPMN_NS}}}extensionElements"):
        owner = extensions.getparent()
        pre, post = (
            (extensions.findtext(f"{{{SPIFF_NS}}}{tag}") or "").strip() or None
            for tag in ("preScript", "postScript")
        )
        if (pre or post) and owner is not None and owner.get("id"):
            found[owner.get("id")] = (pre, post)
    return found


class _Scripted:
    """Mixed in front of a task spec's class: runs its pre- and post-script."""

    ketnap_scripts: tuple[str | None, str | None] = (None, None)

    def _update_hook(self, my_task):
        ready = super()._update_hook(my_task)
        if ready and self.ketnap_scripts[0]:
            _run(my_task, self.ketnap_scripts[0], "pre-script")
        return ready

    def _on_complete_hook(self, my_task):
        if self.ketnap_scripts[1]:
            _run(my_task, self.ketnap_scripts[1], "post-script")
        super()._on_complete_hook(my_task)


def _run(my_task, script: str, which: str) -> None:
    try:
        my_task.workflow.script_engine.execute(my_task, script)
    except SpiffWorkflowException as err:
        err.add_note(f"in the {which} (spiffworkflow:{which.replace('-s', 'S')})")
        raise


_SCRIPTED: dict[type, type] = {}


def attach(spec, scripts: dict[str, tuple[str | None, str | None]]) -> None:
    """Give each task spec of ``spec`` that has scripts in ``scripts`` its scripts."""
    for task_spec in spec.task_specs.values():
        found = scripts.get(getattr(task_spec, "bpmn_id", None) or "")
        if found is None:
            continue
        cls = type(task_spec)
        if not issubclass(cls, _Scripted):
            if cls not in _SCRIPTED:
                _SCRIPTED[cls] = type(cls.__name__, (_Scripted, cls), {"__module__": __name__})
            task_spec.__class__ = _SCRIPTED[cls]
        task_spec.ketnap_scripts = found
