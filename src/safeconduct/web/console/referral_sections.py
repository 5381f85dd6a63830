"""What the case page's referrals, relatives and tasks sections show (``web/console/workspace.py`` calls it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from safeconduct.cases import consent
from safeconduct.referrals import partners, relatives, tasks
from safeconduct.referrals import service as referrals


def section_context(db: Session, tab: str, *, case_id: str, case_key: bytes,
                    other_key_for: Callable[[str], bytes] | None = None) -> dict[str, Any]:
    if tab == "referrals":
        choice = consent.current(db, case_id=case_id, case_key=case_key)
        return {"referrals": referrals.list_referrals(db, case_id=case_id, case_key=case_key),
                "partners": partners.list_partners(db),
                "referral_consent": consent.referrals(db, case_id=case_id, case_key=case_key).given,
                "referable_items": [i for i in consent.items(db, case_id=case_id, case_key=case_key)
                                    if choice.covers(i.id)]}
    if tab == "relatives":
        return {"writer": relatives.writer(db, case_id=case_id, case_key=case_key),
                "links": relatives.links(db, case_id=case_id, case_key=case_key, other_key_for=other_key_for),
                "relations": relatives.RELATIVES}
    return {"tasks": tasks.list_tasks(db, case_id=case_id, case_key=case_key)}
