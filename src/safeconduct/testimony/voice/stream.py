"""Cut a decoded audio stream into blocks at pauses, so long recordings are processed in bounded memory.

Methods see one block at a time; cutting at the quietest moment near each block's end keeps words whole
(what `revoice` needs) and hides the seams of the signal-processing methods.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

BLOCK_SECONDS = 30.0
#: The cut is the quietest 20 ms within this many seconds before the block's nominal end.
SEARCH_SECONDS = 5.0


def quietest_frame(audio: np.ndarray, lo: int, hi: int, frame: int) -> int:
    """Start index of the lowest-energy `frame`-long window between `lo` and `hi` (in samples)."""
    seg = audio[lo:hi]
    n = seg.size // frame
    if n == 0:
        return hi
    energy = (seg[: n * frame].reshape(n, frame) ** 2).sum(axis=1)
    return lo + int(np.argmin(energy)) * frame + frame // 2


def blocks_at_pauses(
    chunks: Iterable[np.ndarray],
    sample_rate: int,
    block_seconds: float = BLOCK_SECONDS,
    search_seconds: float = SEARCH_SECONDS,
) -> Iterator[np.ndarray]:
    """Regroup decoded mono chunks ((frames,) or (frames, 1)) into blocks of about `block_seconds`."""
    target = int(block_seconds * sample_rate)
    search = int(min(search_seconds, block_seconds / 2) * sample_rate)
    frame = max(1, sample_rate // 50)
    buf = np.zeros(0, dtype=np.float32)
    for chunk in chunks:
        buf = np.concatenate([buf, np.asarray(chunk, dtype=np.float32).reshape(-1)])
        while buf.size >= target + search:
            cut = quietest_frame(buf, target - search, target + search, frame)
            yield buf[:cut]
            buf = buf[cut:]
    if buf.size:
        yield buf
