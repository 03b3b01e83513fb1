"""Language and dates: Vietnamese by default, English by choice; dd/mm/yyyy, Asia/Ho_Chi_Minh."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import overload
from zoneinfo import ZoneInfo

from flask import Flask, g, request, session

LANGUAGES = ("vi", "en")
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def N_(text: str) -> str:
    """Mark ``text`` as a msgid for extraction where it is defined (a table of labels,
    say); it is translated with ``_()`` where it is shown, in the reader's language."""
    return text


def select_locale() -> str:
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    user = g.get("user")
    if user is not None and user.language in LANGUAGES:
        return user.language
    return "vi"


@overload
def local(moment: datetime) -> datetime: ...
@overload
def local(moment: None) -> None: ...
def local(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL)


def format_date(value) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        return local(value).strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def format_datetime(value: datetime | None) -> str:
    return local(value).strftime("%d/%m/%Y %H:%M") if value else ""


def install_filters(app: Flask) -> None:
    from flask_babel import get_locale

    app.jinja_env.filters["vndate"] = format_date
    app.jinja_env.filters["vndatetime"] = format_datetime
    # base.html names the page's language; Flask-Babel does not offer this to templates.
    app.jinja_env.globals["get_locale"] = get_locale

    @app.get("/lang/<code>")
    def set_language(code: str):
        from flask import redirect, url_for

        if code in LANGUAGES:
            session["lang"] = code
        target = request.referrer or url_for("inbox.index")
        # Only back to a page of ours.
        if not target.startswith(request.host_url):
            target = url_for("inbox.index")
        return redirect(target)
