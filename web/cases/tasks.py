"""The task page: the case in brief, the task's form, its files and comments.

Who sees what: a reviewer of the task's unit fills in the form; anyone else who may see
the case reads it; to everybody else the task does not exist (404).
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select

from engine import attachments as files
from engine.errors import Conflict, InvalidData
from engine.models import Case, WorkItem
from engine.side_tasks import is_side

from ..auth.session import actor, login_required
from ..errors import render_error
from ..extensions import db, run_operation
from ..formdata import parse_submission
from ..permissions import may_work_on
from ..work import conflict_message, reviewers_of, visible_item, workable_item
from . import bp, confirm, evidence, reading, transfer


def _annotatable(case: Case, item: WorkItem) -> bool:
    """Whether the user may add files and comments: to an open task of their unit, while
    the case is not closed (the engine refuses the rest with a 409)."""
    return item.status == "open" and case.status != "closed" and may_work_on(g.user, item)


def _editable(case: Case, item: WorkItem) -> bool:
    return (
        item.status == "open"
        and may_work_on(g.user, item)
        and case.status not in ("suspended", "closed")
        and item.claimed_by in (None, g.user.username)
    )


def _page(
    item: WorkItem,
    status: int = 200,
    *,
    values: dict | None = None,
    errors: dict | None = None,
    upload_errors: list | None = None,
    comment_errors: list | None = None,
    comment: str = "",
):
    session = db()
    case = session.get_one(Case, item.case_id)
    form = reading.task_form(session, case, item)
    works = may_work_on(g.user, item)
    holders = (
        [u for u in reviewers_of(item.unit) if u.username != item.claimed_by]
        if works and item.status == "open"
        else []
    )
    if values is None:
        values = reading.task_values(session, case, item, form)
    elif form is not None and item.status == "open":
        # A form shown again (a 422, "Quay lại sửa") keeps what the process wrote for
        # the person to read (a deadline, the problems found) beside what they typed.
        shown = reading.task_values(session, case, item, form)
        values = {
            **{f["name"]: shown.get(f["name"]) for f in form["fields"] if f.get("readonly")},
            **values,
        }
    return render_template(
        "cases/task.html",
        item=item,
        case=case,
        form=form,
        editable=_editable(case, item),
        annotatable=_annotatable(case, item),
        works=works,
        holders=holders,
        values=values,
        errors=errors or {},
        upload_errors=upload_errors,
        comment_errors=comment_errors,
        comment=comment,
        attachments=reading.attachments(session, case.id),
        comments=reading.comments(session, case.id),
        evidence=evidence.panel(session, case, item),
    ), status


@bp.get("/viec/<int:item_id>")
@login_required
def task(item_id: int):
    item = visible_item(item_id)
    if is_side(item):  # a lifecycle task (a transfer to accept) has its own page
        return transfer.answer_task(item)
    return _page(item)


@bp.post("/viec/<int:item_id>")
@login_required
def complete(item_id: int):
    item = workable_item(item_id)
    case = db().get_one(Case, item.case_id)
    form = reading.task_form(db(), case, item)
    data = parse_submission(form, request.form) if form else {}
    if request.form.get("action") == "edit":  # "Quay lại sửa" on the confirmation page
        return _page(item, values=data)
    try:
        done = run_operation(
            confirm.complete,
            item.id,
            item.case_id,
            item.step,
            data,
            actor(),
            request.form.get("confirm"),
        )
    except InvalidData as err:
        return _page(item, 422, values=data, errors=err.fields)
    except Conflict:
        return render_error(409, conflict_message(item.id))
    if not done.kept:
        return confirm.page(item, case, done.effect)
    flash(_done_message(item), "success")
    return redirect(url_for("inbox.index"))


def _done_message(item: WorkItem) -> Markup:
    """ "Done", and a link to the case's next task when it is one for the same unit (the
    same people go on with it). Every value is escaped: the link is the only markup."""
    said = _(
        "Đã hoàn thành việc «%(step)s» của hồ sơ %(name)s.",
        step=escape(item.step_name or item.step),
        name=escape(item.title or ""),
    )
    following = (
        db()
        .execute(
            select(WorkItem)
            .where(
                WorkItem.case_id == item.case_id,
                WorkItem.status == "open",
                WorkItem.unit == item.unit,
                WorkItem.id != item.id,
            )
            .order_by(WorkItem.id)
            .limit(1)
        )
        .scalar_one_or_none()
    )
    if following is None or not may_work_on(g.user, following):
        return Markup(said)
    link = Markup('<a href="{}" class="alert-link" data-testid="next-task">{}</a>').format(
        url_for("cases.task", item_id=following.id), following.step_name or following.step
    )
    return Markup(said) + " " + Markup(_("Việc tiếp theo của đơn vị: %(link)s", link=link))


@bp.post("/viec/<int:item_id>/tep")
@login_required
def upload(item_id: int):
    item = workable_item(item_id)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _page(item, 422, upload_errors=[_("Hãy chọn tệp cần đính kèm.")])
    limit = current_app.config.get("ATTACHMENT_MAX_BYTES", files.MAX_BYTES)
    # One byte past the limit is enough to refuse; never read more than that.
    content = sent.stream.read(limit + 1)
    try:
        added = run_operation(
            files.add_attachment,
            item.case_id,
            sent.filename,
            content,
            actor(),
            root=Path(current_app.config["ATTACHMENTS_DIR"]),
            work_item_id=item.id,
            max_bytes=limit,
        )
    except InvalidData as err:
        return _page(item, 422, upload_errors=err.fields.get("file"))
    flash(_("Đã đính kèm tệp %(name)s.", name=added.filename), "success")
    return redirect(url_for("cases.task", item_id=item.id))


@bp.post("/viec/<int:item_id>/y-kien")
@login_required
def comment(item_id: int):
    item = workable_item(item_id)
    body = request.form.get("body", "")
    try:
        run_operation(files.add_comment, item.case_id, body, actor(), work_item_id=item.id)
    except InvalidData as err:
        return _page(item, 422, comment_errors=err.fields.get("body"), comment=body)
    flash(_("Đã gửi ý kiến."), "success")
    return redirect(url_for("cases.task", item_id=item.id))
