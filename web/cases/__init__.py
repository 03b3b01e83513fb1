"""Cases: the case list and page, the task page, nomination (starting a case), files and
the case drawn on its diagram."""

from flask import Blueprint

from .. import labels

bp = Blueprint("cases", __name__, template_folder="templates")
bp.record_once(lambda state: labels.install(state.app))  # type: ignore[arg-type]  # a Flask app

# Their routes join bp.
from . import diagrams, ending, incidents, nomination, reopening, stuck, tasks, views  # noqa: E402,F401

__all__ = ["bp"]
