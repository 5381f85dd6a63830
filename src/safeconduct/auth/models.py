"""Log-in sessions whose secret is useless without the token the client holds."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from safeconduct.store.base import Base


class AuthSession(Base):
    __tablename__ = "auth_sessions"

    token_id: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(64))
    secret_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)

