"""mail_accounts.check_token: which worker's lease `checking_until` is; idle_token and idle_until:
which worker holds the mailbox's IDLE connections

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 20:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('mail_accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('check_token', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('idle_token', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('idle_until', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('mail_accounts', schema=None) as batch_op:
        batch_op.drop_column('idle_until')
        batch_op.drop_column('idle_token')
        batch_op.drop_column('check_token')
