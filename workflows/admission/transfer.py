"""Moving a case to another party branch (điều chuyển hồ sơ sang chi bộ khác).

A student changes school, a worker changes enterprise: the case goes on in the new
branch. Only the organisation board or the standing board of a committee, or that
committee itself, may move a case, and only between two branches that are both below
that committee in the organisation tree. The move is an ordinary data change of the
engine (``update_data``), so open tasks follow the case to the units the new branch
resolves to, and the audit log records who moved it, from where, to where and why.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import cases
from engine.cases import Actor
from engine.errors import EngineError, NotFound
from engine.models import Case
from engine.registry import Registry

from .kinds import BRANCH, COMMITTEE_LIKE, ORGANISATION_BOARD, STANDING_BOARD
from .tree import OrgTree, UnknownUnit, load_tree

BOARDS = frozenset({ORGANISATION_BOARD, STANDING_BOARD})


class TransferRefused(EngineError):
    """The transfer is not allowed; the message says why, in Vietnamese."""


def _committee(tree: OrgTree, acting_unit: str) -> str:
    """The committee in whose name ``acting_unit`` acts."""
    unit = tree.get(acting_unit)
    if unit is None:
        raise TransferRefused(f"Đơn vị {acting_unit} không có trong cơ cấu tổ chức.")
    if unit.kind in BOARDS and unit.parent:
        return unit.parent
    if unit.kind in COMMITTEE_LIKE:
        return unit.code
    raise TransferRefused(
        f"{unit.name} không có thẩm quyền điều chuyển hồ sơ; chỉ Ban Tổ "
        "chức, Ban Thường vụ hoặc cấp ủy cấp trên của chi bộ mới có."
    )


def _new_branch(tree: OrgTree, code: str) -> str:
    try:
        unit = tree.unit(code)
    except UnknownUnit:
        raise TransferRefused(f"Chi bộ {code} không có trong cơ cấu tổ chức.") from None
    if unit.kind != BRANCH or not unit.active:
        raise TransferRefused(f"{unit.name} ({code}) không phải là chi bộ đang hoạt động.")
    return unit.code


def transfer_case(
    session: Session,
    case_id: int,
    new_branch: str,
    actor: Actor,
    reason: str,
    *,
    acting_unit: str,
    registry: Registry | None = None,
) -> Case:
    """Move case ``case_id`` to ``new_branch`` on behalf of ``acting_unit``.

    Raises ``TransferRefused`` when the acting unit may not, the branches are not both
    below its committee, or there is nothing to move; ``NotFound`` for an unknown case;
    ``Conflict`` for a closed one (from the engine).
    """
    if not reason or not reason.strip():
        raise TransferRefused("Phải ghi lý do điều chuyển.")
    # Lock before reading the current branch, so that two transfers cannot both pass
    # their checks against the same old branch.
    case = session.execute(
        select(Case)
        .where(Case.id == case_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if case is None:
        raise NotFound(f"case {case_id} not found")
    tree = load_tree(session)
    committee = _committee(tree, acting_unit)
    new_branch = _new_branch(tree, new_branch.strip())
    old_branch = case.data.get("branch")
    if not old_branch:
        raise TransferRefused(
            "Hồ sơ chưa có chi bộ phụ trách; Đảng ủy phường, xã nơi cư trú "
            "phân công chi bộ trong việc của mình."
        )
    if old_branch == new_branch:
        raise TransferRefused(f"Hồ sơ đã thuộc chi bộ {new_branch}.")
    below = {unit.code for unit in tree.descendants(committee)}
    for code in (old_branch, new_branch):
        if code not in below:
            raise TransferRefused(f"Chi bộ {code} không trực thuộc {tree.unit(committee).name}.")
    return cases.update_data(
        session,
        case_id,
        {"branch": new_branch},
        actor,
        kind="case_transferred",
        note=reason.strip(),
        registry=registry,
    )
