"""Which strings are translated, and how the Babel catalogues are kept in step with the sources.

Templates call `_("...")` and are read by Babel's Jinja2 extractor. Refusals are written in English where
they are raised (`InvalidInput("Choose a file to send.")`) and translated only when they reach a person
(`web.render.translate`), so the Python extractor is given the refusal classes as keywords. Messages held
in module constants (`UNKNOWN_CODENAME`, `FORM_EXPIRED`, ...) are added by name, so the catalogue follows
any change to them. `N_` marks any other string for extraction without translating it where it stands.

    .venv/bin/python -m safeconduct.i18n_markers     # rewrite messages.pot and merge it into each .po
"""

from __future__ import annotations

import importlib
import io
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = Path(__file__).with_name("web") / "translations"
LOCALES = ("fr", "ar")


def N_(message: str) -> str:  # noqa: N802 (the usual gettext name)
    """Mark `message` for extraction; it is translated later, where it is shown."""
    return message


#: Calls whose first argument is a message shown to a person (besides gettext's own names).
REFUSAL_KEYWORDS: dict[str, object] = {
    name: None
    for name in ("InvalidInput", "NotFound", "TooLarge", "Conflict", "Forbidden", "AuthenticationFailed",
                 "OutOfSpace", "Refusal", "SessionEnded", "UnsupportedTusVersion", "WrongContentType")
}
REFUSAL_KEYWORDS["refuse_if_declared_too_large"] = (3,)

#: Refusal messages kept in constants (a callable is called for its message).
CONSTANTS = (
    "safeconduct.contact.service:UNKNOWN_CODENAME",
    "safeconduct.staff.service:LOGIN_FAILED",
    "safeconduct.staff.reauth:REAUTH_FAILED",
    "safeconduct.web.forms:FORM_EXPIRED",
    "safeconduct.web.contact.rights:NOT_ADVICE",
    "safeconduct.cases.identity:NOT_NAMED",
    "safeconduct.web.deps:CONTACT_SESSION_ENDED",
    "safeconduct.web.deps:STAFF_SESSION_ENDED",
    "safeconduct.contact.start_tokens:ALREADY_STARTED",
    "safeconduct.contact.start_tokens:START_FORM_MISSING",
    "safeconduct.contact.start_tokens:START_FORM_FORGED",
    "safeconduct.contact.start_tokens:START_FORM_EXPIRED",
    "safeconduct.cases.content:_too_large_message",
    "safeconduct.store.diskspace:OUT_OF_SPACE",
    "safeconduct.web.streaming_form:CUT_OFF",
    "safeconduct.web.errors:PAGE_NOT_FOUND",
    "safeconduct.web.errors:WRONG_METHOD",
    "safeconduct.staff.accounts:WRONG_PASSWORD",
    "safeconduct.referrals.service:NO_CONSENT",
    "safeconduct.archive.publications:NOT_APPROVED",
    "safeconduct.archive.publications:OWN_PROPOSAL",
    "safeconduct.returns.requests:NO_CONSENT",
    "safeconduct.returns.requests:NO_IDENTITY",
    "safeconduct.referrals.relatives:UNKNOWN_WRITER",
    "safeconduct.referrals.relatives:RELATIVE_NOT_AGREED",
    "safeconduct.referrals.relatives:PERSON_NOT_AGREED",
)

# Messages built in an expression rather than a call or constant (web/errors.py, invalid requests).
N_("The request body is not valid JSON.")
N_("The request is not in the expected form.")


def constant_messages() -> list[tuple[str, str]]:
    """(message, "module:NAME") for each entry of CONSTANTS."""
    found = []
    for ref in CONSTANTS:
        module, _, name = ref.partition(":")
        value = getattr(importlib.import_module(module), name)
        found.append((value() if callable(value) else value, ref))
    return found


def extract(root: Path = ROOT) -> Catalog:
    """A Babel catalogue of every translatable string in the sources under `root`."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with (root / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    catalog = Catalog(project="safeconduct", msgid_bugs_address="", copyright_holder="safeconduct",
                      charset="utf-8")
    keywords = {**DEFAULT_KEYWORDS, **REFUSAL_KEYWORDS}
    for filename, lineno, message, comments, context in extract_from_dir(
        root, method_map, options_map, keywords=keywords  # type: ignore[arg-type]
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    for message, ref in constant_messages():
        catalog.add(message, None, [("src/" + ref.split(":")[0].replace(".", "/") + ".py", 0)])
    for entry in catalog:
        if entry.id and "%(" in str(entry.id):
            entry.flags.add("python-format")
    return catalog


def write_catalogues() -> None:
    """Rewrite messages.pot and merge it into the French and Arabic catalogues (no fuzzy guesses)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    template = extract()
    pot = io.BytesIO()
    write_po(pot, template, include_lineno=False, sort_by_file=False, width=100)
    (TRANSLATIONS / "messages.pot").write_bytes(pot.getvalue())
    for lang in LOCALES:
        path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        if path.exists():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=lang, project="safeconduct", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        out = io.BytesIO()
        write_po(out, catalog, include_lineno=False, width=100, ignore_obsolete=True)
        path.write_bytes(out.getvalue())


if __name__ == "__main__":
    write_catalogues()
