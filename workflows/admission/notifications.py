"""Who hears of what happens to an admission case as a whole: the body that proposed
the candidate and the branch handling the case are told when it is decided, ended
(by its diagram or by a board) or moved to another branch (procedure.md: "a refusal is
notified to the branch"). The engine's outbox (engine/outbox.py) tells the units of new
tasks, and holders of tasks, by itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from sqlalchemy.orm import Session

from engine.models import Case
from engine.outbox import Batch, Reason, event_data, outbox

from .authority import handling_unit, proposer
from .tree import load_tree

#: The events of a case's end.
ENDINGS = ("case_closed", "case_ended")
#: The user tasks whose completion is a decision on the case (admission, recognition).
DECISION_STEPS = frozenset({"decide", "recognition_decide", "recognition_referral"})


def parties(session: Session, case: Case) -> tuple[str | None, ...]:
    """The units told about the case as a whole: its proposer and its branch."""
    return (proposer(case.data), handling_unit(load_tree(session), case.data))


def tell_parties(
    session: Session, case: Case, kind: str, actor: str, data: dict | None = None
) -> Reason:
    """The reason to tell the case's parties ``kind`` (``enqueue`` writes it)."""
    return Reason(kind, units=parties(session, case), case_id=case.id, data=data or {}, actor=actor)


def _case(session: Session, event: dict) -> Case | None:
    return session.get(Case, event["case_id"]) if event.get("case_id") else None


@outbox.on(ENDINGS[0])
@outbox.on(ENDINGS[1])
def _ended(session: Session, event: dict, events: list[dict]) -> Iterable[Reason]:
    case = _case(session, event)
    if case is None:
        return ()
    outcome = event_data(event).get("outcome") or case.outcome
    return (tell_parties(session, case, "case_ended", event["actor"], {"outcome": outcome}),)


@outbox.on("task_completed")
def _decided(session: Session, event: dict, events: Batch) -> Iterable[Reason]:
    data = event_data(event)
    # The step first: most completions decide nothing, and need not load their case.
    if data.get("step") not in DECISION_STEPS:
        return ()
    case = _case(session, event)
    if case is None:
        return ()
    endings = (other for kind in ENDINGS for other in events.of_kind(kind))
    if any(other["case_id"] == case.id for other in endings):
        return ()  # a decision that ends the case (a refusal) is told as its ending
    reason = tell_parties(session, case, "case_decided", event["actor"])
    return (replace(reason, work_item_id=data.get("task")),)


@outbox.on("case_transferred")
@outbox.on("transfer_accepted")
def _transferred(session: Session, event: dict, events: list[dict]) -> Iterable[Reason]:
    case = _case(session, event)
    old, new = (event_data(event).get("changes") or {}).get("branch") or (None, None)
    if case is None or new is None:
        return ()  # a transfer waiting for the receiving board: told when it is accepted
    reason = tell_parties(session, case, "case_transferred", event["actor"], {"to": new})
    # The branch it left hears of it too.
    return (replace(reason, units=(*reason.units, old)),)
