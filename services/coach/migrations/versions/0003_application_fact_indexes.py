"""indexes for the playbook's questions about a person's applications

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 04:00:00

Every application.created and application.rejected event asks the database a
few questions about the person's applications (how many, made today, made late
at night, the rejections, one role category). With only the
(user_id, application_id) key each question read every application of the
person: thousands of rows per event after an import. With these, the database
reads the rows the question is about.
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

INDEXES = {
    # How many (read from the index alone), made on a day, made late at night, the first.
    'ix_application_facts_user_created': ['user_id', 'hidden', 'created_at'],
    'ix_application_facts_user_rejected': ['user_id', 'rejected_on'],  # rejections by date, stage, reason
    'ix_application_facts_user_category': ['user_id', 'role_category'],  # one category's record
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, 'application_facts', columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name='application_facts')
