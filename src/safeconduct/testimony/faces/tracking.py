"""Tracking faces between detections so a face the detector misses for a few frames stays hidden.

Detections on every k-th frame are linked into tracks (overlap or nearby centre); each track's box is
interpolated between its detections and held for `hold` frames before its first and after its last
sighting, so frames between two detections, and a face turning away for a moment, are still covered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Track:
    """One face over time: its boxes (x1, y1, x2, y2) on the frames where it was detected."""

    sightings: dict[int, np.ndarray] = field(default_factory=dict)

    @property
    def last(self) -> tuple[int, np.ndarray]:
        frame = max(self.sightings)
        return frame, self.sightings[frame]


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    x1, y1, x2, y2 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, x2 - x1) * max(0.0, y2 - y1)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _near(a: np.ndarray, b: np.ndarray) -> bool:
    """Centres closer than one face width: the same face moving fast."""
    ca, cb = (a[:2] + a[2:4]) / 2, (b[:2] + b[2:4]) / 2
    return float(np.linalg.norm(ca - cb)) < max(a[2] - a[0], b[2] - b[0])


class Tracker:
    """Links detections into tracks as they arrive, and answers which boxes cover a given frame.

    Greedy association in frame order (best overlap first; a nearby centre also counts): the answer for
    frame t is final once detections up to t + max(hold, max_gap) have been added.
    """

    def __init__(self, hold: int, max_gap: int) -> None:
        self.hold, self.max_gap = hold, max_gap
        self.tracks: list[Track] = []
        self.detections = 0
        self.started = 0

    def add(self, frame: int, detections: np.ndarray) -> None:
        boxes = [d[:4].astype(np.float32) for d in detections]
        self.detections += len(boxes)
        open_tracks = [t for t in self.tracks if frame - t.last[0] <= self.max_gap]
        pairs = sorted(
            ((_iou(t.last[1], b), ti, bi) for ti, t in enumerate(open_tracks) for bi, b in enumerate(boxes)),
            reverse=True,
        )
        used_t, used_b = set(), set()
        for score, ti, bi in pairs:
            if ti in used_t or bi in used_b or (score < 0.1 and not _near(open_tracks[ti].last[1], boxes[bi])):
                continue
            open_tracks[ti].sightings[frame] = boxes[bi]
            used_t.add(ti)
            used_b.add(bi)
        new = [Track({frame: box}) for bi, box in enumerate(boxes) if bi not in used_b]
        self.tracks.extend(new)
        self.started += len(new)

    def boxes_at(self, frame: int) -> list[np.ndarray]:
        """One box per track covering `frame`: the union of its interpolated and held boxes."""
        out = []
        reach = max(self.hold, self.max_gap)
        for track in self.tracks:
            near = [f for f in range(frame - reach, frame + reach + 1) if f in track.sightings]
            if not near:
                continue
            parts = [track.sightings[f] for f in near if abs(f - frame) <= self.hold]
            before = [f for f in near if f < frame]
            after = [f for f in near if f > frame]
            if before and after:
                a, b = max(before), min(after)
                if b - a <= self.max_gap:
                    w = (frame - a) / (b - a)
                    parts.append((1 - w) * track.sightings[a] + w * track.sightings[b])
            if parts:
                stack = np.stack(parts)
                out.append(np.concatenate([stack[:, :2].min(axis=0), stack[:, 2:4].max(axis=0)]))
        return out

    def forget_before(self, frame: int) -> None:
        """Drop tracks that can no longer cover `frame` or anything after it (bounded memory)."""
        reach = max(self.hold, self.max_gap)
        self.tracks = [t for t in self.tracks if t.last[0] + reach >= frame]


def link(detections: dict[int, np.ndarray], max_gap: int) -> list[Track]:
    """Link per-frame detections into tracks (see Tracker)."""
    tracker = Tracker(0, max_gap)
    for frame in sorted(detections):
        tracker.add(frame, detections[frame])
    return tracker.tracks


def boxes_per_frame(tracks: list[Track], n_frames: int, hold: int, max_gap: int) -> list[list[np.ndarray]]:
    """For each frame, the boxes to hide: interpolated between sightings, held `hold` frames either side."""
    tracker = Tracker(hold, max_gap)
    tracker.tracks = tracks
    return [tracker.boxes_at(f) for f in range(n_frames)]
