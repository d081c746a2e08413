"""applications in full

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 21:59:35.591115
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tracker_settings',
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('auto_ghost', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_table('contacts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('profile_url', sa.String(length=2000), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contacts_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contacts_user_id'), ['user_id'], unique=False)

    op.create_table('interview_rounds',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('scheduled_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('interviewer', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('interview_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interview_rounds_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interview_rounds_user_id'), ['user_id'], unique=False)

    op.create_table('notes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notes_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notes_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('company_key', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('channel', sa.String(length=32), server_default='other', nullable=False))
        batch_op.add_column(sa.Column('location', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('work_mode', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('salary_min', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('salary_max', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('salary_currency', sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column('salary_period', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('excitement', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('follow_up_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('resume_version', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('cover_letter_version', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('tags_text', sa.String(length=2000), server_default='', nullable=False))
        batch_op.add_column(sa.Column('archived', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('stage_since', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('fingerprint', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('ghost_offered_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('ghost_dismissed_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_applications_user_company', ['user_id', 'company_key'], unique=False)
        batch_op.create_index('ix_applications_user_stage', ['user_id', 'stage'], unique=False)
        batch_op.create_unique_constraint('uq_applications_user_fingerprint', ['user_id', 'fingerprint'])

    with op.batch_alter_table('rejections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.String(length=36), nullable=True))

    _backfill()


def _backfill() -> None:
    """Existing applications get their company key and the date of their current stage."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT a.id, a.company, (SELECT MAX(s.changed_on) FROM stage_changes s "
        "WHERE s.application_id = a.id) AS since FROM applications a")).all()
    for row in rows:
        key = "".join(ch for ch in row.company.lower() if ch.isalnum())
        bind.execute(sa.text("UPDATE applications SET company_key = :k, stage_since = :s WHERE id = :i"),
                     {"k": key, "s": row.since, "i": row.id})



def downgrade() -> None:
    with op.batch_alter_table('rejections', schema=None) as batch_op:
        batch_op.drop_column('event_id')

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint('uq_applications_user_fingerprint', type_='unique')
        batch_op.drop_index('ix_applications_user_stage')
        batch_op.drop_index('ix_applications_user_company')
        batch_op.drop_column('ghost_dismissed_at')
        batch_op.drop_column('ghost_offered_at')
        batch_op.drop_column('fingerprint')
        batch_op.drop_column('stage_since')
        batch_op.drop_column('archived')
        batch_op.drop_column('tags_text')
        batch_op.drop_column('cover_letter_version')
        batch_op.drop_column('resume_version')
        batch_op.drop_column('follow_up_on')
        batch_op.drop_column('excitement')
        batch_op.drop_column('salary_period')
        batch_op.drop_column('salary_currency')
        batch_op.drop_column('salary_max')
        batch_op.drop_column('salary_min')
        batch_op.drop_column('work_mode')
        batch_op.drop_column('location')
        batch_op.drop_column('channel')
        batch_op.drop_column('company_key')

    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notes_user_id'))
        batch_op.drop_index(batch_op.f('ix_notes_application_id'))

    op.drop_table('notes')
    with op.batch_alter_table('interview_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interview_rounds_user_id'))
        batch_op.drop_index(batch_op.f('ix_interview_rounds_application_id'))

    op.drop_table('interview_rounds')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_user_id'))
        batch_op.drop_index(batch_op.f('ix_contacts_application_id'))

    op.drop_table('contacts')
    op.drop_table('tracker_settings')
