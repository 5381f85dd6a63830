"""Errors the redaction stage raises, each with a message a user can act on."""

from __future__ import annotations


class RedactionError(Exception):
    """Base class: redaction could not be done, so nothing may be presented as redacted."""


class UnsupportedLanguageError(RedactionError):
    """No language pipeline is installed for the requested language."""
