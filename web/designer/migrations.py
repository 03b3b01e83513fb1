"""Moving running cases to a version: a dry run lists which cases can move and why the
others cannot; then the chosen cases move in one action, each in its own transaction and
audited (engine.case_migration). A case that cannot move is left as it was.

The designer sees cases by number, status, version and step only: no candidate data.
"""

from __future__ import annotations

from flask import current_app, flash, render_template, request
from flask_babel import gettext as _

from engine import case_migration

from ..auth.session import actor
from ..extensions import db
from ..i18n import N_
from . import bp
from .views import version_or_404, versions_of

REASONS = {
    "closed": N_("Hồ sơ đã kết thúc."),
    "same_version": N_("Hồ sơ đã ở phiên bản này."),
    "other_definition": N_("Phiên bản thuộc một quy trình khác."),
    "missing_process": N_("Phiên bản mới không có quy trình %(process)s."),
    "missing_step:open": N_("Bước đang mở %(step)s không có trong phiên bản mới."),
    "missing_step:waiting": N_("Bước đang chờ %(step)s không có trong phiên bản mới."),
    "missing_step:done": N_("Hồ sơ đã qua bước %(step)s, bước này không có trong phiên bản mới."),
    "changed_kind": N_("Bước %(step)s đổi loại (%(old)s → %(new)s)."),
    "changed_boundary": N_("Các sự kiện gắn vào bước %(step)s đã thay đổi."),
    "changed_join": N_("Cổng hợp nhất %(step)s phía sau bước %(open)s có luồng vào khác."),
    "called_other": N_("Bước %(step)s gọi quy trình khác (%(old)s → %(new)s)."),
    "restore_failed": N_("Không khôi phục được hồ sơ trên phiên bản mới: %(error)s"),
    "not_found": N_("Không tìm thấy hồ sơ."),
    "busy": N_("Hồ sơ đang được xử lý; hãy thử lại."),
}


def reason_text(reason: case_migration.Reason, names: dict[str, str]) -> str:
    """Why a case cannot move, in the reader's language, naming steps by their names."""
    code = reason.code
    if code == "missing_step":
        code = f"missing_step:{reason.params.get('state')}"
    params = {
        key: _named(value, names) if key in ("step", "open") else value
        for key, value in reason.params.items()
    }
    return _(REASONS[code], **params) if code in REASONS else str(reason)


def _named(step: str, names: dict[str, str]) -> str:
    name = names.get(step)
    return f"«{name}» ({step})" if name and name != step else step


def _step_names(key: str) -> dict[str, str]:
    """Element id -> name over every version of the key, the newest name winning."""
    names: dict[str, str] = {}
    for version in reversed(versions_of(key)):
        for process in version.elements.values():
            for element, node in process["nodes"].items():
                names[element] = node.get("name") or element
    return names


def _rows(verdicts: list[case_migration.Verdict], key: str) -> list[dict]:
    names = _step_names(key)
    return [
        {
            "case_id": v.case_id,
            "from_version": v.from_version,
            "movable": v.movable,
            "steps": [names.get(step, step) for step in v.steps],
            "reasons": [reason_text(r, names) for r in v.reasons],
        }
        for v in verdicts
    ]


@bp.get("/<key>/phien-ban/<int:number>/chuyen-ho-so")
def migrate_plan(key: str, number: int):
    target = version_or_404(key, number)
    rows = _rows(case_migration.dry_run(db(), target), key)
    return render_template("designer/migrate.html", key=key, target=target, rows=rows, results=None)


@bp.post("/<key>/phien-ban/<int:number>/chuyen-ho-so")
def migrate_cases(key: str, number: int):
    target = version_or_404(key, number)
    target_id = target.id
    chosen = sorted({int(v) for v in request.form.getlist("case") if v.isdigit()})
    who = actor()
    # The request's own transaction must end first: on SQLite it holds the write lock
    # that each case's transaction needs. (Nothing loaded before may be read after this
    # until the migration is done: reading an expired row would begin a new transaction.)
    db().rollback()
    results = case_migration.migrate(current_app.extensions["ketnap_db"], chosen, target_id, who)
    moved = [r for r in results.values() if r.movable]
    if chosen:
        flash(
            _(
                "Đã chuyển %(moved)d trên %(total)d hồ sơ sang phiên bản %(v)d.",
                moved=len(moved),
                total=len(chosen),
                v=number,
            ),
            "success" if len(moved) == len(chosen) else "warning",
        )
    else:
        flash(_("Chưa chọn hồ sơ nào."), "info")
    rows = _rows(case_migration.dry_run(db(), version_or_404(key, number)), key)
    return render_template(
        "designer/migrate.html",
        key=key,
        target=target,
        rows=rows,
        results=_rows(list(results.values()), key),
    )
