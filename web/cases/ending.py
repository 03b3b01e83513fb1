"""Ending a case from its page: the outcome and the reason, then a confirmation page
that says what ending it cancels, then the ending itself (workflows/admission/ending.py
says who may choose which outcome when).

404 for a case the user may not see, 403 for one they see but may not end, 409 for a
closed case, 422 (the form again, with the message) for a missing reason or outcome.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from engine import preview
from engine.cases import Actor
from engine.errors import Conflict, InvalidData
from engine.models import Case
from workflows.admission import ending
from workflows.admission.authority import NotAllowed
from workflows.admission.vocabulary import OUTCOMES

from ..auth.session import actor, login_required
from ..errors import render_error
from ..extensions import db, run_operation
from ..i18n import N_
from ..labels import label
from ..work import visible_case
from . import bp

#: What each ending means, shown beside its choice.
MEANINGS = {
    "withdrawn": N_("Người vào Đảng có đơn xin rút hồ sơ."),
    "stopped": N_(
        "Chuyển đi nơi khác, từ trần, không đủ điều kiện, không tổ chức được lễ kết nạp."
    ),
    "removed": N_("Đảng viên dự bị bị xóa tên trước khi hết 12 tháng dự bị."),
    "cancelled": N_("Hồ sơ mở nhầm."),
}


def reviewer_units() -> set[str]:
    return g.user.roles_in("reviewer")


def end_choices(case: Case) -> list[tuple[str, str, str]]:
    """(outcome, name, meaning) of each ending the user may choose for ``case`` now."""
    return [
        (code, label(OUTCOMES, code), _(MEANINGS[code]))
        for code in ending.choices(db(), case, reviewer_units())
    ]


def _preview_end(session: Session, case_id: int, outcome: str, reason: str, who: Actor, units):
    return preview.preview(
        session, case_id, ending.end_admission, case_id, outcome, reason, who, units=units
    )


def _form(case: Case, status: int, *, outcome: str, reason: str, errors: dict, effect=None):
    return render_template(
        "cases/end.html",
        case=case,
        choices=end_choices(case),
        outcome=outcome,
        reason=reason,
        errors=errors,
        effect=effect,
    ), status


@bp.post("/ho-so/<int:case_id>/ket-thuc")
@login_required
def end_case(case_id: int):
    case = visible_case(case_id)
    units = reviewer_units()
    if not ending.may_end(db(), case, units):
        abort(403)
    outcome = request.form.get("outcome", "")
    reason = request.form.get("reason", "")
    confirmed = request.form.get("confirmed") == "1"
    try:
        if not confirmed:
            effect = run_operation(_preview_end, case.id, outcome, reason, actor(), units)
            return _form(case, 200, outcome=outcome, reason=reason, errors={}, effect=effect)
        run_operation(ending.end_admission, case.id, outcome, reason, actor(), units=units)
    except InvalidData as err:
        return _form(case, 422, outcome=outcome, reason=reason, errors=err.fields)
    except NotAllowed as err:
        return render_error(403, _(str(err)))
    except Conflict as err:
        return render_error(409, _(str(err)))
    flash(
        _(
            "Đã kết thúc hồ sơ %(name)s: %(outcome)s.",
            name=case.title,
            outcome=label(OUTCOMES, outcome),
        ),
        "success",
    )
    return redirect(url_for("cases.show", case_id=case.id))
