"""The JSON API, version 1, under /api/v1: the same engine operations as the pages, with
every body defined by marshmallow schemas (flask-smorest), the OpenAPI document at
/api/v1/openapi.json and a page reading it at /api/v1/docs.

Callers authenticate with a personal token (``Authorization: Bearer``), never a session
cookie, so the API is exempt from CSRF protection.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from ..extensions import csrf
from . import cases, definitions, documents, events, notifications, reports, tasks, units
from .base import PREFIX
from .docs import bp
from .errors import ErrorSchema, json_under_api

SETTINGS = {
    "API_TITLE": "ketnap",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": PREFIX,
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {"description": "Kết nạp đảng viên: hồ sơ, việc cần làm, quy trình."},
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "a personal token from /tai-khoan/token or `ketnap users token`",
                }
            }
        },
    },
}


class KetnapApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        # flask-smorest would answer every HTTP error of the whole app in JSON; the
        # pages keep their HTML error pages, and the API blueprints handle their own.
        pass


def install(app: Flask) -> None:
    """Register the API. Call after the app's error pages: it wraps their 404 and 405
    handlers, which go on drawing the pages for URLs outside /api/."""
    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    api = KetnapApi(app)
    app.extensions["ketnap_api"] = api
    for module in (units, definitions, cases, documents, events, tasks, notifications, reports):
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp)
    for code in (404, 405):
        pages = app.error_handler_spec[None][code]
        app.register_error_handler(code, json_under_api(next(iter(pages.values()), None)))


__all__ = ["bp", "install"]
