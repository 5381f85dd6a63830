"""staff TOTP secret sealed behind the password; last TOTP counter kept only as a keyed tag

Existing rows keep their clear TOTP secret and counter until the member's next log-in, which seals them
(the key needs the password, so no migration can do it); then the clear columns hold "" and 0.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 15:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('staff', sa.Column('sealed_totp_secret', sa.LargeBinary(length=80), nullable=True))
    op.add_column('staff', sa.Column('last_totp_tag', sa.LargeBinary(length=16), nullable=True))


def downgrade() -> None:
    # Sealed secrets cannot be unsealed without each password: a downgrade would lock those accounts out.
    raise RuntimeError("0008 cannot be downgraded: sealed TOTP secrets need each member's password")
