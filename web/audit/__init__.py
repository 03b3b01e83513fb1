"""The auditor's pages under /kiem-tra: read-only search, timelines, exports, chain check."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/kiem-tra", template_folder="templates")

from . import views  # noqa: E402,F401

__all__ = ["bp"]
