"""Refusals the domain services raise, each with a message a person can act on.

The services know nothing of HTTP; the web layer maps each class to a status code and translates the
message. Every refusal leaves the stored data as it was.
"""

from __future__ import annotations


class ByteSize(int):
    """A number of bytes given to a refusal's message: each reader sees it in their own language's units."""

    def __str__(self) -> str:
        for unit, power in (("GiB", 3), ("MiB", 2), ("KiB", 1)):
            if self >= 1024**power:
                return f"{self / 1024**power:.0f} {unit}"
        return f"{int(self)} bytes"


class Refusal(Exception):
    """Base class: `message` is shown to the person, in their language, as is."""

    code = "refused"

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


class InvalidInput(Refusal):
    code = "invalid_input"


class NotFound(Refusal):
    code = "not_found"


class TooLarge(Refusal):
    code = "too_large"


class Conflict(Refusal):
    code = "conflict"


class Forbidden(Refusal):
    code = "forbidden"


class AuthenticationFailed(Refusal):
    code = "authentication_failed"


class OutOfSpace(Refusal):
    """The disk holding the data is full (or down to its reserve): nothing was stored, nothing earlier lost."""

    code = "out_of_space"
