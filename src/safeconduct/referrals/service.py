"""Referring a case to a partner organisation, and what the partner receives.

A referral needs the person's consent to referrals (the separate part of their consent record,
``cases/consent.py``); the items sent are a subset of what they agreed a dossier may show. Without either,
the referral is refused and nothing is written.

The partner receives a referral package: a dossier subset built with the dossier's own machinery (the
ledger bundle, its PDF and README, ``ledger/package.py``), disclosing exactly the referred items, the
person's consent to referrals and the referral itself, so the partner can check it offline with
``safeconduct verify``. Each download is a "referral_package" event, disclosed in that package.

A referral is "sent", then "accepted" or "declined" (with a reason), and an accepted one "completed" (with
an outcome). Each step is a case event in the ledger; partner, items, steps and reasons are sealed.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nacl.signing import SigningKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from safeconduct.cases import audit, consent, events
from safeconduct.cases.content import get_case
from safeconduct.cases.transitions import Actor, open_record, seal_record
from safeconduct.config import Settings
from safeconduct.errors import Conflict, InvalidInput, NotFound
from safeconduct.ledger.bundle import Disclosure
from safeconduct.referrals import partners
from safeconduct.referrals.models import Referral

STATUSES = ("accepted", "declined", "completed")
#: Which step may follow which.
NEXT = {"sent": ("accepted", "declined"), "accepted": ("completed",), "declined": (), "completed": ()}
MAX_REASON_CHARS = 4000
NO_CONSENT = ("The person has not agreed to be referred to a partner organisation, so nothing was sent. They "
              "can agree on their consent page; nothing was written.")


@dataclass(frozen=True)
class Step:
    status: str
    by: str
    at: dt.datetime
    reason: str


@dataclass(frozen=True)
class ReferralView:
    id: str
    partner_id: int
    partner: str
    partner_kind: str
    partner_country: str
    items: list[str]
    status: str
    steps: list[Step]
    at: dt.datetime
    by: str


@dataclass(frozen=True)
class Package:
    case_label: str
    referral_id: str
    package: bytes
    fingerprint: str
    disclosed: int


def _aad(case_id: str, referral_id: str) -> bytes:
    return b"referral:" + case_id.encode() + b":" + referral_id.encode()


def _view(row: Referral, data: dict[str, Any]) -> ReferralView:
    steps = [Step(status=s["status"], by=s["by"], at=dt.datetime.fromisoformat(s["at"]), reason=s.get("reason", ""))
             for s in data["steps"]]
    return ReferralView(id=row.id, partner_id=data["partner"]["id"], partner=data["partner"]["name"],
                        partner_kind=data["partner"]["kind"], partner_country=data["partner"]["country"],
                        items=list(data["items"]), status=steps[-1].status, steps=steps,
                        at=steps[0].at, by=steps[0].by)


def _consented_items(db: Session, case_id: str, case_key: bytes, items: object) -> list[consent.Disclosable]:
    """The referred items, each one the person agreed a dossier may show; refuse anything else."""
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise InvalidInput("Give the items to send as a list of item ids (an empty list sends none).")
    choice = consent.current(db, case_id=case_id, case_key=case_key)
    by_id = {i.id: i for i in consent.disclosable_items(db, case_id=case_id, case_key=case_key)}
    chosen = []
    for item in sorted(set(items)):
        if item not in by_id:
            raise InvalidInput("There is no item %(item)s in this conversation.", item=item[:40])
        if not choice.covers(item):
            raise Conflict("The person has not agreed that %(item)s may be shown, so it cannot be sent to a "
                           "partner; nothing was written.", item=item)
        chosen.append(by_id[item])
    return chosen


def refer(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, actor: Actor,
          partner_id: object, items: object) -> ReferralView:
    """Record a referral (a "referral" event, sealed record, audit row) in one transaction, or refuse."""
    partner = partners.get(db, partner_id)
    given = consent.referrals(db, case_id=case_id, case_key=case_key)
    if not given.given:
        raise Conflict(NO_CONSENT)
    chosen = _consented_items(db, case_id, case_key, items)
    case = get_case(db, case_id)
    at = dt.datetime.now(dt.UTC)
    referral_id = secrets.token_hex(16)
    event = json.dumps({"referral": referral_id, "partner": {"name": partner.name, "kind": partner.kind,
                                                              "country": partner.country},
                        "items": [i.id for i in chosen], "by": actor.username}, sort_keys=True)
    nonce = events.record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind="referral",
                          plaintext=event.encode(), at=at)
    data = {"v": 1, "partner": {"id": partner.id, "name": partner.name, "kind": partner.kind,
                                "country": partner.country},
            "items": [i.id for i in chosen], "nonce": base64.b64encode(nonce).decode(), "event": event,
            "steps": [{"status": "sent", "by": actor.username, "at": at.isoformat(), "reason": ""}]}
    row = Referral(id=referral_id, case_id=case_id, created_on=at.date(),
                   ciphertext=seal_record(case_key, data, _aad(case_id, referral_id)))
    db.add(row)
    audit.record(db, staff_id=actor.staff_id, action="refer", case_id=case_id, on=at.date())
    case.last_activity_on = at.date()
    db.commit()
    return _view(row, data)


def _row(db: Session, case_id: str, referral_id: str) -> Referral:
    row = db.get(Referral, referral_id)
    if row is None or row.case_id != case_id:
        raise NotFound("There is no such referral on this case.")
    return row


def get(db: Session, *, case_id: str, case_key: bytes, referral_id: str) -> ReferralView:
    row = _row(db, case_id, referral_id)
    return _view(row, open_record(case_key, row.ciphertext, _aad(case_id, row.id)))


def list_referrals(db: Session, *, case_id: str, case_key: bytes) -> list[ReferralView]:
    rows = db.scalars(select(Referral).where(Referral.case_id == case_id))
    views = [_view(r, open_record(case_key, r.ciphertext, _aad(case_id, r.id))) for r in rows]
    return sorted(views, key=lambda v: v.at)


def change_status(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, actor: Actor,
                  referral_id: str, status: object, reason: object = "") -> ReferralView:
    """Accepted; declined with the partner's reason; completed with the outcome: each a ledger event."""
    row = _row(db, case_id, referral_id)
    data = open_record(case_key, row.ciphertext, _aad(case_id, row.id))
    current = data["steps"][-1]["status"]
    if status not in STATUSES:
        raise InvalidInput("Unknown referral status %(value)s; use accepted, declined or completed.",
                           value=str(status)[:32])
    text = " ".join(reason.split()) if isinstance(reason, str) else ""
    if len(text) > MAX_REASON_CHARS:
        raise InvalidInput("A reason is at most %(max)s characters.", max=MAX_REASON_CHARS)
    if status not in NEXT[current]:
        raise Conflict("A referral that is %(current)s cannot become %(status)s.", current=current,
                       status=status)
    if status == "declined" and not text:
        raise InvalidInput("Say why the partner declined the referral.")
    if status == "completed" and not text:
        raise InvalidInput("Say what came of the referral (its outcome).")
    at = dt.datetime.now(dt.UTC)
    events.record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind="referral_status",
                  plaintext=json.dumps({"referral": referral_id, "status": status, "reason": text,
                                        "by": actor.username}, sort_keys=True).encode(), at=at)
    data["steps"].append({"status": status, "by": actor.username, "at": at.isoformat(), "reason": text})
    row.ciphertext = seal_record(case_key, data, _aad(case_id, row.id))
    audit.record(db, staff_id=actor.staff_id, action="referral_status", case_id=case_id, on=at.date())
    get_case(db, case_id).last_activity_on = at.date()
    db.commit()
    return _view(row, data)


