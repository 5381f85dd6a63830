"""The organisation's partner organisations: who a case can be referred to.

An address book kept by administrators (console and ``safeconduct partners``): a name, a kind, the country
the partner works in, and, if the partner gave one, their own public key (kept to hand to them; the package
they receive is checked with the organisation's key, not theirs). It says nothing about any person, so it
is kept in the clear like canned replies; which case went to which partner is sealed with the case.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from safeconduct.errors import Conflict, InvalidInput, NotFound
from safeconduct.referrals.models import Partner

KINDS = ("lawyer", "exit_programme", "reintegration")
MAX_NAME_CHARS = 200
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_KEY = re.compile(r"^[A-Za-z0-9+/=:_-]{16,200}$")


@dataclass(frozen=True)
class PartnerView:
    id: int
    name: str
    kind: str
    country: str
    public_key: str | None
    active: bool


def _view(p: Partner) -> PartnerView:
    return PartnerView(id=p.id, name=p.name, kind=p.kind, country=p.country, public_key=p.public_key,
                       active=p.active)


def add(db: Session, *, name: object, kind: object, country: object, public_key: object = None) -> PartnerView:
    """Check and store a partner; refuse a blank name, an unknown kind, a country that is not two letters."""
    clean = " ".join(name.split()) if isinstance(name, str) else ""
    if not clean:
        raise InvalidInput("Give the partner's name.")
    if len(clean) > MAX_NAME_CHARS:
        raise InvalidInput("A partner's name is at most %(max)s characters.", max=MAX_NAME_CHARS)
    if kind not in KINDS:
        raise InvalidInput("Unknown kind of partner %(value)s; use lawyer, exit_programme or reintegration.",
                           value=str(kind)[:32])
    code = country.strip() if isinstance(country, str) else ""
    if not _COUNTRY.match(code):
        raise InvalidInput("Give the partner's country as two letters (for example FR or BE).")
    key = public_key.strip() if isinstance(public_key, str) else ""
    if key and not _KEY.match(key):
        raise InvalidInput("The partner's public key is not one we can keep: give it as hex or base64 text.")
    if db.scalar(select(Partner.id).where(Partner.name == clean, Partner.active.is_(True))) is not None:
        raise Conflict("There is already a partner called %(name)s.", name=clean)
    row = Partner(name=clean, kind=str(kind), country=code.upper(), public_key=key or None,
                  created_on=dt.datetime.now(dt.UTC).date(), active=True)
    db.add(row)
    db.commit()
    return _view(row)


def list_partners(db: Session, *, include_inactive: bool = False) -> list[PartnerView]:
    stmt = select(Partner).order_by(Partner.country, Partner.name, Partner.id)
    if not include_inactive:
        stmt = stmt.where(Partner.active.is_(True))
    return [_view(p) for p in db.scalars(stmt)]


def get(db: Session, partner_id: object) -> PartnerView:
    """An active partner by id (a number, or its digits as text)."""
    try:
        number = int(str(partner_id))
    except ValueError:
        number = 0
    row = db.get(Partner, number) if 0 < number < 2**31 else None
    if row is None or not row.active:
        raise NotFound("There is no partner %(value)s.", value=str(partner_id)[:32])
    return _view(row)


def remove(db: Session, partner_id: object) -> None:
    """Take a partner out of the list; referrals already made keep their record."""
    view = get(db, partner_id)
    row = db.get(Partner, view.id)
    assert row is not None
    row.active = False
    db.commit()
