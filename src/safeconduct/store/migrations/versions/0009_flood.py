"""flood: conversations reach inboxes with their first words; spent start tokens; no installation-wide log-in counter

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 14:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opened_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cases_opened_on'), ['opened_on'], unique=False)
    # Every existing case is already in its team's inboxes: it counts as opened the day it was created.
    op.execute("UPDATE cases SET opened_on = created_on")
    op.create_table('spent_start_tokens',
    sa.Column('token_id', sa.LargeBinary(length=16), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('token_id', name=op.f('pk_spent_start_tokens'))
    )
    with op.batch_alter_table('spent_start_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spent_start_tokens_expires_at'), ['expires_at'], unique=False)
    op.drop_table('login_attempt_windows')


def downgrade() -> None:
    op.create_table('login_attempt_windows',
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('minute', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'minute', name=op.f('pk_login_attempt_windows'))
    )
    with op.batch_alter_table('spent_start_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spent_start_tokens_expires_at'))
    op.drop_table('spent_start_tokens')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_opened_on'))
        batch_op.drop_column('opened_on')
