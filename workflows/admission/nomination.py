"""The nomination of a candidate (the start of a case): who may nominate, the form a
proposing unit fills in, and the check of what it sends, before the engine sees it.

Beyond types, the check covers what the deployed start form cannot say: that each unit
code names an active unit of the right kind in today's organisation tree, and how the
fields depend on each other (a worker of an enterprise without a party organisation has
no branch yet: the ward committee where they live assigns one). The start form of the
deployed definition is checked again by ``intake.start_admission`` when the case starts.

Texts are Vietnamese msgids. The functions that give texts take ``_``: gettext, with its
signature (a msgid and its named parameters), which gives them in the reader's language;
without it they stay Vietnamese. Named ``_``, it marks the msgids for extraction too.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates,
    validates_schema,
)

from engine.errors import Problem

from . import candidate, intake, rules, special_cases
from .kinds import BRANCH, ENTERPRISE, MASS_ORGANISATION, TRADE_UNION, WARD_COMMITTEE, YOUTH_UNION
from .tree import OrgTree
from .vocabulary import (
    CATEGORIES,
    EDUCATION_EXCEPTIONS,
    EDUCATION_LEVELS,
    GENDERS,
    N_,
    RELIGIONS,
)

Translate = Callable[..., str]

# Units that introduce a candidate and give the mass organisation's opinion later
# (lane "proposer"); a branch or ward committee that nominates has no such step.
INTRODUCING_KINDS = frozenset({YOUTH_UNION, TRADE_UNION, MASS_ORGANISATION})
#: The kinds of unit whose reviewers may nominate.
PROPOSER_KINDS = INTRODUCING_KINDS | {BRANCH, WARD_COMMITTEE}
ENTERPRISE_CATEGORIES = ("enterprise_worker", "enterprise_manager")
# [A] Youth Union proposes students from grade 11 (procedure.md); someone over 60 may be
# admitted with the province's consent, which the case waits for (admission.bpmn), so
# only a nomination outside these ages is a typing mistake.
MIN_AGE, MAX_AGE = 16, 90
NAME_LENGTH = (2, 120)
ETHNICITY_LENGTH = (0, 60)
HOMETOWN_LENGTH = (0, 200)
OCCUPATION_LENGTH = (0, 120)
REASON_LENGTH = (0, 500)

REQUIRED: dict[str, Any] = {"required": N_("Bắt buộc nhập."), "null": N_("Bắt buộc nhập.")}
CHOICE = N_("Lựa chọn không hợp lệ.")
YES_NO: dict[str, Any] = {"invalid": N_("Phải là Có hoặc Không.")}
DATE: dict[str, Any] = {"invalid": N_("Ngày không hợp lệ (dd/mm/yyyy).")}
#: The start form's fields of the special cases, offered by the nomination as the
#: deployed start form words them (bpmn/forms/start.json).
SPECIAL_FIELDS = (
    "enterprise_owner",
    "owner_conditions_declared",
    "readmission",
    "earlier_admission_date",
    "left_party_date",
    "left_party_reason",
    "earlier_readmission",
    "readmission_no_exclusion",
)


def untranslated(msgid: str, **params: Any) -> str:
    """The Vietnamese text of ``msgid`` (the default ``_``)."""
    return msgid % params if params else msgid


class _Text(fields.String):
    """One line of text, NFC-normalised (some keyboards send decomposed Vietnamese)."""

    default_error_messages = {"invalid": N_("Phải là chuỗi ký tự.")}

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        text = " ".join(unicodedata.normalize("NFC", text).split())
        if any(unicodedata.category(ch) == "Cc" for ch in text):
            raise ValidationError(N_("Có ký tự không hợp lệ."))
        return text


def _length(msgid: str, bounds: tuple[int, int]):
    """A validator: the text has from ``bounds[0]`` to ``bounds[1]`` characters.

    marshmallow's own Length fills its message in with str.format before anyone could
    translate it; this one leaves the bounds as the message's parameters."""
    low, high = bounds

    def check(value: str) -> None:
        if not low <= len(value) <= high:
            raise ValidationError([Problem.translatable(msgid, min=low, max=high)])

    return check


def _kind_check(kind: str, message: str):
    """A validator: the value is the code of an active unit of ``kind``."""

    def check(self, value, **_kwargs):
        if value is None:
            return  # not given: whether it must be is the schema's rule below
        unit = self.tree.get(value)
        if unit is None or unit.kind != kind or not unit.active:
            raise ValidationError(message)

    return check


