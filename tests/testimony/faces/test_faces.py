"""Faces in video: hidden on every frame (tracking fills detector misses), timing and audio kept."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from safeconduct.testimony.faces import FacesError, hide_faces
from safeconduct.testimony.faces.tracking import boxes_per_frame, link
from tests.support import require
from tests.testimony.clips import gray_video

W, H, FPS, N = 640, 360, 25, 50
FACE_BOX = (
    72,
    25,
    104,
    68,
)  # the astronaut's face in the 200×200 inset (x1, y1, x2, y2), from the detector on the photo


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two seconds of 640×360 video at 25 frames/s: a real photograph of a face moving right, with a tone."""
    require(shutil.which("ffmpeg") is not None, "ffmpeg not installed (Debian package ffmpeg)")
    import cv2
    from skimage import data

    face = cv2.resize(cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR), (200, 200))
    path = tmp_path_factory.mktemp("clip شهادة") / "face clip.mp4"
    proc = subprocess.Popen(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "bgr24",
            "-s",
            f"{W}x{H}",
            "-r",
            str(FPS),
            "-i",
            "-",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=500:duration=2",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(path),
        ],
        stdin=subprocess.PIPE,
    )
    assert proc.stdin is not None
    for i in range(N):
        frame = np.full((H, W, 3), 90, np.uint8)
        frame[80:280, 50 + 4 * i : 250 + 4 * i] = face
        proc.stdin.write(frame.tobytes())
    proc.stdin.close()
    assert proc.wait() == 0
    return path


def _streams(path: Path) -> dict[str, dict]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-print_format", "json", "-show_streams", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {s["codec_type"]: s for s in json.loads(out)["streams"]}


def _frame(path: Path, index: int) -> np.ndarray:
    raw = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-i",
            str(path),
            "-vf",
            f"select=eq(n\\,{index})",
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "bgr24",
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, np.uint8).reshape(H, W, 3).astype(np.int16)


def _detail(region: np.ndarray) -> float:
    """Mean difference between neighbouring pixels: edges, eyes, mouth; near zero once smoothed."""
    return float(np.abs(np.diff(region, axis=0)).mean() + np.abs(np.diff(region, axis=1)).mean())


@pytest.mark.parametrize("mode", ["blur", "mask", "silhouette"])
def test_the_face_is_hidden_on_every_frame_and_timing_is_kept(clip: Path, tmp_path: Path, mode: str) -> None:
    out = tmp_path / f"hidden {mode}.mp4"
    report = hide_faces(clip, out, mode)
    assert report.frames == N and report.frames_hidden == N and report.tracks >= 1
    before, after = _streams(clip), _streams(out)
    assert after["video"]["nb_read_frames"] == before["video"]["nb_read_frames"] == str(N)
    assert after["video"]["r_frame_rate"] == "25/1"
    assert abs(float(after["audio"]["duration"]) - float(before["audio"]["duration"])) < 0.05
    for index in (0, 17, N - 1):  # first, between detections, last
        x = 50 + 4 * index
        x1, y1, x2, y2 = FACE_BOX
        original = _frame(clip, index)[80 + y1 : 80 + y2, x + x1 : x + x2]
        hidden = _frame(out, index)[80 + y1 : 80 + y2, x + x1 : x + x2]
        if mode == "blur":
            assert np.abs(hidden - original).mean() > 12, index  # the features are gone…
            assert _detail(hidden) < 0.4 * _detail(original), index  # …and no fine detail is left
        else:
            assert hidden.mean() < 20, index  # solid black


def test_tracking_covers_frames_where_the_detector_missed_the_face() -> None:
    box = np.array([100, 100, 160, 180, 0.9], np.float32)
    detections = {0: box[None], 3: box[None] + 3, 9: box[None] + 9, 12: box[None] + 12}  # frame 6: missed
    tracks = link(detections, max_gap=12)
    assert len(tracks) == 1
    per_frame = boxes_per_frame(tracks, 16, hold=2, max_gap=12)
    assert all(len(boxes) == 1 for boxes in per_frame[:15])
    assert per_frame[6][0][0] == pytest.approx(106, abs=1)


def test_a_video_without_faces_is_copied_through_with_nothing_hidden(tmp_path: Path) -> None:
    source, out = gray_video(tmp_path / "wall.mp4"), tmp_path / "out.mp4"
    report = hide_faces(source, out, "blur")
    assert report.frames == 25 and report.frames_hidden == 0 and report.spans == []
    assert _streams(out)["video"]["nb_read_frames"] == "25"


def test_audio_only_input_is_refused_clearly(tmp_path: Path) -> None:
    require(shutil.which("ffmpeg") is not None, "ffmpeg not installed")
    source = tmp_path / "voice.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=duration=1", str(source)], check=True)
    with pytest.raises(FacesError, match="no video stream"):
        hide_faces(source, tmp_path / "out.mp4", "blur")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["voice.wav"]


def test_a_corrupt_container_fails_and_leaves_no_output(tmp_path: Path) -> None:
    source = tmp_path / "broken.mp4"
    source.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x17" * 4000)
    with pytest.raises(FacesError, match="cannot read broken.mp4"):
        hide_faces(source, tmp_path / "out.mp4", "mask")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.mp4"]


def test_an_unknown_mode_is_refused(clip: Path, tmp_path: Path) -> None:
    with pytest.raises(FacesError, match="choose blur, mask or silhouette"):
        hide_faces(clip, tmp_path / "out.mp4", "pixelate")
