"""The archive served at `/archive/`: the static build's pages from the database, plus search.

Deliberately apart from the contact channel: no session, no cookie is read or set, no link to the contact
pages, and the pages are the same HTML a static copy carries (``archive/site.py``), so a reader learns
nothing about where contacts write. A withdrawn testimony disappears here at once. The media answer byte
ranges, so a player starts without downloading the whole file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlalchemy.orm import Session

from safeconduct.archive import entries, site
from safeconduct.runtime import Runtime
from safeconduct.web.deps import get_db, runtime
from safeconduct.web.i18n import gettext_for

router = APIRouter(prefix="/archive", include_in_schema=False)
#: The newest testimonies a served list shows (search narrows further; the static build lists them all).
LIST_LIMIT = 200
_ENTRY_PAGE = re.compile(r"^t-(?P<id>[0-9a-f]{1,32})$")


def archive_site(rt: Runtime, *, served: bool = False) -> site.Site:
    """The site's settings from an open installation (the static build uses the same)."""
    from safeconduct.archive import themes
    from safeconduct.ledger.trust import fingerprint

    return site.Site(organisation=rt.org.name, fingerprint=fingerprint(bytes(rt.org.signing_key.verify_key)),
                     themes=themes.load(rt.settings.data_dir), gettext_for=catalogue, served=served)


def catalogue(language: str) -> Callable[[str], str]:
    """The site's translations (one function for the life of the process: the archive caches its templates
    per catalogue and language, so a new function per request would compile them again each time)."""
    return gettext_for(language).gettext


def _site(request: Request) -> site.Site:
    return archive_site(runtime(request), served=True)


def _html(text: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status_code, headers={"Referrer-Policy": "no-referrer"})


def _missing(request: Request, language: str = "en") -> HTMLResponse:
    """The archive's own 404: its layout and links only, nothing of the contact side."""
    return _html(site.missing_page(_site(request), language if language in site.LANGUAGES else "en"), 404)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    return _html(site.home_page(_site(request)))


@router.get("/style.css")
def style() -> Response:
    return Response(site.STYLE.read_text(encoding="utf-8"), media_type="text/css")


@router.get("/feed.atom")
def feed(request: Request, db: Session = Depends(get_db)) -> Response:
    return Response(site.feed(_site(request), entries.published(db), updated=dt.datetime.now(dt.UTC).date()),
                    media_type="application/atom+xml")


@router.get("/feed.json")
def json_feed(request: Request, db: Session = Depends(get_db)) -> Response:
    """The archive for partner platforms: JSON Feed 1.1 with each testimony's files and signed entry."""
    return Response(site.json_feed(_site(request), entries.published(db)), media_type="application/feed+json")


@router.get("/log.json")
def log(db: Session = Depends(get_db)) -> Response:
    return Response(site.log_document(entries.everything(db)), media_type="application/json")


@router.get("/media/{entry_id}/{name}")
def media(entry_id: str, name: str, request: Request, db: Session = Depends(get_db)) -> Response:
    entry = entries.get(db, entry_id)
    if entry is None or entry.withdrawn_on is not None:
        return Response("Not found.\n", status_code=404, media_type="text/plain")
    if name == "entry.json":
        return Response(entry.entry, media_type="application/json")
    if name == "entry.sig":
        return Response(entry.signature + "\n", media_type="text/plain")
    if name == "entry.proof.json":
        proof = entries.log_proofs(db, runtime(request).org.signing_key, [entry.id]).get(entry.id)
        db.commit()
        if proof is None:
            return Response("Not found.\n", status_code=404, media_type="text/plain")
        return Response(json.dumps(proof, indent=1, sort_keys=True), media_type="application/json")
    found = entry.file(name)
    if found is None:
        return Response("Not found.\n", status_code=404, media_type="text/plain")
    path = entries.media_path(runtime(request).settings.data_dir, found.sha256)
    return FileResponse(path, media_type=found.content_type, filename=found.name, content_disposition_type="inline")


def _parse(page: str, known: list[str]) -> tuple[str, str, bool] | None:
    """(theme, language, short) of a list page's name, or None."""
    name, short = page, False
    if name == "short" or name.endswith("-short"):
        name, short = name[:-len("short")].rstrip("-"), True
    theme = spoken = ""
    if name.startswith("theme-"):
        rest = name[len("theme-"):]
        theme = next((s for s in sorted(known, key=len, reverse=True)
                      if rest == s or rest.startswith(s + "-language-")), "")
        if not theme:
            return None
        name = rest[len(theme):].lstrip("-")
    if name.startswith("language-"):
        spoken = name[len("language-"):]
        if spoken not in site.LANGUAGES:
            return None
        name = ""
    if name not in ("", "index") or (name == "index" and (theme or spoken or short)):
        return None
    return theme, spoken, short


@router.get("/{language}/{page}.html", response_class=HTMLResponse)
def page(language: str, page: str, request: Request, q: str | None = None,
         db: Session = Depends(get_db)) -> Response:
    if language not in site.LANGUAGES:
        return _missing(request)
    archive = _site(request)
    if page == "verify":
        return _html(site.verify_page(archive, language))
    if page == "search":
        query = (q or "")[: entries.MAX_QUERY_CHARS]
        found = entries.search(db, query=query) if query.strip() else []
        return _html(site.list_page(archive, language, found, query=query))
    match = _ENTRY_PAGE.match(page)
    if match:
        entry = entries.get(db, match["id"])
        if entry is None or entry.withdrawn_on is not None:
            return _missing(request, language)
        return _html(site.entry_page(archive, language, entry))
    parsed = _parse(page, [t.slug for t in archive.themes])
    if parsed is None:
        return _missing(request, language)
    theme, spoken, short = parsed
    found = entries.search(db, theme=theme, language=spoken, max_minutes=site.SHORT_MINUTES if short else 0,
                           limit=LIST_LIMIT)
    return _html(site.list_page(archive, language, found, theme=theme, spoken=spoken, short=short))
