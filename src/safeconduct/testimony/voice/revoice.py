"""`revoice`: replace the voice by a synthetic one saying the same words at the same times.

Revoice speaks a script (`voice.script`): timed phrases in which every identifying word is already
replaced by its spoken placeholder ("person one"). The testimony pipeline hands it the script of its own
reviewed transcript; on its own (`safeconduct voice anonymize --method revoice`) it first transcribes the
recording (faster-whisper, word time stamps) and redacts that transcript once, so the numbering is the
same across the whole recording. The phrases are spoken by a stock text-to-speech voice (festival's HTS
voice for English or espeak-ng in the transcript's language, or any command the user points to, e.g. a
Piper model), each fitted into the time span the original phrase took. Nothing of the original signal is
copied into the output, so no trace of the voice remains; what is lost is the speaker's tone and emotion,
and words the recogniser gets wrong.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
import tempfile
import unicodedata
import wave
from bisect import bisect_left
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import ClassVar

import numpy as np

from safeconduct.testimony.transcribe import Segment, Word, transcribe
from safeconduct.testimony.voice.method import SAMPLE_RATE, VoiceMethod, fit_length
from safeconduct.testimony.voice.script import PHRASE_GAP, Phrase, build_script, redacted_script

log = logging.getLogger(__name__)

__all__ = ["PHRASE_GAP", "Phrase", "Revoice", "RevoiceError", "Speaker", "phrases"]

#: espeak-ng's default speaking rate (words per minute) and the range we allow when fitting a phrase.
ESPEAK_RATE = 175
ESPEAK_RATE_RANGE = (90, 400)
#: Stock voices per language the recording's voice is drawn from (all synthetic: none belongs to a person).
ESPEAK_VOICES: dict[str, tuple[str, ...]] = {
    "en": ("en-us", "en-us+m3", "en-us+f2", "en-us+m5", "en-us+f4", "en-gb-x-rp"),
    "fr": ("fr", "fr+m3", "fr+f2", "fr+m5", "fr+f4", "fr-be"),
    "ar": ("ar", "ar+m3", "ar+f2", "ar+m5", "ar+f4"),
}
#: The last phrase of a script may run this much past its original span (plus MAX_LAG) before it is sped
#: up or cut.
OVERRUN = 1.2
#: Seconds of silence kept between two phrases.
NEXT_GAP = 0.1
#: How far (seconds) the stock voice may fall behind the original before a phrase is spoken faster.
MAX_LAG = 2.0
#: Range of the per-recording voice size factor (pitch and formants scaled together, pace by its inverse).
VOICE_SCALE = (0.88, 1.14)
#: RMS of the spoken phrases in every output, whatever the original's loudness: how loud a recording is
#: belongs to the speaker and their microphone, and a back-end trained on revoiced speech learned to
#: recognise speakers by it when the output followed the original's level (docs/benchmarks.md).
SPEECH_LEVEL = 0.08


class RevoiceError(Exception):
    """The text-to-speech step could not run, with a message meant for the user."""


def phrases(segments: Sequence[Segment], gap: float = PHRASE_GAP) -> list[Phrase]:
    """Group recognised words into phrases separated by pauses longer than `gap` (nothing redacted)."""
    return build_script([w for s in segments for w in s.words], [], "en", gap)


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
FESTIVAL_VOICE = Path("/usr/share/festival/voices/us/cmu_us_slt_arctic_hts")
#: The fastest a phrase is spoken to reach the next one in time (1 = the voice's own pace); a phrase still
#: too long at this speed is cut and faded.
MAX_SPEED = 1.6
#: What festival may read: letters, digits and plain punctuation. Anything else (quotes, backslashes,
#: brackets) could end the Scheme string the phrase is written into, so it becomes a space.
_FESTIVAL_UNSAFE = re.compile(r"[^A-Za-z0-9 .,;:?!'-]+")


def default_engine() -> str:
    """'festival' when its HTS voice is installed, else 'espeak'."""
    if shutil.which("festival") and FESTIVAL_VOICE.is_dir():
        return "festival"
    return "espeak"


def _ascii_letters(text: str) -> str:
    """Accented Latin letters without their accents ("café" -> "cafe"), so festival still reads the word."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def festival_script(texts: Sequence[str], speeds: Sequence[float], folder: Path) -> str:
    """Scheme for one festival process that speaks every phrase into folder/<index>.wav.

    One process per block instead of one per phrase: starting festival and loading the voice costs more
    CPU than most phrases take to synthesize. The speed is the HTS engine's own (`-r`), so a phrase that
    must be quicker is re-synthesized faster, not time-stretched with audible artefacts.
    """
    lines = ["(voice_cmu_us_slt_arctic_hts)", "(set! sc_base_params hts_engine_params)"]
    for i, (text, speed) in enumerate(zip(texts, speeds, strict=True)):
        safe = " ".join(_FESTIVAL_UNSAFE.sub(" ", _ascii_letters(text)).split()) or "."
        lines.append(f'(set! hts_engine_params (append sc_base_params (list (list "-r" {speed:.3f}))))')
        lines.append(f'(utt.save.wave (utt.synth (Utterance Text "{safe}")) "{folder / f"{i}.wav"}" (quote riff))')
    return "\n".join(lines) + "\n"


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
        self.command = list(command) if command else None
        if self.engine == "espeak" and shutil.which("espeak-ng") is None:
            raise RevoiceError("neither festival nor espeak-ng is installed (Debian packages: festival, espeak-ng)")
        if self.engine == "festival" and (shutil.which("festival") is None or not FESTIVAL_VOICE.is_dir()):
            raise RevoiceError("festival's HTS voice is not installed (Debian packages: festival, festvox-us-slt-hts)")

    def say(self, text: str, rate: int = ESPEAK_RATE) -> np.ndarray:
        """Speak `text` (at `rate` words per minute where the engine allows): float32 mono at 16 kHz."""
        if self.engine == "festival":
            return self.say_many([text], [rate / ESPEAK_RATE])[0]
        if self.command is not None:
            cmd = self.command
        else:
            cmd = ["espeak-ng", "-v", self.voice, "-s", str(rate), "-p", str(self.pitch), "--stdout"]
        # Text goes through stdin, never the argument list, so no word can be read as an option.
        proc = subprocess.run(cmd, input=text.encode(), capture_output=True, check=False, timeout=120)
        if proc.returncode != 0:
            raise RevoiceError(f"text-to-speech failed: {proc.stderr.decode(errors='replace')[-300:]}")
        return _at_16k(*_read_wav(proc.stdout))

    def say_many(self, texts: Sequence[str], speeds: Sequence[float] | None = None) -> list[np.ndarray]:
        """Speak each text, `speeds[i]` times faster than the voice's own pace (1 when not given).

        espeak-ng and festival speak faster natively; a user's command is time-stretched afterwards.
        """
        speeds = list(speeds) if speeds is not None else [1.0] * len(texts)
        if self.engine == "festival":
            return self._festival(texts, speeds)
        out = []
        for text, speed in zip(texts, speeds, strict=True):
            if self.engine == "espeak":
                out.append(self.say(text, int(np.clip(ESPEAK_RATE * speed, *ESPEAK_RATE_RANGE))))
            else:
                speech = self.say(text)
                out.append(_stretch(speech, int(speech.size / speed)) if speed > 1.0 else speech)
        return out

    def _festival(self, texts: Sequence[str], speeds: Sequence[float]) -> list[np.ndarray]:
        # The phrases' audio lives only in a private folder, in memory where the system offers one.
        shm = Path("/dev/shm")  # noqa: S108 - mkdtemp makes a private (0700), randomly named folder in it
        with tempfile.TemporaryDirectory(prefix="sc-tts-", dir=shm if shm.is_dir() else None) as tmp:
            script = festival_script(texts, speeds, Path(tmp))
            proc = subprocess.run(
                ["festival", "--pipe"], input=script.encode(), capture_output=True, check=False, timeout=600
            )
            out = []
            for i in range(len(texts)):
                wav = Path(tmp) / f"{i}.wav"
                if proc.returncode != 0 or not wav.is_file():
                    detail = proc.stderr.decode(errors="replace")[-300:] or f"no audio for phrase {i + 1}"
                    raise RevoiceError(f"text-to-speech failed: {detail}")
                out.append(_at_16k(*_read_wav(wav.read_bytes())))
        return out


