"""Definitions and their versions: the list, one definition's versions (who deployed each,
when, how many running cases it holds), uploads, opening a version as the draft, and the
differences between two versions."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from engine import definitions
from engine.definitions import bpmn_xml, drafts, version_diff
from engine.errors import DefinitionError, Problem
from engine.models import Case, DefinitionVersion

from ..api.definitions import read_uploads
from ..extensions import db, run_operation
from . import bp
from .modeler import problem_list


def versions_of(key: str) -> list[DefinitionVersion]:
    return list(
        db()
        .execute(
            select(DefinitionVersion)
            .where(DefinitionVersion.key == key)
            .order_by(DefinitionVersion.version.desc())
        )
        .scalars()
    )


def version_or_404(key: str, number: int) -> DefinitionVersion:
    found = (
        db()
        .execute(
            select(DefinitionVersion).where(
                DefinitionVersion.key == key, DefinitionVersion.version == number
            )
        )
        .scalar_one_or_none()
    )
    if found is None:
        abort(404)
    return found


def running_counts() -> dict[int, int]:
    """Running (not closed) cases per version id."""
    rows = db().execute(
        select(Case.definition_id, func.count())
        .where(Case.status != "closed")
        .group_by(Case.definition_id)
    )
    return {version_id: count for version_id, count in rows}


def process_name(version: DefinitionVersion) -> str:
    return (version.elements.get(version.key) or {}).get("name") or version.key


def _index_context() -> dict:
    """The list page: the newest version of each key, its running cases, the drafts."""
    newest = (
        select(DefinitionVersion.key, func.max(DefinitionVersion.version).label("v"))
        .group_by(DefinitionVersion.key)
        .subquery()
    )
    latest = (
        db()
        .execute(
            select(DefinitionVersion)
            .join(
                newest,
                (DefinitionVersion.key == newest.c.key) & (DefinitionVersion.version == newest.c.v),
            )
            .order_by(DefinitionVersion.key)
        )
        .scalars()
    )
    counts = running_counts()
    running: dict[str, int] = {}
    for version_id, key in db().execute(select(DefinitionVersion.id, DefinitionVersion.key)):
        running[key] = running.get(key, 0) + counts.get(version_id, 0)
    draft_keys = list(db().execute(select(drafts.DefinitionDraft.key)).scalars())
    return {
        "latest": list(latest),
        "running": running,
        "draft_keys": draft_keys,
        "name_of": process_name,
    }


@bp.get("/")
def index():
    return render_template("designer/index.html", **_index_context(), problems=[])


@bp.get("/<key>")
def definition(key: str):
    versions = versions_of(key)
    draft = drafts.find(db(), key)
    if not versions and draft is None:
        abort(404)
    return render_template(
        "designer/definition.html",
        key=key,
        versions=versions,
        running=running_counts(),
        draft=draft,
        name=process_name(versions[0]) if versions else key,
    )


def _key_for(files: dict[str, bytes], given: str) -> str | None:
    """The definition key of uploaded files: as given, the main process, or the first one."""
    if given:
        return given
    checked = definitions.check(files)
    if checked.key:
        return checked.key
    for name, content in files.items():
        root, _problems = bpmn_xml.parse_secure(name, content)
        if root is not None:
            for info in bpmn_xml.read_processes(name, root):
                if info.id:
                    return info.id
    return None


@bp.post("/tai-len")
def upload():
    """Deploy uploaded files at once, or open them as the draft of their key."""
    files, problems = read_uploads(request.files.getlist("files"))
    given = request.form.get("key", "").strip()[:200]
    if not files and not problems:
        problems = [Problem("", _("Chưa chọn tệp nào."))]
    if not problems and request.form.get("action") == "draft":
        key = _key_for(files, given)
        if key is None:
            problems = [Problem("", _("Không tìm thấy quy trình nào trong các tệp."))]
        else:
            run_operation(drafts.from_upload, key, files, g.user.username)
            return redirect(url_for(".modeler", key=key))
    if not problems:
        try:
            version, created = run_operation(
                definitions.deploy, files, g.user.username, key=given or None
            )
        except DefinitionError as err:
            problems = err.problems
        else:
            flash(
                _("Đã triển khai phiên bản %(v)d của %(key)s.", v=version.version, key=version.key)
                if created
                else _("Nội dung giống hệt phiên bản hiện hành: không tạo phiên bản mới."),
                "success" if created else "info",
            )
            return redirect(url_for(".definition", key=version.key))
    return render_template(
        "designer/index.html", **_index_context(), problems=problem_list(problems)
    ), 422


@bp.post("/<key>/phien-ban/<int:number>/sua")
def edit_version(key: str, number: int):
    """Make version ``number`` the draft of its key (replacing the draft there was)."""
    version = version_or_404(key, number)
    run_operation(drafts.open_version, version, g.user.username)
    flash(_("Bản nháp mới được lập từ phiên bản %(v)d.", v=number), "info")
    return redirect(url_for(".modeler", key=key))


@bp.get("/<key>/phien-ban/<int:number>/so-do")
def version_diagram(key: str, number: int):
    version = version_or_404(key, number)
    return render_template(
        "designer/version_diagram.html",
        key=key,
        version=version,
        files=definitions.file_titles(version),
        main=version.elements.get(key, {}).get("file"),
    )


@bp.get("/<key>/phien-ban/<int:number>/tep")
def version_files(key: str, number: int):
    version = version_or_404(key, number)
    return {"files": version.files, "states": {}}


@bp.get("/<key>/so-sanh")
def diff(key: str):
    versions = versions_of(key)
    if not versions:
        abort(404)
    new = request.args.get("den", versions[0].version, type=int)
    old = request.args.get("tu", new - 1, type=int)
    older, newer = version_or_404(key, old), version_or_404(key, new)
    elements, forms = version_diff.between(older, newer)
    return render_template(
        "designer/diff.html",
        key=key,
        versions=versions,
        old=older,
        new=newer,
        elements=elements,
        forms=forms,
    )
