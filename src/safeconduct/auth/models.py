"""Log-in sessions whose secret is useless without the token the client holds."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, validates

from safeconduct.store import coarse
from safeconduct.store.base import Base


class AuthSession(Base):
    __tablename__ = "auth_sessions"

    token_id: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(64))
    secret_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    #: Rounded up to a whole minute (UTC): a seized table dates no session to the second.
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)

    @validates("expires_at")
    def _coarse_expiry(self, _key: str, value: dt.datetime) -> dt.datetime:
        return coarse.round_up(value, coarse.MINUTE)

