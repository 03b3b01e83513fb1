"""The web layer: a Flask app over the same engine operations the CLI uses.

``create_app()`` is the factory (``gunicorn 'web:create_app()'`` in production).
One blueprint per area: auth, inbox, cases, admin.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from .setup import install


def _secret_key(instance: Path) -> str:
    """KETNAP_SECRET_KEY, or a random key kept in the instance folder (created once)."""
    configured = os.environ.get("KETNAP_SECRET_KEY")
    if configured:
        return configured
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(Path("instance").resolve()))
    instance = Path(app.instance_path)
    app.config.update(
        SECRET_KEY=_secret_key(instance),
        DATABASE_URL=os.environ.get("DATABASE_URL"),
        ATTACHMENTS_DIR=str(instance / "attachments"),
        MAX_CONTENT_LENGTH=12 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("KETNAP_SECURE_COOKIES") == "1",
        BABEL_DEFAULT_LOCALE="vi",
        BABEL_DEFAULT_TIMEZONE="Asia/Ho_Chi_Minh",
        PAGE_SIZE=20,
    )
    app.config.update(config or {})
    install(app)
    return app
