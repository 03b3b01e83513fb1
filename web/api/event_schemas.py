"""The bodies of the outside-event endpoints (web/api/events.py)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from .schemas import _no_control

MAX_NAME = 200
MAX_KEYS = 20


def _name() -> fields.String:
    return fields.String(
        required=True,
        validate=[validate.Length(min=1, max=MAX_NAME), _no_control],
        metadata={"description": "the name of the message or signal in the diagram"},
    )


def _payload() -> fields.Dict:
    return fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=MAX_NAME)),
        load_default=dict,
        error_messages={"invalid": "Phải là một đối tượng JSON: các giá trị theo tên."},
        metadata={"description": "values the case receives into its data"},
    )


def _scalar_values(values: dict) -> None:
    if not values:
        raise ma.ValidationError("Cần ít nhất một khóa để tìm hồ sơ.")
    if len(values) > MAX_KEYS:
        raise ma.ValidationError(f"Tối đa {MAX_KEYS} khóa.")
    if any(not isinstance(v, str | int | float | bool) for v in values.values()):
        raise ma.ValidationError("Mỗi khóa phải là một chuỗi, một số hoặc true/false.")


class EventArgs(ma.Schema):
    name = _name()
    payload = _payload()


class CorrelatedMessageArgs(EventArgs):
    correlation = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=MAX_NAME)),
        required=True,
        validate=_scalar_values,
        error_messages={
            "invalid": "Phải là một đối tượng JSON: các khóa của hồ sơ theo tên.",
            "required": "Bắt buộc nhập.",
        },
        metadata={
            "description": "values the case's data must hold (all of them) to receive the message"
        },
    )


class DeliveredSchema(ma.Schema):
    reached = fields.List(
        fields.Integer(), required=True, metadata={"description": "ids of the cases it reached"}
    )
    started = fields.List(
        fields.Integer(),
        required=True,
        metadata={"description": "ids of the cases it started (message start events)"},
    )


class RetriedSchema(ma.Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    incident = fields.String(
        allow_none=True, metadata={"description": "the error if the call failed again, else null"}
    )
