"""Signed links in mail, which work without signing in: the recipient's preferences
(and turning one kind off), and confirming a new e-mail address. Signed with the app's
secret key, each for its own purpose (salt), so one cannot stand for another."""

from __future__ import annotations

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

#: How long a confirmation link for a new address works.
CONFIRM_SECONDS = 3 * 24 * 3600


def site_url(endpoint: str, **values) -> str:
    """An address on the site as users reach it (``KETNAP_BASE_URL``), whatever host the
    request or the worker that builds it runs on."""
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)


def _key() -> str:
    return current_app.config["SECRET_KEY"]


def _preferences() -> URLSafeSerializer:
    return URLSafeSerializer(_key(), salt="ketnap-notification-preferences")


def _confirmation() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_key(), salt="ketnap-email-confirmation")


def preferences_url(user_id: int, kind: str | None = None) -> str:
    """The user's preferences page; with ``kind``, offering to turn that kind off.
    The link does not expire: an old mail must still let its reader stop the next."""
    token = _preferences().dumps({"u": user_id})
    return site_url("notifications.preferences_by_link", token=token, tat=kind)


def user_of_preferences(token: str) -> int | None:
    try:
        data = _preferences().loads(token)
    except BadSignature:
        return None
    return data.get("u") if isinstance(data, dict) else None


def confirmation_url(user_id: int, email: str) -> str:
    token = _confirmation().dumps({"u": user_id, "e": email})
    return site_url("notifications.confirm_email", token=token)


def confirmed_address(token: str) -> tuple[int, str] | None:
    """(user id, address) of a valid confirmation link not older than CONFIRM_SECONDS."""
    try:
        data = _confirmation().loads(token, max_age=CONFIRM_SECONDS)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    if not isinstance(data.get("e"), str):
        return None
    return data["u"], data["e"]
