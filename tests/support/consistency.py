"""What must hold of a database of admission cases whatever happened to the processes
that wrote it (killed workers, concurrent clients, bulk copies): shared by the fault
tests and the bulk demo's test."""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import func, select

from engine import audit, runtime, stuck
from engine.cases import _loaded
from engine.models import Case, Event, WorkItem
from engine.registry import registry as default_registry


def check_consistent(factory) -> dict:
    """Every case as the engine would leave it: its open inbox rows are exactly the
    ready user tasks of its stored state, no case is stuck, the audit chain verifies,
    and each completed task has one completion event. Returns a few counts for the
    caller's checks."""
    with factory() as s:
        assert audit.verify(s) is None
        for case in s.execute(select(Case)).scalars():
            wf = runtime.load(case.state, _loaded(s, case), default_registry)
            ready = {str(t.id) for t in runtime.ready_user_tasks(wf)}
            rows = set(
                s.execute(
                    select(WorkItem.task_uuid).where(
                        WorkItem.case_id == case.id, WorkItem.status == "open"
                    )
                ).scalars()
            )
            assert rows == ready, f"case {case.id}: inbox {rows} != state {ready}"
            assert case.status in ("active", "waiting", "closed"), case.status
            assert ready or case.status != "active" or runtime.waiting_timers(wf), (
                f"case {case.id} is active with nothing to do: stuck"
            )
        # Every case not closed has a task, a timer or a message to wait for, or is an
        # incident the boards see (engine/stuck.py, `ketnap cases stuck`).
        assert stuck.stuck_cases(s) == [], "stuck cases"
        # A completed step that was reopened since (and the steps after it, cancelled)
        # keeps its completion: count the rows completed at some time.
        completed = s.execute(
            select(func.count()).select_from(WorkItem).where(WorkItem.completed_by.is_not(None))
        ).scalar()
        per_task = Counter(
            json.loads(e.data)["task"]
            for e in s.execute(select(Event).where(Event.kind == "task_completed")).scalars()
        )
        assert all(n == 1 for n in per_task.values()), "a task was completed twice"
        assert len(per_task) == completed
        return {"completed": completed, "completed_ids": set(per_task)}
