"""The bodies the API takes and gives, as marshmallow schemas (and so in the OpenAPI
document). Output schemas read the engine's rows directly; nothing here changes data."""

from __future__ import annotations

import json
import re

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import fields, validate

from engine.forms import DEFAULT_MAX_LENGTH, TYPES
from engine.inbox import TABS
from workflows.admission.ending import ENDINGS

CASE_STATUSES = ("active", "waiting", "suspended", "closed")
MAX_PER_PAGE = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _no_control(value: str) -> None:
    # Query values end up in SQL parameters; PostgreSQL refuses NUL in text outright.
    if _CONTROL.search(value):
        raise ma.ValidationError("Có ký tự không hợp lệ.")


def code_arg(max_length: int = 64, **metadata) -> fields.String:
    """A short code given in the query string (unit, step, category)."""
    return fields.String(
        validate=[validate.Length(min=1, max=max_length), _no_control], metadata=metadata
    )


class JsonText(fields.Dict):
    """Data stored as canonical JSON text (audit events), given out as an object."""

    def _serialize(self, value, attr, obj, **kwargs):
        return json.loads(value) if isinstance(value, str) else value


# --- paging -----------------------------------------------------------------------


class PageArgs(ma.Schema):
    page = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1),
        metadata={"description": "1-based; past the last page: the last"},
    )
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))


def page_schema(
    name: str, item: type[ma.Schema], extra: dict[str, fields.Field] | None = None
) -> type[ma.Schema]:
    """The envelope of one page of ``item``s (plus ``extra`` fields)."""
    return ma.Schema.from_dict(
        {
            **(extra or {}),
            "items": fields.List(fields.Nested(item), required=True),
            "total": fields.Integer(required=True, metadata={"description": "rows on all pages"}),
            "page": fields.Integer(required=True),
            "pages": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
        },
        name=name,
    )


# --- organisation and definitions ---------------------------------------------------


class UnitSchema(ma.Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    parent = fields.String(allow_none=True)
    upper = fields.String(
        allow_none=True,
        metadata={
            "description": "the committee deciding admissions, when not the nearest one above"
        },
    )
    active = fields.Boolean()


class DefinitionSchema(ma.Schema):
    key = fields.String(required=True)
    version = fields.Integer(required=True)
    content_hash = fields.String()
    deployed_by = fields.String()
    deployed_at = fields.DateTime()
    files = fields.Function(
        lambda v: sorted(v.files), metadata={"type": "array", "items": {"type": "string"}}
    )
    forms = fields.Function(
        lambda v: sorted(v.forms), metadata={"type": "array", "items": {"type": "string"}}
    )


class DefinitionDetailSchema(DefinitionSchema):
    starters = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "unit kinds and roles that may start a case (ketnap:starters)"},
    )
    start_units = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "my units from which I may start one (empty: I may not)"},
    )
    start_form_name = fields.String(allow_none=True)
    start_form = fields.Dict(
        allow_none=True, metadata={"description": "the start event's form: its fields"}
    )


class DeployedSchema(DefinitionSchema):
    created = fields.Boolean(
        required=True,
        metadata={
            "description": "false: the files equal the current version, nothing was deployed"
        },
    )


class DeployArgs(ma.Schema):
    files = fields.List(
        Upload(),
        required=True,
        metadata={"description": ".bpmn diagrams and .json forms, as for `ketnap deploy`"},
    )


class DeployQuery(ma.Schema):
    key = code_arg(200, description="main process id, when the files hold several")


# --- forms --------------------------------------------------------------------------


class ChoiceSchema(ma.Schema):
    value = fields.String(required=True)
    label = fields.String(required=True)


