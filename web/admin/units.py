"""The organisation tree in the admin area: see it, and import a new one.

An import takes two steps. The uploaded file is checked and the changes it would make
are shown (``orgs.plan_import``), writing nothing; every problem of the file is listed at
once. The confirmation form carries the file back (base64, so that no browser rewrites
its line ends) with a digest of the file and of the plan shown. If the stored tree
changed in between, the plan and so the digest differ, and the new plan is shown for
another confirmation instead of importing something the administrator did not see.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from pathlib import PurePath

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import audit
from workflows.admission import orgs
from workflows.admission.kinds import KINDS
from workflows.admission.tree import load_tree

from ..auth.session import actor
from ..extensions import db, run_operation
from . import bp
from . import operations as ops
from .forms import indented

FORMATS = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}


@bp.get("/don-vi")
def units():
    return render_template("admin/units.html", rows=indented(load_tree(db())), kinds=KINDS)


def _form(problems: list[str], status: int = 200):
    return render_template("admin/units_import.html", problems=problems, plan=None), status


def _plan(raw: bytes, fmt: str) -> tuple[list[orgs.OrgUnit], orgs.ImportPlan | None, list[str]]:
    """The file's units and what importing them would change, or the file's problems."""
    try:
        units = orgs.parse_tree(raw.decode("utf-8-sig"), fmt)
        return units, orgs.plan_import(db(), units), []
    except UnicodeDecodeError as err:
        return [], None, [_("Tệp không phải văn bản UTF-8 (lỗi ở byte %(at)d).", at=err.start)]
    except orgs.TreeFormatError as err:
        return [], None, [str(problem) for problem in err.problems]


def _digest(raw: bytes, plan: orgs.ImportPlan) -> str:
    return hashlib.sha256(raw + audit.canonical(plan.summary()).encode()).hexdigest()


def _preview(raw: bytes, fmt: str, source: str, *, changed_meanwhile: bool = False):
    units, plan, problems = _plan(raw, fmt)
    if plan is None:
        return _form(problems, 422)
    names = {unit.code: unit.name for unit in units}
    stored = load_tree(db())
    for code in plan.deactivated:
        names[code] = stored.unit(code).name
    return render_template(
        "admin/units_import.html",
        problems=[],
        plan=plan,
        names=names,
        total=len(units),
        source=source,
        fmt=fmt,
        content=base64.b64encode(raw).decode("ascii"),
        digest=_digest(raw, plan),
        changed_meanwhile=changed_meanwhile,
    ), (409 if changed_meanwhile else 200)


@bp.get("/don-vi/nhap")
def units_import():
    return _form([])


@bp.post("/don-vi/nhap")
def units_preview():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _form([_("Hãy chọn một tệp.")], 422)
    source = PurePath(upload.filename).name[:200]
    fmt = FORMATS.get(PurePath(source).suffix.lower())
    if fmt is None:
        return _form([_("Tệp phải có đuôi .yaml, .yml hoặc .csv.")], 422)
    return _preview(upload.read(), fmt, source)


@bp.post("/don-vi/nhap/xac-nhan")
def units_confirm():
    form = request.form
    fmt, source = form.get("format", ""), form.get("source", "")[:200]
    try:
        raw = base64.b64decode(form.get("content", ""), validate=True)
    except binascii.Error:
        abort(400)
    if fmt not in FORMATS.values():
        abort(400)
    units, plan, problems = _plan(raw, fmt)
    if plan is None:
        return _form(problems, 422)
    if _digest(raw, plan) != form.get("digest"):
        return _preview(raw, fmt, source, changed_meanwhile=True)
    run_operation(ops.import_units, actor(), units, source)
    flash(
        _(
            "Đã nhập cơ cấu tổ chức: %(new)d đơn vị mới, %(changed)d thay đổi, "
            "%(inactive)d ngừng hoạt động.",
            new=len(plan.created),
            changed=len(plan.updated),
            inactive=len(plan.deactivated),
        ),
        "success",
    )
    return redirect(url_for(".units"))
