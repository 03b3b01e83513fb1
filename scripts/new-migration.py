"""Write the next migration from the difference between the models and the migrations.

    .venv/bin/python scripts/new-migration.py "what changes"

Builds a scratch SQLite database at head, lets Alembic compare it with every model
(``migrations/models.py``), and writes ``migrations/versions/NNNN_what_changes.py``
numbered after the newest one. Read what it wrote: autogenerate sees tables, columns
and indexes, not renames or data. Check it on PostgreSQL too (``make test`` does).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from alembic import command

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import db, schema  # noqa: E402


def next_number() -> str:
    numbers = [
        int(m.group(1))
        for p in (ROOT / "migrations" / "versions").glob("*.py")
        if (m := re.match(r"(\d{4})_", p.name))
    ]
    return f"{max(numbers, default=0) + 1:04d}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("message", help="what the migration changes, in a few words")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        engine = db.make_engine(f"sqlite:///{scratch}/head.sqlite3")
        schema.upgrade(engine)
        config = schema.alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            script = command.revision(
                config, message=args.message, autogenerate=True, rev_id=next_number()
            )
        engine.dispose()
    print(f"wrote {Path(script.path).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
