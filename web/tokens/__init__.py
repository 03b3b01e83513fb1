"""Personal API tokens: how they are kept (``store``) and the page where users create
and revoke their own (``views``)."""

from flask import Blueprint

from .store import (
    MAX_NAME_LENGTH,
    ApiToken,
    digest,
    issue,
    lookup,
    revoke,
    revoke_all,
    tokens_of,
    touch,
)

bp = Blueprint("tokens", __name__, template_folder="templates")

from . import views  # noqa: E402,F401  (its routes join bp)

__all__ = [
    "MAX_NAME_LENGTH",
    "ApiToken",
    "bp",
    "digest",
    "issue",
    "lookup",
    "revoke",
    "revoke_all",
    "tokens_of",
    "touch",
]
