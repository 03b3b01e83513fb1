"""no target per enterprise: the plan sets none; the workers are counted by enterprise

Revision ID: 0013
Revises: 0012

``plan_targets.per_enterprise`` and the list of enterprises it covered go: the plan
(section II.1) has a target per high school and a share of enterprise workers, none per
enterprise. The dashboard breaks the workers of the share down by enterprise instead,
reading the enterprise a case names (a worker of an enterprise without a party
organisation is handled in a residential branch): ``admission_facts.data`` gets that
field (``facts.REPORT_KEYS``) from each admission case's data.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BATCH = 500

cases = sa.table(
    "cases",
    sa.column("id", sa.Integer),
    sa.column("definition_key", sa.String),
    sa.column("data", sa.JSON),
)
facts = sa.table("admission_facts", sa.column("case_id", sa.Integer), sa.column("data", sa.JSON))


def upgrade() -> None:
    with op.batch_alter_table("plan_targets") as batch:
        batch.drop_column("per_enterprise")
        batch.drop_column("enterprises")
    _enterprise_of_each_case(op.get_bind())


def _enterprise_of_each_case(bind) -> None:
    """Copy each admission case's ``enterprise`` into its report row, a batch at a time."""
    after = 0
    while True:
        batch = list(
            bind.execute(
                sa.select(cases.c.id, cases.c.data, facts.c.data)
                .join(facts, facts.c.case_id == cases.c.id)
                .where(cases.c.definition_key == "admission", cases.c.id > after)
                .order_by(cases.c.id)
                .limit(BATCH)
            )
        )
        if not batch:
            return
        for case_id, data, kept in batch:
            if "enterprise" in (data or {}):  # kept as report_data keeps it, None too
                bind.execute(
                    facts.update()
                    .where(facts.c.case_id == case_id)
                    .values(data={**(kept or {}), "enterprise": data["enterprise"]})
                )
        after = batch[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("plan_targets") as batch:
        batch.add_column(
            sa.Column("per_enterprise", sa.Integer(), nullable=False, server_default="1")
        )
        batch.add_column(sa.Column("enterprises", sa.JSON(), nullable=True))
