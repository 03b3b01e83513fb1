"""The forms editor: a form's JSON beside a live preview drawn by the very macro the task
pages use (templates/forms.html), refreshed by fetch while the designer types. A form is
checked with the engine's form checks when saved, and refused with its problems.
Forms belong to the draft and are deployed with its diagrams as one version."""

from __future__ import annotations

from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.definitions import drafts
from engine.registry import registry
from engine.submission import described

from ..extensions import db, run_operation
from . import bp
from .modeler import draft_or_404, refused, store, text_from_request


def _new_form_text() -> str:
    return drafts.form_text(
        {
            "title": _("Biểu mẫu mới"),
            "fields": [{"name": "note", "label": _("Ghi chú"), "type": "text"}],
        }
    )


def _users_of(draft: drafts.DefinitionDraft, name: str) -> list[tuple[str, str]]:
    """(element id, name) of the draft's tasks and start events that name this form."""
    checked = drafts.check(draft)
    return sorted(
        (element, node["name"] or element)
        for process in checked.elements.values()
        for element, node in process["nodes"].items()
        if node.get("form") == name
    )


@bp.get("/<key>/ban-nhap/bieu-mau/<name>")
def form_editor(key: str, name: str):
    draft = draft_or_404(key)
    if not drafts.FORM_NAME.match(name):
        abort(404)
    text = draft.forms.get(name) or _new_form_text()
    try:
        form = drafts.parse_form(text)
    except drafts.DraftRefused:
        form = {"title": "", "fields": []}
    return render_template(
        "designer/form_editor.html",
        key=key,
        name=name,
        text=text,
        form=form,
        exists=name in draft.forms,
        used_by=_users_of(draft, name),
        forms=sorted(draft.forms),
    )


@bp.post("/<key>/ban-nhap/bieu-mau/<name>/xem-truoc")
def form_preview(key: str, name: str):
    draft_or_404(key)
    try:
        form = drafts.parse_form(text_from_request("text"))
    except drafts.DraftRefused as err:
        return refused(err.problems, 200)
    # A unit field shows the tree's units, as on a task page.
    html = render_template("designer/form_preview.html", form=described(db(), registry, form))
    return jsonify({"html": html, "problems": []})


@bp.put("/<key>/ban-nhap/bieu-mau/<name>")
def save_form(key: str, name: str):
    return store(drafts.save_form, draft_or_404(key), name, "text") or {"saved": name}


@bp.post("/<key>/ban-nhap/bieu-mau-moi")
def new_form(key: str):
    draft_or_404(key)
    name = request.form.get("name", "").strip()
    if not drafts.FORM_NAME.match(name):
        flash(
            _("Tên biểu mẫu chỉ gồm chữ thường không dấu, chữ số và dấu _, bắt đầu bằng chữ."),
            "error",
        )
        return redirect(url_for(".modeler", key=key))
    return redirect(url_for(".form_editor", key=key, name=name))


@bp.post("/<key>/ban-nhap/bieu-mau/<name>/xoa")
def delete_form(key: str, name: str):
    draft = draft_or_404(key)
    run_operation(lambda _session: drafts.remove(draft, form=name, actor=g.user.username))
    flash(_("Đã xóa biểu mẫu %(name)s khỏi bản nháp.", name=name), "info")
    return redirect(url_for(".modeler", key=key))
