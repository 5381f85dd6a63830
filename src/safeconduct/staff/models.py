"""Staff accounts: caseworkers and administrators."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, validates

from safeconduct.store import coarse
from safeconduct.store.base import Base


class StaffMember(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    # Accounts made before migration 0008 keep these two in the clear until their next log-in seals them;
    # from then on (and for every newer account) they hold "" and 0.
    totp_secret: Mapped[str] = mapped_column(String(64), default="")
    last_totp_counter: Mapped[int] = mapped_column(Integer, default=0)
    # The TOTP secret sealed under a key derived from the private key (so: behind the password), and the last
    # accepted TOTP counter as a keyed tag, so neither the secret nor the time of the last log-in is readable.
    sealed_totp_secret: Mapped[bytes | None] = mapped_column(LargeBinary(80), nullable=True)
    last_totp_tag: Mapped[bytes | None] = mapped_column(LargeBinary(16), nullable=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    wrapped_private_key: Mapped[bytes] = mapped_column(LargeBinary(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    intake: Mapped[bool] = mapped_column(Boolean, default=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    #: Rounded up to a whole minute: the exact instant would date the failed log-ins that caused it.
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    @validates("locked_until")
    def _coarse_lock(self, _key: str, value: dt.datetime | None) -> dt.datetime | None:
        return None if value is None else coarse.round_up(value, coarse.MINUTE)
