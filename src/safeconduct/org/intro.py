"""What the contact pages say about the organisation: its name, its introduction, its usual answer delay.

A person deciding whether to write needs to know who is on the other side, in their language, and how long
an answer takes (someone who hears nothing for days assumes the worst and may not come back). These are
public words, shown to anyone who opens the home page, so they are kept in the clear in the organisation
row; an administrator sets them in the console, or ``safeconduct init`` from files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from safeconduct.errors import InvalidInput, NotFound
from safeconduct.org.models import Organisation

#: The languages of the contact pages (web/i18n.py speaks these; the domain does not import it).
LANGUAGES = ("en", "fr", "ar")
MAX_NAME = 200
MAX_INTRO = 2000
MAX_ANSWER_DAYS = 60


@dataclass(frozen=True)
class OrgIntro:
    name: str
    intros: dict[str, str] = field(default_factory=dict)
    answer_days: int | None = None

    def intro_for(self, lang: str) -> tuple[str, str] | None:
        """The introduction in `lang`, else in the first language that has one: ``(text, its language)``."""
        for candidate in (lang, *LANGUAGES):
            text = self.intros.get(candidate, "").strip()
            if text:
                return text, candidate
        return None


def read(db: Session) -> OrgIntro:
    org = db.get(Organisation, 1)
    if org is None:
        raise NotFound("This installation is not set up yet.")
    try:
        raw = json.loads(org.intros or "{}")
    except json.JSONDecodeError:
        raw = {}
    intros = {k: v for k, v in raw.items() if k in LANGUAGES and isinstance(v, str)} if isinstance(raw, dict) else {}
    return OrgIntro(name=org.name, intros=intros, answer_days=org.answer_days)


def check(name: str, intros: dict[str, str], answer_days: str | int | None) -> OrgIntro:
    """Validate what an administrator typed; every refusal says what to change."""
    name = name.strip()
    if not name:
        raise InvalidInput("Give the organisation's name.")
    if len(name) > MAX_NAME:
        raise InvalidInput("The organisation's name is too long: at most %(n)s characters.", n=MAX_NAME)
    unknown = sorted(set(intros) - set(LANGUAGES))
    if unknown:
        raise InvalidInput("There is no language %(lang)s on the contact pages.", lang=unknown[0])
    cleaned = {lang: text.replace("\r\n", "\n").strip() for lang, text in intros.items()}
    for text in cleaned.values():
        if len(text) > MAX_INTRO:
            raise InvalidInput("An introduction is too long: at most %(n)s characters.", n=MAX_INTRO)
    days: int | None
    if answer_days is None or str(answer_days).strip() == "":
        days = None
    else:
        try:
            days = int(str(answer_days).strip())
        except ValueError:
            raise InvalidInput("The answer delay is a number of days, from 1 to %(n)s.", n=MAX_ANSWER_DAYS) from None
        if not 1 <= days <= MAX_ANSWER_DAYS:
            raise InvalidInput("The answer delay is a number of days, from 1 to %(n)s.", n=MAX_ANSWER_DAYS)
    return OrgIntro(name=name, intros={k: v for k, v in cleaned.items() if v}, answer_days=days)


def save(db: Session, intro: OrgIntro) -> None:
    """Store a checked introduction (the caller validated it with `check`)."""
    org = db.get(Organisation, 1)
    if org is None:
        raise NotFound("This installation is not set up yet.")
    org.name = intro.name
    org.intros = json.dumps(intro.intros, ensure_ascii=False, sort_keys=True)
    org.answer_days = intro.answer_days
    db.commit()
