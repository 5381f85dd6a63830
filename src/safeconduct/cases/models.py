"""Cases and their encrypted content.

Plaintext columns hold only what the server must find, sort or expire by: random ids, coarse dates and
the workflow state. Who wrote what, exact times and every word live inside ciphertexts under the case key.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, validates

from safeconduct.store import coarse
from safeconduct.store.base import Base


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    label: Mapped[str] = mapped_column(String(32), unique=True)
    state: Mapped[str] = mapped_column(String(32), default="new_contact")
    created_on: Mapped[dt.date] = mapped_column(Date)
    last_activity_on: Mapped[dt.date] = mapped_column(Date)
    contact_lookup: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    contact_public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    #: The day the contact's first message or file arrived; until then (None) the conversation is in no
    #: inbox and no statistics, and housekeeping forgets it after `empty_conversation_days`.
    opened_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True, index=True)
    #: The one caseworker responsible (others hold seals too and share the case); None: nobody yet.
    #: Clear like the audit log, which already names who worked on which case (`cases/assignment.py`).
    #: No foreign key: adding one makes SQLite rebuild `cases`, and the rebuild's DROP cascades to every
    #: table referencing it (staff accounts are deactivated, never deleted; unsharing clears it).
    assignee_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    #: The interface language the contact's pages were last shown in: only one of the installation's own
    #: interface languages ("en", "fr", "ar"), never the browser's list (docs/threat-model.md).
    contact_language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    #: Id of the case's latest message (0: none yet), kept with each message (`content.post_message`) so
    #: "unread" is one comparison with the read mark instead of a probe into `messages` per case (the
    #: inbox at 10,000 cases). Message ids are in the clear in `messages` already: nothing new is shown.
    last_message_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0,
                                                 server_default="0")


class CaseKeySeal(Base):
    """The case key sealed to one recipient: the contact, a caseworker, or the recovery key."""

    __tablename__ = "case_key_seals"
    # (staff_id, case_id): the inbox starts from "the cases sealed to me" (cases/inbox.py)
    __table_args__ = (UniqueConstraint("case_id", "recipient", "staff_id"),
                      Index("ix_case_key_seals_staff_case", "staff_id", "case_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(16))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True, index=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary(128))


class Message(Base):
    """A message from the contact or a reply from a caseworker (which one is inside the ciphertext)."""

    __tablename__ = "messages"
    # (case_id, id): unread and overdue are "a message after my read mark" probes (cases/inbox.py)
    __table_args__ = (Index("ix_messages_case_id_id", "case_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class CaseFile(Base):
    """A finished, encrypted file; its name, size and key are inside `meta_ciphertext`."""

    __tablename__ = "case_files"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    meta_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class Upload(Base):
    """A resumable upload in progress; the body accumulates encrypted under `uploads/`."""

    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    length: Mapped[int] = mapped_column(BigInteger)
    meta_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    #: Rounded up to a whole day (UTC): the row is tied to a case, and the day is all the purge needs.
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # Which request may write the body right now, and until when (see `cases.upload_lease`).
    lease_holder: Mapped[str | None] = mapped_column(String(32), nullable=True)
    lease_expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    @validates("expires_at")
    def _coarse_expiry(self, _key: str, value: dt.datetime) -> dt.datetime:
        return coarse.round_up(value, coarse.DAY)


class ReadMark(Base):
    """How far a caseworker has read a case, so the inbox can show what is new."""

    __tablename__ = "read_marks"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    last_message_id: Mapped[int] = mapped_column(BigInteger, default=0)
