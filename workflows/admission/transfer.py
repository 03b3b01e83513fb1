"""Transfers (procedure.md, "Transfers"): a dossier moves to another party branch.

Before admission the dossier itself moves (chuyển hồ sơ, letter Mẫu 17A-KNĐ); during
probation the member's party activity does (chuyển sinh hoạt đảng, Mẫu 17B-KNĐ), and the
new branch and its committee take over the recognition. Either way it is the same case,
history whole: the case's ``branch`` changes and the engine resolves its open tasks
again, so they move to the new bodies; a probation timer keeps its date, and the
recognition tasks it opens later go to the new branch because the lanes resolve them
from ``branch``.

Who sends: the organisation or standing board of a committee above the case (or, as
before, a committee for the branches below itself). Where the upper committee stays the
same (the committee whose organisation board oversees both branches), the move takes
effect at once. Across committees, the receiving committee's organisation board gets a
task in its inbox (a side task, engine/side_tasks.py) to accept, giving the new helper
member and replacements for the introducers (they are members of the old place), or to
refuse with a reason; until it answers the case stays with the old branch and no second
transfer may start. The latest transfer is kept in the case's ``transfer`` field (the
letters are printed from it); each step is one audited event: ``case_transferred``,
``transfer_accepted``, ``transfer_refused``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import cases, ending, outbox, side_tasks
from engine.cases import Actor
from engine.cases import _lock_case as lock_case
from engine.cases import _lock_item as lock_item
from engine.errors import Conflict, InvalidData
from engine.models import Case, WorkItem
from engine.registry import Registry

from . import rules
from .authority import NotAllowed, acts_for, boards_above
from .ending import stage_of
from .kinds import BRANCH, COMMITTEE_LIKE, ORGANISATION_BOARD
from .tree import OrgTree, OrgUnit, load_tree
from .vocabulary import N_

#: The step of the receiving board's side task, and what the inbox calls it.
ACCEPT_STEP = "accept_transfer"
ACCEPT_NAME = "Tiếp nhận hồ sơ chuyển đến"
#: How long the receiving board has to answer [A]: as long as a branch has for a step.
ANSWER_WORKDAYS = 10
#: Introducers that are organisations of the old place (Mẫu 4-KNĐ).
ORGANISATION_INTRODUCERS = frozenset({"youth_union", "trade_union"})


#: The new branch's side task after a move inside one committee.
REASSIGN_STEP = "reassign_after_transfer"
REASSIGN_NAME = "Phân công đảng viên giúp đỡ, người giới thiệu sau khi chuyển đến"


def _task_for(session: Session, case: Case, step: str, name: str, unit: OrgUnit) -> WorkItem:
    """A side task ``step`` in ``unit``'s inbox, due in ``ANSWER_WORKDAYS``."""
    due = datetime.fromisoformat(rules.workday_deadline(rules.today(), ANSWER_WORKDAYS))
    item = side_tasks.open_side_task(
        session, case, step=step, name=name, unit=unit.code, lane=unit.name, due_at=due
    )
    # A side task has no ``task_ready`` event for the outbox to read: tell its unit here,
    # in the same transaction, as a diagram's new task would be told.
    outbox.enqueue(
        session,
        outbox.Reason(
            "task_new",
            units=(unit.code,),
            case_id=case.id,
            work_item_id=item.id,
            unit=unit.code,
            due_at=due,
        ),
    )
    return item


@dataclass(frozen=True)
class Sent:
    """What a transfer request did: moved at once, or waits for the receiving board."""

    case: Case
    pending: bool
    task: int | None  # the receiving board's task, or the new branch's to reassign


def _upper(tree: OrgTree, code: str) -> OrgUnit | None:
    """The committee whose organisation board oversees ``code``: the nearest one above
    it that has an organisation board. Two branches under the same one are moved
    between at once; otherwise that board of the receiving side accepts."""
    for unit in tree.ancestors(code):
        if tree.organisation_board_of(unit.code) is not None:
            return unit
    return None


