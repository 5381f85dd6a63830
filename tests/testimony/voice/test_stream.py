"""Long recordings are cut into bounded blocks at pauses, and nothing is lost at the seams."""

from __future__ import annotations

import numpy as np

from safeconduct.testimony.voice.stream import blocks_at_pauses


def test_blocks_cover_the_input_exactly_and_stay_bounded() -> None:
    rng = np.random.default_rng(0)
    audio = rng.normal(size=16_000 * 100).astype(np.float32)
    chunks = np.array_split(audio, 37)
    blocks = list(blocks_at_pauses(chunks, 16_000, block_seconds=10, search_seconds=2))
    np.testing.assert_array_equal(np.concatenate(blocks), audio)
    assert max(b.size for b in blocks) <= 16_000 * 12


def test_blocks_are_cut_in_the_pause() -> None:
    audio = np.ones(16_000 * 25, dtype=np.float32)
    audio[int(16_000 * 9.3) : int(16_000 * 9.6)] = 0.0  # a pause near the nominal cut at 10 s
    first = next(blocks_at_pauses([audio], 16_000, block_seconds=10, search_seconds=2))
    assert 9.3 <= first.size / 16_000 <= 9.6
