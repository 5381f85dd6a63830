"""Logging that cannot leak where people connect from, nor be forged by what they send.

Our own HTTP log line never contains an address, but libraries may (a server's start-up line, an error
message). Every handler we install therefore passes records through a filter that blanks anything shaped
like an IPv4 or IPv6 address before it is written. Anything taken from a request goes through `printable`
first, so that a line break typed into a URL or header cannot start a forged log line.
"""

from __future__ import annotations

import logging
import re
import sys
import time

_IPV4 = r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])"
_H = r"[0-9A-Fa-f]{1,4}"
# Full eight-group form, or any compressed form with "::" (times like 12:30:45 are left alone).
_IPV6 = rf"(?<![\w:])(?:(?:{_H}:){{7}}{_H}|(?:{_H}(?::{_H})*)?::(?:{_H}(?::{_H})*)?)(?![\w:])"
ADDRESS = re.compile(f"{_IPV4}|\\[?{_IPV6}\\]?")
REDACTED = "[address]"
# C0 and C1 controls, DEL, and the Unicode line and paragraph separators: anything a log viewer may break on.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
#: Log times to the hour, in UTC: enough to find a night's errors, too coarse to date one person's request.
DATEFMT = "%Y-%m-%d %H:00Z"


def printable(text: str) -> str:
    """`text` with every control character written as an escape (`\\n` → `\\x0a`): one record, one line."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)


class AddressRedactingFilter(logging.Filter):
    """Rewrites each record's final message with addresses replaced."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = ADDRESS.sub(REDACTED, message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_text is None:
            record.exc_text = ADDRESS.sub(REDACTED, logging.Formatter().formatException(record.exc_info))
        return True


def formatter() -> logging.Formatter:
    """Our line format, with the time cut to the hour (no minutes, seconds or milliseconds)."""
    coarse = logging.Formatter(FORMAT, DATEFMT)
    coarse.converter = time.gmtime
    return coarse


def redacting_handler(handler: logging.Handler) -> logging.Handler:
    handler.addFilter(AddressRedactingFilter())
    handler.setFormatter(formatter())
    return handler


def configure(level: int = logging.INFO) -> None:
    """Route every log record to standard error through the redacting filter."""
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(redacting_handler(logging.StreamHandler(sys.stderr)))
    root.setLevel(level)
