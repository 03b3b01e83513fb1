"""The bodies of the report endpoints: the same figures as the report pages, each count
with the ids of the cases behind it."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from .schemas import code_arg

STATUSES = ["met", "on_track", "at_risk", "missed"]


def _status(**metadata) -> fields.String:
    return fields.String(allow_none=True, metadata={"enum": STATUSES + [None], **metadata})


class ReportQuery(ma.Schema):
    committee = code_arg(description="the committee reported on; default: the caller's first")


class TargetsQuery(ReportQuery):
    year = fields.Integer(
        validate=validate.Range(min=2000, max=2100), metadata={"description": "default: this year"}
    )


class FigureSchema(ma.Schema):
    value = fields.Integer(required=True, metadata={"description": "cases plus extra"})
    cases = fields.List(
        fields.Integer(), required=True, metadata={"description": "ids of the cases counted"}
    )
    extra = fields.Integer(
        required=True,
        metadata={"description": "counted without a case: admissions decided outside ketnap"},
    )


class TargetSettingsSchema(ma.Schema):
    students_per_school = fields.Integer(required=True)
    worker_share_percent = fields.Function(
        lambda chosen: chosen.worker_share_bp / 100, required=True, metadata={"type": "number"}
    )
    outside_admissions = fields.Integer(required=True)
    schools = fields.List(fields.String(), required=True)


class UnitTargetSchema(ma.Schema):
    unit = fields.String(required=True)
    target = fields.Integer(required=True)
    count = fields.Nested(FigureSchema, required=True)
    pipeline = fields.Nested(
        FigureSchema,
        required=True,
        metadata={"description": "undecided cases that can still be decided this year"},
    )
    status = _status(required=True)


class ShareTargetSchema(ma.Schema):
    target = fields.Integer(required=True, metadata={"description": "workers needed"})
    workers = fields.Nested(FigureSchema, required=True)
    admissions = fields.Nested(
        FigureSchema,
        required=True,
        metadata={"description": "all new members of the year: the denominator"},
    )
    pipeline = fields.Nested(FigureSchema, required=True)
    status = _status(required=True)


class EnterpriseWorkersSchema(ma.Schema):
    unit = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "the enterprise; null: workers of none the tree holds"},
    )
    party_organisation = fields.Boolean(required=True, allow_none=True)
    workers = fields.Nested(FigureSchema, required=True)
    pipeline = fields.Nested(
        FigureSchema,
        required=True,
        metadata={"description": "undecided cases that can still be decided this year"},
    )


class OverallSchema(ma.Schema):
    schools = _status(required=True, description="worst status over the schools")
    share = _status(required=True)


class TargetsSchema(ma.Schema):
    committee = fields.String(required=True)
    year = fields.Integer(required=True)
    today = fields.Date(required=True)
    year_over = fields.Boolean(required=True)
    settings = fields.Nested(TargetSettingsSchema, required=True)
    overall = fields.Nested(OverallSchema, required=True)
    share = fields.Nested(ShareTargetSchema, required=True)
    schools = fields.List(fields.Nested(UnitTargetSchema), required=True)
    enterprises = fields.List(
        fields.Nested(EnterpriseWorkersSchema),
        required=True,
        metadata={"description": "the workers of the share by enterprise; no target"},
    )


def _figures() -> fields.Dict:
    return fields.Dict(keys=fields.String(), values=fields.Nested(FigureSchema), required=True)


class StepSchema(ma.Schema):
    step = fields.String(required=True)
    name = fields.String(required=True)
    total = fields.Nested(FigureSchema, required=True)
    by_category = _figures()
    by_unit = _figures()


class TimingSchema(ma.Schema):
    key = fields.String(required=True, metadata={"description": "step id or unit code"})
    name = fields.String(required=True)
    count = fields.Integer(required=True, metadata={"description": "completed tasks"})
    median = fields.Float(required=True, metadata={"description": "days"})
    p90 = fields.Float(required=True, metadata={"description": "days, nearest rank"})


class WaitingSchema(ma.Schema):
    case_id = fields.Integer(required=True)
    title = fields.String(required=True)
    unit = fields.String(allow_none=True)
    until = fields.Date(required=True)


class PipelineSchema(ma.Schema):
    committee = fields.String(required=True)
    today = fields.Date(required=True)
    steps = fields.List(fields.Nested(StepSchema), required=True)
    step_times = fields.List(fields.Nested(TimingSchema), required=True)
    body_times = fields.List(fields.Nested(TimingSchema), required=True)
    overdue = _figures()
    birthday = fields.List(
        fields.Nested(WaitingSchema),
        required=True,
        metadata={"description": "waiting for the 18th birthday"},
    )
    probation = fields.List(
        fields.Nested(WaitingSchema),
        required=True,
        metadata={"description": "within the 12 months of probation"},
    )
