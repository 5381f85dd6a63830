"""publications: the sealed publication records of testimonies, and the public archive's entries

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-24 23:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'case_publications',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('case_id', sa.String(length=32), nullable=False),
        sa.Column('created_on', sa.Date(), nullable=False),
        sa.Column('ciphertext', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_case_publications_case_id', 'case_publications', ['case_id'])
    op.create_table(
        'archive_entries',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('published_on', sa.Date(), nullable=False),
        sa.Column('withdrawn_on', sa.Date(), nullable=True),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('duration_s', sa.Integer(), nullable=False),
        sa.Column('themes', sa.String(length=500), nullable=False),
        sa.Column('transcript', sa.Text(), nullable=False),
        sa.Column('entry', sa.Text(), nullable=False),
        sa.Column('signature', sa.String(length=128), nullable=False),
        sa.Column('withdrawal', sa.Text(), nullable=True),
        sa.Column('withdrawal_signature', sa.String(length=128), nullable=True),
        sa.Column('log_index', sa.BigInteger(), nullable=True),
        sa.Column('withdrawal_log_index', sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_archive_entries_published_on', 'archive_entries', ['published_on'])
    op.create_index('ix_archive_entries_language', 'archive_entries', ['language'])
    # full-text search of the published transcripts (archive/entries.py: search)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("CREATE VIRTUAL TABLE archive_search USING fts5(entry_id UNINDEXED, transcript, "
                   "tokenize='unicode61 remove_diacritics 2')")
    else:
        op.execute("CREATE INDEX ix_archive_entries_fts ON archive_entries USING gin "
                   "(to_tsvector('simple', transcript))")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TABLE archive_search")
    else:
        op.execute("DROP INDEX ix_archive_entries_fts")
    op.drop_index('ix_archive_entries_language', table_name='archive_entries')
    op.drop_index('ix_archive_entries_published_on', table_name='archive_entries')
    op.drop_table('archive_entries')
    op.drop_index('ix_case_publications_case_id', table_name='case_publications')
    op.drop_table('case_publications')
