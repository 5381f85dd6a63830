"""What the case already knows, hidden in that person's testimony whatever the models say.

A careful reviewer hides, by hand, the names the caseworkers have already written down about this person:
the vetting claims ("says he served in the Katiba al-Nour under Abu Sayyaf") and the notes. At `prepare` the
server gathers those texts (and the organisation's reviewed list) into the testimony's sealed metadata; on the
worker, where the models are loaded anyway, `terms_for` finds the identifying words in them and turns each
into every spelling `case_terms` derives (both scripts, with and without the article, kunya forms), which the
detection then hides wherever they are said. Dates and nationalities found in the notes are left out: they
are too common to hide throughout a testimony.
"""

from __future__ import annotations

from typing import Any

from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from safeconduct.testimony.text.terms import Term

#: Kinds taken from the case's own texts (a date or a nationality there would blank out ordinary speech).
KINDS = frozenset({"PERSON", "PLACE", "UNIT", "ORG", "PHONE", "EMAIL", "HANDLE", "ID"})


def gather(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey) -> dict[str, Any]:
    """The case's vetting claims and notes, and the organisation's hide/keep list, for the sealed metadata."""
    from safeconduct.cases import notes, vetting
    from safeconduct.testimony import reviewed_terms

    texts = [c.text for c in vetting.claims(db, case_id=case_id, case_key=case_key) if c.text.strip()]
    texts += [n.text for n in notes.list_notes(db, case_id=case_id, case_key=case_key) if n.text.strip()]
    entries = reviewed_terms.list_entries(db, signing_key)
    hidden = [e for e in entries if e.action == reviewed_terms.HIDE and e.kind is not None]
    return {
        "texts": texts,
        "hide": [[getattr(e.kind, "value", str(e.kind)), e.text] for e in hidden],
        "keep": [e.text for e in entries if e.action == reviewed_terms.KEEP],
    }


def terms_for(knowledge: dict[str, Any] | None, language: str = "auto") -> tuple[tuple[Term, ...], tuple[str, ...]]:
    """(extra terms, kept words) for `redact_text`, from what `gather` stored; empty when nothing was known."""
    if not knowledge:
        return (), ()
    from safeconduct.testimony.text import redact_text
    from safeconduct.testimony.text.terms import case_terms

    entries: list[tuple[str, str]] = [(str(kind), str(text)) for kind, text in knowledge.get("hide", [])]
    for text in knowledge.get("texts", []):
        for finding in redact_text(text, language).findings:
            kind = getattr(finding.kind, "value", str(finding.kind))
            if kind in KINDS and finding.text.strip():
                entries.append((kind, finding.text))
    unique = list(dict.fromkeys((kind, " ".join(text.split())) for kind, text in entries))
    return tuple(case_terms(unique)), tuple(str(word) for word in knowledge.get("keep", []))
