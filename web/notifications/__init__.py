"""Notifications in the app and by mail: the bell with the unread count on every page,
the notifications page (/thong-bao), each user's choices, the signed links in mail, and
the worker that mails them (``worker.py``). The reasons are written by the engine's
outbox (engine/outbox.py) in the transaction that gives them."""

from __future__ import annotations

import logging

from flask import Blueprint, Flask

from engine.outbox import outbox

from .. import labels
from .audience import reviewers_of

log = logging.getLogger(__name__)


def register() -> None:
    """Let the outbox tell units: their active reviewers (idempotent; the app and the
    CLI call it, as they register the domain)."""
    outbox.audience = reviewers_of


def _install(app: Flask) -> None:
    from .texts import kind_label

    register()
    labels.install(app)
    app.jinja_env.filters["notification_kind"] = kind_label
    if not app.config.get("SMTP_URL"):
        log.info("mail is off (KETNAP_SMTP_URL is not set): notifications stay in the app")


bp = Blueprint("notifications", __name__, template_folder="templates")
bp.record_once(lambda state: _install(state.app))  # type: ignore[arg-type]  # a Flask app

from . import views  # noqa: E402,F401  (its routes join bp)

__all__ = ["bp", "register"]
