"""studio jobs: enrolled workers, jobs with their per-job key seals, testimonies prepared from case files

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-24 20:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'workers',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('public_key', sa.LargeBinary(length=32), nullable=False),
        sa.Column('enrolled_on', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_workers')),
        sa.UniqueConstraint('public_key', name=op.f('uq_workers_public_key')),
    )
    op.create_table(
        'jobs',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('case_id', sa.String(length=32), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('phase', sa.String(length=16), nullable=False),
        sa.Column('stage', sa.String(length=16), nullable=True),
        sa.Column('progress', sa.Float(), nullable=False),
        sa.Column('stages_done', sa.String(length=200), nullable=False),
        sa.Column('error_code', sa.String(length=32), nullable=True),
        sa.Column('error_stage', sa.String(length=16), nullable=True),
        sa.Column('error_ciphertext', sa.LargeBinary(), nullable=True),
        sa.Column('cancel_requested', sa.Boolean(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('holder', sa.String(length=32), nullable=True),
        sa.Column('worker_id', sa.Integer(), nullable=True),
        sa.Column('beat', sa.BigInteger(), nullable=False),
        sa.Column('engine_ref', sa.BigInteger(), nullable=True),
        sa.Column('created_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_jobs_case_id_cases'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_jobs_worker_id_workers'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
    )
    op.create_index(op.f('ix_jobs_case_id'), 'jobs', ['case_id'], unique=False)
    op.create_index(op.f('ix_jobs_state'), 'jobs', ['state'], unique=False)
    op.create_table(
        'job_seals',
        sa.Column('job_id', sa.String(length=32), nullable=False),
        sa.Column('worker_id', sa.Integer(), nullable=False),
        sa.Column('sealed', sa.LargeBinary(length=128), nullable=False),
        sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_job_seals_job_id_jobs'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_job_seals_worker_id_workers'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('job_id', 'worker_id', name=op.f('pk_job_seals')),
    )
    op.create_table(
        'testimonies',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('case_id', sa.String(length=32), nullable=False),
        sa.Column('created_on', sa.Date(), nullable=False),
        sa.Column('approved', sa.Boolean(), nullable=False),
        sa.Column('meta_ciphertext', sa.LargeBinary(), nullable=False),
        sa.Column('findings_ciphertext', sa.LargeBinary(), nullable=True),
        sa.Column('result_ciphertext', sa.LargeBinary(), nullable=True),
        sa.Column('checkpoint', sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_testimonies_case_id_cases'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['id'], ['jobs.id'], name=op.f('fk_testimonies_id_jobs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_testimonies')),
    )
    op.create_index(op.f('ix_testimonies_case_id'), 'testimonies', ['case_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_testimonies_case_id'), table_name='testimonies')
    op.drop_table('testimonies')
    op.drop_table('job_seals')
    op.drop_index(op.f('ix_jobs_state'), table_name='jobs')
    op.drop_index(op.f('ix_jobs_case_id'), table_name='jobs')
    op.drop_table('jobs')
    op.drop_table('workers')
