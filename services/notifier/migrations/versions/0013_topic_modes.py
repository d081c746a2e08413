"""per-topic delivery modes (right away, daily digest, off)

Revision ID: 0013
Revises: 0002
Create Date: 2026-12-06 11:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('preferences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic_modes', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    with op.batch_alter_table('preferences', schema=None) as batch_op:
        batch_op.drop_column('topic_modes')
