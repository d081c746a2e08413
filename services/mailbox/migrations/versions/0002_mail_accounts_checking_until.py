"""mail_accounts.checking_until: the lease of the worker reading a mailbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06 16:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('mail_accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checking_until', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('mail_accounts', schema=None) as batch_op:
        batch_op.drop_column('checking_until')
