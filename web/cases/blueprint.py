"""The ``cases`` blueprint object, shared by the modules that add routes to it."""
from __future__ import annotations

from flask import Blueprint

from .. import labels

bp = Blueprint("cases", __name__, template_folder="templates")
bp.record_once(lambda state: labels.install(state.app))
