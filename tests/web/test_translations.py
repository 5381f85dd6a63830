"""The French and Arabic catalogues: complete, in step with the sources, and safe to format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from safeconduct import i18n_markers
from safeconduct.web import i18n

TRANSLATIONS = Path(i18n.__file__).with_name("translations")
POT = TRANSLATIONS / "messages.pot"
LOCALES = ("fr", "ar")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
PLURAL_FORMS = {
    "fr": "nplurals=2; plural=(n > 1);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
          "n%100>=11 ? 4 : 5);",
}


def load(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def po(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def msgids(catalog: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


@pytest.mark.parametrize("lang", LOCALES)
def test_every_message_has_a_translation(lang: str) -> None:
    template, catalog = load(POT), load(po(lang), lang)
    assert msgids(catalog) == msgids(template), "merge the template: python -m safeconduct.i18n_markers"
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s and s.strip() for s in strings):
            missing.append(message.id)
    assert not missing, f"{lang}: untranslated or fuzzy: {missing}"


@pytest.mark.parametrize("lang", LOCALES)
def test_translations_keep_the_placeholders(lang: str) -> None:
    for message in load(po(lang), lang):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            wanted = sorted(PLACEHOLDER.findall(source))
            assert sorted(PLACEHOLDER.findall(text)) == wanted, (lang, source, text)
            values = dict.fromkeys(PLACEHOLDER.findall(source), 7)
            text % values  # raises on a broken format  # noqa: B018


def test_catalogues_are_up_to_date_with_the_sources() -> None:
    """Extract again from the templates and the Python sources: the committed template must match."""
    extracted = msgids(i18n_markers.extract())
    committed = msgids(load(POT))
    assert extracted - committed == set(), "new strings: run python -m safeconduct.i18n_markers and translate"
    assert committed - extracted == set(), "stale strings: run python -m safeconduct.i18n_markers"


def test_refusals_reach_people_translated() -> None:
    """The messages the services raise are in the catalogue, and come out translated."""
    from safeconduct.contact.service import UNKNOWN_CODENAME
    from safeconduct.web.forms import FORM_EXPIRED

    committed = msgids(load(POT))
    for message, ref in i18n_markers.constant_messages():
        assert message in committed, ref
    assert "Choose a file to send." in committed  # raised as InvalidInput("...") in web/api/contact.py
    assert "The message is too long: at most %(n)s characters." in committed  # TooLarge(...) in cases/
    for lang in LOCALES:
        translations = i18n.gettext_for(lang)
        for message in (UNKNOWN_CODENAME, FORM_EXPIRED):
            assert translations.gettext(message) != message
    assert "الاسم الرمزي" in i18n.gettext_for("ar").gettext(UNKNOWN_CODENAME)


@pytest.mark.parametrize("lang", LOCALES)
def test_plural_forms_header(lang: str) -> None:
    header = po(lang).read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert PLURAL_FORMS[lang] in header.replace('"\n"', "")
    plural = i18n.gettext_for(lang).plural  # type: ignore[attr-defined]
    if lang == "ar":
        assert [plural(n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 102, 103)] == [0, 1, 2, 3, 3, 4, 4, 5, 5, 3]
    else:
        assert [plural(n) for n in (0, 1, 2)] == [0, 0, 1]


def test_stylesheet_follows_the_reading_direction() -> None:
    """Physical left/right would break Arabic pages; only the codename is pinned left to right."""
    css = (Path(i18n.__file__).with_name("static") / "style.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules = [r for r in css.split("}") if not r.strip().startswith(".codename")]
    physical = re.compile(
        r"(margin|padding|border)-(left|right)|(?<![-\w])(left|right)\s*:|float\s*:|text-align:\s*(left|right)")
    assert not [r for r in rules if physical.search(r)]


def test_templates_and_static_files_load_nothing_from_elsewhere() -> None:
    web = Path(i18n.__file__).parent
    for path in [*web.joinpath("templates").rglob("*.html"), *web.joinpath("static").rglob("*")]:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"""(src|href|action|url)\s*[=(]\s*["']?(https?:)?//""", text), path
            assert "@import" not in text and "@font-face" not in text, path
