"""the running count of applications goes: the person's facts are counted when asked

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 16:30:00

Only a live application asks the count (an imported one is history and asks
nothing), and one person's facts are an index range of (user, hidden, id):
counting them costs less than keeping a count right by hand in every handler.
"""
import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('profiles') as batch:
        batch.drop_column('application_count')


def downgrade() -> None:
    with op.batch_alter_table('profiles') as batch:
        batch.add_column(sa.Column('application_count', sa.Integer(), nullable=True))
