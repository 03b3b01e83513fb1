"""Alembic environment: runs against the connection that ``engine.schema`` hands over."""

from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path

from alembic import context

config = context.config


def _all_models():
    """``migrations/models.py``'s metadata of every table. Loaded by its path: migrations/
    is a folder beside the packages, not a package itself, whatever the working directory."""
    path = Path(__file__).with_name("models.py")
    spec = spec_from_file_location("ketnap_migrations_models", path)
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.all_models()


target_metadata = _all_models()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from engine.db import make_engine

        with make_engine(config.get_main_option("sqlalchemy.url") or None).connect() as conn:
            _run(conn)
    else:
        _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