def pending(data: Mapping[str, Any]) -> dict | None:
    """The transfer waiting for the receiving board's answer, if any."""
    record = data.get("transfer")
    return record if isinstance(record, dict) and record.get("status") == "pending" else None


def stage(data: Mapping[str, Any]) -> str:
    """``probation`` once the ceremony was held (the party activity moves), else
    ``candidate`` (the dossier moves)."""
    return "probation" if data.get("probation_end") else "candidate"


def _new_branch(tree: OrgTree, code: str) -> OrgUnit:
    unit = tree.get(code.strip()) if code else None
    if unit is None:
        raise InvalidData({"to_unit": [N_("Không có đơn vị này trong cơ cấu tổ chức.")]})
    if unit.kind != BRANCH or not unit.active:
        raise InvalidData({"to_unit": [N_("Chỉ chuyển được đến một chi bộ đang hoạt động.")]})
    return unit


def _senders(tree: OrgTree, data: Mapping[str, Any], old: str) -> set[str | None]:
    """Who may send the case: the boards above it, and the committees above its branch
    (a ward committee moves between its residential branches)."""
    if old not in tree:
        return set()
    committees = {u.code for u in tree.ancestors(old) if u.kind in COMMITTEE_LIKE}
    return boards_above(tree, data) | committees


def may_transfer(session: Session, case: Case, units: Collection[str] | None) -> bool:
    """Whether ``units`` may send ``case`` elsewhere (who sees the transfer form)."""
    data = case.data or {}
    old = data.get("branch")
    if case.status == "closed" or not old:
        return False
    tree = load_tree(session)
    return old in tree and acts_for(units, _senders(tree, data, old))


def _refuse_now(session: Session, case: Case) -> None:
    """Conflict when the case cannot move at this point of its life."""
    if case.status == "closed":
        raise Conflict(N_("Hồ sơ đã kết thúc."))
    data = case.data or {}
    if pending(data):
        raise Conflict(N_("Hồ sơ đang chờ cấp ủy nơi đến tiếp nhận; chưa chuyển tiếp được."))
    if not data.get("branch"):
        raise Conflict(
            N_(
                "Hồ sơ chưa có chi bộ phụ trách; Đảng ủy phường, xã nơi cư trú phân công "
                "chi bộ trong việc của mình."
            )
        )
    if stage_of(session, case).admitted and stage(data) == "candidate":
        raise Conflict(
            N_("Hồ sơ đã có quyết định kết nạp và chờ lễ kết nạp; chuyển sau lễ kết nạp.")
        )


def _drop_reassignment(session: Session, case: Case, actor: Actor) -> None:
    """Moving on again: the last branch's reassignment is the next place's to do."""
    for item in session.execute(
        select(WorkItem).where(
            WorkItem.case_id == case.id,
            WorkItem.step == REASSIGN_STEP,
            WorkItem.status == "open",
        )
    ).scalars():
        side_tasks.close_side_task(item, actor.name, status="cancelled")


