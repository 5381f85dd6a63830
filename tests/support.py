"""Helpers shared by the whole test suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: `.ci/run` sets this so that a test which would skip for a missing service or tool fails instead:
#: CI must always run every test.
REQUIRE_ALL = os.environ.get("SAFECONDUCT_REQUIRE_ALL", "") == "1"

#: Data that lives beside the repository (never copied into it).
SHARED = Path(os.environ.get("SAFECONDUCT_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
SPEECH = SHARED / "data" / "speech" / "librispeech-test-other"


def require(condition: bool, reason: str) -> None:
    """Skip with `reason` when `condition` is false, or fail when CI demands every test runs."""
    if condition:
        return
    if REQUIRE_ALL:
        pytest.fail(f"required but missing (SAFECONDUCT_REQUIRE_ALL=1): {reason}")
    pytest.skip(reason)


def require_speech_data() -> Path:
    """The LibriSpeech sample from ../shared, or a clear skip naming where it was looked for."""
    require(SPEECH.is_dir(), f"LibriSpeech sample not found at {SPEECH} (set SAFECONDUCT_SHARED)")
    return SPEECH
