"""The draft in the modeler: the page, its diagrams as JSON, saving one diagram, the same
checks as ``ketnap check`` (each problem with file, element and line, so the modeler
can mark it on its element), deploying the draft as the next version, discarding it.

The page's script (static/designer-modeler.js) talks to these routes with the
session cookie and the page's CSRF token in the X-CSRFToken header.
"""

from __future__ import annotations

from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from engine import messages
from engine.definitions import drafts
from engine.errors import DefinitionError
from engine.models import Case, DefinitionVersion
from engine.registry import registry

from ..extensions import db, run_operation
from ..i18n import N_
from . import bp

# The check's last line when it found more problems than it lists: the engine's message
# id (engine.definitions.MORE_PROBLEMS), marked here so that the catalogue has it.
MORE_PROBLEMS = N_("… và %(count)s lỗi khác")


def draft_or_404(key: str) -> drafts.DefinitionDraft:
    draft = drafts.find(db(), key)
    if draft is None:
        abort(404)
    return draft


def problem_list(problems) -> list[dict]:
    return [_row(p) for p in problems]


def _row(problem) -> dict:
    """A problem as the designer's pages show it: in the reader's language, with the
    name of its element."""
    row = problem.as_dict()
    if problem.params:  # a message id with numbers (the "… and N more" line)
        numbers = {
            name: format_decimal(value) if isinstance(value, int) else value
            for name, value in problem.parameters.items()
        }
        row["message"] = _(problem.message, **numbers)
        row["more"] = problem.parameters.get("count")
    else:  # the engine's English, put in the reader's language
        row["message"] = messages.problem_text(problem, str(get_locale()))
    return row


def refused(problems, status: int = 422):
    """A JSON answer listing ``problems`` (engine Problems or FormProblems)."""
    rows = [
        _row(p)
        if hasattr(p, "as_dict")
        else {"file": "", "element": None, "line": None, "message": str(p)}
        for p in problems
    ]
    return jsonify({"problems": rows}), status


def current_version(key: str) -> tuple[int | None, int]:
    """(number, running cases) of the newest deployed version of ``key``: what deploying
    the draft replaces for new cases (the running ones stay on it until migrated)."""
    newest = (
        db()
        .execute(
            select(DefinitionVersion.id, DefinitionVersion.version)
            .where(DefinitionVersion.key == key)
            .order_by(DefinitionVersion.version.desc())
            .limit(1)
        )
        .first()
    )
    if newest is None:
        return None, 0
    running = (
        db()
        .execute(
            select(func.count())
            .select_from(Case)
            .where(Case.definition_id == newest.id, Case.status != "closed")
        )
        .scalar_one()
    )
    return newest.version, running


@bp.get("/<key>/ban-nhap")
def modeler(key: str):
    draft = drafts.find(db(), key)
    if draft is None:
        flash(_("Chưa có bản nháp: hãy mở một phiên bản để sửa."), "info")
        return redirect(url_for(".definition", key=key))
    main = (drafts.check(draft).elements.get(key) or {}).get("file")
    version, running = current_version(key)
    return render_template(
        "designer/modeler.html",
        key=key,
        current=version,
        running=running,
        draft=draft,
        files=sorted(draft.files),
        main=main,
        forms=sorted(draft.forms),
        resolvers=sorted(registry.resolvers),
    )


@bp.get("/<key>/ban-nhap/noi-dung")
def draft_content(key: str):
    draft = draft_or_404(key)
    return {
        "files": draft.files,
        "forms": sorted(draft.forms),
        "problems": problem_list(drafts.check(draft).problems),
    }


def text_from_request(key: str) -> str:
    """The string ``key`` of the request's JSON body (400 without one)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get(key), str):
        abort(400)
    return body[key]


def store(save, draft: drafts.DefinitionDraft, name: str, body_key: str):
    """Save one file of the draft from the request (``save(draft, name, text, actor)``);
    a JSON answer with its problems if the draft cannot take it, else None."""
    text = text_from_request(body_key)
    try:
        run_operation(lambda _session: save(draft, name, text, g.user.username))
    except drafts.DraftRefused as err:
        return refused(err.problems)
    return None


@bp.put("/<key>/ban-nhap/so-do/<name>")
def save_diagram(key: str, name: str):
    """Store one diagram as drawn; answer with the draft's problems after the save."""
    draft = draft_or_404(key)
    return store(drafts.save_bpmn, draft, name, "xml") or {
        "saved": name,
        "problems": problem_list(drafts.check(draft).problems),
    }


@bp.post("/<key>/ban-nhap/kiem-tra")
def check_draft(key: str):
    return {"problems": problem_list(drafts.check(draft_or_404(key)).problems)}


@bp.post("/<key>/ban-nhap/trien-khai")
def deploy_draft(key: str):
    draft = draft_or_404(key)
    try:
        version, created = run_operation(drafts.deploy, draft, g.user.username)
    except DefinitionError as err:
        return refused(err.problems)
    if created:
        flash(_("Đã triển khai phiên bản %(v)d.", v=version.version), "success")
    else:
        flash(_("Bản nháp giống hệt phiên bản hiện hành: không tạo phiên bản mới."), "info")
    return {"version": version.version, "created": created, "url": url_for(".definition", key=key)}


@bp.post("/<key>/ban-nhap/huy")
def discard_draft(key: str):
    draft = draft_or_404(key)
    run_operation(lambda session: session.delete(draft))
    flash(_("Đã bỏ bản nháp."), "info")
    return redirect(url_for(".definition", key=key))
