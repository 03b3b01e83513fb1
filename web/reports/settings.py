"""What boards set on the report pages: the organisation board its committee's yearly
targets (and the admissions decided outside ketnap), the board the tree names for it
the sourcing quotas of the mass organisations. Each change is audited by the domain
function that makes it; the view commits."""

from __future__ import annotations

import re
from dataclasses import replace

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from engine.cases import committing
from workflows.admission.reports import quotas, targets
from workflows.admission.tree import load_tree

from ..auth.session import login_required
from ..extensions import db
from . import access, bp
from .compute import Query
from .query import year_of

MAX_COUNT = 100_000
PERCENT = re.compile(r"^\d{1,3}([.,]\d{1,2})?$")


class TargetInputRefused(ValueError):
    """A target or count the board filled in wrongly; the message is shown as it is."""


def _count(name: str, label: str, *, blank_ok: bool = False) -> int | None:
    raw = request.form.get(name, "").strip()
    if blank_ok and raw == "":
        return None
    if not raw.isdigit() or int(raw) > MAX_COUNT:
        raise TargetInputRefused(
            _("%(field)s phải là số nguyên từ 0 đến %(max)s.", field=label, max=MAX_COUNT)
        )
    return int(raw)


def _basis_points(name: str, label: str) -> int:
    """A percentage typed as 2, 2.5 or 2,5, as basis points (2 % -> 200)."""
    raw = request.form.get(name, "").strip()
    if not PERCENT.match(raw) or float(raw.replace(",", ".")) > 100:
        raise TargetInputRefused(_("%(field)s phải là tỷ lệ phần trăm từ 0 đến 100.", field=label))
    return round(float(raw.replace(",", ".")) * 100)


def _chosen(name: str, allowed: list[str]) -> tuple[str, ...]:
    """The codes ticked among ``allowed``, in its order (the tree's)."""
    picked = request.form.getlist(name)
    if not set(picked) <= set(allowed):
        abort(400)
    return tuple(code for code in allowed if code in picked)


def _back(endpoint: str, committee: str, year: int):
    return redirect(url_for(endpoint, committee=committee, year=year))


def _setter_query(setters) -> Query:
    committee = request.form.get("committee", "")
    if committee not in setters(db(), g.user):
        abort(403)
    return Query(committee, year_of(request.form.get("year")))


def target_form(query: Query) -> dict:
    """What the targets page needs to show (and, for the board, edit) the settings."""
    tree = load_tree(db())
    stored = targets.settings(db(), query.committee, query.year)
    return {
        "settings": targets.covered(tree, stored),
        "school_choices": targets.school_choices(tree, stored),
        "sets_targets": query.committee in access.target_setters(db(), g.user),
    }


@bp.post("/chi-tieu")
@login_required
def save_targets():
    query = _setter_query(access.target_setters)
    current = targets.settings(db(), query.committee, query.year)
    allowed = targets.school_choices(load_tree(db()), current)
    try:
        chosen = replace(
            current,
            students_per_school=_count("students_per_school", _("Số học sinh mỗi trường")),
            worker_share_bp=_basis_points("worker_share", _("Tỷ lệ công nhân")),
            outside_admissions=_count("outside_admissions", _("Số kết nạp ngoài hệ thống")),
            schools=_chosen("schools", allowed),
            note=request.form.get("note", "").strip()[:2000],
        )
    except TargetInputRefused as refused:
        flash(str(refused), "error")
        return _back("reports.targets", query.committee, query.year)
    with committing(db()) as session:
        targets.save(session, chosen, g.user.username)
    flash(_("Đã lưu chỉ tiêu năm %(year)s.", year=query.year), "success")
    return _back("reports.targets", query.committee, query.year)


def quota_form(query: Query) -> dict:
    units = quotas.mass_organisations(load_tree(db()), query.committee)
    return {
        "mass_orgs": units,
        "quotas": quotas.assigned(db(), units, query.year),
        "sets_quotas": query.committee in access.quota_setters(db(), g.user),
    }


@bp.post("/tao-nguon")
@login_required
def save_quotas():
    query = _setter_query(access.quota_setters)
    units = quotas.mass_organisations(load_tree(db()), query.committee)
    try:
        wanted = {unit: _count(f"quota-{unit}", unit, blank_ok=True) for unit in units}
    except TargetInputRefused as refused:
        flash(str(refused), "error")
        return _back("reports.quotas", query.committee, query.year)
    current = quotas.assigned(db(), units, query.year)
    with committing(db()) as session:
        for unit, quota in wanted.items():
            if quota != current.get(unit):
                quotas.assign(session, unit, query.year, quota, g.user.username)
    flash(_("Đã lưu chỉ tiêu tạo nguồn năm %(year)s.", year=query.year), "success")
    return _back("reports.quotas", query.committee, query.year)
