"""Nomination: a reviewer of a proposing unit (Youth Union, Trade Union, a branch, a ward
committee...) opens a case for a candidate.

The page is drawn by the same form renderer as task pages; the form, its choices and the
check of what is sent are the domain's (``workflows.admission.nomination``), then
``intake.start_admission`` checks the data against the deployed start form.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from engine.errors import InvalidData
from workflows.admission import intake, nomination
from workflows.admission.tree import load_tree

from ..auth.session import actor, login_required
from ..extensions import db, run_operation
from ..formdata import initial_values, parse_submission
from ..labels import unit_name
from ..permissions import may_see_case, proposing_units
from . import bp, reading


def _page(form: dict, values: dict, errors: dict, proposers: list[str], status: int = 200):
    return render_template(
        "cases/new.html",
        form=form,
        values=values,
        errors=errors,
        proposer=proposers[0] if len(proposers) == 1 else None,
    ), status


@bp.route("/ho-so/moi", methods=["GET", "POST"])
@login_required
def new():
    session = db()
    proposers = proposing_units(session, g.user)
    if not proposers:
        abort(403)
    tree = load_tree(session)
    form = nomination.start_form(tree, proposers, _)
    if request.method == "GET":
        branch = nomination.default_branch(tree, proposers[0])
        return _page(form, initial_values(form, {"branch": branch}), {}, proposers)
    posted = parse_submission(form, request.form)
    try:
        data = nomination.check_start(tree, proposers, posted, _)
        case = run_operation(intake.start_admission, data, actor())
    except ValidationError as err:
        return _page(form, posted, err.messages, proposers, 422)
    except InvalidData as err:
        return _page(form, posted, err.fields, proposers, 422)
    return _started(case)


def _started(case):
    """Tell where the case went; open its page if the nominating unit may see it."""
    first = reading.case_items(db(), case.id, "open")
    where = ", ".join(f"«{item.step_name}» — {unit_name(item.unit)}" for item in first)
    flash(
        _(
            "Đã mở hồ sơ của %(name)s. Việc tiếp theo: %(where)s.",
            name=case.title,
            where=where or _("không có"),
        ),
        "success",
    )
    if may_see_case(db(), g.user, case):
        return redirect(url_for("cases.show", case_id=case.id))
    return redirect(url_for("inbox.index"))
