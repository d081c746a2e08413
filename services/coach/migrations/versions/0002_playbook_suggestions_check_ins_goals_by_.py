"""playbook, suggestions, check-ins, goals by week, due items

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 22:02:36.086692
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('checkins',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('mood', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.create_index('ix_checkins_user', ['user_id', 'id'], unique=False)

    op.create_table('due_items',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=True),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('source_event_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('due_items', schema=None) as batch_op:
        batch_op.create_index('ix_due_items_pending', ['status', 'due_at'], unique=False)

    op.create_table('efforts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('amount', sa.Float(), nullable=False),
    sa.Column('what', sa.String(length=300), nullable=True),
    sa.Column('logged_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('efforts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_efforts_user_id'), ['user_id'], unique=False)

    op.create_table('feedback',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('source_event_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_event_id')
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_user_id'), ['user_id'], unique=False)

    op.create_table('feedback_requests',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('to_name', sa.String(length=200), nullable=True),
    sa.Column('to_email', sa.String(length=320), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('source_event_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('feedback_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_requests_user_id'), ['user_id'], unique=False)

    op.create_table('insights',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('numbers', sa.JSON(), nullable=False),
    sa.Column('source_event_id', sa.String(length=36), nullable=True),
    sa.Column('rule_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('insights', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insights_user_id'), ['user_id'], unique=False)

    op.create_table('rule_firings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('rule_id', sa.String(length=64), nullable=False),
    sa.Column('source_event_id', sa.String(length=36), nullable=True),
    sa.Column('fired_at', sa.DateTime(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rule_firings', schema=None) as batch_op:
        batch_op.create_index('ix_rule_firings_user_rule', ['user_id', 'rule_id', 'fired_at'], unique=False)

    op.create_table('suggestions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('urgency', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('source_event_id', sa.String(length=36), nullable=True),
    sa.Column('rule_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.create_index('ix_suggestions_user', ['user_id', 'id'], unique=False)

    with op.batch_alter_table('application_facts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('furthest_stage', sa.String(length=32), server_default='applied', nullable=False))
        batch_op.add_column(sa.Column('created_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('responded_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('rejected_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('rejection_event_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('contact_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('hidden', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('week_start', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('source_event_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('rule_id', sa.String(length=64), nullable=True))

    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_weekday', sa.Integer(), server_default='6', nullable=False))
        batch_op.add_column(sa.Column('review_time', sa.String(length=5), server_default='18:00', nullable=False))
        batch_op.add_column(sa.Column('disabled_rules', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('nudge_threshold', sa.Integer(), server_default='3', nullable=False))
        batch_op.add_column(sa.Column('weekly_target', sa.Integer(), nullable=True))

    with op.batch_alter_table('reflections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rule_id', sa.String(length=64), nullable=True))

    with op.batch_alter_table('wins', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_event_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('rule_id', sa.String(length=64), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('wins', schema=None) as batch_op:
        batch_op.drop_column('rule_id')
        batch_op.drop_column('source_event_id')

    with op.batch_alter_table('reflections', schema=None) as batch_op:
        batch_op.drop_column('rule_id')

    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.drop_column('weekly_target')
        batch_op.drop_column('nudge_threshold')
        batch_op.drop_column('disabled_rules')
        batch_op.drop_column('review_time')
        batch_op.drop_column('review_weekday')

    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.drop_column('rule_id')
        batch_op.drop_column('source_event_id')
        batch_op.drop_column('week_start')

    with op.batch_alter_table('application_facts', schema=None) as batch_op:
        batch_op.drop_column('hidden')
        batch_op.drop_column('contact_email')
        batch_op.drop_column('contact_name')
        batch_op.drop_column('reason')
        batch_op.drop_column('rejection_event_id')
        batch_op.drop_column('rejected_on')
        batch_op.drop_column('responded_on')
        batch_op.drop_column('created_at')
        batch_op.drop_column('furthest_stage')

    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_index('ix_suggestions_user')

    op.drop_table('suggestions')
    with op.batch_alter_table('rule_firings', schema=None) as batch_op:
        batch_op.drop_index('ix_rule_firings_user_rule')

    op.drop_table('rule_firings')
    with op.batch_alter_table('insights', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insights_user_id'))

    op.drop_table('insights')
    with op.batch_alter_table('feedback_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_requests_user_id'))

    op.drop_table('feedback_requests')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_user_id'))

    op.drop_table('feedback')
    with op.batch_alter_table('efforts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_efforts_user_id'))

    op.drop_table('efforts')
    with op.batch_alter_table('due_items', schema=None) as batch_op:
        batch_op.drop_index('ix_due_items_pending')

    op.drop_table('due_items')
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_index('ix_checkins_user')

    op.drop_table('checkins')
