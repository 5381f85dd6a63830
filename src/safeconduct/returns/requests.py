"""The request to the home country's authorities for a travel document (a pass), from the case.

A caseworker the case's owner named as a reader of the sealed identity prepares the letter from a template
(``returns/templates.py``), filled only with the identity fields they pick among those the person gave, and
only once the person agreed that a request be made in their name (the "authority_request" part of their
consent record). The letter is a signed PDF (``ledger/signed_letter.py``) that the authority checks offline
with ``safeconduct verify``; if asked, and if the person consented to a dossier, the dossier package is
attached inside it. Preparing it uses the identity: from then on the person can no longer change or withdraw
it themselves (``cases/identity.mark_used``).

The organisation sends the letter by its own means (post, the consulate's e-mail, by hand); sending and each
answer are case events, and they move the pathway: sent → "return requested", a travel document granted →
"return organised". Every download of the PDF (which holds the identity) is a read, recorded like one.
Refusals leave nothing written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nacl.signing import SigningKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from safeconduct.cases import audit, consent, events, identity
from safeconduct.cases.content import get_case
from safeconduct.cases.identity import FIELDS
from safeconduct.cases.transitions import Actor, open_record, seal_record
from safeconduct.config import Settings
from safeconduct.crypto import aead
from safeconduct.errors import Conflict, Forbidden, InvalidInput, NotFound
from safeconduct.returns import templates
from safeconduct.returns.models import AuthorityRequest

#: Pathway states a request may be prepared in: after vetting, and again for a further document.
PREPARE_IN = ("advising", "return_requested", "return_organised")
#: How a letter was sent, and what an answer may say.
MEANS = ("post", "email", "in_person", "other")
OUTCOMES = ("granted", "refused", "more_information", "interview", "other")
MAX_AUTHORITY_CHARS = 300
MAX_TEXT_CHARS = 4000
NO_CONSENT = ("The person has not agreed that a request be made to the authorities in their name, so no letter "
              "was prepared. They can agree on their consent page; nothing was written.")
NO_IDENTITY = ("The person has not given their identity, so there is nothing to put in a request; nothing was "
               "written.")


@dataclass(frozen=True)
class Step:
    kind: str  # "prepared", "sent" or "answer"
    by: str
    at: dt.datetime
    detail: str  # means of sending, or the outcome
    text: str


@dataclass(frozen=True)
class RequestView:
    id: str
    template: str
    language: str
    authority: str
    fields: list[str]
    dossier: bool
    pdf_sha256: str
    status: str  # prepared, sent, or the last answer's outcome
    steps: list[Step]
    at: dt.datetime
    by: str


def _aad(case_id: str, request_id: str) -> bytes:
    return f"authority-request:{case_id}:{request_id}".encode()


def _pdf_aad(case_id: str, request_id: str) -> bytes:
    return f"authority-request-pdf:{case_id}:{request_id}".encode()


def _view(row: AuthorityRequest, data: dict[str, Any]) -> RequestView:
    steps = [Step(kind=s["kind"], by=s["by"], at=dt.datetime.fromisoformat(s["at"]), detail=s.get("detail", ""),
                  text=s.get("text", "")) for s in data["steps"]]
    last = steps[-1]
    status = last.detail if last.kind == "answer" else last.kind
    return RequestView(id=row.id, template=data["template"], language=data["language"], authority=data["authority"],
                       fields=list(data["fields"]), dossier=bool(data["dossier"]), pdf_sha256=data["pdf_sha256"],
                       status=status, steps=steps, at=steps[0].at, by=steps[0].by)


def _clean(text: object, limit: int) -> str:
    if not isinstance(text, str):
        raise InvalidInput("Write it as text.")
    cleaned = " ".join(text.split())
    if len(cleaned) > limit:
        raise InvalidInput("A text here is at most %(max)s characters.", max=limit)
    return cleaned


def available(settings: Settings) -> templates.Shelf:
    """The organisation's templates over the shipped ones."""
    return templates.load(settings.data_dir)


