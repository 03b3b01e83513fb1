"""Nomination: a reviewer of a proposing unit (Youth Union, Trade Union, a branch, a ward
committee...) opens a case for a candidate.

The page is drawn by the same form renderer as task pages, from a form definition built
here with the organisation tree's units as choices; ``schemas.NominationSchema`` checks
what is sent, then ``intake.start_admission`` checks it against the deployed start form.
"""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from engine.errors import InvalidData
from workflows.admission import intake
from workflows.admission.kinds import (BRANCH, ENTERPRISE, MASS_ORGANISATION, TRADE_UNION,
                                       WARD_COMMITTEE, YOUTH_UNION)
from workflows.admission.tree import OrgTree, load_tree

from ..auth.session import actor, login_required
from ..formdata import initial_values, parse_submission
from ..labels import CATEGORIES, GENDERS, unit_name
from ..extensions import run_operation
from ..permissions import may_see_case, proposing_units
from ..extensions import db
from . import reading
from . import bp
from .schemas import NominationSchema, error_messages

# Units that introduce a candidate and give the mass organisation's opinion later
# (lane "proposer"); a branch or ward committee that nominates has no such step.
INTRODUCING_KINDS = {YOUTH_UNION, TRADE_UNION, MASS_ORGANISATION}


def _unit_choices(tree: OrgTree, kind: str) -> list[dict]:
    return [{"value": unit.code, "label": unit.name} for unit in tree.units(kind)]


def nomination_form(tree: OrgTree, proposers: list[str]) -> dict:
    """The nomination as a form definition (format: engine/form_files.py)."""
    fields = [
        {"name": "full_name", "label": _("Họ và tên"), "type": "string", "required": True,
         "max_length": 120},
        {"name": "birth_date", "label": _("Ngày sinh"), "type": "date", "required": True},
        {"name": "gender", "label": _("Giới tính"), "type": "choice", "required": True,
         "choices": [{"value": k, "label": _(v)} for k, v in GENDERS.items()]},
        {"name": "ethnicity", "label": _("Dân tộc"), "type": "string", "default": "Kinh",
         "max_length": 60},
        {"name": "youth_union_member", "label": _("Là đoàn viên Đoàn TNCS Hồ Chí Minh"),
         "type": "boolean", "default": False},
        {"name": "category", "label": _("Đối tượng"), "type": "choice", "required": True,
         "choices": [{"value": k, "label": _(v)} for k, v in CATEGORIES.items()]},
        {"name": "enterprise_has_party_org", "label": _("Doanh nghiệp đã có tổ chức đảng"),
         "type": "boolean", "default": False,
         "help": _("Chỉ với người lao động, chủ doanh nghiệp không có vốn Nhà nước.")},
        {"name": "enterprise", "label": _("Doanh nghiệp chưa có tổ chức đảng"), "type": "choice",
         "choices": _unit_choices(tree, ENTERPRISE),
         "help": _("Nơi người lao động làm việc, khi doanh nghiệp chưa có tổ chức đảng.")},
        {"name": "branch", "label": _("Chi bộ phụ trách"), "type": "choice",
         "choices": _unit_choices(tree, BRANCH),
         "help": _("Để trống nếu doanh nghiệp chưa có tổ chức đảng: Đảng ủy phường, xã nơi "
                   "cư trú sẽ phân công chi bộ.")},
        {"name": "residence_unit", "label": _("Đảng ủy phường, xã nơi cư trú"), "type": "choice",
         "required": True, "choices": _unit_choices(tree, WARD_COMMITTEE)},
    ]
    if len(proposers) > 1:
        fields.append({"name": "proposer_unit", "label": _("Đơn vị đề nghị"), "type": "choice",
                       "required": True,
                       "choices": [{"value": c, "label": unit_name(c)} for c in proposers]})
    return {"title": _("Mở hồ sơ phát triển đảng viên"), "fields": fields}


def _default_branch(tree: OrgTree, proposer: str) -> str | None:
    """A branch nominates for itself; a school's or an enterprise's Youth Union or Trade
    Union sits under the branch that will handle the case."""
    unit = tree.unit(proposer)
    if unit.kind == BRANCH:
        return unit.code
    parent = tree.get(unit.parent)
    return parent.code if parent is not None and parent.kind == BRANCH else None


def check_start(tree: OrgTree, proposers: list[str], posted: dict) -> dict:
    """The start data, or ValidationError with messages by field."""
    proposer = posted.pop("proposer_unit", None) if len(proposers) > 1 else proposers[0]
    errors = {}
    if proposer not in proposers:
        errors["proposer_unit"] = [_("Hãy chọn đơn vị đề nghị.")]
    try:
        data = NominationSchema(tree).load(posted)
    except ValidationError as err:
        errors.update(error_messages(err))
    if errors:
        raise ValidationError(errors)
    introducing = tree.unit(proposer).kind in INTRODUCING_KINDS
    return {**data, "proposer_unit": proposer if introducing else None}


def _page(form: dict, values: dict, errors: dict, proposers: list[str], status: int = 200):
    return render_template("cases/new.html", form=form, values=values, errors=errors,
                           proposer=proposers[0] if len(proposers) == 1 else None), status


@bp.route("/ho-so/moi", methods=["GET", "POST"])
@login_required
def new():
    session = db()
    proposers = proposing_units(session, g.user)
    if not proposers:
        abort(403)
    tree = load_tree(session)
    form = nomination_form(tree, proposers)
    if request.method == "GET":
        return _page(form, initial_values(form, {"branch": _default_branch(tree, proposers[0])}),
                     {}, proposers)
    posted = parse_submission(form, request.form)
    try:
        data = check_start(tree, proposers, dict(posted))
        case = run_operation(intake.start_admission, data, actor())
    except ValidationError as err:
        return _page(form, posted, error_messages(err), proposers, 422)
    except InvalidData as err:
        return _page(form, posted, err.fields, proposers, 422)
    return _started(case)


def _started(case):
    """Tell where the case went; open its page if the nominating unit may see it."""
    first = reading.case_items(db(), case.id, "open")
    where = ", ".join(f"«{item.step_name}» — {unit_name(item.unit)}" for item in first)
    flash(_("Đã mở hồ sơ của %(name)s. Việc tiếp theo: %(where)s.",
            name=case.title, where=where or _("không có")), "success")
    if may_see_case(db(), g.user, case):
        return redirect(url_for("cases.show", case_id=case.id))
    return redirect(url_for("inbox.index"))
