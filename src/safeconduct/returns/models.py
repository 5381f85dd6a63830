"""Requests to the authorities: one row each, everything about it sealed under the case key.

The record (template, addressee, which identity fields went in, who prepared and sent it, each answer) and
the signed PDF (which holds the person's identity) are both ciphertext; only the day it was made is clear.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from safeconduct.store.base import Base


class AuthorityRequest(Base):
    __tablename__ = "authority_requests"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    pdf_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
