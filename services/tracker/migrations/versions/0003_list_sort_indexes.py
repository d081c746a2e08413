"""indexes that serve the list's sorts

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 03:00:00

The list sorts by date applied or by company, ties broken by id, and reads one page through
a keyset cursor: with (user_id, column, id) indexes the database walks the index in order
and stops after a page instead of sorting every application of the user.
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def _applied_on() -> sa.TextClause | str:
    # A missing date sorts lowest: PostgreSQL must be told, SQLite does it anyway and refuses
    # a NULLS clause in an index.
    return sa.text("applied_on NULLS FIRST") if op.get_bind().dialect.name == "postgresql" else "applied_on"


def upgrade() -> None:
    op.create_index('ix_applications_user_applied', 'applications', ['user_id', _applied_on(), 'id'])
    op.drop_index('ix_applications_user_company', table_name='applications')
    op.create_index('ix_applications_user_company', 'applications', ['user_id', 'company_key', 'id'])


def downgrade() -> None:
    op.drop_index('ix_applications_user_company', table_name='applications')
    op.create_index('ix_applications_user_company', 'applications', ['user_id', 'company_key'])
    op.drop_index('ix_applications_user_applied', table_name='applications')
