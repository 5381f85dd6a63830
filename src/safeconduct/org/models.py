"""The installation itself: one row, holding only public keys, the codename salt, and what the contact pages
say about the organisation (public words: its introduction per language and its usual answer delay)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, LargeBinary, String, Text
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
    #: JSON ``{"en": "...", "fr": "...", "ar": "..."}``: the introduction shown on the public home page.
    intros: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    #: "We usually answer within N days" on the contact's conversation page (None: not said).
    answer_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
