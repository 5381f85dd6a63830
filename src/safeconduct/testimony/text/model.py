"""The findings of the redaction stage, as plain data that the review file and the report reuse."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """Kinds of identifying details; the value is the label shown in placeholders ("[PERSON 1]")."""

    PERSON = "PERSON"
    PLACE = "PLACE"
    UNIT = "UNIT"
    #: Employers, shops, the group's offices: named places of work that point to a person.
    ORG = "ORG"
    DATE = "DATE"
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    HANDLE = "HANDLE"
    ID = "ID"
    NATIONALITY = "NATIONALITY"


@dataclass(frozen=True)
class Finding:
    """One mention of an identifying detail: where it is, what it is, and what replaces it."""

    kind: Kind
    text: str
    start: int
    end: int
    placeholder: str
    score: float = 1.0
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = str(self.kind)
        return data


@dataclass(frozen=True)
class RedactionResult:
    """The redacted text and every finding, in text order."""

    redacted_text: str
    findings: list[Finding] = field(default_factory=list)
    language: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "redacted_text": self.redacted_text,
            "findings": [f.to_dict() for f in self.findings],
        }
