"""Drawing over faces: blur (pixelate then blur: not reversible by deblurring), solid mask, or silhouette."""

from __future__ import annotations

import numpy as np

#: Each box grows by this share of its size on every side: hair, ears and chin identify too.
PAD = 0.35


def _padded(box: np.ndarray, width: int, height: int) -> tuple[int, int, int, int]:
    x1, y1, x2, y2 = (float(v) for v in box[:4])
    dx, dy = (x2 - x1) * PAD, (y2 - y1) * PAD
    return (max(0, int(x1 - dx)), max(0, int(y1 - dy)), min(width, int(x2 + dx) + 1), min(height, int(y2 + dy) + 1))


def _blur(region: np.ndarray) -> np.ndarray:
    """Pixelate to a 12-cell-wide mosaic, smooth the mosaic, scale back: cheap, and nothing to deblur."""
    import cv2

    h, w = region.shape[:2]
    tiny = cv2.resize(region, (max(1, min(12, w)), max(1, min(12, h))), interpolation=cv2.INTER_AREA)
    tiny = cv2.GaussianBlur(tiny, (3, 3), 0)
    return cv2.resize(tiny, (w, h), interpolation=cv2.INTER_LINEAR)


def _silhouette(frame: np.ndarray) -> np.ndarray:
    """The frame darkened to a backlit outline: bright background stays dim grey, people turn black."""
    import cv2

    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).astype(np.float32) / 255.0
    light = cv2.GaussianBlur(gray, (0, 0), 3)
    dark = (np.clip((light - 0.35) / 0.65, 0, 1) ** 2 * 110).astype(np.uint8)
    return cv2.merge([np.minimum(255, dark + 8), dark, dark])


def hide(frame: np.ndarray, boxes: list[np.ndarray], mode: str) -> np.ndarray:
    """Return `frame` with every box hidden in `mode` (blur, mask or silhouette)."""
    height, width = frame.shape[:2]
    out = _silhouette(frame) if mode == "silhouette" else frame
    for box in boxes:
        x1, y1, x2, y2 = _padded(box, width, height)
        if x2 <= x1 or y2 <= y1:
            continue
        if mode == "blur":
            out[y1:y2, x1:x2] = _blur(out[y1:y2, x1:x2])
        else:  # mask, and the faces inside a silhouette: solid black
            out[y1:y2, x1:x2] = 0
    return out
