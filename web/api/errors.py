"""Every API error is JSON: ``{"error": message, "fields": {...}, "problems": [...]}``.

``fields`` appears when submitted data was refused (422, field -> messages), ``problems``
when a deployment was (each as ``ketnap check`` prints it). The API's blueprints handle
their own errors, so the pages keep their HTML error pages; the errors that happen
before a request reaches any blueprint (an unknown URL, a method a URL does not take)
are answered by ``json_under_api`` for everything under /api/.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

import marshmallow as ma
from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_smorest import abort
from werkzeug.exceptions import HTTPException, default_exceptions

from engine.errors import Conflict, InvalidData, NotFound, ProcessError

from .. import denials
from ..errors import MESSAGES
from ..i18n import N_

API_MESSAGES = {
    **MESSAGES,
    401: N_("Thiếu mã truy cập API hoặc mã không hợp lệ (Authorization: Bearer ...)."),
    404: N_("Không tìm thấy."),
}
FALLBACK = N_("Đã có lỗi xảy ra.")


class ProblemSchema(ma.Schema):
    file = ma.fields.String(required=True)
    element = ma.fields.String(allow_none=True)
    line = ma.fields.Integer(allow_none=True)
    message = ma.fields.String(required=True)


class ErrorSchema(ma.Schema):
    """The body of every error answer."""

    error = ma.fields.String(required=True, metadata={"description": "what went wrong"})
    # Keyed by field name; a list field's entries are keyed by their position.
    field_errors = ma.fields.Dict(
        data_key="fields", metadata={"description": "messages per submitted field"}
    )
    problems = ma.fields.List(
        ma.fields.Nested(ProblemSchema),
        metadata={"description": "problems of a refused deployment"},
    )


def message(code: int) -> str:
    return _(API_MESSAGES.get(code, FALLBACK))


def _plain(value: Any) -> Any:
    """Messages as plain JSON: string keys, string texts.

    marshmallow keys a list's errors by position (int), and mixing int and str keys
    would break the sorted dump; messages may be lazy translations."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value if value is None or isinstance(value, (bool, int, float)) else str(value)


def _field_messages(messages: Any) -> dict:
    """webargs nests messages under where they came from ("json", "query", "files");
    a client wants them by field."""
    if not isinstance(messages, dict):
        return {"_schema": messages}
    merged: dict = {}
    for found in messages.values():
        merged.update(found if isinstance(found, dict) else {"_schema": found})
    return _plain(merged)


def error_response(
    code: int,
    text: str | None = None,
    *,
    fields: Any = None,
    problems: list[dict] | None = None,
    headers: dict | None = None,
):
    body: dict[str, Any] = {"error": text or message(code)}
    if fields:
        body["fields"] = fields
    if problems:
        body["problems"] = problems
    headers = dict(headers or {})
    if code == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="ketnap"')
    return jsonify(body), code, headers


def handle_http_exception(err: HTTPException):
    """abort(...) from the views, webargs' refusals, and anything that became a 500."""
    data = getattr(err, "data", None) or {}
    code = err.code or 500
    denials.maybe_note(code)
    fields = (
        _field_messages(data["messages"]) if data.get("messages") else _plain(data.get("fields"))
    )
    headers = dict(data.get("headers") or {})
    allowed = getattr(err, "valid_methods", None) if code == 405 else None
    if allowed:
        headers.setdefault("Allow", ", ".join(sorted(allowed)))
    return error_response(
        code, data.get("message"), fields=fields, problems=data.get("problems"), headers=headers
    )


def _not_found(err):
    denials.maybe_note(404)
    return error_response(404)


def install(blueprint: Blueprint) -> None:
    """Give an API blueprint JSON answers for every error, engine errors included."""
    # By code, not only by class: Flask prefers a handler for the code, even the app's
    # (the error pages), over a blueprint's handler for the class.
    for code in default_exceptions:
        blueprint.register_error_handler(code, handle_http_exception)
    blueprint.register_error_handler(NotFound, _not_found)
    blueprint.register_error_handler(Conflict, lambda err: error_response(409, str(err)))
    blueprint.register_error_handler(
        InvalidData, lambda err: error_response(422, str(err), fields=_plain(err.fields))
    )
    # The diagram could not go on with this data (a rule refused it, a unit was unknown).
    blueprint.register_error_handler(ProcessError, lambda err: error_response(422, str(err)))


def json_under_api(page_handler: Callable | None) -> Callable:
    """A handler for errors found before any blueprint (an unknown URL, a method a URL
    does not take): JSON under /api/, ``page_handler``'s error page elsewhere."""

    def handle(err: HTTPException):
        if request.path.startswith("/api/") or page_handler is None:
            return handle_http_exception(err)
        return page_handler(err)

    return handle


def fail(code: int, text: str | None = None, **extra: Any) -> NoReturn:
    """Stop the request with an error answer (``fields=``, ``problems=``, ``headers=``)."""
    abort(code, message=text or message(code), **extra)
    raise AssertionError("abort() raises")  # flask-smorest's abort is not typed NoReturn
