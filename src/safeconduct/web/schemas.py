"""JSON shapes of the API (what the OpenAPI schema documents)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

from safeconduct.cases.content import FileView, MessageView
from safeconduct.staff.service import MIN_PASSWORD, ROLES

# The largest ids the columns hold on PostgreSQL (INTEGER, BIGINT): a larger number must be refused here,
# with a 422 naming the bounds, before the database answers it with a 500.
STAFF_ID_MAX = 2**31 - 1
ROW_ID_MAX = 2**63 - 1
StaffId = Annotated[int, Path(ge=1, le=STAFF_ID_MAX, description="A staff member's id.")]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class CodenameIn(Strict):
    # minLength documented, not enforced: an empty codename gets the same answer, at the same cost, as a wrong one.
    codename: str = Field(max_length=400, description="The codename shown when the conversation started.",
                          json_schema_extra={"minLength": 1})


class StartIn(Strict):
    start_token: str | None = Field(default=None, max_length=200,
                                    description="From GET /api/v1/contact/start-token; works once, within the hour.")
    writer: Literal["self", "parent", "sibling", "spouse", "other"] | None = Field(
        default=None, description="Who is writing: the person themself, or a relative (never a name). Kept "
        "sealed with the conversation; left out, nothing is recorded.")


class StartTokenOut(BaseModel):
    start_token: str = Field(description="Send it with POST /api/v1/contact/start: it works once, within the hour.")
    expires_in: int = Field(description="Seconds until it expires.")


class TextIn(Strict):
    text: str = Field(min_length=1, description="The message; at most 20,000 characters (longer: 413).")


class StaffLoginIn(Strict):
    # minLength documented, not enforced: every failed log-in gets the same answer, empty fields included.
    username: str = Field(max_length=64, json_schema_extra={"minLength": 1})
    password: str = Field(max_length=1024, json_schema_extra={"minLength": 1})
    totp: str = Field(max_length=16, description="The current six-digit code of the authenticator app.",
                      json_schema_extra={"minLength": 6})


class CodenameOut(BaseModel):
    codename: str = Field(description="Shown once, never stored: the only way back into the conversation.")


class TokenOut(BaseModel):
    token: str
    expires_in: int = Field(description="Seconds of inactivity before the session ends.")


class MessageOut(BaseModel):
    id: int
    author: str = Field(description="'contact' or 'caseworker'")
    author_name: str | None = Field(None, description="The caseworker's username (staff API only).")
    text: str
    at: dt.datetime

    @classmethod
    def of(cls, view: MessageView, *, for_staff: bool) -> MessageOut:
        author = "contact" if view.author.kind == "contact" else "caseworker"
        return cls(id=view.id, author=author, author_name=view.author.name if for_staff else None,
                   text=view.text, at=view.at)


class FileOut(BaseModel):
    id: str
    name: str
    size: int
    content_type: str
    author: str
    at: dt.datetime
    sha256: str

    @classmethod
    def of(cls, view: FileView) -> FileOut:
        return cls(id=view.id, name=view.name, size=view.size, content_type=view.content_type,
                   author="contact" if view.author.kind == "contact" else "caseworker", at=view.at,
                   sha256=view.sha256)


class ConversationOut(BaseModel):
    messages: list[MessageOut]
    files: list[FileOut]


class CaseOut(BaseModel):
    id: str
    label: str = Field(description="A pseudonymous label; never the codename.")
    state: str
    created_on: dt.date
    last_activity_on: dt.date
    unread: int


class StaffOut(BaseModel):
    id: int
    username: str
    role: str
    active: bool
    intake: bool


class NewStaffIn(Strict):
    # Documented here, checked by the staff service, whose refusals say what to choose instead.
    username: str = Field(max_length=64, description="Lower-case letters, digits, '.', '_' or '-'.",
                          json_schema_extra={"minLength": 2, "pattern": "^[a-z0-9._-]+$"})
    role: str = Field(json_schema_extra={"enum": list(ROLES)})
    password: str = Field(max_length=1024, json_schema_extra={"minLength": MIN_PASSWORD})


class NewStaffOut(BaseModel):
    id: int
    username: str
    totp_secret: str
    totp_uri: str


class StaffFlagsIn(Strict):
    active: bool | None = None
    intake: bool | None = None
