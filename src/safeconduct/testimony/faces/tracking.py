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


def link(detections: dict[int, np.ndarray], max_gap: int) -> list[Track]:
    """Link per-frame detections into tracks, greedily by overlap, ending a track after `max_gap` frames."""
    tracks: list[Track] = []
    for frame in sorted(detections):
        boxes = [d[:4] for d in detections[frame]]
        open_tracks = [t for t in tracks if frame - t.last[0] <= max_gap]
        pairs = sorted(((_iou(t.last[1], b), ti, bi) for ti, t in enumerate(open_tracks) for bi, b in enumerate(boxes)),
                       reverse=True)
        used_t, used_b = set(), set()
        for score, ti, bi in pairs:
            if ti in used_t or bi in used_b or (score < 0.1 and not _near(open_tracks[ti].last[1], boxes[bi])):
                continue
            open_tracks[ti].sightings[frame] = boxes[bi]
            used_t.add(ti)
            used_b.add(bi)
        for bi, box in enumerate(boxes):
            if bi not in used_b:
                tracks.append(Track({frame: box}))
    return tracks


def boxes_per_frame(tracks: list[Track], n_frames: int, hold: int, max_gap: int) -> list[list[np.ndarray]]:
    """For each frame, the boxes to hide: interpolated between sightings, held `hold` frames either side.

    Each track contributes one box per frame, the union of its interpolated and held boxes.
    """
    out: list[list[np.ndarray]] = [[] for _ in range(n_frames)]
    for track in tracks:
        union: dict[int, np.ndarray] = {}

        def add(frame: int, box: np.ndarray) -> None:
            if frame in union:
                u = union[frame]
                union[frame] = np.array([min(u[0], box[0]), min(u[1], box[1]), max(u[2], box[2]), max(u[3], box[3])])
            else:
                union[frame] = np.asarray(box[:4], dtype=np.float32)

        frames = sorted(track.sightings)
        for a, b in zip(frames, frames[1:], strict=False):
            if b - a <= max_gap:
                for f in range(a + 1, b):
                    w = (f - a) / (b - a)
                    add(f, (1 - w) * track.sightings[a] + w * track.sightings[b])
        for f0 in frames:
            for f in range(max(0, f0 - hold), min(n_frames, f0 + hold + 1)):
                add(f, track.sightings[f0])
        for f, box in union.items():
            out[f].append(box)
    return out
