"""Cases: the case list and page, the task page, nomination (starting a case), files and
the case drawn on its diagram."""

from flask import Blueprint, g

from engine.attachments import safe_filename

from .. import labels

bp = Blueprint("cases", __name__, template_folder="templates")
bp.record_once(lambda state: labels.install(state.app))  # type: ignore[arg-type]  # a Flask app
# The navigation bar asks on every page whether to offer "Hồ sơ tôi giới thiệu".
bp.record_once(
    lambda state: state.app.jinja_env.globals.update(
        follows_proposals=lambda: bool(g.get("user") and proposals.following_units())
    )
)
# A file's name as shown: made safe again, for rows stored before names were sanitised.
bp.add_app_template_filter(lambda row: safe_filename(row.filename, row.content_type), "file_name")

# Their routes join bp.
from . import (  # noqa: E402,F401
    diagrams,
    ending,
    incidents,
    nomination,
    proposals,
    reopening,
    stuck,
    tasks,
    transfer,
    views,
)

__all__ = ["bp"]
