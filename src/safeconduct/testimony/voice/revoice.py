"""`revoice`: replace the voice by a synthetic one saying the same words at the same times.

Speech is transcribed with word time stamps (faster-whisper); the words, after the same redaction as the
text pipeline when it is installed, are spoken by a stock text-to-speech voice (festival's HTS voice or espeak-ng, or
any command the user points to, e.g. a Piper model) and each phrase is fitted into the time span the
original phrase took. Nothing of the original signal is copied into the output, so no trace of the voice
remains; what is lost is the speaker's tone and emotion, and words the recogniser gets wrong.
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

from safeconduct.testimony.transcribe import Segment, Word, transcribe
from safeconduct.testimony.voice.method import SAMPLE_RATE, VoiceMethod, fit_length

log = logging.getLogger(__name__)

#: A pause longer than this (seconds) between two words starts a new phrase.
PHRASE_GAP = 0.35
#: espeak-ng's default speaking rate (words per minute) and the range we allow when fitting a phrase.
ESPEAK_RATE = 175
ESPEAK_RATE_RANGE = (90, 400)
#: Stock English voices the recording's voice is drawn from (all synthetic: none belongs to a person).
ESPEAK_VOICES = ("en-us", "en-us+m3", "en-us+f2", "en-us+m5", "en-us+f4", "en-gb-x-rp")


class RevoiceError(Exception):
    """The text-to-speech step could not run, with a message meant for the user."""


@dataclass(frozen=True)
class Phrase:
    """Words spoken without a long pause, and where they lie in the block (seconds)."""

    text: str
    start: float
    end: float


def phrases(segments: Sequence[Segment], gap: float = PHRASE_GAP) -> list[Phrase]:
    """Group recognised words into phrases separated by pauses longer than `gap`."""
    words: list[Word] = [w for s in segments for w in s.words]
    out: list[Phrase] = []
    current: list[Word] = []
    for w in words:
        if current and w.start - current[-1].end > gap:
            out.append(Phrase(" ".join(x.text for x in current), current[0].start, current[-1].end))
            current = []
        current.append(w)
    if current:
        out.append(Phrase(" ".join(x.text for x in current), current[0].start, current[-1].end))
    return out


def redact(text: str, language: str) -> str:
    """Redact names and other identifiers with the text pipeline, or return the text as it is.

    `safeconduct.testimony.text` is written separately; until it is installed revoice speaks the
    transcript unredacted and says so in the log (and the privacy report).
    """
    try:
        from safeconduct.testimony.text import redact_text
    except ImportError:
        return text
    try:
        return str(redact_text(text, language).redacted_text)
    except Exception as exc:  # fail closed: never re-speak a phrase whose redaction failed
        raise RevoiceError(f"text redaction failed ({type(exc).__name__}: {exc})") from exc


def redaction_available() -> bool:
    """Whether the text pipeline's redaction is installed."""
    try:
        from safeconduct.testimony.text import redact_text  # noqa: F401
    except ImportError:
        return False
    return True


def _read_wav(data: bytes) -> tuple[np.ndarray, int]:
    if not data:
        return np.zeros(0, dtype=np.float32), SAMPLE_RATE
    try:
        with wave.open(io.BytesIO(data)) as w:
            sr, width, channels = w.getframerate(), w.getsampwidth(), w.getnchannels()
            frames = w.readframes(w.getnframes())
    except (wave.Error, EOFError) as exc:
        raise RevoiceError(f"the text-to-speech command did not produce a WAV file ({exc})") from exc
    if width != 2:
        raise RevoiceError("the text-to-speech command must write 16-bit PCM WAV")
    at = data.find(b"data")
    if at >= 0 and len(frames) < len(data) - at - 8:
        # Streamed WAV (festival, piper) carries a placeholder length: take every byte after the header.
        frames = data[at + 8 :]
        frames = frames[: len(frames) - len(frames) % (2 * channels)]
    pcm = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
    return pcm.reshape(-1, channels).mean(axis=1), sr


#: Festival with the CMU US SLT HTS voice (Debian: festival, festvox-us-slt-hts): far clearer than
#: espeak-ng to a recogniser (8 % vs 19 % WER on our check sentences), so it is preferred when installed.
FESTIVAL_COMMAND = ["text2wave", "-eval", "(voice_cmu_us_slt_arctic_hts)", "-o", "-"]
FESTIVAL_VOICE = Path("/usr/share/festival/voices/us/cmu_us_slt_arctic_hts")


def default_engine() -> str:
    """'festival' when its HTS voice is installed, else 'espeak'."""
    if shutil.which("text2wave") and FESTIVAL_VOICE.is_dir():
        return "festival"
    return "espeak"