def _at_16k(pcm: np.ndarray, sr: int) -> np.ndarray:
    """Mono speech at 16 kHz with leading and trailing silence removed."""
    from scipy.signal import resample_poly

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
    """Re-speak a redacted script with a stock voice, phrase by phrase at the original timing.

    Given a `script` (seconds from the start of the recording), `process` speaks the phrases that start
    in each block, the blocks being consecutive and from the start; without one, each block is transcribed
    and redacted on its own (the evaluation's utterances). `anonymize_file` gives standalone revoice a
    script of the whole recording first (`listen` on every block, then `redacted_script`).
    """

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
        script: Sequence[Phrase] | None = None,
    ):
        super().__init__(seed)
        self.language, self.model_path = language, model_path
        chosen = voice or str(self._rng.choice(ESPEAK_VOICES.get(language, ESPEAK_VOICES["en"])))
        if engine is None and language != "en":
            engine = "espeak"  # festival's voices are English only
        self._speaker = Speaker(chosen, tts_command, pitch=int(self._rng.integers(35, 65)), engine=engine)
        #: The stock voice's size, drawn per recording: played back `_scale` times faster, its pitch and
        #: formants move together (a larger or smaller speaker), so one speaker's recordings do not all
        #: share one synthetic voice that only their words and pauses tell apart.
        self._scale = Fraction(float(np.exp(self._rng.uniform(*np.log(VOICE_SCALE))))).limit_denominator(50)
        self.script: list[Phrase] | None = None if script is None else sorted(script, key=lambda p: p.start)
        #: Whether what is spoken went through text redaction (False: the text pipeline is not installed).
        self.redacted = True
        self._at = 0  # samples of the recording processed so far (script mode)
        self._spill = np.zeros(0, dtype=np.float32)  # the end of a phrase that ran past the last block
        self._said: list[str] = []  # what was spoken, for the evaluation's word error rate
        self._cursor = 0.0  # seconds: where the voice may speak next (the end of the last phrase and a gap)

    def listen(self, audio: np.ndarray, offset: float = 0.0) -> list[Word]:
        """Transcribe one 16 kHz block; word times shifted by `offset` seconds (its place in the recording)."""
        x = np.asarray(audio, dtype=np.float32).reshape(-1)
        if x.size < SAMPLE_RATE // 4 or not np.any(np.abs(x) > 1e-4):
            return []
        segments = transcribe(x, self.language, self.model_path)
        return [Word(w.text, w.start + offset, w.end + offset) for s in segments for w in s.words]

    def process(self, audio: np.ndarray) -> np.ndarray:
        x = np.asarray(audio, dtype=np.float32).reshape(-1)
        if self.script is None:
            script, self.redacted = redacted_script(self.listen(x), self.language)
            start = 0.0
        else:
            script, start = self.script, self._at / SAMPLE_RATE
            self._at += x.size
        end = start + x.size / SAMPLE_RATE
        first = bisect_left([p.start for p in script], start)
        todo = [p for p in script[first:] if p.start < end]
        # The last phrase of a whole recording (no script: this block is all of it) must end with it.
        last = end if self.script is None else None
        placed = self._placed(todo, script[first + len(todo)] if first + len(todo) < len(script) else None, last)
        self._said += [p.text for p in todo]
        room = max([x.size, self._spill.size] + [int((at - start) * SAMPLE_RATE) + s.size for at, s in placed])
        out = np.zeros(room, dtype=np.float32)
        for at, speech in placed:
            i = int((at - start) * SAMPLE_RATE)
            out[i : i + speech.size] += speech
        loud = np.abs(out) > 1e-3
        if loud.any():  # the new phrases only: what spilled over from the last block is already at level
            speech_rms = float(np.sqrt(np.mean(out[loud] ** 2)))
            out *= min(SPEECH_LEVEL / max(speech_rms, 1e-9), 0.9 / float(np.abs(out).max()))
        out[: self._spill.size] += self._spill
        self._spill = out[x.size :].copy() if self.script is not None else self._spill[:0]
        return fit_length(out, x.size)

    def intended_text(self) -> str | None:
        return " ".join(self._said)

    def _scaled(self, speech: np.ndarray) -> np.ndarray:
        """The stock voice resized by this recording's factor (resampling: no phase-vocoder artefacts)."""
        if speech.size == 0 or self._scale == 1:
            return speech
        from scipy.signal import resample_poly

        out = resample_poly(speech, self._scale.denominator, self._scale.numerator)
        return np.asarray(out, dtype=np.float32)

    def _placed(
        self, todo: Sequence[Phrase], following: Phrase | None, recording_end: float | None
    ) -> list[tuple[float, np.ndarray]]:
        """Where each phrase is spoken (seconds) and its speech, at the voice's own pace where possible.

        A phrase starts at its original onset, or just after the previous phrase when that one is still
        speaking: the voice may fall up to MAX_LAG behind the original and catches up in the pauses. Only
        a phrase that would push the next one further behind is synthesized faster (up to MAX_SPEED), and
        what still does not fit is cut and faded. Stretching every phrase to its original span, or speeding
        up every phrase that overruns it, hands the speaker's speaking rate to the output, which a back-end
        trained on revoiced speech learns to recognise (docs/benchmarks.md); the recogniser also loses words.
        """
        texts = [p.text.strip() for p in todo]
        if not texts:
            return []
        speech = [self._scaled(s) for s in self._speaker.say_many(texts)]
        onsets = [p.start for p in todo] + ([following.start] if following is not None else [])
        deadlines = []
        for i, p in enumerate(todo):
            if i + 1 < len(onsets):
                deadlines.append(onsets[i + 1] + MAX_LAG - NEXT_GAP)
            elif recording_end is not None:
                deadlines.append(recording_end)
            else:
                deadlines.append(p.start + OVERRUN * max(p.end - p.start, 0.1) + MAX_LAG)
        slow = self._walk(todo, speech, deadlines)
        if slow:
            speeds = [speed for _, speed in slow]
            again = self._speaker.say_many([texts[i] for i, _ in slow], speeds)
            for (i, _), s in zip(slow, again, strict=True):
                speech[i] = self._scaled(s)
        placed: list[tuple[float, np.ndarray]] = []
        self._walk(todo, speech, deadlines, placed)
        return placed

    def _walk(
        self,
        todo: Sequence[Phrase],
        speech: list[np.ndarray],
        deadlines: list[float],
        placed: list[tuple[float, np.ndarray]] | None = None,
    ) -> list[tuple[int, float]]:
        """Lay the phrases out one after another from `self._cursor`; returns (index, speed) of those
        that miss their deadline. Given `placed`, the layout is final: overlong phrases are cut and faded,
        the result goes to `placed` and the cursor moves on."""
        cut = placed is not None
        cursor = self._cursor
        slow: list[tuple[int, float]] = []
        for i, p in enumerate(todo):
            at = max(p.start, cursor)
            seconds = speech[i].size / SAMPLE_RATE
            room = max(deadlines[i] - at, 0.1)
            if seconds > room and speech[i].size:
                slow.append((i, min(seconds / room, MAX_SPEED)))
                if cut:
                    speech[i] = speech[i][: int(room * SAMPLE_RATE)]
                seconds = min(seconds, room)  # a re-synthesized phrase will fit (or be cut) at its deadline
            if placed is not None and speech[i].size:
                placed.append((at, _fade(speech[i])))
            if speech[i].size:
                cursor = at + seconds + NEXT_GAP
        if cut:
            self._cursor = cursor
        return slow
