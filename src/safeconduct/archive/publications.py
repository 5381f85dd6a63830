"""Publishing a testimony: proposed by a caseworker, agreed by the person, confirmed by a second caseworker.

The steps, each a case ledger event and an audit row, in the sealed publication record:

- **proposed** for an approved testimony with its themes (`awaiting_consent`);
- the person **consents** (`consented`) or declines (`declined`) on their own page, having seen exactly
  what would be public: the anonymized media, the redacted transcript, the themes and the language;
- a **second** caseworker confirms: the checks (``archive/checks.py``) run on the final files, and only if
  all pass is the entry signed and the media copied to the public folder (`published`); the proposer's own
  confirmation is refused;
- **withdrawn** by a caseworker or by the person saying no after publication: the entry is marked withdrawn
  (signed) and its media deleted at once; a static copy drops it at its next build.

Refusals write nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from typing import Any

from nacl.signing import SigningKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from safeconduct.archive import checks, entries, themes
from safeconduct.archive.models import Publication
from safeconduct.cases import audit, events
from safeconduct.cases.content import get_case
from safeconduct.cases.transitions import Actor, open_record, seal_record
from safeconduct.config import Settings
from safeconduct.errors import Conflict, Forbidden, NotFound
from safeconduct.testimony.studio import service as studio

MEDIA_PREFIX = "testimony."
#: The languages the archive's pages list testimonies by.
SPOKEN = ("en", "fr", "ar")
PUBLIC_NAMES = ("transcript.txt", "transcript.vtt")
NOT_APPROVED = "Only an approved testimony can be proposed for publication; approve its review first."
OWN_PROPOSAL = "A second caseworker confirms a publication: you proposed this one."


@dataclass(frozen=True)
class Step:
    kind: str
    by: str
    at: dt.datetime
    detail: str


@dataclass(frozen=True)
class PublicationView:
    id: str
    case_id: str
    testimony_id: str
    themes: list[str]
    language: str
    state: str  # awaiting_consent, consented, declined, published, withdrawn
    steps: list[Step]
    entry_id: str | None
    checks: list[checks.Check]
    proposed_by_id: int


def _aad(case_id: str, publication_id: str) -> bytes:
    return f"publication:{case_id}:{publication_id}".encode()


def _view(row: Publication, data: dict[str, Any]) -> PublicationView:
    return PublicationView(
        id=row.id, case_id=row.case_id, testimony_id=data["testimony"], themes=list(data["themes"]),
        language=data["language"], state=data["state"], entry_id=data.get("entry"),
        steps=[Step(s["kind"], s["by"], dt.datetime.fromisoformat(s["at"]), s.get("detail", ""))
               for s in data["steps"]],
        checks=[checks.Check(**c) for c in data.get("checks", [])], proposed_by_id=int(data["proposed_by"]))


def _row(db: Session, publication_id: str, case_id: str | None = None) -> Publication:
    row = db.get(Publication, publication_id)
    if row is None or (case_id is not None and row.case_id != case_id):
        raise NotFound("There is no such publication.")
    return row


def case_of(db: Session, publication_id: str) -> str:
    """The case a publication belongs to (the caller opens the case key for it, if it holds the case)."""
    return _row(db, publication_id).case_id


def _step(db: Session, row: Publication, data: dict[str, Any], *, case_key: bytes, signing_key: SigningKey,
          kind: str, by: str, detail: str = "") -> None:
    at = dt.datetime.now(dt.UTC)
    events.record(db, case_id=row.case_id, case_key=case_key, signing_key=signing_key, kind=f"publication_{kind}",
                  plaintext=json.dumps({"publication": row.id, "by": by, "detail": detail, "entry": data.get("entry")},
                                       sort_keys=True).encode(), at=at)
    data["steps"].append({"kind": kind, "by": by, "at": at.isoformat(), "detail": detail})
    row.ciphertext = seal_record(case_key, data, _aad(row.case_id, row.id))
    get_case(db, row.case_id).last_activity_on = at.date()


def propose(db: Session, settings: Settings, *, case_id: str, case_key: bytes, signing_key: SigningKey,
            actor: Actor, testimony_id: str, chosen_themes: object) -> PublicationView:
    """Propose an approved testimony; the person is asked next."""
    picked = themes.check(chosen_themes, themes.load(settings.data_dir))
    testimony = studio.view(db, case_id=case_id, case_key=case_key, testimony_id=testimony_id, quote=False)
    if not testimony.approved:
        raise Conflict(NOT_APPROVED)
    if not any(name.startswith(MEDIA_PREFIX) for name in testimony.outputs):
        raise Conflict("This testimony has no anonymized recording to publish.")
    for other in list_for_case(db, case_id=case_id, case_key=case_key):
        if other.testimony_id == testimony_id and other.state in ("awaiting_consent", "consented", "published"):
            raise Conflict("This testimony is already proposed or published.")
    language = str((testimony.report or {}).get("language") or testimony.options.get("language") or "auto")
    if language not in SPOKEN:  # "auto" on the options: the language the transcript is in
        from safeconduct.testimony.text.language import detect_language

        shown = studio.view(db, case_id=case_id, case_key=case_key, testimony_id=testimony_id, quote=True)
        language = detect_language(shown.redacted_transcript or "") if shown.redacted_transcript else "en"
    publication_id = secrets.token_hex(16)
    data: dict[str, Any] = {"v": 1, "testimony": testimony_id, "themes": picked, "language": language,
                            "state": "awaiting_consent", "proposed_by": actor.staff_id, "steps": []}
    row = Publication(id=publication_id, case_id=case_id, created_on=dt.datetime.now(dt.UTC).date(), ciphertext=b"")
    db.add(row)
    _step(db, row, data, case_key=case_key, signing_key=signing_key, kind="proposed", by=actor.username,
          detail=" ".join(picked))
    audit.record(db, staff_id=actor.staff_id, action="propose_publication", case_id=case_id, target=publication_id)
    db.commit()
    return _view(row, data)


def list_for_case(db: Session, *, case_id: str, case_key: bytes) -> list[PublicationView]:
    rows = db.scalars(select(Publication).where(Publication.case_id == case_id))
    views = [_view(r, open_record(case_key, r.ciphertext, _aad(case_id, r.id))) for r in rows]
    return sorted(views, key=lambda v: v.steps[0].at)


def get(db: Session, *, case_id: str, case_key: bytes, publication_id: str) -> PublicationView:
    row = _row(db, publication_id, case_id)
    return _view(row, open_record(case_key, row.ciphertext, _aad(case_id, row.id)))


def preview(db: Session, settings: Settings, *, case_id: str, case_key: bytes,
            publication_id: str) -> studio.StoredOutput:
    """The anonymized recording of a proposed testimony, exactly as it would be published (the person's preview)."""
    v = get(db, case_id=case_id, case_key=case_key, publication_id=publication_id)
    testimony = studio.view(db, case_id=case_id, case_key=case_key, testimony_id=v.testimony_id, quote=False)
    name = next(n for n in testimony.outputs if n.startswith(MEDIA_PREFIX))
    return studio.open_output(db, settings, case_id=case_id, case_key=case_key, testimony_id=v.testimony_id,
                              name=name)


def contact_answer(db: Session, settings: Settings, *, case_id: str, case_key: bytes, signing_key: SigningKey,
                   publication_id: str, consent: bool) -> PublicationView:
    """The person says yes or no; no after publication withdraws it at once."""
    row = _row(db, publication_id, case_id)
    data = open_record(case_key, row.ciphertext, _aad(case_id, row.id))
    state = data["state"]
    if state == "withdrawn":
        raise Conflict("This testimony was withdrawn from the archive; it will not be published again.")
    if consent:
        if state in ("consented", "published"):
            return _view(row, data)
        data["state"] = "consented"
        _step(db, row, data, case_key=case_key, signing_key=signing_key, kind="consented", by="contact")
    elif state == "published":
        _withdraw(db, settings, row, data, case_key=case_key, signing_key=signing_key, by="contact")
    else:
        data["state"] = "declined"
        _step(db, row, data, case_key=case_key, signing_key=signing_key, kind="declined", by="contact")
    db.commit()
    return _view(row, data)


def confirm(db: Session, settings: Settings, *, case_id: str, case_key: bytes, signing_key: SigningKey,
            actor: Actor, organisation: str, publication_id: str) -> PublicationView:
    """The second caseworker: the checks run; all pass → signed entry, public media; any fails → 409, nothing."""
    row = _row(db, publication_id, case_id)
    data = open_record(case_key, row.ciphertext, _aad(case_id, row.id))
    if int(data["proposed_by"]) == actor.staff_id:
        raise Forbidden(OWN_PROPOSAL)
    if data["state"] == "published":
        raise Conflict("This testimony is already published.")
    if data["state"] != "consented":
        raise Conflict("The person has not agreed to this publication, so nothing was published.")
    testimony = studio.view(db, case_id=case_id, case_key=case_key, testimony_id=data["testimony"], quote=True)
    media_name = next(n for n in testimony.outputs if n.startswith(MEDIA_PREFIX))
    outputs = {name: studio.open_output(db, settings, case_id=case_id, case_key=case_key,
                                        testimony_id=data["testimony"], name=name)
               for name in [media_name, *PUBLIC_NAMES] if name in testimony.outputs}
    results, duration = checks.run(settings, testimony=testimony, outputs=outputs, language=data["language"])
    data["checks"] = [vars(c) for c in results]
    failed = [c for c in results if not c.passed]
    if failed:
        db.rollback()
        raise Conflict("Not published: the check %(check)s failed (%(reason)s). Nothing was made public.",
                       check=failed[0].name, reason=failed[0].detail)
    files: list[entries.PublicFile] = []
    stored: list[str] = []
    try:
        for name, output in outputs.items():
            digest, size = entries.store_file(settings.data_dir, output.iter_bytes())
            stored.append(digest)
            files.append(entries.PublicFile(name=name, sha256=digest, size=size, content_type=output.content_type))
        transcript = b"".join(outputs["transcript.txt"].iter_bytes()).decode("utf-8") \
            if "transcript.txt" in outputs else (testimony.redacted_transcript or "")
        today = dt.datetime.now(dt.UTC).date()
        entry = entries.add(db, signing_key=signing_key, organisation=organisation, entry_id=secrets.token_hex(8),
                            language=data["language"], duration_s=duration, themes=data["themes"],
                            transcript=transcript, voice=checks.voice_words(testimony), files=files, on=today)
        data["state"], data["entry"] = "published", entry.id
        _step(db, row, data, case_key=case_key, signing_key=signing_key, kind="published", by=actor.username)
        audit.record(db, staff_id=actor.staff_id, action="publish", case_id=case_id, target=publication_id)
        db.commit()
    except BaseException:
        db.rollback()
        in_use = {f.sha256 for e in entries.published(db) for f in e.files}
        for digest in stored:
            if digest not in in_use:
                entries.media_path(settings.data_dir, digest).unlink(missing_ok=True)
        raise
    return _view(row, data)


def _withdraw(db: Session, settings: Settings, row: Publication, data: dict[str, Any], *, case_key: bytes,
              signing_key: SigningKey, by: str) -> None:
    if data.get("entry"):
        entries.withdraw(db, settings.data_dir, signing_key=signing_key, entry_id=data["entry"],
                         on=dt.datetime.now(dt.UTC).date())
    data["state"] = "withdrawn"
    _step(db, row, data, case_key=case_key, signing_key=signing_key, kind="withdrawn", by=by)


def withdraw(db: Session, settings: Settings, *, case_id: str, case_key: bytes, signing_key: SigningKey,
             actor: Actor, publication_id: str) -> PublicationView:
    """A caseworker takes it back (before or after publication)."""
    row = _row(db, publication_id, case_id)
    data = open_record(case_key, row.ciphertext, _aad(case_id, row.id))
    if data["state"] in ("withdrawn", "declined"):
        raise Conflict("This publication is already withdrawn or was declined.")
    _withdraw(db, settings, row, data, case_key=case_key, signing_key=signing_key, by=actor.username)
    audit.record(db, staff_id=actor.staff_id, action="withdraw_publication", case_id=case_id, target=publication_id)
    db.commit()
    return _view(row, data)
