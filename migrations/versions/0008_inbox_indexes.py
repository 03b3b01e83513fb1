"""inbox indexes that answer a busy unit's tabs and filter choices from the index

Revision ID: 0008
Revises: 0007

A unit with thousands of open tasks and a long history must still open its inbox at
once. The tab counts read (unit, status, due_at, id, claimed_by) and the filter choices
read (unit, status, step, step_name, category): both become index-only scans over the
unit's open tasks. A tab's first page comes in its order (due date, then id) straight
from the first index, claimed_by checked in the index, so 20 rows cost 20 entries, not
a sort of the unit's open tasks (many share a due date, or have none).
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_work_items_inbox", table_name="work_items")
    op.create_index(
        "ix_work_items_inbox", "work_items", ["unit", "status", "due_at", "id", "claimed_by"]
    )
    op.create_index(
        "ix_work_items_facets", "work_items", ["unit", "status", "step", "step_name", "category"]
    )


def downgrade() -> None:
    op.drop_index("ix_work_items_facets", table_name="work_items")
    op.drop_index("ix_work_items_inbox", table_name="work_items")
    op.create_index("ix_work_items_inbox", "work_items", ["unit", "status", "due_at"])
