"""The web layer: a Flask app over the same engine operations the CLI uses.

``create_app()`` is the factory (``gunicorn 'web:create_app()'`` in production); the
wiring and the list of blueprints are in ``web.app``.
"""

from web.app import create_app

__all__ = ["create_app"]
