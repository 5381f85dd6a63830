"""The archive's themes: a list the organisation edits, each named in every language of the site.

Shipped: life under the group, violence, corruption, treatment of women, foreign fighters, the way out. An
organisation's `DATA/archive-themes.yaml` (a list of `{slug, en, fr, ar}`) replaces it. Slugs are what entries
store and URLs carry (a-z, digits, hyphens); names are any text, Arabic included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from safeconduct.errors import InvalidInput

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
SHIPPED = (
    ("life-under-the-group", "Life under the group", "La vie sous le groupe", "الحياة تحت حكم الجماعة"),
    ("violence", "Violence", "Violence", "العنف"),
    ("corruption", "Corruption", "Corruption", "الفساد"),
    ("women", "Treatment of women", "Le sort des femmes", "معاملة النساء"),
    ("foreign-fighters", "Foreign fighters", "Combattants étrangers", "المقاتلون الأجانب"),
    ("the-way-out", "The way out", "La sortie", "طريق الخروج"),
)


class ThemesError(Exception):
    """The organisation's theme file cannot be used; the message says why."""


@dataclass(frozen=True)
class Theme:
    slug: str
    names: dict[str, str]

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("en") or self.slug


def load(data_dir: Path | None) -> list[Theme]:
    """The organisation's list if it has one, else the shipped one."""
    path = None if data_dir is None else Path(data_dir) / "archive-themes.yaml"
    if path is None or not path.is_file():
        return [Theme(slug, {"en": en, "fr": fr, "ar": ar}) for slug, en, fr, ar in SHIPPED]
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ThemesError(f"{path.name}: cannot be read as YAML ({error})") from error
    if not isinstance(raw, list) or not raw:
        raise ThemesError(f"{path.name}: must be a list of themes, each with slug, en, fr and ar")
    themes = []
    for item in raw:
        if not isinstance(item, dict) or not _SLUG.match(str(item.get("slug", ""))):
            raise ThemesError(f"{path.name}: every theme needs a slug of a-z, digits and hyphens")
        names = {lang: str(item[lang]) for lang in ("en", "fr", "ar") if item.get(lang)}
        if "en" not in names:
            raise ThemesError(f"{path.name}: the theme {item['slug']} has no English name")
        themes.append(Theme(str(item["slug"]), names))
    return themes


def check(chosen: object, known: list[Theme]) -> list[str]:
    """The chosen slugs, known and at least one; refuse anything else by name."""
    if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen) or not chosen:
        raise InvalidInput("Choose at least one theme for the testimony.")
    slugs = {t.slug for t in known}
    for slug in chosen:
        if slug not in slugs:
            raise InvalidInput("Unknown theme %(theme)s; the themes are: %(known)s.", theme=slug[:40],
                               known=", ".join(sorted(slugs)))
    return sorted(set(chosen))
