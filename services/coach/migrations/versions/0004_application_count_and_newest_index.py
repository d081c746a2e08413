"""a running count of each person's applications; their newest applications by index

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 02:00:00

Every new application asks how many the person has (the first, every tenth)
and which channels their newest applications came through. Counting read
every fact of the person, and "the newest 20" sorted them all first: an
import of 10,000 applications read tens of millions of rows. The count now
lives on the profile, moved by the handlers that add, hide or show a fact
(NULL means "not counted yet": the first question counts once and stores the
answer, so existing profiles need no backfill), and an index in (user,
hidden, id) order hands over the newest rows directly.
"""
import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

NEWEST = 'ix_application_facts_user_newest'


def upgrade() -> None:
    with op.batch_alter_table('profiles') as batch:
        batch.add_column(sa.Column('application_count', sa.Integer(), nullable=True))
    op.create_index(NEWEST, 'application_facts', ['user_id', 'hidden', 'id'])


def downgrade() -> None:
    op.drop_index(NEWEST, table_name='application_facts')
    with op.batch_alter_table('profiles') as batch:
        batch.drop_column('application_count')
