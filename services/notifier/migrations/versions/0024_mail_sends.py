"""mail_sends: one row per e-mail sent, for per-person, per-recipient and per-instance limits

Revision ID: 0024
Revises: 0023
"""
from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mail_sends',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('recipient_key', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mail_sends', schema=None) as batch_op:
        batch_op.create_index('ix_mail_sends_recipient', ['recipient_key', 'created_at'], unique=False)
        batch_op.create_index('ix_mail_sends_user', ['user_id', 'created_at'], unique=False)
        batch_op.create_index('ix_mail_sends_created', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_table('mail_sends')
