"""Tables of referrals, relatives and follow-ups.

The rule of ``cases/models.py`` holds: clear columns only for what the server must find, sort or expire by.
Partners are the organisation's own address book (like canned replies: organisation text, never about a
person), so they are clear. Everything tied to a case — which partner a case went to, what was sent, who
writes (the person or a relative), which other case a case is linked to, a task's title — is sealed under
the case key. A task's due day and whether it is done are clear, at the day: the inbox and the daily
reminders find due work without opening any case.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from safeconduct.store.base import Base


class Partner(Base):
    """A partner organisation a case can be referred to: a lawyer, an exit programme, a reintegration service."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    country: Mapped[str] = mapped_column(String(2))
    #: The partner's own public key (hex or base64 text as they gave it), kept to hand to them; optional.
    public_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Referral(Base):
    """A case referred to a partner: partner, items, status, history and reasons all sealed."""

    __tablename__ = "case_referrals"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class CaseWriter(Base):
    """Who writes in a conversation: the person themself or a relative (the relation only, sealed)."""

    __tablename__ = "case_writers"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class CaseLink(Base):
    """One side of a link between a relative's case and the person's case, sealed under this side's key.

    Each of the two cases holds its own row: the other case's id, both consents and the state live in the
    ciphertext, so a seized database does not tell which conversations belong to one family.
    """

    __tablename__ = "case_links"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class CaseTask(Base):
    """A follow-up on a case: the title (and who did what) sealed; the due day and done flag clear."""

    __tablename__ = "case_tasks"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The day the daily reminder last told the case's holders of this task (None: not yet).
    reminded_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
