"""The organisation's redaction list: one encrypted row per word reviewers added or rejected."""

from __future__ import annotations

from sqlalchemy import Integer, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from safeconduct.store.base import Base


class RedactionTermRow(Base):
    """Kind, text and whether to hide or keep, all inside the ciphertext (see testimony/reviewed_terms.py)."""

    __tablename__ = "redaction_terms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