def package(db: Session, settings: Settings, *, case_id: str, case_key: bytes, signing_key: SigningKey,
            actor: Actor, organisation: str, referral_id: str, language: str = "en",
            gettext: Callable[[str], str] | None = None) -> Package:
    """Build the partner's package: bundle, PDF and README, checkable offline with ``safeconduct verify``.

    Refused (nothing written) once the person withdrew their consent to referrals, or withdrew an item
    from what may be shown, or after the partner declined.
    """
    from safeconduct.cases import dossier
    from safeconduct.cases import transitions as workflow
    from safeconduct.ledger import package as packaging
    from safeconduct.ledger import service as ledger
    from safeconduct.ledger.dossier_pdf import DossierText, render_pdf
    from safeconduct.ledger.pdf_signing import sign_pdf
    from safeconduct.ledger.verify import verify_bundle

    row = _row(db, case_id, referral_id)
    data = open_record(case_key, row.ciphertext, _aad(case_id, row.id))
    if data["steps"][-1]["status"] == "declined":
        raise Conflict("The partner declined this referral, so no package is made for it.")
    given = consent.referrals(db, case_id=case_id, case_key=case_key)
    if not given.given or given.nonce is None or given.event is None:
        raise Conflict(NO_CONSENT)
    chosen = _consented_items(db, case_id, case_key, list(data["items"]))
    case = get_case(db, case_id)
    now = dt.datetime.now(dt.UTC)
    try:
        disclosures = [Disclosure(i.nonce, i.plaintext) for i in chosen]
        disclosures.append(Disclosure(given.nonce, given.event.encode()))
        disclosures.append(Disclosure(base64.b64decode(data["nonce"]), data["event"].encode()))
        text = json.dumps({"referral": referral_id, "package": True, "by": actor.username}, sort_keys=True)
        nonce = events.record(db, case_id=case_id, case_key=case_key, signing_key=signing_key,
                              kind="referral_package", plaintext=text.encode(), at=now)
        disclosures.append(Disclosure(nonce, text.encode()))
        bundle = ledger.export_bundle(db, case_id=case_id, case_key=case_key, signing_key=signing_key,
                                      disclosures=disclosures, reveal_metadata=(0,), now=now)
        report = verify_bundle(bundle, expect_key=bytes(signing_key.verify_key).hex())
        words = DossierText(organisation=organisation, case_label=case.label, language=language,
                            gettext=gettext or (lambda message: message),
                            state_labels=workflow.workflow_for(settings).config.labels)
        key_pem, cert_pem = dossier.pdf_certificate(settings, organisation)
        pdf = sign_pdf(render_pdf(report, sections={}, text=words, thumbnails={}), key_pem=key_pem,
                       cert_pem=cert_pem, reason="Referral package issued")
        download = packaging.build(bundle, pdf, signing_key)
        audit.record(db, staff_id=actor.staff_id, action="referral_package", case_id=case_id, on=now.date())
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return Package(case_label=case.label, referral_id=referral_id, package=download,
                   fingerprint=report.fingerprint, disclosed=report.disclosed)