def transfer_case(
    session: Session,
    case_id: int,
    to_unit: str,
    reason: str,
    actor: Actor,
    *,
    units: Collection[str] | None,
    registry: Registry | None = None,
) -> Sent:
    """Send case ``case_id`` to branch ``to_unit`` on behalf of ``units`` (None: the
    command line). InvalidData for no reason or a unit that is no active branch (or the
    case's own), Conflict for a closed case, one waiting for an answer or one between
    decision and ceremony, NotAllowed for units that may not send it."""
    reason = ending.clean_reason(reason)
    tree = load_tree(session)
    new = _new_branch(tree, to_unit)
    # Locked before the checks, so that two transfers cannot both pass them.
    case = lock_case(session, case_id)
    _refuse_now(session, case)
    data = case.data or {}
    old = str(data["branch"])
    if not acts_for(units, _senders(tree, data, old)):
        raise NotAllowed(
            N_("Chỉ Ban Tổ chức hoặc Ban Thường vụ cấp ủy cấp trên chuyển được hồ sơ này.")
        )
    if new.code == old:
        raise InvalidData({"to_unit": [N_("Hồ sơ đã thuộc chi bộ này.")]})
    committee_only = units is not None and not acts_for(units, boards_above(tree, data))
    if committee_only and not any(
        new.code in {d.code for d in tree.descendants(c)} for c in units or () if c in tree
    ):
        # A committee acting for itself moves only between its own branches.
        raise InvalidData({"to_unit": [N_("Chi bộ này không trực thuộc cấp ủy của bạn.")]})
    _drop_reassignment(session, case, actor)
    sending, receiving = _upper(tree, old), _upper(tree, new.code)
    record = {
        "from_branch": old,
        "to_branch": new.code,
        "from_committee": sending.code if sending else None,
        "to_committee": receiving.code if receiving else None,
        "stage": stage(data),
        "reason": reason,
        "requested_on": rules.today(),
        "requested_by": actor.name,
    }
    if sending == receiving:
        # The new branch names the helper and the introducers' replacements (procedure:
        # the branch assigns them), in a task of its own.
        task = None
        if needs_reassignment(data):
            task = _task_for(session, case, REASSIGN_STEP, REASSIGN_NAME, new).id
        moved = cases.update_data(
            session,
            case.id,
            {"branch": new.code, "transfer": {**record, "status": "done", "task": task}},
            actor,
            kind="case_transferred",
            note=reason,
            registry=registry,
        )
        return Sent(moved, pending=False, task=task)
    board = tree.organisation_board_of(receiving.code) if receiving else None
    if board is None:
        raise InvalidData(
            {"to_unit": [N_("Cấp ủy nơi đến chưa có Ban Tổ chức để tiếp nhận hồ sơ.")]}
        )
    item = _task_for(session, case, ACCEPT_STEP, ACCEPT_NAME, board)
    waiting = cases.update_data(
        session,
        case.id,
        {"transfer": {**record, "status": "pending", "task": item.id}},
        actor,
        kind="case_transferred",
        note=reason,
        registry=registry,
    )
    return Sent(waiting, pending=True, task=item.id)


def receives(session: Session, units: Collection[str]) -> bool:
    """Whether ``units`` include an organisation board: who may answer a transfer at all
    (which one, the task says)."""
    tree = load_tree(session)
    return any((unit := tree.get(code)) and unit.kind == ORGANISATION_BOARD for code in units)


def open_answer(session: Session, item_id: int) -> tuple[WorkItem, Case]:
    """The receiving board's open task and its case, locked; Conflict once answered."""
    item, case = lock_item(session, item_id)
    if item.step != ACCEPT_STEP or not side_tasks.is_side(item):
        raise Conflict(N_("Việc này không phải là tiếp nhận hồ sơ chuyển đến."))
    if item.status != "open" or case.status == "closed" or not pending(case.data or {}):
        raise Conflict(N_("Việc tiếp nhận này đã được xử lý hoặc hồ sơ đã kết thúc."))
    return item, case


def introducers_to_replace(data: Mapping[str, Any]) -> list[dict]:
    """The introducers the receiving board must replace: every introducer of a
    candidate (members and organisations of the old place are not in the new one); a
    probationary member's were needed only for the admission, so none."""
    if stage(data) == "probation":
        return []
    return [i for i in data.get("introducers") or [] if isinstance(i, dict)]


def _replaced(data: Mapping[str, Any], names: list[str]) -> tuple[list[dict], dict]:
    """The new introducers (each a replacement the branch records, Mẫu 3/4-KNĐ), or the
    field errors naming the missing ones."""
    old = introducers_to_replace(data)
    errors: dict[str, list[str]] = {}
    new = []
    for index, introducer in enumerate(old):
        name = names[index].strip() if index < len(names) and names[index] else ""
        if not name:
            errors[f"introducer_{index}"] = [N_("Hãy ghi người giới thiệu thay ở nơi mới.")]
            continue
        kind = introducer.get("kind") or "member"
        new.append(
            {
                "kind": kind,
                "name": name,
                "official": kind not in ORGANISATION_INTRODUCERS,
                "months_known": None,
                "replacement": True,
            }
        )
    return new, errors


