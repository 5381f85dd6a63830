"""`hide_faces`: find faces on scaled frames every few frames, track them, hide them on every frame.

One pass over the video: each frame is decoded once; every k-th frame is scaled down for the detector;
frames wait in a short look-ahead buffer until the detections that may cover them (up to max(hold, gap)
frames later) are known, then their tracked boxes are hidden and the frame is encoded at the source's
exact frame rate with the source's audio copied, so length and sync match. The output is written under a
temporary name and renamed only when complete.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from safeconduct.testimony.faces.hide import hide
from safeconduct.testimony.faces.tracking import Tracker
from safeconduct.testimony.faces.video import FrameWriter, VideoError, probe_video, read_frames

MODES = ("blur", "mask", "silhouette", "keep")

#: progress(stage, done, total): "detect" then "hide", counted in frames.
Progress = Callable[[str, int, int], None]


class FacesError(Exception):
    """Faces could not be hidden; nothing was written under the output's name."""


@dataclass(frozen=True)
class FacesReport:
    """What the faces stage did, for the report (no image content, only counts and time spans)."""

    mode: str
    frames: int
    frame_rate: float
    width: int
    height: int
    detector_frames: int
    detections: int
    tracks: int
    frames_hidden: int
    spans: list[tuple[float, float]]
    seconds: float

    @property
    def frames_per_second(self) -> float:
        return self.frames / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "frames_per_second": round(self.frames_per_second, 1)}


def _spans(hidden: list[bool], rate: float) -> list[tuple[float, float]]:
    spans, start = [], None
    for i, flag in enumerate([*hidden, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            spans.append((round(start / rate, 2), round(i / rate, 2)))
            start = None
    return spans


def hide_faces(
    source: Path,
    output: Path,
    mode: str = "blur",
    *,
    detect_every: int = 3,
    detect_width: int = 320,
    threshold: float = 0.2,
    hold: int | None = None,
    progress: Progress | None = None,
) -> FacesReport:
    """Hide every face of `source` in `mode` and write `output` (same frame rate, length and audio).

    The detector sees frames `detect_width` pixels wide on every `detect_every`-th frame; tracks fill the
    frames between and hold each face `hold` frames (default: 2 × detect_every) either side of a sighting.
    """
    if mode not in MODES or mode == "keep":
        raise FacesError(f"unknown faces mode {mode!r}: choose blur, mask or silhouette")
    source, output = Path(source), Path(output)
    started = time.perf_counter()
    try:
        info = probe_video(source)
    except VideoError as error:
        raise FacesError(str(error)) from error
    if info is None:
        raise FacesError(f"{source.name} has no video stream: there are no faces to hide")
    hold = 2 * detect_every if hold is None else hold
    max_gap = 4 * detect_every
    scale = detect_width / info.width
    small_w, small_h = detect_width - detect_width % 2, max(2, int(round(info.height * scale / 2)) * 2)

    import cv2

    from safeconduct.testimony.faces.detector import FaceDetector

    detector = FaceDetector(small_w, small_h, threshold)
    tracker = Tracker(hold, max_gap)
    reach = max(hold, max_gap)
    factor = np.array([info.width / small_w, info.height / small_h] * 2, np.float32)
    hidden: list[bool] = []
    waiting: deque[tuple[int, np.ndarray]] = deque()
    partial = output.with_name(f".{output.stem}.partial{output.suffix}")
    writer = FrameWriter(partial, info, source)

    def emit(index: int, frame: np.ndarray) -> None:
        boxes = tracker.boxes_at(index)
        hidden.append(bool(boxes))
        writer.write(hide(frame.copy(), boxes, mode))
        if progress and index % 25 == 0:
            progress("hide", index + 1, info.frames)

    try:
        for i, frame in enumerate(read_frames(source, info.width, info.height)):
            if i % detect_every == 0:
                small = cv2.resize(frame, (small_w, small_h), interpolation=cv2.INTER_AREA)
                found = detector.detect(small)
                found[:, :4] *= factor
                tracker.add(i, found)
            waiting.append((i, frame))
            while waiting and waiting[0][0] + reach <= i:
                emit(*waiting.popleft())
            tracker.forget_before(waiting[0][0] - reach if waiting else i)
        while waiting:
            emit(*waiting.popleft())
        if not hidden:
            raise VideoError(f"no frame could be decoded from {source.name} (corrupt or truncated file?)")
        writer.close()
    except (VideoError, OSError, KeyboardInterrupt) as error:
        writer.abort()
        partial.unlink(missing_ok=True)
        if isinstance(error, KeyboardInterrupt):
            raise
        raise FacesError(str(error)) from error
    partial.replace(output)
    frames = len(hidden)
    if progress:
        progress("hide", frames, frames)
    rate = float(info.rate)
    return FacesReport(
        mode,
        frames,
        rate,
        info.width,
        info.height,
        len(range(0, frames, detect_every)),
        tracker.detections,
        tracker.started,
        sum(hidden),
        _spans(hidden, rate),
        round(time.perf_counter() - started, 2),
    )
