"""Every table the migrations build: the modules that declare one on ``engine.models.Base``.

Alembic compares the database with ``Base.metadata``, which holds only the tables whose
modules have been imported; a module missing here is a table ``alembic revision
--autogenerate`` proposes to drop. The list lives beside the migrations, not in
``engine/``: the engine may import neither the domain nor the web layer, while the
migrations describe the whole application (engine, ``workflows/``, ``web/``) in one
history. A plain list rather than a ``ketnap.plugins`` hook: every table of the
application is in this repository, a list is read at a glance, and
``tests/engine/test_schema.py`` fails when a module that declares a table is not in it.
"""

from __future__ import annotations

from importlib import import_module

from sqlalchemy import MetaData

MODULES = (
    "engine.models",
    "engine.definitions.drafts",
    "workflows.admission.models",
    "workflows.admission.reports.models",
    "web.accounts",
    "web.auth.session_store",
    "web.notifications.preferences",
    "web.ratelimit",
    "web.tokens.store",
)


def all_models() -> MetaData:
    """Import every module of ``MODULES``; the metadata that then holds all the tables."""
    for name in MODULES:
        import_module(name)
    from engine.models import Base

    return Base.metadata
