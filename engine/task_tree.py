"""SpiffWorkflow's walks of a case's task tree: without the depth limit, and started below
the finished history instead of at the root.

Every step of a flow adds a level to the tree, and a flow that loops through gateways
adds a few levels per round. The library's task iterator stops at depth 1,000 by
default: past that, ``is_completed`` saw no unfinished task and a case that looped 333
times closed as completed while its next task was ready. And each walk (the ready
tasks, the waiting ones, "is it completed?", several per engine step) starts at the
root and passes every finished task on its way, so a loop of n rounds cost n² steps
(a thousand rounds of a three-step loop took half a minute).

So, patched here once for the whole engine:

- the depth limit is lifted (the walk is iterative: no recursion to guard);
- a walk that looks only for unfinished tasks, from the root and with no ``end_at_spec``,
  starts at the workflow's *anchor* instead: a task such that every task outside its
  subtree is finished. The anchor starts at the root and moves down while it is finished
  with a single child (the trunk of a loop), so walks cost the live part of the tree.
  Finished tasks never become unfinished again except through ``reset_branch`` (case
  reopening, ``engine.reopening``), which forgets the anchor.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.bpmn.util import task as bpmn_task
from SpiffWorkflow.bpmn.util.subworkflow import BpmnBaseWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util import task as util_task
from SpiffWorkflow.util.task import TaskIterator, TaskState
from SpiffWorkflow.workflow import Workflow

NO_DEPTH_LIMIT = 10**9
_UNSET = object()


def _lift_depth_limit() -> None:
    for cls in (util_task.TaskIterator, bpmn_task.BpmnTaskIterator):
        names = cls.__init__.__code__.co_varnames[1 : cls.__init__.__code__.co_argcount]
        defaults = list(cls.__init__.__defaults__ or ())
        # The defaults belong to the last arguments; max_depth is one of them.
        index = names.index("max_depth") - (len(names) - len(defaults))
        defaults[index] = NO_DEPTH_LIMIT
        cls.__init__.__defaults__ = tuple(defaults)


def anchor(workflow: Workflow) -> Task:
    """The deepest task known to hold every unfinished task of ``workflow`` below it."""
    task = workflow.tasks.get(getattr(workflow, "_ketnap_anchor", None)) or workflow.task_tree
    while task.state & TaskState.FINISHED_MASK and len(task._children) == 1:
        child = workflow.tasks.get(task._children[0])
        if child is None:
            break
        task = child
    workflow._ketnap_anchor = task.id
    return task


def _start(workflow: Workflow, first_task, kwargs: dict):
    """Where a walk with these arguments may start without missing a task it would find."""
    if first_task is not None:
        return first_task
    task_filter = kwargs.get("task_filter")
    state = task_filter.state if task_filter is not None else kwargs.get("state", _UNSET)
    if state is _UNSET or state & TaskState.FINISHED_MASK or kwargs.get("end_at_spec"):
        return workflow.task_tree
    return anchor(workflow)


def _workflow_iterator(self, first_task=None, **kwargs):
    return TaskIterator(_start(self, first_task, kwargs), **kwargs)


def _bpmn_iterator(self, first_task=None, **kwargs):
    return bpmn_task.BpmnTaskIterator(_start(self, first_task, kwargs), **kwargs)


def _is_completed(self) -> bool:
    if not self.completed:
        walk = TaskIterator(anchor(self), state=TaskState.NOT_FINISHED_MASK)
        if next(walk, None) is None:
            self.completed = True
    return self.completed


def _update_waiting_tasks(self) -> None:
    for task in TaskIterator(anchor(self), state=TaskState.WAITING):
        task.task_spec._update(task)


_library_reset_branch = Task.reset_branch


def _reset_branch(self, data):
    # The task (finished, perhaps above the anchor) becomes runnable again.
    for workflow in {self.workflow, getattr(self.workflow, "top_workflow", self.workflow)}:
        workflow.__dict__.pop("_ketnap_anchor", None)
    return _library_reset_branch(self, data)


def install() -> None:
    """Patch the library (once; importing ``engine.runtime`` does it)."""
    if getattr(Workflow, "_ketnap_patched", False):
        return
    _lift_depth_limit()
    Workflow.get_tasks_iterator = _workflow_iterator
    BpmnBaseWorkflow.get_tasks_iterator = _bpmn_iterator
    Workflow.is_completed = _is_completed
    Workflow.update_waiting_tasks = _update_waiting_tasks
    Task.reset_branch = _reset_branch
    Workflow._ketnap_patched = True


def cut_trunk(workflow) -> list[Task]:
    """The finished trunk above the part of ``workflow`` its next operations need, top
    down: tasks that can be stored away and left out of the loads of operations.

    What stays (the *live part*) is the subtree of the anchor's parent: every unfinished
    task, the parent each one inherits its data from when it becomes ready (a waiting
    timer or message, a predicted task), and the split a structured join (a boundary
    event's, an event-based start's) finds among its ancestors. The trunk's tasks each
    have one child, so they are ancestors of every unfinished task: the library's
    parallel join skips them (its ancestors are earlier rounds) and merges no data
    from them. The cut stops, to stay where the library would see a difference:

    - above an inclusive gateway, whose join walks from the root and stops at the
      first instance of itself;
    - above a task that owns a sub-process (a call activity, a sub-process) that is
      not completed, and above one that is not plainly completed or cancelled;
    - entirely, for an ad hoc process (its completion walks the root's children), and
      for a completed workflow (nothing more to gain; its last task stays in reach).
    """
    if getattr(workflow.spec, "completion_condition", None) is not None:
        return []
    if workflow.is_completed():  # its last task's data is the case's final data
        return []
    keep = anchor(workflow)
    if keep.parent is not None:
        keep = keep.parent
    keep = _above_structured_splits(workflow, keep)
    trunk: list[Task] = []
    task = workflow.task_tree
    while task is not keep and _may_cut(workflow, task):
        trunk.append(task)
        task = workflow.tasks[task._children[0]]
    return trunk


def _above_structured_splits(workflow, keep: Task) -> Task:
    """``keep``, or the highest split task an unfinished join below it looks up."""
    for task in list(workflow.tasks.values()):
        split = getattr(task.task_spec, "split_task", None)
        if split is None or task.state & TaskState.FINISHED_MASK:
            continue
        found = task.find_ancestor(split)
        if found is not None and keep.is_descendant_of(found):
            keep = found
    return keep


def _may_cut(workflow, task: Task) -> bool:
    if len(task._children) != 1 or task.state not in (TaskState.COMPLETED, TaskState.CANCELLED):
        return False
    if isinstance(task.task_spec, InclusiveGateway):
        return False
    sub = getattr(workflow, "subprocesses", {}).get(task.id)
    return sub is None or (task.state == TaskState.COMPLETED and sub.completed)
