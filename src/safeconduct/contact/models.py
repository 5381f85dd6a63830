"""What the contact side stores besides cases: spent start tokens, so each start form works once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column, validates

from safeconduct.store import coarse
from safeconduct.store.base import Base


class SpentStartToken(Base):
    """A start token already used: its random id and when it would have expired anyway (then purged)."""

    __tablename__ = "spent_start_tokens"

    token_id: Mapped[bytes] = mapped_column(LargeBinary(16), primary_key=True)
    #: Rounded up to a whole minute (UTC): a seized table dates no start to the second.
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)

    @validates("expires_at")
    def _coarse_expiry(self, _key: str, value: dt.datetime) -> dt.datetime:
        return coarse.round_up(value, coarse.MINUTE)
