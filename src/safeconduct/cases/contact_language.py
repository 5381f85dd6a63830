"""The interface language the contact's pages were last shown in, so the right caseworker can answer.

Only one of the installation's interface languages is stored (a coarse code shared by many contacts),
never the browser's language list, region or dialect; it is clear so the inbox can filter by it at
10,000 cases (docs/threat-model.md, "What a seized server yields").
"""

from __future__ import annotations

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from safeconduct.cases.models import Case
from safeconduct.store import diskspace


def remember(db: Session, case_id: str, code: str, *, allowed: set[str]) -> None:
    """Store `code` if it is one of `allowed` and differs from what is stored (no write on every view).

    Reading must work on a full disk, so this write is dropped there rather than refusing the page."""
    if code not in allowed:
        return
    try:
        db.execute(update(Case).where(Case.id == case_id, or_(Case.contact_language.is_(None),
                                                               Case.contact_language != code))
                   .values(contact_language=code).execution_options(synchronize_session=False))
    except Exception as exc:  # a convenience: on a full disk the page is still shown, the language not kept
        if not diskspace.is_disk_full(exc):
            raise
        db.rollback()
        return
    diskspace.commit_unless_full(db)
