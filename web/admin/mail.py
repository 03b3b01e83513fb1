"""The administrator's view of notification mail: whether mail is on, what waits, and
every notification whose last send failed (with the error and when it is tried again)."""

from __future__ import annotations

from flask import current_app, render_template, request
from sqlalchemy import func, select

from engine.listing import fetch_page
from engine.models import Notification

from ..extensions import db
from . import bp


@bp.get("/thong-bao")
def mail():
    session = db()
    counts = dict(
        session.execute(
            select(Notification.mail_status, func.count()).group_by(Notification.mail_status)
        ).all()
    )
    failing = fetch_page(
        session,
        select(Notification)
        .where(Notification.mail_error.is_not(None), Notification.mail_status != "sent")
        .order_by(Notification.mail_next_at, Notification.id),
        request.args.get("page", 1, type=int),
        current_app.config["PAGE_SIZE"],
    )
    return render_template(
        "admin/mail.html",
        mail_on=bool(current_app.config.get("SMTP_URL")),
        counts=counts,
        failing=failing,
    )