class _Day(fields.Date):
    """A date as the API sends it (ISO, 2008-08-02) or as people type it (02/08/2008)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and "/" in value:
            try:
                return datetime.strptime(value.strip(), "%d/%m/%Y").date()
            except ValueError as error:
                raise self.make_error("invalid") from error
        return super()._deserialize(value, attr, data, **kwargs)


class NominationSchema(Schema):
    """The start data of an admission case, checked against ``tree``."""

    class Meta:
        unknown = RAISE

    full_name = _Text(
        required=True,
        error_messages=REQUIRED,
        validate=_length(N_("Họ và tên phải có từ %(min)s đến %(max)s ký tự."), NAME_LENGTH),
    )
    birth_date = _Day(
        required=True, error_messages={**REQUIRED, "invalid": N_("Ngày không hợp lệ (dd/mm/yyyy).")}
    )
    gender = fields.String(
        required=True,
        error_messages=REQUIRED,
        validate=validate.OneOf(tuple(GENDERS), error=CHOICE),
    )
    ethnicity = _Text(
        load_default="Kinh", validate=_length(N_("Không được quá %(max)s ký tự."), ETHNICITY_LENGTH)
    )
    hometown = _Text(
        load_default=None, validate=_length(N_("Không được quá %(max)s ký tự."), HOMETOWN_LENGTH)
    )
    occupation = _Text(
        load_default=None, validate=_length(N_("Không được quá %(max)s ký tự."), OCCUPATION_LENGTH)
    )
    education_level = fields.String(
        load_default=None, validate=validate.OneOf(tuple(EDUCATION_LEVELS), error=CHOICE)
    )
    education_exception = fields.String(
        load_default=None, validate=validate.OneOf(tuple(EDUCATION_EXCEPTIONS), error=CHOICE)
    )
    religion = fields.String(
        load_default="none", validate=validate.OneOf(tuple(RELIGIONS), error=CHOICE)
    )
    youth_union_member = fields.Boolean(load_default=False, error_messages=YES_NO)
    trade_union_member = fields.Boolean(load_default=False, error_messages=YES_NO)
    category = fields.String(
        required=True,
        error_messages=REQUIRED,
        validate=validate.OneOf(tuple(CATEGORIES), error=CHOICE),
    )
    enterprise_has_party_org = fields.Boolean(load_default=False, error_messages=YES_NO)
    enterprise = fields.String(load_default=None)
    branch = fields.String(load_default=None)
    residence_unit = fields.String(required=True, error_messages=REQUIRED)
    # The special cases (special_cases): an enterprise owner, a re-admission.
    enterprise_owner = fields.Boolean(load_default=False, error_messages=YES_NO)
    owner_conditions_declared = fields.Boolean(load_default=False, error_messages=YES_NO)
    readmission = fields.Boolean(load_default=False, error_messages=YES_NO)
    earlier_admission_date = fields.Date(load_default=None, error_messages=DATE)
    left_party_date = fields.Date(load_default=None, error_messages=DATE)
    left_party_reason = _Text(
        load_default=None, validate=_length(N_("Không được quá %(max)s ký tự."), REASON_LENGTH)
    )
    earlier_readmission = fields.Boolean(load_default=False, error_messages=YES_NO)
    readmission_no_exclusion = fields.Boolean(load_default=False, error_messages=YES_NO)

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
            raise ValidationError(N_("Ngày sinh không được sau hôm nay."))
        years = rules.full_years(value, today)
        if not MIN_AGE <= years < MAX_AGE:
            raise ValidationError(
                [
                    Problem.translatable(
                        N_("Người được giới thiệu phải từ đủ %(min)s đến dưới %(max)s tuổi."),
                        min=MIN_AGE,
                        max=MAX_AGE,
                    )
                ]
            )

    _branch = validates("branch")(_kind_check(BRANCH, N_("Hãy chọn một chi bộ trong danh sách.")))
    _residence = validates("residence_unit")(
        _kind_check(WARD_COMMITTEE, N_("Hãy chọn một đảng ủy phường, xã trong danh sách."))
    )
    _enterprise = validates("enterprise")(
        _kind_check(ENTERPRISE, N_("Hãy chọn một doanh nghiệp trong danh sách."))
    )

    @validates_schema(skip_on_field_errors=False)
    def _paths(self, data, **_kwargs) -> None:
        """Without a party organisation in the enterprise, the ward assigns the branch.

        Checked even when other fields are wrong, so that every mistake shows at once."""
        ward_assigns = data.get("category") in ENTERPRISE_CATEGORIES and not data.get(
            "enterprise_has_party_org"
        )
        errors = {}
        if ward_assigns and data.get("branch"):
            errors["branch"] = [
                N_(
                    "Để trống: doanh nghiệp chưa có tổ chức đảng thì Đảng ủy "
                    "phường, xã nơi cư trú phân công chi bộ."
                )
            ]
        if ward_assigns and not data.get("enterprise"):
            errors["enterprise"] = [N_("Hãy chọn doanh nghiệp nơi người lao động làm việc.")]
        if not ward_assigns and not data.get("branch"):
            errors["branch"] = [N_("Hãy chọn chi bộ phụ trách hồ sơ.")]
        if errors:
            raise ValidationError(errors)

    @validates_schema(skip_on_field_errors=False)
    def _education(self, data, **_kwargs) -> None:
        errors = candidate.education_errors(data)
        if errors:
            raise ValidationError(errors)

    @validates_schema(skip_on_field_errors=False)
    def _special_cases(self, data, **_kwargs) -> None:
        errors = special_cases.start_errors(data)
        if errors:
            raise ValidationError(errors)

    @post_load
    def _iso_dates(self, data, **_kwargs) -> dict:
        dates = ("birth_date", "earlier_admission_date", "left_party_date")
        return {**data, **{k: data[k].isoformat() for k in dates if data.get(k) is not None}}


def _unit_field(tree: OrgTree, kind: str, spec: dict) -> dict:
    """A unit field (format: engine/forms/format.py) offering the tree's units of ``kind``."""
    choices = [{"value": unit.code, "label": unit.name} for unit in tree.units(kind)]
    return {**spec, "type": "unit", "unit_kinds": [kind], "choices": choices}