def _reassigned(data: Mapping[str, Any], helper_name: str, introducers: list[str] | None) -> dict:
    """The new helper member and the introducers' replacements as case data, or
    InvalidData naming what is missing (a helper only if the case had one)."""
    helper = (helper_name or "").strip()
    errors: dict[str, list[str]] = {}
    if not helper and data.get("helper_name"):
        errors["helper_name"] = [N_("Hãy ghi đảng viên chính thức được phân công giúp đỡ.")]
    if len(helper) > 120:
        errors["helper_name"] = [N_("Họ tên dài quá 120 ký tự.")]
    new_introducers, missing = _replaced(data, list(introducers or []))
    errors.update(missing)
    if errors:
        raise InvalidData(errors)
    values: dict[str, Any] = {}
    if helper:
        values["helper_name"] = helper
    if new_introducers:
        values["introducers"] = new_introducers
    return values


def needs_reassignment(data: Mapping[str, Any]) -> bool:
    """Whether the new place must name a helper or introducers after a move."""
    return bool(data.get("helper_name") or introducers_to_replace(data))


def accept_transfer(
    session: Session,
    item_id: int,
    actor: Actor,
    *,
    helper_name: str = "",
    introducers: list[str] | None = None,
    note: str = "",
    units: Collection[str] | None,
    registry: Registry | None = None,
) -> Case:
    """The receiving board accepts: the case continues in the new branch, with the new
    helper member and the introducers' replacements. InvalidData names what is missing."""
    item, case = open_answer(session, item_id)
    if not acts_for(units, {item.unit}):
        raise NotAllowed(N_("Chỉ Ban Tổ chức cấp ủy nơi đến tiếp nhận được hồ sơ này."))
    data = case.data or {}
    record = dict(pending(data) or {})
    values = {"branch": record["to_branch"], **_reassigned(data, helper_name, introducers)}
    values["transfer"] = {
        **record,
        "status": "accepted",
        "answered_on": rules.today(),
        "answered_by": actor.name,
        "note": (note or "").strip()[: ending.MAX_REASON],
    }
    side_tasks.close_side_task(item, actor.name)
    return cases.update_data(
        session, case.id, values, actor, kind="transfer_accepted", note=note, registry=registry
    )


def reassign_after_transfer(
    session: Session,
    item_id: int,
    actor: Actor,
    *,
    helper_name: str = "",
    introducers: list[str] | None = None,
    units: Collection[str] | None,
    registry: Registry | None = None,
) -> Case:
    """The new branch, after a move inside one committee, names the helper member and
    the introducers' replacements: one event, ``transfer_reassigned``."""
    item, case = lock_item(session, item_id)
    if item.step != REASSIGN_STEP or item.status != "open" or case.status == "closed":
        raise Conflict(N_("Việc này đã được xử lý hoặc hồ sơ đã kết thúc."))
    if not acts_for(units, {item.unit}):
        raise NotAllowed(N_("Chỉ chi bộ nơi đến phân công được."))
    values = _reassigned(case.data or {}, helper_name, introducers)
    side_tasks.close_side_task(item, actor.name)
    return cases.update_data(
        session, case.id, values, actor, kind="transfer_reassigned", registry=registry
    )


def refuse_transfer(
    session: Session,
    item_id: int,
    reason: str,
    actor: Actor,
    *,
    units: Collection[str] | None,
    registry: Registry | None = None,
) -> Case:
    """The receiving board refuses, with a reason: the case stays where it was."""
    reason = ending.clean_reason(reason)
    item, case = open_answer(session, item_id)
    if not acts_for(units, {item.unit}):
        raise NotAllowed(N_("Chỉ Ban Tổ chức cấp ủy nơi đến trả lời được việc tiếp nhận này."))
    record = dict(pending(case.data or {}) or {})
    side_tasks.close_side_task(item, actor.name)
    return cases.update_data(
        session,
        case.id,
        {
            "transfer": {
                **record,
                "status": "refused",
                "answered_on": rules.today(),
                "answered_by": actor.name,
                "answer": reason,
            }
        },
        actor,
        kind="transfer_refused",
        note=reason,
        registry=registry,
    )
