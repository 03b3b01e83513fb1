"""Ending an admission case with an outcome and a reason (procedure.md, "Every case can
end, and a mistake can be corrected"), and who may choose which outcome when:

- ``withdrawn``: the candidate's written request, recorded by the branch handling the
  case, until the admission decision (after it the person is a member);
- ``stopped``: moved away, died, found not to qualify, the ceremony never held; by the
  organisation board or the standing board above the case, at any time;
- ``removed``: a probationary member struck off before the 12 months end; by the body
  that decides recognition, during probation only;
- ``cancelled``: opened by mistake; by the proposer while no other body has acted on
  the case, or by a board above it until the admission decision.

The mechanics (tasks cancelled, timers dropped, one event) are the engine's
(engine/ending.py); this module says who and when. The day of the ending is kept as
``ended_on``: a removal is counted on it by the reports.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from engine import ending
from engine.cases import Actor
from engine.cases import _lock_case as lock_case
from engine.errors import Conflict, InvalidData
from engine.models import Case, WorkItem
from engine.registry import Registry

from . import rules
from .authority import NotAllowed, acts_for, boards_above, deciding_body, handling_unit, proposer
from .tree import OrgTree, load_tree
from .vocabulary import N_

ENDINGS = ("withdrawn", "stopped", "removed", "cancelled")
#: The outcomes that follow the admission decision (then the person is a member).
ADMITTED = frozenset({"admitted", "recognised", "removed"})


@dataclass(frozen=True)
class Stage:
    """Where the case stands, as far as ending it goes."""

    admitted: bool  # the admission decision was made
    in_probation: bool  # the ceremony was held, the 12 months run
    others_acted: bool  # a body other than the proposer completed one of its tasks


def stage_of(session: Session, case: Case) -> Stage:
    data = case.data or {}
    admitted = data.get("decision") == "admit" or data.get("outcome") in ADMITTED
    acted = select(WorkItem.id).where(
        WorkItem.case_id == case.id,
        WorkItem.status == "completed",
        WorkItem.unit.is_distinct_from(proposer(data)),
    )
    return Stage(
        admitted=admitted,
        in_probation=admitted and bool(data.get("probation_end")),
        others_acted=session.execute(select(exists(acted))).scalar_one(),
    )


def _not_now(outcome: str, stage: Stage) -> str | None:
    """Why ``outcome`` cannot be chosen at ``stage`` (a msgid), or None."""
    if outcome == "withdrawn" and stage.admitted:
        return N_("Người này đã có quyết định kết nạp; không rút hồ sơ được nữa.")
    if outcome == "cancelled" and stage.admitted:
        return N_("Hồ sơ đã có quyết định kết nạp nên không hủy được; hãy dừng hoặc xóa tên.")
    if outcome == "removed" and not stage.in_probation:
        return N_("Chỉ xóa tên được đảng viên đang trong thời gian dự bị.")
    return None


def _who(tree: OrgTree, case: Case, outcome: str, stage: Stage) -> set[str | None]:
    """The units that may end ``case`` with ``outcome`` at ``stage``."""
    data = case.data or {}
    if outcome == "withdrawn":
        return {handling_unit(tree, data)}
    if outcome == "stopped":
        return boards_above(tree, data)
    if outcome == "removed":
        return {deciding_body(tree, data)}
    # cancelled
    return boards_above(tree, data) | (set() if stage.others_acted else {proposer(data)})


#: outcome -> who may choose it, as users read it.
WHO = {
    "withdrawn": N_("Chỉ chi bộ phụ trách hồ sơ ghi nhận việc rút hồ sơ."),
    "stopped": N_("Chỉ Ban Tổ chức hoặc Ban Thường vụ cấp trên dừng được hồ sơ."),
    "removed": N_("Chỉ cấp ủy có thẩm quyền công nhận đảng viên chính thức mới xóa tên được."),
    "cancelled": N_(
        "Chỉ tổ chức giới thiệu (khi chưa đơn vị nào khác xử lý) hoặc Ban Tổ chức, "
        "Ban Thường vụ cấp trên hủy được hồ sơ."
    ),
}


def choices(session: Session, case: Case, units: Collection[str] | None) -> list[str]:
    """The outcomes ``units`` may end ``case`` with now (none for a closed case)."""
    if case.status == "closed":
        return []
    tree, stage = load_tree(session), stage_of(session, case)
    return [
        outcome
        for outcome in ENDINGS
        if _not_now(outcome, stage) is None and acts_for(units, _who(tree, case, outcome, stage))
    ]


def may_end(session: Session, case: Case, units: Collection[str]) -> bool:
    """Whether ``units`` may end ``case`` with some outcome at some stage: who sees an
    ending form at all (a case's proposer, branch, boards and deciding body)."""
    tree, data = load_tree(session), case.data or {}
    return acts_for(
        units,
        {handling_unit(tree, data), proposer(data), deciding_body(tree, data)}
        | boards_above(tree, data),
    )


def end_admission(
    session: Session,
    case_id: int,
    outcome: str,
    reason: str,
    actor: Actor,
    *,
    units: Collection[str] | None,
    registry: Registry | None = None,
) -> Case:
    """End case ``case_id`` with ``outcome`` on behalf of ``units`` (None: the command
    line). InvalidData for an unknown outcome or no reason, Conflict for a closed case
    or an outcome this stage does not allow, NotAllowed for units that may not."""
    if outcome not in ENDINGS:
        raise InvalidData({"outcome": [N_("Hãy chọn một trong các kết quả kết thúc hồ sơ.")]})
    ending.clean_reason(reason)
    # Locked before the checks, so that the case cannot move on between them and the end.
    case = lock_case(session, case_id)
    if case.status == "closed":
        raise Conflict(N_("Hồ sơ đã kết thúc."))
    stage = stage_of(session, case)
    if not acts_for(units, _who(load_tree(session), case, outcome, stage)):
        raise NotAllowed(WHO[outcome])
    refused = _not_now(outcome, stage)
    if refused is not None:
        raise Conflict(refused)
    return ending.end_case(
        session,
        case_id,
        outcome,
        reason,
        actor,
        data={"ended_on": rules.today()},
        registry=registry,
    )
