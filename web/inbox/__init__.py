"""The inbox: the tasks of the units where the signed-in user is a reviewer, and the
claim / unclaim / reassign actions on them."""

from flask import Blueprint

from .. import labels

bp = Blueprint("inbox", __name__, template_folder="templates")
bp.record_once(lambda state: labels.install(state.app))  # type: ignore[arg-type]  # a Flask app

from . import views  # noqa: E402,F401  (its routes join bp)

__all__ = ["bp"]
