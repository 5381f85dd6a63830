"""Letter templates for requests to the authorities: shipped ones, overlaid by the organisation's own.

A template is `{name}.{language}.md` in ``returns/letters/`` (shipped) or ``DATA/letters/`` (the
organisation's, which replaces a shipped file of the same name): YAML front matter (title, subject, the day
it was last reviewed) between ``---`` lines, then the letter's body as plain text. Paragraphs are separated by
a blank line; a line break inside a paragraph is kept as written (the block of identity details).

Placeholders: ``{{full_name}}`` must be filled or the letter is refused; ``{{other_names?}}`` is optional and
its whole line is left out when the person did not choose to disclose it. They name the sealed identity's
fields (``cases/identity.FIELDS``) or what the request itself knows (`CONTEXT`). A placeholder nobody knows
makes the template unusable, with the reason, rather than a letter with a hole in it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from safeconduct.cases.identity import FIELDS

SHIPPED = Path(__file__).with_name("letters")
#: What a request fills in besides the identity: the addressee, the organisation, the reference, the day,
#: and the name of the attached dossier file (only when one is attached).
CONTEXT = ("authority", "organisation", "reference", "date", "attachment")
_NAME = re.compile(r"^(?P<name>[a-z0-9][a-z0-9-]{0,39})\.(?P<language>[a-z]{2})\.md$")
_FRONT = re.compile(r"\A---\n(?P<meta>.*?)\n---\n(?P<body>.*)\Z", re.S)
_PLACEHOLDER = re.compile(r"\{\{\s*(?P<name>[a-z_]+)(?P<optional>\?)?\s*\}\}")
REQUIRED = ("title", "subject", "reviewed")
MAX_BYTES = 50_000


class TemplateError(Exception):
    """A template file that cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True)
class LetterTemplate:
    name: str
    language: str
    title: str
    subject: str
    reviewed: dt.date
    body: str
    origin: str  # "shipped" or "organisation"

    @property
    def required(self) -> list[str]:
        """Identity fields the letter cannot go without."""
        return sorted({m["name"] for m in _PLACEHOLDER.finditer(self.body)
                       if not m["optional"] and m["name"] in FIELDS})

    @property
    def optional(self) -> list[str]:
        return sorted({m["name"] for m in _PLACEHOLDER.finditer(self.body)
                       if m["optional"] and m["name"] in FIELDS} - set(self.required))


def read_template(path: Path, origin: str) -> LetterTemplate:
    """Parse one file; raise TemplateError with the reason when it cannot be used."""
    match = _NAME.match(path.name)
    if match is None:
        raise TemplateError(f"{path.name}: the name must be NAME.LANGUAGE.md, e.g. travel-document.fr.md")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise TemplateError(f"{path.name}: larger than {MAX_BYTES // 1000} kB")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise TemplateError(f"{path.name}: not UTF-8 text") from error
    except OSError as error:
        raise TemplateError(f"{path.name}: cannot be read ({error.strerror})") from error
    front = _FRONT.match(text.replace("\r\n", "\n"))
    if front is None:
        raise TemplateError(f"{path.name}: no front matter (a block between two '---' lines at the top)")
    try:
        meta = yaml.safe_load(front.group("meta")) or {}
    except yaml.YAMLError as error:
        raise TemplateError(f"{path.name}: the front matter is not valid YAML") from error
    if not isinstance(meta, dict):
        raise TemplateError(f"{path.name}: the front matter must be 'key: value' lines")
    missing = [key for key in REQUIRED if not meta.get(key)]
    if missing:
        raise TemplateError(f"{path.name}: missing {', '.join(missing)} in the front matter")
    reviewed = meta["reviewed"]
    if isinstance(reviewed, str):
        try:
            reviewed = dt.date.fromisoformat(reviewed)
        except ValueError as error:
            raise TemplateError(f"{path.name}: reviewed must be a date written YYYY-MM-DD") from error
    if not isinstance(reviewed, dt.date):
        raise TemplateError(f"{path.name}: reviewed must be a date written YYYY-MM-DD")
    body = front.group("body").strip("\n")
    unknown = sorted({m["name"] for m in _PLACEHOLDER.finditer(body)} - set(FIELDS) - set(CONTEXT))
    if unknown:
        raise TemplateError(f"{path.name}: unknown placeholder {{{{{unknown[0]}}}}}; use one of "
                            f"{', '.join(list(FIELDS) + list(CONTEXT))}")
    if not body.strip():
        raise TemplateError(f"{path.name}: the letter has no text")
    return LetterTemplate(name=match["name"], language=match["language"], title=str(meta["title"]),
                          subject=str(meta["subject"]), reviewed=reviewed, body=body, origin=origin)


@dataclass
class Shelf:
    """Every usable template by (name, language), and the files left out with the reason."""

    templates: dict[tuple[str, str], LetterTemplate] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def load(data_dir: Path | None) -> Shelf:
    """The shipped templates overlaid by the organisation's (``DATA/letters/``)."""
    shelf = Shelf()
    folders = [(SHIPPED, "shipped")]
    if data_dir is not None:
        folders.append((Path(data_dir) / "letters", "organisation"))
    for folder, origin in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.md")):
            try:
                template = read_template(path, origin)
            except TemplateError as error:
                shelf.problems.append(f"{origin}: {error}")
                continue
            shelf.templates[(template.name, template.language)] = template
    return shelf


def fill(template: LetterTemplate, values: dict[str, str]) -> list[str]:
    """The letter's paragraphs: placeholders filled from `values`; a line whose optional placeholder has no
    value is left out. The caller has already checked that every required placeholder has a value."""
    paragraphs: list[str] = []
    for block in template.body.split("\n\n"):
        lines = []
        for line in block.split("\n"):
            if any(m["optional"] and not values.get(m["name"]) for m in _PLACEHOLDER.finditer(line)):
                continue
            lines.append(_PLACEHOLDER.sub(lambda m: values.get(m["name"], ""), line))
        if any(line.strip() for line in lines):
            paragraphs.append("\n".join(lines))
    return paragraphs
