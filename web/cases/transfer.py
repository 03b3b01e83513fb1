"""Transfers from the case page (workflows/admission/transfer.py says who may send a
case where, and what moves).

- the sending board picks the branch and writes the reason, then a confirmation page
  says what will happen (at once, or once the receiving board accepts) before anything
  is stored;
- the receiving organisation board answers its inbox task on its own page: accept with
  the new helper member and the introducers' replacements, or refuse with a reason;
  after a move inside one committee the new branch names them on the same page.

404 for a case or task the user may not see, 403 for one they see but may not act on,
409 for a closed case, a transfer already waiting or one already answered, 422 (the
form again, with the messages) for a missing reason or a unit that is no branch.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from engine import preview
from engine.cases import Actor
from engine.errors import Conflict, InvalidData
from engine.models import Case, WorkItem
from workflows.admission import transfer
from workflows.admission.authority import NotAllowed
from workflows.admission.kinds import BRANCH
from workflows.admission.tree import load_tree

from ..auth.session import actor, login_required
from ..errors import render_error
from ..extensions import db, run_operation
from ..permissions import may_work_on
from ..work import visible_case, visible_item, workable_item
from . import bp

#: The side tasks a transfer opens, both answered on the same page.
SIDE_STEPS = (transfer.ACCEPT_STEP, transfer.REASSIGN_STEP)


def reviewer_units() -> set[str]:
    return g.user.roles_in("reviewer")


def branch_choices(case: Case) -> list[tuple[str, str]]:
    """(code, name) of the active branches a case may be sent to: all but its own."""
    own = (case.data or {}).get("branch")
    return [(u.code, u.name) for u in load_tree(db()).units(BRANCH) if u.code != own]


def transfer_actions(case: Case) -> dict:
    """The case page's template values: the transfer waiting for an answer, and the
    branches the reader may send the case to (none if they may not)."""
    data = case.data or {}
    may = transfer.may_transfer(db(), case, reviewer_units()) and not transfer.pending(data)
    return {
        "pending_transfer": transfer.pending(data) if case.status != "closed" else None,
        "transfer_choices": branch_choices(case) if may else [],
    }


def _preview(session: Session, case_id: int, to_unit: str, reason: str, who: Actor, units):
    return preview.preview(
        session, case_id, transfer.transfer_case, case_id, to_unit, reason, who, units=units
    )


def _form(case: Case, status: int, *, to_unit: str, reason: str, errors: dict, record=None):
    return render_template(
        "cases/transfer.html",
        case=case,
        choices=branch_choices(case),
        to_unit=to_unit,
        reason=reason,
        errors=errors,
        record=record,
    ), status


@bp.post("/ho-so/<int:case_id>/chuyen")
@login_required
def transfer_case(case_id: int):
    case = visible_case(case_id)
    units = reviewer_units()
    if not transfer.may_transfer(db(), case, units) and case.status != "closed":
        abort(403)
    to_unit = request.form.get("to_unit", "")
    reason = request.form.get("reason", "")
    try:
        if request.form.get("confirmed") != "1":
            effect = run_operation(_preview, case.id, to_unit, reason, actor(), units)
            record = effect.data.get("transfer")
            return _form(case, 200, to_unit=to_unit, reason=reason, errors={}, record=record)
        sent = run_operation(transfer.transfer_case, case.id, to_unit, reason, actor(), units=units)
    except InvalidData as err:
        return _form(case, 422, to_unit=to_unit, reason=reason, errors=err.fields)
    except NotAllowed as err:
        return render_error(403, _(str(err)))
    except Conflict as err:
        return render_error(409, _(str(err)))
    if sent.pending:
        flash(_("Đã gửi hồ sơ; hồ sơ chuyển khi cấp ủy nơi đến đồng ý tiếp nhận."), "success")
    else:
        flash(_("Đã chuyển hồ sơ %(name)s sang chi bộ mới.", name=case.title), "success")
    return redirect(url_for("cases.show", case_id=case.id))


def _answer_page(item: WorkItem, status: int = 200, *, values=None, errors=None):
    case = db().get_one(Case, item.case_id)
    works = may_work_on(g.user, item)
    data = case.data or {}
    return render_template(
        "cases/transfer_answer.html",
        item=item,
        case=case,
        record=transfer.pending(data) or data.get("transfer") or {},
        introducers=transfer.introducers_to_replace(data),
        asks_helper=bool(data.get("helper_name")),
        values=values or {},
        errors=errors or {},
        open=works and item.status == "open" and case.status != "closed",
    ), status


def answer_task(item: WorkItem):
    """The task page of a receiving board's task is its answer page."""
    return redirect(url_for("cases.transfer_answer", item_id=item.id))


@bp.get("/viec/<int:item_id>/tiep-nhan")
@login_required
def transfer_answer(item_id: int):
    item = visible_item(item_id)
    if item.step not in SIDE_STEPS:
        abort(404)
    return _answer_page(item)


@bp.post("/viec/<int:item_id>/tiep-nhan")
@login_required
def answer_transfer(item_id: int):
    item = workable_item(item_id)
    if item.step not in SIDE_STEPS:
        abort(404)
    form = request.form
    values = {
        "decision": form.get("decision", ""),
        "helper_name": form.get("helper_name", ""),
        "introducers": form.getlist("introducer"),
        "note": form.get("note", ""),
        "reason": form.get("reason", ""),
    }
    units = reviewer_units()
    # Who the new place names: asked by both tasks.
    named = {"helper_name": values["helper_name"], "introducers": values["introducers"]}
    try:
        if item.step == transfer.REASSIGN_STEP:
            run_operation(transfer.reassign_after_transfer, item.id, actor(), **named, units=units)
            message = _("Đã phân công lại cho hồ sơ %(name)s.", name=item.title)
        elif values["decision"] == "accept":
            run_operation(
                transfer.accept_transfer,
                item.id,
                actor(),
                **named,
                note=values["note"],
                units=units,
            )
            message = _(
                "Đã tiếp nhận hồ sơ %(name)s; hồ sơ tiếp tục tại chi bộ mới.", name=item.title
            )
        elif values["decision"] == "refuse":
            run_operation(transfer.refuse_transfer, item.id, values["reason"], actor(), units=units)
            message = _("Đã từ chối tiếp nhận hồ sơ %(name)s.", name=item.title)
        else:
            raise InvalidData({"decision": [_("Hãy chọn tiếp nhận hoặc từ chối.")]})
    except InvalidData as err:
        return _answer_page(item, 422, values=values, errors=err.fields)
    except NotAllowed as err:
        return render_error(403, _(str(err)))
    except Conflict as err:
        return render_error(409, _(str(err)))
    flash(message, "success")
    return redirect(url_for("inbox.index"))