def _named_choices(names: dict[str, str], _: Translate) -> list[dict]:
    return [{"value": code, "label": _(name)} for code, name in names.items()]


def start_form(tree: OrgTree, proposers: list[str], _: Translate = untranslated) -> dict:
    """The nomination as a form definition (format: engine/forms/format.py), with the
    tree's units as choices; a user of several proposing units also chooses which one
    proposes."""
    form_fields = [
        {
            "name": "full_name",
            "label": _("Họ và tên"),
            "type": "string",
            "required": True,
            "max_length": NAME_LENGTH[1],
        },
        {"name": "birth_date", "label": _("Ngày sinh"), "type": "date", "required": True},
        {
            "name": "gender",
            "label": _("Giới tính"),
            "type": "choice",
            "required": True,
            "choices": _named_choices(GENDERS, _),
        },
        {
            "name": "ethnicity",
            "label": _("Dân tộc"),
            "type": "string",
            "default": "Kinh",
            "max_length": ETHNICITY_LENGTH[1],
        },
        {
            "name": "hometown",
            "label": _("Quê quán"),
            "type": "string",
            "max_length": HOMETOWN_LENGTH[1],
            "help": _("Xã (phường), tỉnh (thành phố) như ghi trong lý lịch."),
        },
        {
            "name": "occupation",
            "label": _("Nghề nghiệp"),
            "type": "string",
            "max_length": OCCUPATION_LENGTH[1],
        },
        {
            "name": "education_level",
            "label": _("Trình độ giáo dục phổ thông"),
            "type": "choice",
            "choices": _named_choices(EDUCATION_LEVELS, _),
        },
        {
            "name": "education_exception",
            "label": _("Trường hợp ngoại lệ về trình độ học vấn"),
            "type": "choice",
            "choices": _named_choices(EDUCATION_EXCEPTIONS, _),
            "help": _("Chỉ khi chưa tốt nghiệp trung học cơ sở."),
        },
        {
            "name": "religion",
            "label": _("Tôn giáo"),
            "type": "choice",
            "default": "none",
            "choices": _named_choices(RELIGIONS, _),
        },
        {
            "name": "youth_union_member",
            "label": _("Là đoàn viên Đoàn TNCS Hồ Chí Minh"),
            "type": "boolean",
            "default": False,
        },
        {
            "name": "trade_union_member",
            "label": _("Là đoàn viên Công đoàn Việt Nam"),
            "type": "boolean",
            "default": False,
        },
        {
            "name": "category",
            "label": _("Đối tượng"),
            "type": "choice",
            "required": True,
            "choices": _named_choices(CATEGORIES, _),
        },
        {
            "name": "enterprise_has_party_org",
            "label": _("Doanh nghiệp đã có tổ chức đảng"),
            "type": "boolean",
            "default": False,
            "help": _("Chỉ với người lao động, chủ doanh nghiệp không có vốn Nhà nước."),
        },
        _unit_field(
            tree,
            ENTERPRISE,
            {
                "name": "enterprise",
                "label": _("Doanh nghiệp chưa có tổ chức đảng"),
                "help": _("Nơi người lao động làm việc, khi doanh nghiệp chưa có tổ chức đảng."),
            },
        ),
        _unit_field(
            tree,
            BRANCH,
            {
                "name": "branch",
                "label": _("Chi bộ phụ trách"),
                "help": _(
                    "Để trống nếu doanh nghiệp chưa có tổ chức đảng: Đảng ủy phường, xã nơi "
                    "cư trú sẽ phân công chi bộ."
                ),
            },
        ),
        _unit_field(
            tree,
            WARD_COMMITTEE,
            {
                "name": "residence_unit",
                "label": _("Đảng ủy phường, xã nơi cư trú"),
                "required": True,
            },
        ),
    ]
    form_fields.extend(_special_fields(_))
    if len(proposers) > 1:
        form_fields.append(
            {
                "name": "proposer_unit",
                "label": _("Đơn vị đề nghị"),
                "type": "choice",
                "required": True,
                "choices": [{"value": code, "label": tree.unit(code).name} for code in proposers],
            }
        )
    return {"title": _("Mở hồ sơ phát triển đảng viên"), "fields": form_fields}


