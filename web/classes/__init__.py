"""The political centre's class at once: its open class tasks in one form, one
certificate each (``views``), recorded as one completion per task (``batch``)."""

from flask import Blueprint

bp = Blueprint("classes", __name__, template_folder="templates")

from . import views  # noqa: E402,F401  (its routes join bp)

__all__ = ["bp"]
