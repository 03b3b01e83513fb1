"""Wiring of the app: database sessions, extensions, security headers, blueprints."""
from __future__ import annotations

import uuid

from flask import Flask, g, request
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from engine import db as engine_db

from . import i18n
from .assets import vendor

csrf = CSRFProtect()
babel = Babel()

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")


def install(app: Flask) -> None:
    engine = engine_db.make_engine(app.config["DATABASE_URL"])
    app.extensions["ketnap_db"] = engine_db.make_session_factory(engine)
    _load_domain()
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale,
                   timezone_selector=lambda: "Asia/Ho_Chi_Minh")
    i18n.install_filters(app)
    app.before_request(_request_id)
    app.after_request(_security_headers)
    app.teardown_appcontext(_close_session)
    app.register_blueprint(vendor)
    from .auth.views import bp as auth_bp
    from .inbox.views import bp as inbox_bp
    from .cases.views import bp as cases_bp
    from .admin.views import bp as admin_bp
    from .tokens.views import bp as tokens_bp
    from .reports.views import bp as reports_bp
    from .errors import register as register_errors
    from . import api
    for blueprint in (auth_bp, inbox_bp, cases_bp, admin_bp, tokens_bp):
        app.register_blueprint(blueprint)
    from .designer import bp as designer_bp
    from .diagrams import bp as diagrams_bp
    app.register_blueprint(designer_bp)
    app.register_blueprint(diagrams_bp)
    app.register_blueprint(reports_bp)
    from .audit import bp as audit_bp
    app.register_blueprint(audit_bp)
    register_errors(app)
    api.install(app)      # after the error pages: it answers /api/ URLs in JSON


def _load_domain() -> None:
    """Register the admission domain's functions and resolvers, as the CLI does."""
    from workflows.admission import register_domain
    register_domain()


def db():
    """The request's database session (one per request; each operation commits its own)."""
    from flask import current_app
    if "db" not in g:
        g.db = current_app.extensions["ketnap_db"]()
    return g.db


def _close_session(_exc) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


def _request_id() -> None:
    g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    response.headers["X-Request-Id"] = g.get("request_id", "")
    return response
