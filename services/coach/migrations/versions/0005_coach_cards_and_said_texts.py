"""coach cards (one per moment, in sections) and the texts already said to each person

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 11:30:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('profiles') as batch:
        batch.add_column(sa.Column('coach_budget', sa.JSON(), nullable=True))
    op.create_table(
        'coach_cards',
        sa.Column('id', ID, autoincrement=True, nullable=False),
        sa.Column('card_id', sa.String(length=36), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('cause_event_id', sa.String(length=36), nullable=False),
        sa.Column('cause_type', sa.String(length=64), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('sections', sa.JSON(), nullable=False),
        sa.Column('urgency', sa.String(length=8), nullable=False),
        sa.Column('email', sa.String(length=16), nullable=False),
        sa.Column('private', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('local_day', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('card_id'),
    )
    op.create_index('ix_coach_cards_user', 'coach_cards', ['user_id', 'status', 'created_at'])
    op.create_index('ix_coach_cards_user_app', 'coach_cards', ['user_id', 'application_id'])
    op.create_table(
        'said_texts',
        sa.Column('id', ID, autoincrement=True, nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('text_key', sa.String(length=80), nullable=False),
        sa.Column('said_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_said_texts_user_key', 'said_texts', ['user_id', 'text_key', 'said_at'])


def downgrade() -> None:
    op.drop_index('ix_said_texts_user_key', table_name='said_texts')
    op.drop_table('said_texts')
    op.drop_index('ix_coach_cards_user_app', table_name='coach_cards')
    op.drop_index('ix_coach_cards_user', table_name='coach_cards')
    op.drop_table('coach_cards')
    with op.batch_alter_table('profiles') as batch:
        batch.drop_column('coach_budget')
