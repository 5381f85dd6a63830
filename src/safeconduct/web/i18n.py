"""Translations (Babel catalogues) and the visitor's choice of language.

Catalogues are `.po` files under `translations/`; they are compiled in memory at start-up, so there is no
build step and no binary file in the repository.
"""

from __future__ import annotations

import functools
import gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from fastapi import Request

TRANSLATIONS = Path(__file__).with_name("translations")
LANGUAGES = {"en": "English", "fr": "Français", "ar": "العربية"}
RTL = {"ar"}
DEFAULT = "en"
COOKIE = "sc_lang"


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue for `lang`, or English (the source strings) when there is none."""
    po = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    if lang == DEFAULT or not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def choose_language(request: Request) -> str:
    """An explicit choice (?lang=, then the cookie), else the browser's preference, else English."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT


def gettext_for(lang: str) -> gettext.NullTranslations:
    return translations(lang)


#: Binary size units as each language writes them (French: octets; Arabic: bytes spelled out).
SIZE_UNITS = {
    "en": ("bytes", "KiB", "MiB", "GiB"),
    "fr": ("octets", "Kio", "Mio", "Gio"),
    "ar": ("بايت", "كيلوبايت", "ميغابايت", "غيغابايت"),
}


def format_size(size: int, lang: str) -> str:
    """A size in the reader's units and number format ("2 GiB", "2 Gio", "2 غيغابايت"; 1.5 → "1,5" in French)."""
    from babel.numbers import format_decimal

    units = SIZE_UNITS.get(lang, SIZE_UNITS[DEFAULT])
    power = next((p for p in (3, 2, 1) if size >= 1024**p), 0)
    value = size / 1024**power
    shown = format_decimal(round(value, 1) if power and value < 10 else round(value), format="#,##0.#",
                           locale=lang if lang in LANGUAGES else DEFAULT)
    return f"{shown}\u00a0{units[power]}"
