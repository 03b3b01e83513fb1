"""What a browser or a proxy may keep: nothing of what a signed-in user or an API caller
was answered, since pages, JSON and downloads carry candidates' personal data, and a
shared computer's browser cache (or a proxy's) would hand it to the next person. Only
the static assets (stylesheets, scripts, fonts), the same for everybody, stay cacheable.
"""

from __future__ import annotations

from flask import Flask, Response, g, request
from flask.sessions import SecureCookieSessionInterface

#: The endpoints that serve files the same for everybody.
STATIC_ENDPOINTS = frozenset({"static", "vendor.asset", "vendor.bpmn_font", "favicon"})


class _Sessions(SecureCookieSessionInterface):
    """The session cookie, not sent again with files the same for everybody. A browser
    asks for some of them late (the favicon, after the page): the answer would bring
    back, with the cookie the request carried, a cookie dropped meanwhile."""

    def should_set_cookie(self, app: Flask, session) -> bool:
        return request.endpoint not in STATIC_ENDPOINTS and super().should_set_cookie(app, session)


def install(app: Flask) -> None:
    app.session_interface = _Sessions()
    app.after_request(_no_store)


def _personal() -> bool:
    if request.endpoint in STATIC_ENDPOINTS:
        return False
    return g.get("user") is not None or request.path.startswith("/api/")


def _no_store(response: Response) -> Response:
    if _personal() and "no-store" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"
    return response
