"""Tables of the structured vetting record: the person's claims, and the case's risk flags.

Same rule as ``casework_models.py``: plaintext columns only for what the server must find or expire by
(random ids, coarse dates). What the person claims about their unit and role, how it was checked and
what risks the caseworkers see would identify them and their sources to a seizing armed group, so all
of it — topic included — lives in ciphertexts under the case key.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from safeconduct.store.base import Base


class VettingClaim(Base):
    """One claim of the person (topic, text, status, evidence, its change history: all sealed)."""

    __tablename__ = "case_vetting_claims"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class VettingRisk(Base):
    """The case's risk flags and note, one row per case (labels, note, who and when: sealed)."""

    __tablename__ = "case_vetting_risk"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    updated_on: Mapped[dt.date] = mapped_column(Date)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
