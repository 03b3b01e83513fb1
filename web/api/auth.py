"""Who calls the API: the owner of the bearer token, never a browser session.

The API takes no cookies into account: a page open in the same browser must not lend
its session to a script (that is what CSRF protection would otherwise have to stop,
and the API is exempt from it). Each token is rate-limited, and so is each address
that presents tokens which do not work, so tokens cannot be guessed at speed.
"""

from __future__ import annotations

from flask import current_app, g, request
from flask_babel import gettext as _

from ..extensions import db
from ..ratelimit import FixedWindow
from ..tokens import store as tokens
from .errors import fail


def _window(name: str) -> FixedWindow:
    """The app's counter for limit ``name`` (``API_TOKEN``: requests per token,
    ``API_AUTH_FAILURE``: failed token checks per client address), following the config
    if it changes (tests, an operator tuning a running app); a change starts the counts
    afresh. The config takes them from the KETNAP_API_* settings (``engine.settings``)."""
    limit, seconds = (current_app.config[f"{name}_LIMIT"], current_app.config[f"{name}_WINDOW"])
    windows = current_app.extensions.setdefault("api_limits", {})
    window = windows.get(name)
    if window is None or (window.limit, window.seconds) != (limit, seconds):
        window = windows[name] = FixedWindow(limit, seconds)
    return window


def _too_many(wait: int):
    fail(
        429,
        _("Quá nhiều yêu cầu. Hãy thử lại sau %(n)d giây.", n=wait),
        headers={"Retry-After": str(wait)},
    )


def bearer_token() -> str | None:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def authenticate() -> None:
    """Before every API request: set ``g.user`` from the token, or answer 401/429."""
    g.user = None  # whatever a session cookie said: it does not count here
    failures = _window("API_AUTH_FAILURE")
    address = request.remote_addr or "?"
    wait = failures.retry_after(address)
    if wait:
        _too_many(wait)
    token = bearer_token()
    if token is None:
        fail(401)
    row = tokens.lookup(db(), token)
    if row is None:
        failures.hit(address)
        fail(401)
    wait = _window("API_TOKEN").hit(str(row.id))
    if wait:
        _too_many(wait)
    if tokens.touch(row):
        db().commit()
    g.user, g.api_token = row.user, row
