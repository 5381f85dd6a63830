"""accounts: cases a reset staff account is waiting to be given again

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 15:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pending_reshares',
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_pending_reshares_case_id_cases'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_pending_reshares_staff_id_staff')),
    sa.PrimaryKeyConstraint('staff_id', 'case_id', name=op.f('pk_pending_reshares'))
    )
    with op.batch_alter_table('pending_reshares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_reshares_case_id'), ['case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pending_reshares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_reshares_case_id'))
    op.drop_table('pending_reshares')
