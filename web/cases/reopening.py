"""Reopening a submitted step to correct it, by a board above the case: a page that
shows what was submitted and what reopening cancels (a preview: nothing is stored),
with the reason to give, then the reopening itself (workflows/admission/reopening.py).

404 for a task the user may not see, 403 for who sees it but is no board above the
case, 409 (with the reason) for a step that cannot be reopened, 422 for no reason.
"""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from engine import preview
from engine.cases import Actor
from engine.errors import Conflict, InvalidData
from engine.models import Case, WorkItem
from workflows.admission import reopening
from workflows.admission.authority import NotAllowed

from ..auth.session import actor, login_required
from ..errors import render_error
from ..extensions import db, run_operation
from ..labels import unit_name
from ..work import visible_item
from . import bp, reading

#: The reason a preview runs with: the real one is asked for on the page it fills.
PREVIEW_REASON = "(xem trước)"


def may_reopen(case: Case) -> bool:
    return reopening.may_reopen(db(), case, g.user.roles_in("reviewer"))


def _reopen(session: Session, item_id: int, reason: str, who: Actor, units) -> WorkItem:
    return reopening.reopen_step(
        session,
        item_id,
        reason,
        who,
        units=units,
        closed_within=current_app.config.get("REOPEN_WORKDAYS", 0),
    )


def _preview(session: Session, case_id: int, item_id: int, who: Actor, units):
    return preview.preview(session, case_id, _reopen, item_id, PREVIEW_REASON, who, units)


def _board_item(item_id: int) -> tuple[WorkItem, Case]:
    item = visible_item(item_id)
    case = db().get_one(Case, item.case_id)
    if not may_reopen(case):
        abort(403)
    return item, case


def _page(item: WorkItem, case: Case, status: int = 200, *, reason: str = "", errors=None):
    units = g.user.roles_in("reviewer")
    try:
        effect = run_operation(_preview, case.id, item.id, actor(), units)
    except Conflict as err:
        return render_error(409, _(str(err)))
    form = reading.task_form(db(), case, item)
    return render_template(
        "cases/reopen.html",
        item=item,
        case=case,
        form=form,
        values=reading.submitted_values(db(), item) if form else {},
        # The step itself is reopened, not cancelled.
        cancels=[step for step in effect.cancels if step.task != item.id],
        opens=effect.opens,
        reason=reason,
        errors=errors or {},
    ), status


@bp.get("/viec/<int:item_id>/mo-lai")
@login_required
def reopen_form(item_id: int):
    item, case = _board_item(item_id)
    return _page(item, case)


@bp.post("/viec/<int:item_id>/mo-lai")
@login_required
def reopen(item_id: int):
    item, case = _board_item(item_id)
    reason = request.form.get("reason", "")
    try:
        opened = run_operation(_reopen, item.id, reason, actor(), g.user.roles_in("reviewer"))
    except InvalidData as err:
        return _page(item, case, 422, reason=reason, errors=err.fields)
    except NotAllowed as err:
        return render_error(403, _(str(err)))
    except Conflict as err:
        return render_error(409, _(str(err)))
    flash(
        _(
            "Đã mở lại bước «%(step)s» để sửa; việc đã được giao lại cho %(unit)s.",
            step=opened.step_name or opened.step,
            unit=unit_name(opened.unit),
        ),
        "success",
    )
    return redirect(url_for("cases.show", case_id=case.id))