def _template(settings: Settings, name: object, language: object) -> templates.LetterTemplate:
    shelf = available(settings)
    found = shelf.templates.get((str(name), str(language)))
    if found is None:
        known = ", ".join(f"{n} ({lang})" for n, lang in sorted(shelf.templates)) or "none"
        raise InvalidInput("There is no letter template %(name)s in %(language)s; the templates are: %(known)s.",
                           name=str(name)[:40], language=str(language)[:8], known=known)
    return found


def _chosen_fields(template: templates.LetterTemplate, fields: object, given: dict[str, str]) -> list[str]:
    """The identity fields that go into the letter: known, given by the person, and covering the template."""
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise InvalidInput("Give the identity fields to put in the letter as a list of field names.")
    for name in fields:
        if name not in FIELDS:
            raise InvalidInput("Unknown identity field %(field)s; use %(known)s.", field=name[:40],
                               known=", ".join(FIELDS))
        if name not in given:
            raise InvalidInput("The person did not give %(field)s, so it cannot go into the letter.", field=name)
    for name in template.required:
        if name not in fields:
            raise InvalidInput("The template %(template)s needs %(field)s, which is not among the fields chosen for "
                               "the letter; nothing was written.", template=template.name, field=name)
    return sorted(set(fields))


def prepare(db: Session, settings: Settings, *, case_id: str, case_key: bytes, signing_key: SigningKey,
            actor: Actor, organisation: str, template: object, language: object, authority: object,
            fields: object, attach_dossier: bool = False, gettext: Callable[[str], str] | None = None,
            confirm: Callable[[], None] | None = None) -> RequestView:
    """Prepare, sign and keep the letter; an "authority_request" event; the identity marked used.

    `confirm` (re-authentication) runs when a dossier is attached, once the request is known to be valid:
    attaching exports the dossier, which is asked for again like any export.
    """
    from safeconduct.cases import dossier as dossiers
    from safeconduct.ledger import signed_letter
    from safeconduct.ledger.letter_pdf import Letter, render_letter
    from safeconduct.ledger.trust import fingerprint

    letter_template = _template(settings, template, language)
    addressee = _clean(authority, MAX_AUTHORITY_CHARS)
    if not addressee:
        raise InvalidInput("Say which authority the letter is for (the consulate or office).")
    case = get_case(db, case_id)
    if case.state.split("/")[0] not in PREPARE_IN:
        raise Conflict("A request to the authorities is prepared once vetting is over (the case is advising, or "
                       "its return already requested or organised); nothing was written.")
    if not consent.authority_request(db, case_id=case_id, case_key=case_key).given:
        raise Conflict(NO_CONSENT)
    if identity.summary(db, case_id=case_id, case_key=case_key) is None:
        raise Conflict(NO_IDENTITY)
    try:
        given = identity.read(db, case_id=case_id, case_key=case_key, signing_key=signing_key, actor=actor,
                              commit=False).fields
        chosen = _chosen_fields(letter_template, fields, given)
        if attach_dossier and consent.current(db, case_id=case_id, case_key=case_key).empty:
            raise Conflict("The person has not consented to disclose anything, so no dossier can be attached; "
                           "nothing was written.")
    except BaseException:
        db.rollback()
        raise
    attachments: dict[str, bytes] = {}
    if attach_dossier:
        # The export commits its own "export" event once it verified: the request is recorded after it.
        try:
            exported = dossiers.export(db, settings, case_id=case_id, case_key=case_key, signing_key=signing_key,
                                       actor=actor, organisation=organisation, confirm=confirm,
                                       language=letter_template.language, gettext=gettext)
        except BaseException:
            db.rollback()
            raise
        attachments["dossier.zip"] = exported.package
    now = dt.datetime.now(dt.UTC)
    request_id = secrets.token_hex(16)
    reference = f"{case.label}-{request_id[:6].upper()}"
    try:
        values = {name: given[name] for name in chosen}
        values.update(authority=addressee, organisation=organisation, reference=reference,
                      date=now.date().isoformat(), attachment="dossier.zip" if attachments else "")
        key_fp = fingerprint(bytes(signing_key.verify_key))
        letter = Letter(organisation=organisation, authority=addressee, subject=letter_template.subject,
                        reference=reference, day=now.date(), paragraphs=templates.fill(letter_template, values),
                        fingerprint=key_fp, language=letter_template.language, attachments=sorted(attachments),
                        gettext=gettext or (lambda message: message))
        key_pem, cert_pem = dossiers.pdf_certificate(settings, organisation)
        pdf = signed_letter.seal(render_letter(letter), reference=reference, issued=now.date().isoformat(),
                                 organisation=organisation, signing_key=signing_key, key_pem=key_pem,
                                 cert_pem=cert_pem, attachments=attachments)
        digest = hashlib.sha256(pdf).hexdigest()
        events.record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind="authority_request",
                      plaintext=json.dumps({"request": request_id, "reference": reference,
                                            "template": letter_template.name, "language": letter_template.language,
                                            "authority": addressee, "fields": chosen, "dossier": bool(attachments),
                                            "pdf_sha256": digest, "by": actor.username}, sort_keys=True).encode(),
                      at=now)
        data = {"v": 1, "template": letter_template.name, "language": letter_template.language,
                "authority": addressee, "fields": chosen, "dossier": bool(attachments), "reference": reference,
                "pdf_sha256": digest,
                "steps": [{"kind": "prepared", "by": actor.username, "at": now.isoformat(), "detail": "", "text": ""}]}
        row = AuthorityRequest(id=request_id, case_id=case_id, created_on=now.date(),
                               ciphertext=seal_record(case_key, data, _aad(case_id, request_id)),
                               pdf_ciphertext=aead.encrypt(case_key, pdf, _pdf_aad(case_id, request_id)))
        db.add(row)
        identity.mark_used(db, case_id=case_id, case_key=case_key)
        audit.record(db, staff_id=actor.staff_id, action="prepare_authority_request", case_id=case_id,
                     on=now.date())
        case.last_activity_on = now.date()
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return _view(row, data)


