"""interview rounds: a time, its time zone, duration, place or video link

Revision ID: 0044
Revises: 0003
Create Date: 2026-12-06 11:40:00

A round had a date only; a calendar needs the hour and the zone it was agreed in.
Every new column is optional, so existing rounds stay whole-day entries.
"""
from alembic import op
import sqlalchemy as sa


revision = '0044'
down_revision = '0003'
branch_labels = None
depends_on = None

def _columns() -> tuple[sa.Column, ...]:
    return (
        sa.Column('starts_at', sa.Time(), nullable=True),
        sa.Column('timezone', sa.String(64), nullable=True),
        sa.Column('duration_minutes', sa.Integer(), nullable=True),
        sa.Column('location', sa.String(500), nullable=True),
        sa.Column('video_url', sa.String(2000), nullable=True),
    )


def upgrade() -> None:
    with op.batch_alter_table('interview_rounds') as batch:
        for column in _columns():
            batch.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table('interview_rounds') as batch:
        for column in reversed(_columns()):
            batch.drop_column(column.name)
