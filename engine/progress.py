"""Where a case stands, element by element, for drawing it on its diagram.

Each element of the case's version that the case has reached gets one state: ``done``
(completed at least once), ``active`` (a user task open, or a called process running),
``waiting`` (a timer, a message or a join waiting) or ``overdue`` (an open task past its
due date). When an element is in several states (a loop, parallel instances) the most
urgent wins: overdue, active, waiting, done.
"""

from __future__ import annotations

from datetime import datetime

from SpiffWorkflow.task import TaskState

from engine import runtime

RANK = {"done": 0, "waiting": 1, "active": 2, "overdue": 3}
_STATES = {
    TaskState.COMPLETED: "done",
    TaskState.READY: "active",
    TaskState.STARTED: "active",
    TaskState.WAITING: "waiting",
}


def step_states(wf, open_items, now: datetime) -> dict[str, str]:
    """{element id: state} for the workflow ``wf`` and the case's open inbox rows."""
    states: dict[str, str] = {}

    def mark(element: str | None, state: str) -> None:
        if element and RANK[state] > RANK.get(states.get(element, ""), -1):
            states[element] = state

    for task in runtime.all_tasks(wf):
        state = _STATES.get(task.state)
        if state is not None:
            mark(task.task_spec.bpmn_id, state)
    for item in open_items:
        if item.due_at is not None and item.due_at < now:
            mark(item.step, "overdue")
    return states
