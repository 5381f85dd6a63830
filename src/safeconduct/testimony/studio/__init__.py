"""The testimony studio: from a recording in a case to a reviewed, anonymized testimony, on workers.

Public surface (the console pages and the JSON API use only these): `FindingView`, `TestimonyView`,
`StoredOutput`, `media_files`, `prepare`, `list_for_case`, `view`, `review`, `cancel`, `retry`,
`approve`, `open_output`. The work itself runs in `safeconduct.jobs` (workers, scratch space, engine).

Imports are lazy: `store.models` imports this package's tables, and the service needs the case code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from safeconduct.testimony.studio.service import (
        FindingView,
        StoredOutput,
        TestimonyView,
        approve,
        cancel,
        list_for_case,
        media_files,
        open_output,
        prepare,
        retry,
        review,
        view,
    )

__all__ = [
    "FindingView",
    "StoredOutput",
    "TestimonyView",
    "approve",
    "cancel",
    "list_for_case",
    "media_files",
    "open_output",
    "prepare",
    "retry",
    "review",
    "view",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from safeconduct.testimony.studio import service

        return getattr(service, name)
    raise AttributeError(name)