def _row(db: Session, case_id: str, request_id: str) -> AuthorityRequest:
    row = db.get(AuthorityRequest, request_id)
    if row is None or row.case_id != case_id:
        raise NotFound("There is no such request on this case.")
    return row


def list_requests(db: Session, *, case_id: str, case_key: bytes) -> list[RequestView]:
    rows = db.scalars(select(AuthorityRequest).where(AuthorityRequest.case_id == case_id))
    return sorted((_view(r, open_record(case_key, r.ciphertext, _aad(case_id, r.id))) for r in rows),
                  key=lambda v: v.at)


def get(db: Session, *, case_id: str, case_key: bytes, request_id: str) -> RequestView:
    row = _row(db, case_id, request_id)
    return _view(row, open_record(case_key, row.ciphertext, _aad(case_id, row.id)))


def _named(db: Session, case_id: str, case_key: bytes, actor: Actor) -> None:
    shown = identity.summary(db, case_id=case_id, case_key=case_key)
    if shown is None or actor.staff_id not in shown.readers:
        raise Forbidden(identity.NOT_NAMED)


def pdf(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, actor: Actor,
        request_id: str) -> tuple[RequestView, bytes]:
    """The signed letter, for a named reader of the identity (it holds it): a recorded read each time."""
    row = _row(db, case_id, request_id)
    _named(db, case_id, case_key, actor)
    data = open_record(case_key, row.ciphertext, _aad(case_id, row.id))
    letter = aead.decrypt(case_key, row.pdf_ciphertext, _pdf_aad(case_id, row.id))
    audit.record_custody(db, staff_id=actor.staff_id, username=actor.username, action="download_authority_request",
                         case_id=case_id, case_key=case_key, signing_key=signing_key, target=data["reference"])
    return _view(row, data), letter


