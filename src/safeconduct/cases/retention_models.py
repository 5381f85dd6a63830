"""Retention state of a case: a legal hold, and the day its key was destroyed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from safeconduct.store.base import Base


class CaseRetention(Base):
    """One row per case that has a legal hold or was shredded (absent means: neither)."""

    __tablename__ = "case_retention"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    shredded_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
