"""Reading rights pages from the shipped set and the organisation's folder, and rendering them safely.

A page is `{country}.{language}.md`: YAML front matter between `---` lines (title, country name, the date
it was last reviewed, a one-line summary), then Markdown. Raw HTML and images are switched off when
rendering, so an edited page can neither run a script nor make the reader's browser fetch anything.
An organisation's file replaces the shipped page of the same name; a broken file is reported (CLI) and
left out, never shown half-rendered.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

SHIPPED = Path(__file__).with_name("content")
_NAME = re.compile(r"^(?P<country>[a-z]{2})\.(?P<language>[a-z]{2})\.md$")
_FRONT = re.compile(r"\A---\n(?P<meta>.*?)\n---\n(?P<body>.*)\Z", re.S)
REQUIRED = ("title", "country_name", "reviewed", "summary")
MAX_BYTES = 200_000


class RightsError(Exception):
    """A page file that cannot be shown; the message names the file and what is wrong."""


@dataclass(frozen=True)
class RightsPage:
    """One country's page in one language."""

    country: str
    language: str
    title: str
    country_name: str
    reviewed: dt.date
    summary: str
    body_html: str
    origin: str  # "shipped" or "organisation"
    path: Path


def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable("image")
    return md


_MD = _renderer()


def _render(markdown: str) -> str:
    """HTML for the body; links get rel=noreferrer and open nothing by themselves."""
    html = _MD.render(markdown)
    return html.replace("<a href=", '<a rel="noreferrer noopener" href=')


def read_page(path: Path, origin: str) -> RightsPage:
    """Parse one file; raise RightsError with the reason when it cannot be shown."""
    match = _NAME.match(path.name)
    if match is None:
        raise RightsError(f"{path.name}: the name must be COUNTRY.LANGUAGE.md, e.g. fr.en.md")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise RightsError(f"{path.name}: larger than {MAX_BYTES // 1000} kB")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise RightsError(f"{path.name}: not UTF-8 text") from error
    except OSError as error:
        raise RightsError(f"{path.name}: cannot be read ({error.strerror})") from error
    front = _FRONT.match(text.replace("\r\n", "\n"))
    if front is None:
        raise RightsError(f"{path.name}: no front matter (a block between two '---' lines at the top)")
    try:
        meta = yaml.safe_load(front.group("meta")) or {}
    except yaml.YAMLError as error:
        raise RightsError(f"{path.name}: the front matter is not valid YAML") from error
    if not isinstance(meta, dict):
        raise RightsError(f"{path.name}: the front matter must be 'key: value' lines")
    missing = [key for key in REQUIRED if not meta.get(key)]
    if missing:
        raise RightsError(f"{path.name}: missing {', '.join(missing)} in the front matter")
    reviewed = meta["reviewed"]
    if isinstance(reviewed, str):
        try:
            reviewed = dt.date.fromisoformat(reviewed)
        except ValueError as error:
            raise RightsError(f"{path.name}: reviewed must be a date written YYYY-MM-DD") from error
    if not isinstance(reviewed, dt.date):
        raise RightsError(f"{path.name}: reviewed must be a date written YYYY-MM-DD")
    return RightsPage(
        country=match["country"], language=match["language"], title=str(meta["title"]),
        country_name=str(meta["country_name"]), reviewed=reviewed, summary=str(meta["summary"]),
        body_html=_render(front.group("body")), origin=origin, path=path,
    )


@dataclass
class Shelf:
    """Every readable page, by (country, language), and the files that were left out and why."""

    pages: dict[tuple[str, str], RightsPage] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def countries(self) -> list[str]:
        return sorted({country for country, _ in self.pages})

    def find(self, country: str, language: str, fallback: str = "en") -> RightsPage | None:
        """The page in `language`, else in `fallback`, else in any language (the reader is told which)."""
        for lang in (language, fallback):
            if (country, lang) in self.pages:
                return self.pages[(country, lang)]
        others = sorted(lang for c, lang in self.pages if c == country)
        return self.pages[(country, others[0])] if others else None

    def languages_of(self, country: str) -> list[str]:
        return sorted(lang for c, lang in self.pages if c == country)


def load_shelf(data_dir: Path | None, languages: tuple[str, ...]) -> Shelf:
    """The shipped pages, overlaid by the organisation's (`DATA/rights/`), in the site's languages."""
    shelf = Shelf()
    folders = [(SHIPPED, "shipped")]
    if data_dir is not None:
        folders.append((Path(data_dir) / "rights", "organisation"))
    for folder, origin in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.md")):
            try:
                page = read_page(path, origin)
            except RightsError as error:
                shelf.problems.append(f"{origin}: {error}")
                continue
            if page.language not in languages:
                shelf.problems.append(f"{origin}: {path.name}: {page.language} is not a language of this site")
                continue
            shelf.pages[(page.country, page.language)] = page
    return shelf