class Speaker:
    """A stock voice: festival (HTS), espeak-ng, or a user command reading text on stdin, writing WAV."""

    def __init__(
        self,
        voice: str = "en-us",
        command: Sequence[str] | None = None,
        pitch: int = 50,
        engine: str | None = None,
    ):
        self.voice, self.pitch = voice, pitch
        self.engine = "command" if command else (engine or default_engine())
        if self.engine == "festival":
            command = FESTIVAL_COMMAND
        self.command = list(command) if command else None
        if self.command is None and shutil.which("espeak-ng") is None:
            raise RevoiceError("neither festival nor espeak-ng is installed (Debian packages: festival, espeak-ng)")

    @property
    def sets_rate(self) -> bool:
        """Whether the engine can be told its speaking rate (otherwise the audio is time-stretched)."""
        return self.engine == "espeak"

    def say(self, text: str, rate: int = ESPEAK_RATE) -> np.ndarray:
        """Speak `text` (at `rate` words per minute where the engine allows): float32 mono at 16 kHz."""
        from scipy.signal import resample_poly

        if self.command is not None:
            cmd = self.command
        else:
            cmd = ["espeak-ng", "-v", self.voice, "-s", str(rate), "-p", str(self.pitch), "--stdout"]
        # Text goes through stdin, never the argument list, so no word can be read as an option.
        proc = subprocess.run(cmd, input=text.encode(), capture_output=True, check=False, timeout=120)
        if proc.returncode != 0:
            raise RevoiceError(f"text-to-speech failed: {proc.stderr.decode(errors='replace')[-300:]}")
        pcm, sr = _read_wav(proc.stdout)
        if sr != SAMPLE_RATE and pcm.size:
            pcm = resample_poly(pcm, SAMPLE_RATE, sr).astype(np.float32)
        return _trim_silence(pcm)


def _stretch(speech: np.ndarray, target: int) -> np.ndarray:
    """Time-stretch towards `target` samples, within limits that keep speech intelligible."""
    ratio = speech.size / max(target, 1)
    if abs(ratio - 1.0) < 0.1 or speech.size < 2048:
        return speech
    import librosa

    return librosa.effects.time_stretch(speech, rate=float(np.clip(ratio, 0.8, 1.4))).astype(np.float32)


def _trim_silence(x: np.ndarray, threshold: float = 1e-3) -> np.ndarray:
    loud = np.flatnonzero(np.abs(x) > threshold)
    return x[loud[0] : loud[-1] + 1] if loud.size else x[:0]


def _fade(x: np.ndarray, ms: float = 10.0) -> np.ndarray:
    n = min(int(ms * 1e-3 * SAMPLE_RATE), x.size // 2)
    if n > 0:
        ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
        x = x.copy()
        x[:n] *= ramp
        x[-n:] *= ramp[::-1]
    return x


class Revoice(VoiceMethod):
    """Transcribe, redact, re-speak with a stock voice aligned phrase by phrase to the original timing."""

    name: ClassVar[str] = "revoice"
    summary: ClassVar[str] = "speech to text to a stock synthetic voice, at the original timing"

    def __init__(
        self,
        seed: int | None = None,
        language: str = "en",
        model_path: str | None = None,
        tts_command: Sequence[str] | None = None,
        voice: str | None = None,
        engine: str | None = None,
    ):
        super().__init__(seed)
        chosen = voice or str(self._rng.choice(ESPEAK_VOICES))
        self.language, self.model_path = language, model_path
        self._speaker = Speaker(chosen, tts_command, pitch=int(self._rng.integers(35, 65)), engine=engine)

    def process(self, audio: np.ndarray) -> np.ndarray:
        x = np.asarray(audio, dtype=np.float32).reshape(-1)
        out = np.zeros(x.size, dtype=np.float32)
        if x.size < SAMPLE_RATE // 4 or not np.any(np.abs(x) > 1e-4):
            return out
        level = float(np.sqrt(np.mean(x**2)))
        for phrase in phrases(transcribe(x, self.language, self.model_path)):
            text = redact(phrase.text, self.language).strip()
            if not text:
                continue
            span = max(phrase.end - phrase.start, 0.1)
            speech = self._speaker.say(text)
            if speech.size == 0:
                continue
            if self._speaker.sets_rate:  # espeak can be told to speak faster or slower: fit the span
                rate = int(np.clip(ESPEAK_RATE * speech.size / (span * SAMPLE_RATE), *ESPEAK_RATE_RANGE))
                speech = self._speaker.say(text, rate)
            else:
                speech = _stretch(speech, int(span * SAMPLE_RATE))
            start = int(phrase.start * SAMPLE_RATE)
            room = max(0, x.size - start)
            # Never run past the next phrase by much: cut after 120 % of the span, faded.
            speech = _fade(speech[: min(room, int(span * 1.2 * SAMPLE_RATE) + 1)])
            out[start : start + speech.size] += speech
        peak = float(np.abs(out).max())
        if peak > 0:
            speech_rms = float(np.sqrt(np.mean(out[np.abs(out) > 1e-3] ** 2)))
            out *= min(2.0 * level / max(speech_rms, 1e-9), 0.9 / peak)
        return fit_length(out, x.size)
