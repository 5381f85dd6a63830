"""The installation itself: one row, holding only public keys and the codename salt."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from safeconduct.store.base import Base


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    codename_salt: Mapped[bytes] = mapped_column(LargeBinary(32))
    recovery_public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    signing_public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_on: Mapped[dt.date] = mapped_column(Date)
