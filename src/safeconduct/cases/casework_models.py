"""Tables of case work: state history, four-eyes proposals, consent, notes and the staff audit log.

The rule of ``cases/models.py`` holds here too: plaintext columns only for what the server must find,
sort or expire by (random ids, coarse dates, the action name of an audit row). Reasons, who proposed and
who confirmed, the person's consent choices and notes live in ciphertexts under the case key, because a
seized server must not tell the armed group who argued what about whom, or what the person chose to say.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from safeconduct.store.base import Base

_BigInt = BigInteger().with_variant(Integer, "sqlite")


class StateChange(Base):
    """One transition of a case (from, to, by, confirmed by, why, exact time, ledger nonce: all sealed)."""

    __tablename__ = "case_state_changes"

    id: Mapped[int] = mapped_column(_BigInt, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class TransitionProposal(Base):
    """The first half of a four-eyes decision, waiting for a second caseworker (content sealed)."""

    __tablename__ = "case_transition_proposals"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class Consent(Base):
    """What the person agreed to disclose in a dossier, and whether a dossier was exported (sealed)."""

    __tablename__ = "case_consents"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    updated_on: Mapped[dt.date] = mapped_column(Date)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class CaseNote(Base):
    """A caseworker's private note: never shown to the contact (author, time and text sealed)."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(_BigInt, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class AuditRecord(Base):
    """Who did what to which case, and on which day: never any content.

    Administrators read it without any case key, so it is plaintext by necessity; it therefore keeps the
    day, not the time (the order of rows gives the sequence), so that a seized log cannot be lined up
    against the contact's activity to the minute. ``case_id`` has no foreign key: the record of access
    must survive the deletion of the case's content.
    """

    __tablename__ = "staff_audit_log"

    id: Mapped[int] = mapped_column(_BigInt, primary_key=True, autoincrement=True)
    on: Mapped[dt.date] = mapped_column(Date, index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[str | None] = mapped_column(String(32), index=True, nullable=True)
    target: Mapped[str | None] = mapped_column(String(64), nullable=True)
