""" "Hồ sơ tôi giới thiệu": the Youth Union or Trade Union unit that proposed a case
follows it read-only (where it stands: the current steps, the units holding them, their
due dates, the status) and may correct the start data until the branch has acted
(workflows/admission/corrections.py).

A proposer sees here only the start data it submitted, never the personal history or
the verification answers. A case another unit proposed answers 404; a list for a user
of no such unit, too.
"""

from __future__ import annotations

from collections import defaultdict

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from engine.errors import Conflict
from engine.listing import fetch_page, folded_search
from engine.models import Case, WorkItem
from workflows.admission import corrections, nomination
from workflows.admission.authority import NotAllowed
from workflows.admission.kinds import TRADE_UNION, YOUTH_UNION
from workflows.admission.tree import load_tree

from ..auth.session import actor, login_required
from ..errors import render_error
from ..extensions import db, run_operation
from ..formdata import initial_values, parse_submission
from . import bp

FOLLOWING_KINDS = frozenset({YOUTH_UNION, TRADE_UNION})


def following_units() -> list[str]:
    """The Youth Union and Trade Union units where the user is a reviewer."""
    tree = load_tree(db())
    return sorted(
        code
        for code in g.user.roles_in("reviewer")
        if (unit := tree.get(code)) is not None and unit.kind in FOLLOWING_KINDS
    )


def _proposed_by(units: list[str]):
    return Case.data["proposer_unit"].as_string().in_(units)


def _open_work(case_ids: list[int]) -> dict[int, list[WorkItem]]:
    """The open tasks of each case: where it stands."""
    found: dict[int, list[WorkItem]] = defaultdict(list)
    if case_ids:
        rows = db().execute(
            select(WorkItem)
            .where(WorkItem.case_id.in_(case_ids), WorkItem.status == "open")
            .order_by(WorkItem.due_at, WorkItem.id)
        )
        for item in rows.scalars():
            found[item.case_id].append(item)
    return found


@bp.get("/ho-so-gioi-thieu")
@login_required
def proposals():
    units = following_units()
    if not units:
        abort(404)
    stmt = select(Case).where(_proposed_by(units))
    query = request.args.get("q", "")
    found = folded_search(Case.search_key, query)
    if found is not None:
        stmt = stmt.where(found)
    page = fetch_page(
        db(),
        stmt.order_by(Case.updated_at.desc(), Case.id.desc()),
        request.args.get("page", 1, type=int),
        current_app.config["PAGE_SIZE"],
    )
    return render_template(
        "cases/proposals.html",
        page=page,
        params={"q": query} if query else {},
        work=_open_work([case.id for case in page.rows]),
    )


def _proposed_case(case_id: int) -> Case:
    """The case, if one of the user's following units proposed it; else 404."""
    case = db().get(Case, case_id)
    if case is None or (case.data or {}).get("proposer_unit") not in following_units():
        abort(404)
    return case


def _start_form(case: Case) -> dict:
    return nomination.start_form(load_tree(db()), [case.data["proposer_unit"]], _)


def _page(case: Case, status: int = 200, *, values=None, errors=None, changes=None):
    form = _start_form(case)
    return render_template(
        "cases/proposal.html",
        case=case,
        form=form,
        specs={spec["name"]: spec for spec in form["fields"]},
        values=values if values is not None else initial_values(form, case.data),
        errors=errors or {},
        changes=changes,
        work=_open_work([case.id])[case.id],
        correctable=corrections.correctable(db(), case),
    ), status


@bp.get("/ho-so-gioi-thieu/<int:case_id>")
@login_required
def proposal(case_id: int):
    return _page(_proposed_case(case_id))


@bp.post("/ho-so-gioi-thieu/<int:case_id>")
@login_required
def correct_proposal(case_id: int):
    case = _proposed_case(case_id)
    if not corrections.correctable(db(), case):
        return render_error(409, _(corrections.ACTED))
    form = _start_form(case)
    posted = parse_submission(form, request.form)
    try:
        data = nomination.check_start(load_tree(db()), [case.data["proposer_unit"]], posted, _)
    except ValidationError as err:
        return _page(case, 422, values=posted, errors=err.messages)
    names = [spec["name"] for spec in form["fields"]]
    changes = corrections.corrections(case.data, data, names)
    if not changes:
        flash(_("Không có thông tin nào thay đổi."), "info")
        return redirect(url_for("cases.proposal", case_id=case.id))
    if request.form.get("confirmed") != "1":
        return _page(case, values=posted, changes=changes)
    try:
        run_operation(
            corrections.correct_start_data,
            case.id,
            changes,
            actor(),
            units=following_units(),
        )
    except NotAllowed as err:
        return render_error(403, _(str(err)))
    except Conflict as err:
        return render_error(409, _(str(err)))
    flash(_("Đã sửa thông tin ban đầu của hồ sơ."), "success")
    return redirect(url_for("cases.proposal", case_id=case.id))
