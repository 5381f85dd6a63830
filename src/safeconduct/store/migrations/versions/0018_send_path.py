"""send path and inbox: a per-case chain head (the ledger's sequencer row), each case's latest message id

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-24 20:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ledger_chain_heads',
    sa.Column('case_id', sa.String(length=32), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('entry_hash', sa.LargeBinary(length=32), nullable=False),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_ledger_chain_heads'))
    )
    # every existing chain's last entry becomes its head
    op.execute(
        "INSERT INTO ledger_chain_heads (case_id, seq, entry_hash) "
        "SELECT e.case_id, e.seq, e.entry_hash FROM ledger_entries e "
        "JOIN (SELECT case_id, MAX(seq) AS seq FROM ledger_entries GROUP BY case_id) last "
        "ON last.case_id = e.case_id AND last.seq = e.seq"
    )
    # a new column, in place (no rebuild of `cases` on SQLite: see 0014)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_message_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                      server_default='0', nullable=False))
    op.execute(
        "UPDATE cases SET last_message_id = COALESCE("
        "(SELECT MAX(m.id) FROM messages m WHERE m.case_id = cases.id), 0)"
    )


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('last_message_id')
    op.drop_table('ledger_chain_heads')
