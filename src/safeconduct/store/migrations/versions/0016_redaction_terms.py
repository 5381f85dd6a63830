"""redaction terms: the organisation's list of words reviewers added to or rejected from a redaction
(encrypted under a key derived from the signing key)

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('redaction_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ciphertext', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_redaction_terms'))
    )


def downgrade() -> None:
    op.drop_table('redaction_terms')
