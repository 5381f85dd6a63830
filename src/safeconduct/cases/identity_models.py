"""The person's real identity, given for the return to be organised: one sealed record per case."""

from __future__ import annotations

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from safeconduct.store.base import Base


class CaseIdentity(Base):
    """Everything (the fields, who may read them, whether a request used them) sealed under the case key."""

    __tablename__ = "case_identities"

    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
