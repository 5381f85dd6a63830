"""org intro: the organisation's introduction per language and its usual answer delay, for the contact pages

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 15:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intros', sa.Text(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('answer_days', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('answer_days')
        batch_op.drop_column('intros')
