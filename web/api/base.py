"""What every API blueprint shares: the URL prefix, token authentication, JSON errors."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from engine.listing import Page

from . import errors
from .auth import authenticate

PREFIX = "/api/v1"
# Ids beyond a 64-bit integer cannot exist; bounding them in the URL rule answers 404
# before the database would fail to bind such a number.
MAX_ID = 2**63 - 1


def api_blueprint(name: str, url_prefix: str, description: str) -> Blueprint:
    """A blueprint whose every request must carry a valid token, and whose every error
    is JSON. ``name`` is also the operations' tag in the OpenAPI document."""
    blueprint = Blueprint(name, __name__, url_prefix=PREFIX + url_prefix, description=description)
    blueprint.before_request(authenticate)
    errors.install(blueprint)
    return blueprint


class With:
    """``obj`` seen with extra attributes: what a detail schema dumps (a task with its
    form, a case with its open tasks), without copying the row into a dict."""

    def __init__(self, obj: Any, **extra: Any) -> None:
        self._obj = obj
        self.__dict__.update(extra)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._obj, name)


def id_rule(name: str) -> str:
    """The URL rule part of a row id named ``name``."""
    return f"<int(min=1, max={MAX_ID}):{name}>"


def page_dict(page: Page) -> dict:
    """One page of rows in the shape of ``schemas.page_schema``."""
    return {
        "items": page.rows,
        "total": page.total,
        "page": page.number,
        "pages": page.pages,
        "per_page": page.size,
    }
