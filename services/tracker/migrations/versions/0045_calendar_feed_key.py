"""a private calendar feed: the hash of its key, so the feed can be revoked

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-06 11:41:00

Only a SHA-256 of the key is kept: the feed's address is shown once, when it is made.
"""
from alembic import op
import sqlalchemy as sa


revision = '0045'
down_revision = '0044'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tracker_settings') as batch:
        batch.add_column(sa.Column('calendar_key_hash', sa.String(64), nullable=True))
        batch.add_column(sa.Column('calendar_key_created_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tracker_settings') as batch:
        batch.drop_column('calendar_key_created_at')
        batch.drop_column('calendar_key_hash')
