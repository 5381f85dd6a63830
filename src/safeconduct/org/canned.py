"""Canned replies an organisation edits: ready-made texts a caseworker inserts, edits, then sends.

They are organisation text, never case content (no person's words, no case id), so they are stored in
the clear; docs/threat-model.md lists them among what a seized server yields. A reply is only ever sent
through ``cases.content.post_message`` after the caseworker has read and edited it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safeconduct.errors import InvalidInput, NotFound
from safeconduct.org.canned_models import CannedReply

LANGUAGES = ("en", "fr", "ar")
MAX_TITLE = 200
MAX_TEXT = 20_000


@dataclass(frozen=True)
class Canned:
    id: int
    titles: dict[str, str]
    texts: dict[str, str]

    def title(self, lang: str) -> str:
        """The title in `lang`, else the first language that has one."""
        return self.titles.get(lang) or next((self.titles[c] for c in LANGUAGES if self.titles.get(c)), "")

    def text(self, lang: str) -> str:
        return self.texts.get(lang) or next((self.texts[c] for c in LANGUAGES if self.texts.get(c)), "")


def _view(row: CannedReply) -> Canned:
    return Canned(id=row.id, titles={c: getattr(row, f"title_{c}") for c in LANGUAGES},
                  texts={c: getattr(row, f"text_{c}") for c in LANGUAGES})


def list_replies(db: Session) -> list[Canned]:
    rows = db.scalars(select(CannedReply).order_by(CannedReply.position, CannedReply.id))
    return [_view(r) for r in rows]


def get(db: Session, reply_id: int) -> Canned:
    row = db.get(CannedReply, reply_id)
    if row is None:
        raise NotFound("No such canned reply; it may have been removed.")
    return _view(row)


def _checked(titles: dict[str, str], texts: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    titles = {c: titles.get(c, "").strip() for c in LANGUAGES}
    texts = {c: texts.get(c, "").strip() for c in LANGUAGES}
    if not any(titles.values()) or not any(texts.values()):
        raise InvalidInput("A canned reply needs a title and a text in at least one language.")
    if any(len(t) > MAX_TITLE for t in titles.values()):
        raise InvalidInput("A title has at most %(n)s characters.", n=MAX_TITLE)
    if any(len(t) > MAX_TEXT for t in texts.values()):
        raise InvalidInput("A canned reply has at most %(n)s characters per language.", n=MAX_TEXT)
    return titles, texts


def add(db: Session, *, titles: dict[str, str], texts: dict[str, str]) -> int:
    titles, texts = _checked(titles, texts)
    position = (db.scalar(select(func.max(CannedReply.position))) or 0) + 1
    row = CannedReply(position=position, **{f"title_{c}": titles[c] for c in LANGUAGES},
                      **{f"text_{c}": texts[c] for c in LANGUAGES})
    db.add(row)
    db.commit()
    return row.id


def update(db: Session, reply_id: int, *, titles: dict[str, str], texts: dict[str, str]) -> None:
    titles, texts = _checked(titles, texts)
    row = db.get(CannedReply, reply_id)
    if row is None:
        raise NotFound("No such canned reply; it may have been removed.")
    for c in LANGUAGES:
        setattr(row, f"title_{c}", titles[c])
        setattr(row, f"text_{c}", texts[c])
    db.commit()


def add_starting_set(db: Session) -> int:
    """Add the example replies (``canned_defaults``) after any existing ones; `init` does it for a new
    installation, the admin page for one upgraded to migration 0012. Returns how many were added."""
    from safeconduct.org.canned_defaults import STARTING_SET

    position = db.scalar(select(func.max(CannedReply.position))) or 0
    for i, row in enumerate(STARTING_SET, start=1):
        db.add(CannedReply(position=position + i, **row))
    db.commit()
    return len(STARTING_SET)


def remove(db: Session, reply_id: int) -> None:
    row = db.get(CannedReply, reply_id)
    if row is None:
        raise NotFound("No such canned reply; it may have been removed.")
    db.delete(row)
    db.commit()
