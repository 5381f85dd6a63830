"""What the `revoice` voice method is given to say in the pipeline: the redacted transcript, not its own.

Left to itself revoice would transcribe the recording a second time and redact what it heard, which can
disagree with the reviewed findings (a name a reviewer added would be spoken, a false alarm they dropped
hidden) and number placeholders differently from the redacted transcript. Handing it the pipeline's own
timed words with the reviewed findings replaced by their spoken placeholders keeps the audio, the SRT and
the report in step, and spares the second transcription. The words are then spoken, so the audio stage
covers nothing with a tone for revoice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from safeconduct.testimony.pipeline.transcript import Transcript
from safeconduct.testimony.text import Finding
from safeconduct.testimony.voice.script import Phrase, build_script

#: The voice method that speaks the placeholders itself.
SPEAKS_PLACEHOLDERS = "revoice"


def speaking_language(language: str, transcript: Transcript) -> str:
    """The language the placeholders are said in: the one detection used, or guessed from the text."""
    if language in ("", "auto"):
        from safeconduct.testimony.text.language import detect_language

        return detect_language(transcript.text)
    return language


def revoice_script(transcript: Transcript, findings: Sequence[Finding], language: str) -> list[Phrase]:
    """The transcript's phrases with every (reviewed) finding said as its placeholder ("person one")."""
    return build_script(transcript.words, findings, language)


def voice_options(method: str, transcript: Transcript, findings: Sequence[Finding], language: str) -> dict[str, Any]:
    """Options for `make_method`: for revoice, the script and its language; nothing for the other methods."""
    if method != SPEAKS_PLACEHOLDERS:
        return {}
    spoken = speaking_language(language, transcript)
    return {"language": spoken, "script": revoice_script(transcript, findings, spoken)}


def covered_spans(method: str, spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The spans the audio stage covers with a tone or silence: none when the voice speaks placeholders."""
    return [] if method == SPEAKS_PLACEHOLDERS else spans


def audio_cover(method: str, cover: str) -> str:
    """How the report says identifying words were hidden in the audio."""
    if method == SPEAKS_PLACEHOLDERS:
        return "replaced by its placeholder, spoken by the synthetic voice"
    return "replaced by a tone" if cover == "tone" else "silenced"
