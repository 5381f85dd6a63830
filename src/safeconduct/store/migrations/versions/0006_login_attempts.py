"""login attempt windows shared by all server processes

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-24 02:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_attempt_windows',
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('minute', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'minute', name=op.f('pk_login_attempt_windows'))
    )


def downgrade() -> None:
    op.drop_table('login_attempt_windows')
