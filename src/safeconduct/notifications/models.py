"""What the database keeps of notifications and of staff members' e-mail opt-ins.

A notification row shows in the clear only whose it is, the day it was made, and whether it was read or
mailed: its kind, its case and its exact time are sealed to the staff member's public key, so a seized
server cannot tie a case to a time through it (docs/threat-model.md).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from safeconduct.store.base import Base


class Notification(Base):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    #: {"kind", "case_id", "at"} sealed to the member's public key (libsodium sealed box).
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    read: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Set once an e-mail covered it (or it was read first): the mailer's only memory of what is due.
    mailed: Mapped[bool] = mapped_column(Boolean, default=False)


class MailOptIn(Base):
    """A staff member's wish to be told by e-mail; the address is encrypted (see crypto/mail_address.py)."""

    __tablename__ = "notification_mail"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    address_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    language: Mapped[str] = mapped_column(String(8), default="en")
