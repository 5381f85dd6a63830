"""referrals: partner organisations, referrals, who writes (a relative), links between cases, follow-up tasks

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-24 20:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('partners',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('public_key', sa.String(length=200), nullable=True),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partners'))
    )
    op.create_table('case_referrals',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('case_id', sa.String(length=32), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('ciphertext', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_referrals_case_id_cases'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_referrals'))
    )
    op.create_index(op.f('ix_case_referrals_case_id'), 'case_referrals', ['case_id'], unique=False)
    op.create_table('case_writers',
    sa.Column('case_id', sa.String(length=32), nullable=False),
    sa.Column('ciphertext', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_writers_case_id_cases'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_writers'))
    )
    op.create_table('case_links',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('case_id', sa.String(length=32), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('ciphertext', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_links_case_id_cases'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_links'))
    )
    op.create_index(op.f('ix_case_links_case_id'), 'case_links', ['case_id'], unique=False)
    op.create_table('case_tasks',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('case_id', sa.String(length=32), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('reminded_on', sa.Date(), nullable=True),
    sa.Column('ciphertext', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_tasks_case_id_cases'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_tasks'))
    )
    op.create_index(op.f('ix_case_tasks_case_id'), 'case_tasks', ['case_id'], unique=False)
    op.create_index(op.f('ix_case_tasks_due_on'), 'case_tasks', ['due_on'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_case_tasks_due_on'), table_name='case_tasks')
    op.drop_index(op.f('ix_case_tasks_case_id'), table_name='case_tasks')
    op.drop_table('case_tasks')
    op.drop_index(op.f('ix_case_links_case_id'), table_name='case_links')
    op.drop_table('case_links')
    op.drop_table('case_writers')
    op.drop_index(op.f('ix_case_referrals_case_id'), table_name='case_referrals')
    op.drop_table('case_referrals')
    op.drop_table('partners')
