"""The archive's pages, for the static build and the served archive alike: one renderer, one layout.

Every page lives at `{language}/{page}.html` and every link is relative (`../media/{id}/…`), so the same HTML
works from `SITE/` on any web host, an onion service or a USB stick, and from the server's `/archive/`. No
JavaScript and nothing from elsewhere: one style sheet beside the pages, the media play in HTML5 `<audio>`/`<video>`
with the redacted captions as a track. Finding "corruption, in French, under five minutes" takes two clicks:
a theme in one language from the home page, then "under 5 minutes".

The static build (`build`) writes every page the served archive can show except search, whose form needs
the server; the static copy has the theme and language pages instead.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from jinja2 import Environment, FileSystemLoader, select_autoescape

from safeconduct.archive import entries, themes
from safeconduct.archive.entries import EntryView

LANGUAGES = {"en": "English", "fr": "Français", "ar": "العربية"}
RTL = {"ar"}
SHORT_MINUTES = 5
TEMPLATES = Path(__file__).with_name("templates")
STYLE = TEMPLATES / "style.css"


@dataclass(frozen=True)
class Site:
    organisation: str
    fingerprint: str
    themes: list[themes.Theme]
    #: the catalogue of a language: gettext functions by language (the caller's, the domain has none)
    gettext_for: Callable[[str], Callable[[str], str]]
    #: True on the server: the search form is shown
    served: bool = False


_ENVIRONMENTS: dict[tuple[Callable[[str], Callable[[str], str]], str], Environment] = {}


def _environment(site: Site, language: str) -> Environment:
    """One environment per catalogue and language: gettext is installed once, never swapped under a reader."""
    key = (site.gettext_for, language)
    env = _ENVIRONMENTS.get(key)
    if env is None:
        translate = site.gettext_for(language)
        env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(("html",)),
                          trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
        env.install_gettext_callables(translate, lambda s, p, n: translate(s if n == 1 else p),  # type: ignore[attr-defined]
                                      newstyle=True)
        env = _ENVIRONMENTS.setdefault(key, env)
    return env


def duration_text(seconds: int) -> str:
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


def _context(site: Site, language: str, **extra: Any) -> dict[str, Any]:
    return {"lang": language, "dir": "rtl" if language in RTL else "ltr", "languages": LANGUAGES,
            "organisation": site.organisation, "fingerprint": site.fingerprint, "themes": site.themes,
            "theme_names": {t.slug: t.name(language) for t in site.themes}, "served": site.served,
            "duration": duration_text, "short": SHORT_MINUTES, **extra}


def render(site: Site, template: str, language: str, **extra: Any) -> str:
    return _environment(site, language).get_template(template).render(**_context(site, language, **extra))


def filtered(all_entries: Iterable[EntryView], *, theme: str = "", language: str = "",
             short: bool = False) -> list[EntryView]:
    return [e for e in all_entries if (not theme or theme in e.themes) and (not language or e.language == language)
            and (not short or e.duration_s <= SHORT_MINUTES * 60)]


def list_page(site: Site, language: str, published: list[EntryView], *, theme: str = "", spoken: str = "",
              short: bool = False, query: str | None = None) -> str:
    """A list of testimonies: everything, a theme, a language, both, and optionally only the short ones."""
    shown = filtered(published, theme=theme, language=spoken, short=short) if query is None else published
    return render(site, "list.html", language, entries=shown, theme=theme, spoken=spoken, is_short=short,
                  query=query, page=page_name(theme=theme, spoken=spoken, short=short))


def page_name(*, theme: str = "", spoken: str = "", short: bool = False) -> str:
    """The file name of a list page (the same on the server)."""
    parts = ["theme-" + theme] if theme else []
    parts += ["language-" + spoken] if spoken else []
    parts += ["short"] if short else []
    return ("-".join(parts) or "index") + ".html"


def entry_page(site: Site, language: str, entry: EntryView) -> str:
    return render(site, "entry.html", language, entry=entry,
                  captions=entry.file("transcript.vtt") is not None)


def home_page(site: Site) -> str:
    return render(site, "home.html", "en")


def missing_page(site: Site, language: str) -> str:
    return render(site, "missing.html", language)


def verify_page(site: Site, language: str) -> str:
    return render(site, "verify.html", language)


def feed(site: Site, published: list[EntryView], *, updated: dt.date) -> str:
    """Atom: one entry per testimony, linking to its English page (relative to the feed)."""
    items = []
    for e in published:
        names = ", ".join(t.name("en") for t in site.themes if t.slug in e.themes) or ", ".join(e.themes)
        items.append(
            "<entry>"
            f"<id>urn:safeconduct:archive:{escape(e.id)}</id>"
            f"<title>{escape(names)} ({escape(e.language)}, {duration_text(e.duration_s)})</title>"
            f"<updated>{e.published_on.isoformat()}T00:00:00Z</updated>"
            f'<link rel="alternate" href="en/t-{escape(e.id)}.html"/>'
            f"<summary>{escape(e.transcript[:400])}</summary>"
            "</entry>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<id>urn:safeconduct:archive:{escape(site.fingerprint)}</id>"
            f"<title>{escape(site.organisation)}</title><updated>{updated.isoformat()}T00:00:00Z</updated>"
            f"<author><name>{escape(site.organisation)}</name></author>" + "".join(items) + "</feed>\n")


def json_feed(site: Site, published: list[EntryView]) -> str:
    """JSON Feed 1.1 for partner platforms: each testimony with its files (relative URLs), themes, language,
    duration and the signed entry, so that an importer can check what it takes in."""
    items = [{"id": e.id, "url": f"en/t-{e.id}.html", "date_published": f"{e.published_on.isoformat()}T00:00:00Z",
              "language": e.language, "content_text": e.transcript,
              "tags": [t.name("en") for t in site.themes if t.slug in e.themes],
              "_safeconduct": {"themes": e.themes, "duration_s": e.duration_s, "voice": e.voice,
                               "entry": json.loads(e.entry), "signature": e.signature},
              "attachments": [{"url": f"media/{e.id}/{f.name}", "mime_type": f.content_type,
                               "size_in_bytes": f.size} for f in e.files]}
             for e in published]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": site.organisation,
                       "items": items}, ensure_ascii=False, indent=1)


def log_document(all_entries: list[EntryView]) -> str:
    """Every entry ever published with its signature, and every withdrawal with its own."""
    return json.dumps([{"entry": json.loads(e.entry), "signature": e.signature,
                        "withdrawal": json.loads(e.withdrawal) if e.withdrawal else None,
                        "withdrawal_signature": e.withdrawal_signature} for e in all_entries],
                      ensure_ascii=False, indent=1, sort_keys=True)


def build(site: Site, data_dir: Path, out: Path, published: list[EntryView], all_entries: list[EntryView],
          proofs: dict[str, dict[str, Any]] | None = None) -> int:
    """Write the static site into `out` (replaced); return the number of files written. `proofs`: each entry's
    place in the organisation's log (``entries.log_proofs``), written beside its files as entry.proof.json."""
    if out.exists():
        if not (out / ".safeconduct-archive").exists() and any(out.iterdir()):
            raise FileExistsError(f"{out} exists and is not an archive built by safeconduct; choose an empty folder")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / ".safeconduct-archive").write_text("built by safeconduct archive build\n", encoding="utf-8")
    written = 1

    def write(path: Path, text: str) -> None:
        nonlocal written
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written += 1

    write(out / "index.html", home_page(site))
    write(out / "style.css", STYLE.read_text(encoding="utf-8"))
    write(out / "feed.atom", feed(site, published, updated=dt.datetime.now(dt.UTC).date()))
    write(out / "log.json", log_document(all_entries))
    write(out / "feed.json", json_feed(site, published))
    for entry in published:
        folder = out / "media" / entry.id
        entries.copy_media(data_dir, entry, folder)
        written += len(entry.files)
        write(folder / "entry.json", entry.entry)
        write(folder / "entry.sig", entry.signature + "\n")
        if proofs and entry.id in proofs:
            write(folder / "entry.proof.json", json.dumps(proofs[entry.id], indent=1, sort_keys=True))
    spoken = sorted({e.language for e in published})
    for language in LANGUAGES:
        folder = out / language
        write(folder / "verify.html", verify_page(site, language))
        for entry in published:
            write(folder / f"t-{entry.id}.html", entry_page(site, language, entry))
        for theme in [""] + [t.slug for t in site.themes]:
            for code in [""] + spoken:
                for short in (False, True):
                    write(folder / page_name(theme=theme, spoken=code, short=short),
                          list_page(site, language, published, theme=theme, spoken=code, short=short))
    return written
