"""Cases a reset staff account must be given again by a colleague (see `cases.reshare`)."""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from safeconduct.store.base import Base


class PendingReshare(Base):
    """A case whose key was sealed to an account before an administrator reset it.

    The reset destroyed the only key that opened that seal; a colleague who holds the case (or the recovery
    key) seals it again to the new key. The row says no more than the deleted seal said: which account had
    which case.
    """

    __tablename__ = "pending_reshares"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, index=True)
