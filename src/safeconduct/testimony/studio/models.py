"""A testimony prepared from a case file: everything it says lives under the case key.

The job (`jobs` table, same id) carries the state; this row carries the content: the options and file
name, the findings (they quote the identifying words), the review, the outputs' keys and hashes, the
report and redacted transcript, and the ledger nonces. The encrypted bodies (outputs, the pipeline's
checkpointed work folder) are files under `testimonies/` in the data folder.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from safeconduct.store.base import Base


class Testimony(Base):
    __tablename__ = "testimonies"

    id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    #: {file_id, file_name, options, staff_id, nonces}
    meta_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    #: the findings as detected, then as reviewed (accepted flags, added words)
    findings_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    #: outputs (name → stored file id, key, size, sha256), report, redacted transcript
    result_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    #: the file id (random) of the encrypted checkpoint of the pipeline's work folder, when there is one
    checkpoint: Mapped[str | None] = mapped_column(String(32), nullable=True)
