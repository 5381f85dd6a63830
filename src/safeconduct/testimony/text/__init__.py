"""Finding and hiding the details in a testimony's text that give a person away.

Public surface: `redact_text` (find and replace), `case_terms` (a case's own list in every spelling), `Term`,
`RedactionResult`, `Finding`, `Kind` and the errors.
Heavy libraries (spaCy, Presidio, the gazetteer) load on the first call, not at import.
"""

from __future__ import annotations

from safeconduct.testimony.text.errors import RedactionError, UnsupportedLanguageError
from safeconduct.testimony.text.model import Finding, Kind, RedactionResult
from safeconduct.testimony.text.redact import redact_text, replace_spans
from safeconduct.testimony.text.terms import Term, case_terms

__all__ = [
    "Finding",
    "Kind",
    "RedactionError",
    "RedactionResult",
    "Term",
    "UnsupportedLanguageError",
    "case_terms",
    "redact_text",
    "replace_spans",
]
