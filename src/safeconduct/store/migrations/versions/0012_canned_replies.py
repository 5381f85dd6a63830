"""canned replies (the starting set is added by `init`, or from the admin page: never here, so that a
restored backup brings exactly its own rows)

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('canned_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('title_fr', sa.String(length=200), nullable=False),
    sa.Column('title_ar', sa.String(length=200), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('text_fr', sa.Text(), nullable=False),
    sa.Column('text_ar', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_canned_replies'))
    )


def downgrade() -> None:
    op.drop_table('canned_replies')
