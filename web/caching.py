"""What a browser or a proxy may keep: nothing of what a signed-in user or an API caller
was answered, since pages, JSON and downloads carry candidates' personal data, and a
shared computer's browser cache (or a proxy's) would hand it to the next person. Only
the static assets (stylesheets, scripts, fonts), the same for everybody, stay cacheable.
"""

from __future__ import annotations

from flask import Flask, Response, g, request

#: The endpoints that serve files the same for everybody.
STATIC_ENDPOINTS = frozenset({"static", "vendor.asset", "vendor.bpmn_font"})


def install(app: Flask) -> None:
    app.after_request(_no_store)


def _personal() -> bool:
    if request.endpoint in STATIC_ENDPOINTS:
        return False
    return g.get("user") is not None or request.path.startswith("/api/")


def _no_store(response: Response) -> Response:
    if _personal() and "no-store" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"
    return response
