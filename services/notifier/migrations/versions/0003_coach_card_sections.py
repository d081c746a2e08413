"""the sections of a coach card, on its inbox item

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 11:30:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notifications') as batch:
        batch.add_column(sa.Column('sections', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('notifications') as batch:
        batch.drop_column('sections')