def _move(db: Session, settings: Settings, *, case_id: str, case_key: bytes, signing_key: SigningKey, actor: Actor,
          from_state: str, to: str, reason: str) -> None:
    """Move the pathway with the recorded step, when the case stands where that step leads on from; the
    caller's pending event and record commit with it (``change_state`` commits, or rolls back on refusal)."""
    from safeconduct.cases import transitions

    if get_case(db, case_id).state.split("/")[0] == from_state:
        transitions.change_state(db, settings, case_id=case_id, case_key=case_key, signing_key=signing_key,
                                 actor=actor, to=to, reason=reason)
    else:
        db.commit()


def _add_step(db: Session, settings: Settings, *, case_id: str, case_key: bytes, signing_key: SigningKey,
              actor: Actor, request_id: str, kind: str, detail: str, text: str,
              move: tuple[str, str] | None) -> RequestView:
    row = _row(db, case_id, request_id)
    data = open_record(case_key, row.ciphertext, _aad(case_id, row.id))
    at = dt.datetime.now(dt.UTC)
    events.record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind=f"authority_request_{kind}",
                  plaintext=json.dumps({"request": request_id, "reference": data["reference"], "detail": detail,
                                        "text": text, "by": actor.username}, sort_keys=True).encode(), at=at)
    data["steps"].append({"kind": kind, "by": actor.username, "at": at.isoformat(), "detail": detail, "text": text})
    row.ciphertext = seal_record(case_key, data, _aad(case_id, row.id))
    audit.record(db, staff_id=actor.staff_id, action=f"authority_request_{kind}", case_id=case_id, on=at.date())
    get_case(db, case_id).last_activity_on = at.date()
    if move is None:
        db.commit()
    else:
        _move(db, settings, case_id=case_id, case_key=case_key, signing_key=signing_key, actor=actor,
              from_state=move[0], to=move[1], reason=f"{data['reference']}: {detail}")
    return _view(row, data)


def mark_sent(db: Session, settings: Settings, *, case_id: str, case_key: bytes, signing_key: SigningKey,
              actor: Actor, request_id: str, means: object, note: object = "") -> RequestView:
    """The organisation sent the letter by its own means: a case event; the pathway to "return requested"."""
    if means not in MEANS:
        raise InvalidInput("Say how the letter was sent: %(known)s.", known=", ".join(MEANS))
    text = _clean(note, MAX_TEXT_CHARS)
    view = get(db, case_id=case_id, case_key=case_key, request_id=request_id)
    if any(s.kind == "sent" for s in view.steps):
        raise Conflict("This letter was already recorded as sent.")
    return _add_step(db, settings, case_id=case_id, case_key=case_key, signing_key=signing_key, actor=actor,
                     request_id=request_id, kind="sent", detail=str(means), text=text,
                     move=("advising", "return_requested"))


def record_answer(db: Session, settings: Settings, *, case_id: str, case_key: bytes, signing_key: SigningKey,
                  actor: Actor, request_id: str, outcome: object, text: object = "") -> RequestView:
    """An answer from the authority: a case event; a travel document granted organises the return."""
    if outcome not in OUTCOMES:
        raise InvalidInput("Unknown answer %(value)s; use %(known)s.", value=str(outcome)[:32],
                           known=", ".join(OUTCOMES))
    said = _clean(text, MAX_TEXT_CHARS)
    view = get(db, case_id=case_id, case_key=case_key, request_id=request_id)
    if not any(s.kind == "sent" for s in view.steps):
        raise Conflict("Record first that the letter was sent: an answer comes to a letter that went out.")
    if outcome != "granted" and not said:
        raise InvalidInput("Say what the authority answered.")
    return _add_step(db, settings, case_id=case_id, case_key=case_key, signing_key=signing_key, actor=actor,
                     request_id=request_id, kind="answer", detail=str(outcome), text=said,
                     move=("return_requested", "return_organised") if outcome == "granted" else None)
