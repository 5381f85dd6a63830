"""Canned replies: the organisation's own ready-made texts, in each language of the console."""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from safeconduct.store.base import Base


class CannedReply(Base):
    """Organisation text, not case content: kept in the clear (docs/threat-model.md says why)."""

    __tablename__ = "canned_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title_en: Mapped[str] = mapped_column(String(200), default="")
    title_fr: Mapped[str] = mapped_column(String(200), default="")
    title_ar: Mapped[str] = mapped_column(String(200), default="")
    text_en: Mapped[str] = mapped_column(Text, default="")
    text_fr: Mapped[str] = mapped_column(Text, default="")
    text_ar: Mapped[str] = mapped_column(Text, default="")