class FormFieldSchema(ma.Schema):
    """One field of a task's form, with the limits a submission must keep."""

    name = fields.String(required=True)
    label = fields.String(required=True)
    type = fields.String(required=True, metadata={"enum": list(TYPES)})
    required = fields.Boolean(dump_default=False)
    readonly = fields.Boolean(dump_default=False)
    help = fields.String()
    default = fields.Raw()
    choices = fields.List(
        fields.Nested(ChoiceSchema),
        metadata={
            "description": "the values to choose from; for a unit field, the units of the "
            "tree it takes now (value: code, label: name)"
        },
    )
    unit_kinds = fields.List(
        fields.String(), metadata={"description": "a unit field's kinds of unit"}
    )
    min = fields.Raw(metadata={"description": "number, or ISO date for dates"})
    max = fields.Raw(metadata={"description": "number, or ISO date for dates"})
    min_length = fields.Integer()
    max_length = fields.Integer()
    min_items = fields.Integer()
    max_items = fields.Integer()
    # Named apart from Schema.fields (marshmallow's own table of fields); "fields" in JSON.
    entry_fields = fields.List(
        fields.Nested(lambda: FormFieldSchema()),
        data_key="fields",
        attribute="fields",
        metadata={"description": "a list's fields, for each entry"},
    )

    @ma.pre_dump
    def _implied_limits(self, spec: dict, **_kwargs) -> dict:
        # Text has a length limit even when the form names none: say which.
        if spec["type"] in DEFAULT_MAX_LENGTH and "max_length" not in spec:
            return {**spec, "max_length": DEFAULT_MAX_LENGTH[spec["type"]]}
        return spec


class FormSchema(ma.Schema):
    name = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String()
    form_fields = fields.List(
        fields.Nested(FormFieldSchema), required=True, data_key="fields", attribute="fields"
    )


# --- tasks and cases ------------------------------------------------------------------


class TaskSchema(ma.Schema):
    id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    step = fields.String(required=True, metadata={"description": "BPMN element id"})
    name = fields.String(required=True, attribute="step_name")
    lane = fields.String(allow_none=True)
    unit = fields.String(allow_none=True, metadata={"description": "code of the responsible unit"})
    status = fields.String(
        metadata={
            "enum": ["open", "completed", "cancelled", "reopened"],
            "description": "reopened: completed, then reopened to be corrected (a new task)",
        }
    )
    claimed_by = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)
    due_at = fields.DateTime(allow_none=True)
    completed_by = fields.String(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    title = fields.String(metadata={"description": "the candidate's name"})
    category = fields.String(allow_none=True)


class CaseSchema(ma.Schema):
    id = fields.Integer(required=True)
    definition = fields.String(required=True, attribute="definition_key")
    status = fields.String(required=True, metadata={"enum": list(CASE_STATUSES)})
    outcome = fields.String(allow_none=True)
    unit = fields.String(allow_none=True)
    title = fields.String()
    category = fields.String(allow_none=True)
    created_by = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    next_due_at = fields.DateTime(allow_none=True)


class TimerSchema(ma.Schema):
    step = fields.String(required=True)
    name = fields.String(allow_none=True)
    due_at = fields.DateTime(required=True)


class CaseDetailSchema(CaseSchema):
    data = fields.Dict(required=True)
    tasks = fields.List(
        fields.Nested(TaskSchema), required=True, metadata={"description": "the open tasks"}
    )
    timers = fields.List(
        fields.Nested(TimerSchema),
        required=True,
        metadata={"description": "the timers the case waits for"},
    )


class TaskDetailSchema(TaskSchema):
    form = fields.Nested(FormSchema, allow_none=True)
    values = fields.Dict(
        required=True, metadata={"description": "what the form shows before anything is submitted"}
    )
    case = fields.Nested(CaseSchema, required=True)


class EventSchema(ma.Schema):
    seq = fields.Integer(required=True)
    kind = fields.String(required=True)
    actor = fields.String(required=True)
    unit = fields.String(allow_none=True)
    at = fields.DateTime(required=True)
    data = JsonText(required=True)


def form_data(description: str) -> fields.Dict:
    """A form's fields by name: a JSON object, and a message that says so if it is not."""
    return fields.Dict(
        required=True,
        error_messages={
            "invalid": "Phải là một đối tượng JSON: các trường của biểu mẫu theo tên.",
            "required": "Bắt buộc nhập.",
        },
        metadata={"description": description},
    )


class StartCaseArgs(ma.Schema):
    definition = fields.String(required=True, validate=validate.Length(min=1, max=200))
    data = form_data("the start form's fields")
    unit = code_arg(
        description="another definition than admission: which of my units starts it "
        "(needed only when I may start it from several)"
    )


class CompleteArgs(ma.Schema):
    data = form_data("the task form's fields")


class CompleteQuery(ma.Schema):
    preview = fields.Boolean(
        load_default=False,
        metadata={"description": "true: answer what the completion would do; store nothing"},
    )


class EffectStepSchema(ma.Schema):
    task = fields.Integer(required=True)
    step = fields.String(required=True, metadata={"description": "BPMN element id"})
    name = fields.String(required=True)
    unit = fields.String(allow_none=True)


class CompletionPreviewSchema(ma.Schema):
    """What completing a task with the given data would do; nothing was stored."""

    preview = fields.Boolean(required=True, metadata={"enum": [True]})
    task = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    status = fields.String(
        required=True,
        metadata={"enum": list(CASE_STATUSES), "description": "the case's status afterwards"},
    )
    closes = fields.Boolean(required=True, metadata={"description": "the case would close"})
    outcome = fields.String(allow_none=True, required=True)
    opens = fields.List(
        fields.Nested(EffectStepSchema), required=True, metadata={"description": "tasks opened"}
    )
    cancels = fields.List(
        fields.Nested(EffectStepSchema),
        required=True,
        metadata={"description": "open tasks cancelled"},
    )
    confirmation = fields.String(
        allow_none=True,
        required=True,
        metadata={
            "description": "what the task page asks its user to confirm before storing it "
            "(the figures, and that the case closes), or null"
        },
    )


class EndCaseArgs(ma.Schema):
    outcome = fields.String(
        required=True,
        validate=validate.OneOf(ENDINGS),
        metadata={
            "description": "withdrawn (by the branch, before the decision), stopped (by a "
            "board above), removed (during probation, by the body deciding recognition), "
            "cancelled (by the proposer before anyone else acted, or by a board above, before "
            "the decision)"
        },
    )
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=2000)])


