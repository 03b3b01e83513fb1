"""The mail itself: one notification, or a day's digest, as plain text and HTML, in the
recipient's language, each with the link to its task and the signed link to the
recipient's preferences (no sign-in needed to stop them)."""

from __future__ import annotations

from collections.abc import Sequence
from email.headerregistry import Address
from email.message import EmailMessage
from itertools import groupby

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from engine.models import Notification
from engine.text import fold

from ..accounts import User
from ..i18n import format_date
from ..labels import unit_name
from .links import preferences_url
from .texts import headline, kind_label, target


def _message(user: User, subject: str, template: str, **context) -> EmailMessage:
    message = EmailMessage()
    message["To"] = Address(user.full_name or user.username, addr_spec=user.email or "")
    message["Subject"] = subject
    context = {"user": user, "preferences": preferences_url(user.id), **context}
    message["List-Unsubscribe"] = f"<{context.get('unsubscribe') or context['preferences']}>"
    message.set_content(render_template(f"notifications/mail/{template}.txt", **context))
    message.add_alternative(
        render_template(f"notifications/mail/{template}.html", **context), subtype="html"
    )
    return message


def one(user: User, n: Notification) -> EmailMessage:
    """The mail of one notification (sent at once)."""
    with force_locale(user.language or "vi"):
        text = headline(n)
        message = _message(
            user,
            f"[ketnap] {text}",
            "one",
            text=text,
            link=target(n, external=True),
            kind=kind_label(n.kind),
            unsubscribe=preferences_url(user.id, n.kind),
            excerpt=(n.data or {}).get("excerpt"),
        )
    # Which notification it is: for whoever reads the server's logs (and the tests).
    message["X-Ketnap-Notification"] = str(n.id)
    return message


def digest(user: User, rows: Sequence[Notification]) -> EmailMessage:
    """The day's digest: the notifications grouped by unit, then by deadline (soonest
    first, those without one last)."""
    with force_locale(user.language or "vi"):
        ordered = sorted(
            rows,
            # Units by name as a Vietnamese reader orders them (Đ among the Ds).
            key=lambda n: (
                fold(unit_name(n.unit)),
                n.due_at is None,
                n.due_at or n.created_at,
                n.id,
            ),
        )
        groups = []
        for unit, in_unit in groupby(ordered, key=lambda n: unit_name(n.unit)):
            by_due = [
                (format_date(due) if due else _("Không có hạn"), list(items))
                for due, items in groupby(
                    in_unit, key=lambda n: n.due_at.date() if n.due_at else None
                )
            ]
            lines = [
                (due, [(headline(n), target(n, external=True)) for n in items])
                for due, items in by_due
            ]
            groups.append((unit or _("Không thuộc đơn vị nào"), lines))
        subject = _("[ketnap] Tổng hợp thông báo: %(count)d mục", count=len(rows))
        return _message(user, subject, "digest", groups=groups, count=len(rows))


def confirmation(user: User, address: str, link: str) -> EmailMessage:
    """The mail that confirms a new address (sent to that address)."""
    with force_locale(user.language or "vi"):
        message = EmailMessage()
        message["To"] = Address(user.full_name or user.username, addr_spec=address)
        message["Subject"] = _("[ketnap] Xác nhận địa chỉ thư điện tử")
        context = {"user": user, "link": link}
        message.set_content(render_template("notifications/mail/confirm.txt", **context))
        message.add_alternative(
            render_template("notifications/mail/confirm.html", **context), subtype="html"
        )
        return message
