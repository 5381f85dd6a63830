"""authority requests: the signed letters asking for a travel document, sealed under the case key

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-24 23:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'authority_requests',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('case_id', sa.String(length=32), nullable=False),
        sa.Column('created_on', sa.Date(), nullable=False),
        sa.Column('ciphertext', sa.LargeBinary(), nullable=False),
        sa.Column('pdf_ciphertext', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_authority_requests_case_id', 'authority_requests', ['case_id'])


def downgrade() -> None:
    op.drop_index('ix_authority_requests_case_id', table_name='authority_requests')
    op.drop_table('authority_requests')
