"""a running count of each person's applications

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 02:00:00

Two rules ask on every new application how many the person has (the first,
every tenth). Counting their facts read every one of them: an import of
10,000 applications read 50 million rows. The count now lives on the profile,
moved by the handlers that add, hide or show a fact. NULL means "not counted
yet": the first question counts once and stores the answer, so existing
profiles need no backfill.
"""
import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('profiles') as batch:
        batch.add_column(sa.Column('application_count', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('profiles') as batch:
        batch.drop_column('application_count')
