"""What the contact side stores besides cases: spent start tokens, so each start form works once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from safeconduct.store.base import Base


class SpentStartToken(Base):
    """A start token already used: its random id and when it would have expired anyway (then purged)."""

    __tablename__ = "spent_start_tokens"

    token_id: Mapped[bytes] = mapped_column(LargeBinary(16), primary_key=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
