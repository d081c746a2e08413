"""e-mail channels are verified by a link before use; a log of mails sent, for rate limits

Revision ID: 0023
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verified_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('verify_nonce', sa.String(length=32), nullable=True))
    # Channels made before verification existed keep working: their owners chose them.
    op.execute("UPDATE channels SET verified_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.drop_column('verify_nonce')
        batch_op.drop_column('verified_at')
