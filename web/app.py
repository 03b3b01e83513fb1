"""The app factory and its wiring: database sessions, extensions, security headers and
the one list of blueprints (each area's ``web/<area>/__init__.py`` exports ``bp``)."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from pathlib import Path

from flask import Flask, Response, g, request, send_from_directory
from werkzeug.middleware.proxy_fix import ProxyFix

from engine import db as engine_db
from engine import logs
from engine.settings import Settings
from workflows.admission import register_domain

from . import (
    admin,
    api,
    assets,
    audit,
    auth,
    caching,
    cases,
    classes,
    deadlines,
    designer,
    i18n,
    inbox,
    json_bodies,
    notifications,
    reports,
    request_log,
    tokens,
)
from .errors import App
from .errors import register as register_errors
from .extensions import babel, close_session, csrf

#: Every area of the site, registered in this order. The API's own blueprints register
#: through flask-smorest in ``api.install``.
BLUEPRINTS = (
    assets.bp,
    auth.bp,
    inbox.bp,
    cases.bp,
    admin.bp,
    tokens.bp,
    designer.bp,
    classes.bp,
    reports.bp,
    audit.bp,
    notifications.bp,
    api.bp,
)

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def create_app(config: dict | None = None) -> Flask:
    """The web app (``gunicorn 'web:create_app()'`` in production), configured by the
    environment (``engine.settings``); ``config`` overrides any key (tests)."""
    settings = Settings.from_env()
    app = App("web", instance_path=str(settings.instance_dir.resolve()))
    app.config.update(_flask_config(settings, Path(app.instance_path)))
    app.config.update(config or {})
    logs.configure(*logs.from_env())
    install(app)
    return app


def install(app: Flask) -> None:
    engine = engine_db.make_engine(app.config["DATABASE_URL"])
    app.extensions["ketnap_db"] = engine_db.make_session_factory(engine)
    register_domain()  # the admission domain's functions and resolvers, as the CLI does
    csrf.init_app(app)
    babel.init_app(
        app, locale_selector=i18n.select_locale, timezone_selector=lambda: "Asia/Ho_Chi_Minh"
    )
    i18n.install_filters(app)
    deadlines.install(app)
    app.before_request(_request_id)
    request_log.install(app)
    caching.install(app)
    json_bodies.install(app)
    app.after_request(_security_headers)
    app.teardown_appcontext(close_session)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    # Browsers ask for /favicon.ico on every site whatever the page says.
    app.add_url_rule("/favicon.ico", "favicon", _favicon)
    register_errors(app)
    api.install(app)  # after the error pages: it answers /api/ URLs in JSON
    _trust_proxies(app, app.config["PROXY_HOPS"])


def _flask_config(settings: Settings, instance: Path) -> dict:
    """The app's config: the settings under Flask's (and our views') keys."""
    return dict(
        SECRET_KEY=_secret_key(settings.secret_key, instance),
        DATABASE_URL=settings.database_url,  # None: engine.db's SQLite file
        ATTACHMENTS_DIR=str(settings.attachments.resolve()),
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        ATTACHMENT_MAX_BYTES=settings.max_attachment_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        # The server-side session's timeouts (web/auth/session_store.py); the cookie
        # lasts as long as the longest session may.
        SESSION_IDLE=timedelta(minutes=settings.session_idle_minutes),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_max_hours),
        PROXY_HOPS=settings.proxy_hops,
        BABEL_DEFAULT_LOCALE="vi",
        BABEL_DEFAULT_TIMEZONE="Asia/Ho_Chi_Minh",
        PAGE_SIZE=settings.page_size,
        REOPEN_WORKDAYS=settings.reopen_workdays,
        SIGN_IN_LIMIT=settings.sign_in_limit,
        SIGN_IN_WINDOW=settings.sign_in_window,
        API_TOKEN_LIMIT=settings.api_token_limit,
        API_TOKEN_WINDOW=settings.api_token_window,
        API_AUTH_FAILURE_LIMIT=settings.api_auth_failure_limit,
        API_AUTH_FAILURE_WINDOW=settings.api_auth_failure_window,
        SMTP_URL=settings.smtp_url,  # None: mail is off
        MAIL_FROM=settings.mail_from,
        BASE_URL=settings.base_url,
        DIGEST_HOUR=settings.digest_hour,
        REMIND_WORKDAYS=settings.remind_workdays,
        NOTIFY_INTERVAL=settings.notify_interval,
    )


def _trust_proxies(app: Flask, hops: int) -> None:
    """Behind ``hops`` reverse proxies (nginx: deploy/nginx/ketnap.conf), the client's
    address and scheme as the proxies saw them. The sign-in and API limits count per
    client address: without this, every client would share the proxy's count. Without a
    proxy (0), a client's own X-Forwarded-For would be a lie, and is ignored."""
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def _secret_key(configured: str | None, instance: Path) -> str:
    """KETNAP_SECRET_KEY, or a random key kept in the instance folder (created once)."""
    if configured:
        return configured
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _favicon() -> Response:
    response = send_from_directory(Path(__file__).parent / "static", "favicon.ico")
    response.cache_control.max_age = 86400
    return response


def _request_id() -> None:
    sent = request.headers.get("X-Request-Id")
    g.request_id = request_log.client_request_id(sent) or uuid.uuid4().hex


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    response.headers["X-Request-Id"] = g.get("request_id", "")
    return response
