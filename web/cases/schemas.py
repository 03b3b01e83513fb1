"""The nomination of a candidate (the start of a case), checked before the engine sees it.

Beyond types, it checks what only the web layer knows: that each unit code names a unit
of the right kind in today's organisation tree, and how the fields depend on each other
(a worker of an enterprise without a party organisation has no branch yet: the ward
committee where they live assigns one). The start form of the deployed definition is
checked again by ``workflows.admission.intake`` when the case starts.
"""
from __future__ import annotations

import unicodedata
from datetime import date

from flask_babel import lazy_gettext as _l
from marshmallow import (RAISE, Schema, ValidationError, fields, post_load, pre_load, validate,
                         validates, validates_schema)

from workflows.admission import rules
from workflows.admission.kinds import BRANCH, ENTERPRISE, WARD_COMMITTEE
from workflows.admission.tree import OrgTree

from ..labels import CATEGORIES, GENDERS

ENTERPRISE_CATEGORIES = ("enterprise_worker", "enterprise_manager")
# [A] Youth Union proposes students from grade 11 (procedure.md); nobody over 60 can be
# admitted, so a nomination outside these ages is a typing mistake.
MIN_AGE, MAX_AGE = 16, 60

REQUIRED = {"required": _l("Bắt buộc nhập."), "null": _l("Bắt buộc nhập.")}
CHOICE = _l("Lựa chọn không hợp lệ.")


class _Text(fields.String):
    """One line of text, NFC-normalised (some keyboards send decomposed Vietnamese)."""

    default_error_messages = {"invalid": _l("Phải là chuỗi ký tự.")}

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        text = " ".join(unicodedata.normalize("NFC", text).split())
        if any(unicodedata.category(ch) == "Cc" for ch in text):
            raise ValidationError(_l("Có ký tự không hợp lệ."))
        return text


def _kind_check(kind: str, message):
    """A validator: the value is the code of an active unit of ``kind``."""
    def check(self, value, **_kwargs):
        if value is None:
            return      # not given: whether it must be is the schema's rule below
        unit = self.tree.get(value)
        if unit is None or unit.kind != kind or not unit.active:
            raise ValidationError(message)
    return check


class NominationSchema(Schema):
    class Meta:
        unknown = RAISE

    full_name = _Text(required=True, error_messages=REQUIRED,
                      validate=validate.Length(min=2, max=120, error=_l(
                          "Họ và tên phải có từ {min} đến {max} ký tự.")))
    birth_date = fields.Date(required=True, error_messages={
        **REQUIRED, "invalid": _l("Ngày không hợp lệ (dd/mm/yyyy).")})
    gender = fields.String(required=True, error_messages=REQUIRED,
                           validate=validate.OneOf(tuple(GENDERS), error=CHOICE))
    ethnicity = _Text(load_default="Kinh", validate=validate.Length(
        max=60, error=_l("Không được quá {max} ký tự.")))
    youth_union_member = fields.Boolean(load_default=False, error_messages={
        "invalid": _l("Phải là Có hoặc Không.")})
    category = fields.String(required=True, error_messages=REQUIRED,
                             validate=validate.OneOf(tuple(CATEGORIES), error=CHOICE))
    enterprise_has_party_org = fields.Boolean(load_default=False, error_messages={
        "invalid": _l("Phải là Có hoặc Không.")})
    enterprise = fields.String(load_default=None)
    branch = fields.String(load_default=None)
    residence_unit = fields.String(required=True, error_messages=REQUIRED)

    def __init__(self, tree: OrgTree, **kwargs) -> None:
        self.tree = tree
        super().__init__(**kwargs)

    @pre_load
    def _blank_is_missing(self, data, **_kwargs):
        # HTML sends every input; an empty one means "not given", as in task forms.
        return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}

    @validates("birth_date")
    def _age(self, value: date, **_kwargs) -> None:
        today = date.fromisoformat(rules.today())
        if value > today:
            raise ValidationError(_l("Ngày sinh không được sau hôm nay."))
        years = rules.full_years(value, today)
        if not MIN_AGE <= years < MAX_AGE:
            raise ValidationError(_l("Người được giới thiệu phải từ đủ %(min)s đến dưới "
                                     "%(max)s tuổi.", min=MIN_AGE, max=MAX_AGE))

    _branch = validates("branch")(_kind_check(BRANCH, _l("Hãy chọn một chi bộ trong danh sách.")))
    _residence = validates("residence_unit")(_kind_check(
        WARD_COMMITTEE, _l("Hãy chọn một đảng ủy phường, xã trong danh sách.")))
    _enterprise = validates("enterprise")(_kind_check(
        ENTERPRISE, _l("Hãy chọn một doanh nghiệp trong danh sách.")))

    @validates_schema(skip_on_field_errors=False)
    def _paths(self, data, **_kwargs) -> None:
        """Without a party organisation in the enterprise, the ward assigns the branch.

        Checked even when other fields are wrong, so that every mistake shows at once."""
        ward_assigns = (data.get("category") in ENTERPRISE_CATEGORIES
                        and not data.get("enterprise_has_party_org"))
        errors = {}
        if ward_assigns and data.get("branch"):
            errors["branch"] = [_l("Để trống: doanh nghiệp chưa có tổ chức đảng thì Đảng ủy "
                                   "phường, xã nơi cư trú phân công chi bộ.")]
        if ward_assigns and not data.get("enterprise"):
            errors["enterprise"] = [_l("Hãy chọn doanh nghiệp nơi người lao động làm việc.")]
        if not ward_assigns and not data.get("branch"):
            errors["branch"] = [_l("Hãy chọn chi bộ phụ trách hồ sơ.")]
        if errors:
            raise ValidationError(errors)

    @post_load
    def _iso_dates(self, data, **_kwargs) -> dict:
        return {**data, "birth_date": data["birth_date"].isoformat()}


def error_messages(err: ValidationError) -> dict:
    """``err``'s messages as plain lists of text by field.

    marshmallow keeps a lazy (translatable) message as it is instead of in a list, as it
    does a ``str``; the pages want one shape: {field: [text, ...]}."""
    def plain(value):
        if isinstance(value, dict):
            return {key: plain(inner) for key, inner in value.items()}
        if isinstance(value, list):
            return [str(inner) for inner in value]
        return [str(value)]
    return plain(err.messages)