class TransferArgs(ma.Schema):
    to_unit = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=64)],
        metadata={"description": "code of the active party branch the case goes to"},
    )
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=2000)])


class TransferAnswerArgs(ma.Schema):
    decision = fields.String(required=True, validate=validate.OneOf(("accept", "refuse")))
    helper_name = fields.String(
        load_default="",
        validate=[validate.Length(max=120)],
        metadata={"description": "the new helper member (required if the case had one)"},
    )
    introducers = fields.List(
        fields.String(validate=[validate.Length(max=160)]),
        load_default=list,
        validate=[validate.Length(max=10)],
        metadata={"description": "a replacement for each current introducer, in order"},
    )
    note = fields.String(load_default="", validate=[validate.Length(max=2000)])
    reason = fields.String(
        load_default="",
        validate=[validate.Length(max=2000)],
        metadata={"description": "why the transfer is refused (required to refuse)"},
    )


class ReopenArgs(ma.Schema):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=2000)])


class CaseQuery(PageArgs):
    status = fields.String(validate=validate.OneOf(CASE_STATUSES))
    step = code_arg(200, description="cases with an open task at this BPMN element")
    unit = code_arg(description="code of the responsible unit")
    category = code_arg()
    year = fields.Integer(
        validate=validate.Range(min=1900, max=2999),
        metadata={"description": "the year the case was opened"},
    )


class TaskQuery(PageArgs):
    """The inbox page's tabs and filters, by the same names."""

    tab = fields.String(
        validate=validate.OneOf(TABS),
        metadata={
            "description": "mine: claimed by me; unit: unclaimed in my units; overdue; "
            "done: completed by me. Default: mine if I have any, else unit"
        },
    )
    step = code_arg(200)
    unit = code_arg(description="one of my units")
    category = code_arg()
    q = fields.String(
        load_default="",
        validate=[validate.Length(max=100), _no_control],
        metadata={"description": "words of the candidate's name"},
    )
    sort = fields.String(
        load_default="asc",
        validate=validate.OneOf(["asc", "desc"]),
        metadata={"description": "by due date"},
    )


CasePageSchema = page_schema("CasePage", CaseSchema)
TaskPageSchema = page_schema(
    "TaskPage",
    TaskSchema,
    {
        "tab": fields.String(required=True, metadata={"description": "the tab shown"}),
        "counts": fields.Dict(
            keys=fields.String(),
            values=fields.Integer(),
            required=True,
            metadata={"description": "tasks in each tab, under the filters"},
        ),
    },
)
