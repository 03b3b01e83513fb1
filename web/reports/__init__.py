"""Report pages under /bao-cao: targets, pipeline, half-year and year figures, sourcing
quotas, their Excel and PDF downloads, and the official documents of a case."""

from flask import Blueprint, g

from .. import labels
from ..extensions import db
from . import access

bp = Blueprint("reports", __name__, url_prefix="/bao-cao", template_folder="templates")


def _install(state) -> None:
    from .tables import shown

    labels.install(state.app)
    state.app.jinja_env.filters["cell"] = shown  # a table cell's value as the page shows it
    # The navigation bar asks on every page whether to offer the reports.
    state.app.jinja_env.globals["reads_reports"] = lambda: bool(
        g.get("user") and access.quota_committees(db(), g.user)
    )


bp.record_once(_install)

from . import documents, settings, views  # noqa: E402,F401  (their routes join bp)

__all__ = ["bp"]
