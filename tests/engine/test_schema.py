"""The migrations build exactly the tables the models declare, and Alembic sees them all.

Were a model module missing from ``migrations/models.py``, ``alembic revision
--autogenerate`` would propose dropping its table; were a migration missing, the models
would describe columns no database has.
"""

from __future__ import annotations

import ast
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from migrations.models import MODULES, all_models

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("engine", "workflows", "web")


def _declares_a_table(tree: ast.Module) -> bool:
    """A class deriving from ``Base``, or a ``Table(…, Base.metadata, …)``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(
            isinstance(base, ast.Name) and base.id == "Base" for base in node.bases
        ):
            return True
        if isinstance(node, ast.Call) and any(
            ast.unparse(arg) == "Base.metadata" for arg in node.args
        ):
            return True
    return False


def _modules_declaring_tables() -> set[str]:
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if _declares_a_table(ast.parse(path.read_text(encoding="utf-8"), str(path))):
                parts = path.relative_to(ROOT).with_suffix("").parts
                found.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def test_every_module_that_declares_a_table_is_listed_for_alembic():
    assert _modules_declaring_tables() == set(MODULES)


def test_a_migrated_database_is_what_the_models_declare(db_engine):
    """No difference at all, on SQLite and on PostgreSQL: none is filtered out."""
    metadata = all_models()
    with db_engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        differences = compare_metadata(context, metadata)
    assert differences == []
