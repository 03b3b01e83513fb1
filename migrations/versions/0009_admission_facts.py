"""admission_facts: the typed columns the yearly reports filter on, one row per case

Revision ID: 0009
Revises: 0008

Rows are written by the engine's ``case_stored`` hook from here on; the cases stored
before this revision get theirs now, derived by the same function the hook uses
(``workflows.admission.reports.stored``), so the table never disagrees with the data.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('admission_facts',
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=True),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('admitted_on', sa.Date(), nullable=True),
    sa.Column('decided', sa.Boolean(), nullable=False),
    sa.Column('birthday_wait', sa.Date(), nullable=True),
    sa.Column('lead_days', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('case_id')
    )
    op.create_index('ix_admission_facts_admitted_on', 'admission_facts', ['admitted_on'])
    # Imported here: the domain's tables and rules, not needed by the other revisions.
    from workflows.admission.reports import stored
    with Session(bind=op.get_bind()) as session:
        stored.backfill(session)


def downgrade() -> None:
    op.drop_index('ix_admission_facts_admitted_on', table_name='admission_facts')
    op.drop_table('admission_facts')