def _special_fields(_: Translate) -> list[dict]:
    """The special cases' fields of the start form, their texts in the reader's language."""
    start = json.loads((intake.BPMN_DIR / "forms" / "start.json").read_text(encoding="utf-8"))
    found = {spec["name"]: spec for spec in start["fields"]}
    texts = ("label", "help")
    return [
        {**found[name], **{k: _(found[name][k]) for k in texts if k in found[name]}}
        for name in SPECIAL_FIELDS
    ]


def default_branch(tree: OrgTree, proposer: str) -> str | None:
    """The branch a nomination by ``proposer`` goes to unless the form says otherwise.

    A branch nominates for itself; a school's or an enterprise's Youth Union or Trade
    Union sits under the branch that will handle the case."""
    unit = tree.unit(proposer)
    if unit.kind == BRANCH:
        return unit.code
    parent = tree.get(unit.parent)
    return parent.code if parent is not None and parent.kind == BRANCH else None


def field_messages(messages: Any, _: Translate = untranslated) -> dict:
    """marshmallow's ``messages`` as {field: [text, ...]} in the reader's language.

    marshmallow keeps a message that is not a ``str`` (a ``Problem`` with parameters) as
    it is instead of in a list, as it does a ``str``; the callers want one shape."""

    def text(message) -> str:
        if isinstance(message, Problem):
            return _(message.message, **message.parameters)
        return _(str(message))

    def plain(value):
        if isinstance(value, dict):
            return {key: plain(inner) for key, inner in value.items()}
        if isinstance(value, list):
            return [text(inner) for inner in value]
        return [text(value)]

    return plain(messages)


def check_start(
    tree: OrgTree, proposers: list[str], posted: dict, _: Translate = untranslated
) -> dict:
    """The start data nominated by one of ``proposers`` (the units whose reviewer sends
    it), or ValidationError with {field: [text, ...]}.

    ``posted`` names the proposing unit (``proposer_unit``) only when there are several
    to choose from; the data keeps it only for a unit that introduces the candidate."""
    posted = dict(posted)
    proposer = posted.pop("proposer_unit", None) if len(proposers) > 1 else proposers[0]
    errors = {}
    if proposer not in proposers:
        errors["proposer_unit"] = [_("Hãy chọn đơn vị đề nghị.")]
    try:
        data = NominationSchema(tree).load(posted)
    except ValidationError as err:
        errors.update(field_messages(err.messages, _))
    if errors:
        raise ValidationError(errors)
    introducing = tree.unit(proposer).kind in INTRODUCING_KINDS
    return {**data, "proposer_unit": proposer if introducing else None}
