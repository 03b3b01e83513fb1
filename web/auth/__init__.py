"""Signing in and out, and the signed-in user's own account (password, language)."""

from flask import Blueprint

from ..ratelimit import SharedWindow
from .session import load_user

bp = Blueprint("auth", __name__, template_folder="templates")
bp.before_app_request(load_user)
# The per-address limit of sign-in attempts, counted in the app's database (so shared by
# every worker). Its limit and window: KETNAP_SIGN_IN_LIMIT and KETNAP_SIGN_IN_WINDOW
# (engine.settings).
bp.record_once(
    lambda state: state.app.extensions.setdefault(
        "sign_in_throttle",
        SharedWindow(
            state.app.config["SIGN_IN_LIMIT"], state.app.config["SIGN_IN_WINDOW"], "sign-in"
        ),
    )
)

from . import account, views  # noqa: E402,F401  (their routes join bp)

__all__ = ["bp"]
