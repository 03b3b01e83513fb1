"""The page where the political centre records a class: every open class task of its
units (``attend_class``, ``retake_class``) as a row, one certificate number and date
each, sent in one form (web/classes/batch.py stores it). A date 60 months old or more
is an expired certificate: the page warns as it is typed and after sending.

Only a reviewer of a political centre has this page; to everyone else it does not
exist (404). The rows are the centre's own tasks, which its reviewers may work on.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine import submission
from engine.models import Case, WorkItem
from engine.registry import registry
from workflows.admission import rules
from workflows.admission.tree import load_tree

from ..auth.session import actor, login_required
from ..cases import reading
from ..extensions import db, run_operation
from . import batch, bp

CENTRE = "political_centre"


def centre_units() -> set[str]:
    tree = load_tree(db())
    return {
        code
        for code in g.user.roles_in("reviewer")
        if (unit := tree.get(code)) is not None and unit.kind == CENTRE
    }


def class_items(units: set[str]) -> list[WorkItem]:
    return list(
        db()
        .execute(
            select(WorkItem)
            .where(
                WorkItem.status == "open",
                WorkItem.step.in_(batch.CLASS_STEPS),
                WorkItem.unit.in_(units),
            )
            .order_by(WorkItem.title, WorkItem.id)
        )
        .scalars()
    )


def _editable(item: WorkItem, statuses: dict[int, str]) -> bool:
    return item.claimed_by in (None, g.user.username) and statuses.get(item.case_id) not in (
        "suspended",
        "closed",
    )


def expiry_limit() -> str:
    """The latest issue date of a certificate already expired today (60 months)."""
    return rules.add_months(rules.today(), -rules.CERTIFICATE_MONTHS)


def expired(value: str | None) -> bool:
    """Whether a typed date (ISO or dd/mm/yyyy) is of a certificate no longer valid."""
    if not value:
        return False
    parts = value.split("/")
    try:
        day = (
            date(int(parts[2]), int(parts[1]), int(parts[0]))
            if len(parts) == 3
            else date.fromisoformat(value)
        )
    except ValueError:
        return False  # the form's check says what is wrong with it
    return day.isoformat() <= expiry_limit()


def _fields(item: WorkItem | None) -> dict[str, dict]:
    """The class form's fields a row holds, with their labels, from the item's version."""
    if item is None:
        return {}
    case = db().get_one(Case, item.case_id)
    form = reading.task_form(db(), case, item) or {"fields": []}
    described = submission.described(db(), registry, form)
    # Not marked required: a row left blank is a candidate not recorded this time.
    return {
        f["name"]: {**f, "required": False}
        for f in described["fields"]
        if f["name"] in batch.ROW_FIELDS
    }


def case_statuses(items: list[WorkItem]) -> dict[int, str]:
    found = db().execute(
        select(Case.id, Case.status).where(Case.id.in_({i.case_id for i in items}))
    )
    return {case_id: status for case_id, status in found}


def _page(items: list[WorkItem], status: int = 200, *, values=None, errors=None, note=None):
    statuses = case_statuses(items)
    values = values or {}
    return render_template(
        "classes/batch.html",
        items=items,
        editable={i.id: _editable(i, statuses) for i in items},
        fields=_fields(items[0] if items else None),
        values=values,
        errors=errors or {},
        note=note,
        limit=expiry_limit(),
        warned={i.id for i in items if expired(values.get(i.id, {}).get("certificate_date"))},
    ), status


@bp.get("/lop-boi-duong")
@login_required
def index():
    units = centre_units()
    if not units:
        abort(404)
    return _page(class_items(units))


@bp.post("/lop-boi-duong")
@login_required
def record():
    units = centre_units()
    if not units:
        abort(404)
    items = class_items(units)
    statuses = case_statuses(items)
    # Rows of tasks the user may not complete now are not taken, whatever was posted.
    rows = [r for r in batch.rows_from(items, request.form) if _editable(r.item, statuses)]
    values = {r.item.id: r.data for r in rows}
    if not any(r.filled for r in rows):
        return _page(items, 422, values=values, note=_("Chưa nhập giấy chứng nhận nào."))
    errors = batch.check(db(), rows, actor())
    db().rollback()  # the checks' savepoints are gone; end the request's transaction too
    if errors:
        return _page(items, 422, values=values, errors=errors)
    done, missed = batch.store(run_operation, rows, actor())
    old = [r.item.title for r in rows if r.filled and expired(r.data.get("certificate_date"))]
    flash(
        _(
            "Đã ghi giấy chứng nhận cho %(n)d người: %(names)s.",
            n=len(done),
            names=", ".join(i.title or "" for i in done),
        ),
        "success",
    )
    if old:
        flash(
            _(
                "Lưu ý: giấy chứng nhận của %(names)s đã quá 60 tháng, hết giá trị; "
                "chi bộ sẽ phải cho học lại trước khi xét kết nạp.",
                names=", ".join(t or "" for t in old),
            ),
            "warning",
        )
    if missed:
        flash(
            _(
                "Chưa ghi được cho %(names)s: việc vừa được người khác xử lý.",
                names=", ".join(i.title or "" for i in missed),
            ),
            "warning",
        )
    return redirect(url_for(".index"))
