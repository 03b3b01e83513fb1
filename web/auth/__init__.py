"""Signing in and out, and the signed-in user's own account (password, language)."""

from flask import Blueprint

from ..ratelimit import FixedWindow
from .session import load_user

bp = Blueprint("auth", __name__, template_folder="templates")
bp.before_app_request(load_user)
# One counter per app, so that apps built side by side (tests) do not share it. Its
# limit and window: KETNAP_SIGN_IN_LIMIT and KETNAP_SIGN_IN_WINDOW (engine.settings).
bp.record_once(
    lambda state: state.app.extensions.setdefault(
        "sign_in_throttle",
        FixedWindow(state.app.config["SIGN_IN_LIMIT"], state.app.config["SIGN_IN_WINDOW"]),
    )
)

from . import account, views  # noqa: E402,F401  (their routes join bp)

__all__ = ["bp"]
