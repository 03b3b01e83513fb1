"""A case's state in the database: the live part on the case row, its finished trunk in
``case_trunk`` rows (``engine.state``).

An operation loads the live part (``runtime.load(case.state, ...)``) and stores it with
``save``, which appends what has newly finished to the trunk in the same transaction.
What reads or rewrites the whole history (the case diagram, reopening a step, moving a
case to another version) loads it with ``load_whole``; ``save`` then writes its trunk
anew, since reopening can take tasks back out of it.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine import runtime, state
from engine.definitions import Loaded
from engine.models import Case, CaseTrunk
from engine.registry import Registry


def save(session: Session, case: Case, wf: BpmnWorkflow) -> None:
    """Store ``wf`` as the case's state: what newly finished above the live part goes to
    a new trunk part, and leaves ``wf`` in memory."""
    rewrite = getattr(wf, "_ketnap_whole", False)
    if rewrite:
        session.execute(delete(CaseTrunk).where(CaseTrunk.case_id == case.id))
        wf._ketnap_whole = False
    if case.id is not None:
        # A case being started has no row yet for its parts to name: its first
        # operation cuts what its start left finished.
        cut_info = getattr(wf, "_ketnap_cut", None)
        first = cut_info["parts"] if cut_info is not None else 0
        part = state.cut(wf, first=first)
        if part is not None:
            session.add(CaseTrunk(case_id=case.id, part=first, tasks=part))
    case.state = state.dumps(wf)


def whole_text(session: Session, case: Case) -> str:
    """Every task of the case in one document (its live part when nothing is stored apart)."""
    if '"cut":' not in case.state:
        return case.state
    parts = session.scalars(
        select(CaseTrunk.tasks).where(CaseTrunk.case_id == case.id).order_by(CaseTrunk.part)
    ).all()
    return state.whole(case.state, list(parts))


def load_whole(session: Session, case: Case, loaded: Loaded, registry: Registry) -> BpmnWorkflow:
    return runtime.load(whole_text(session, case), loaded, registry)
