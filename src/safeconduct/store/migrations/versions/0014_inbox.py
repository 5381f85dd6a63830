"""inbox: an assignee per case, the contact's interface language, indexes for the inbox at 10,000 cases

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-24 15:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # No foreign key on assignee_id: on SQLite it would rebuild `cases`, and dropping the old table cascades
    # to the case tables (keys, messages) that reference it. Only new columns and indexes, in place.
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('contact_language', sa.String(length=8), nullable=True))
        batch_op.create_index(batch_op.f('ix_cases_assignee_id'), ['assignee_id'], unique=False)
    with op.batch_alter_table('case_key_seals', schema=None) as batch_op:
        batch_op.create_index('ix_case_key_seals_staff_case', ['staff_id', 'case_id'], unique=False)
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_case_id_id', ['case_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_case_id_id')
    with op.batch_alter_table('case_key_seals', schema=None) as batch_op:
        batch_op.drop_index('ix_case_key_seals_staff_case')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_assignee_id'))
        batch_op.drop_column('contact_language')
        batch_op.drop_column('assignee_id')
