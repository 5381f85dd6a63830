"""Publication records (private, tied to a case) and archive entries (public, tied to nothing).

The two are apart on purpose: a reader of the archive, or whoever seizes its copy, must learn nothing about
where contacts write. `case_publications` follows the rule of ``cases/models.py`` (everything about the
testimony, its themes, the steps and who took them sealed under the case key; the case id and the day clear
so that a second caseworker's confirmation finds it). `archive_entries` is public content in the clear —
what the archive shows anyway — and holds no case id, testimony id or recording date: the link from an
entry back to its case exists only inside the sealed publication record.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from safeconduct.store.base import Base


class Publication(Base):
    __tablename__ = "case_publications"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class ArchiveEntry(Base):
    """A published testimony: the signed entry and what the archive's pages and search need."""

    __tablename__ = "archive_entries"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    published_on: Mapped[dt.date] = mapped_column(Date, index=True)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    language: Mapped[str] = mapped_column(String(8), index=True)
    duration_s: Mapped[int] = mapped_column(Integer)
    #: theme slugs, space-separated (the organisation's list names them in each language)
    themes: Mapped[str] = mapped_column(String(500))
    transcript: Mapped[str] = mapped_column(Text)
    #: the canonical JSON the organisation signed, and the Ed25519 signature (hex)
    entry: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(128))
    #: the signed withdrawal, once unpublished (the media files are deleted then)
    withdrawal: Mapped[str | None] = mapped_column(Text, nullable=True)
    withdrawal_signature: Mapped[str | None] = mapped_column(String(128), nullable=True)
    #: where the entry, and its withdrawal, are leaves of the organisation's Merkle log
    log_index: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    withdrawal_log_index: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
