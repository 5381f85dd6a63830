"""Metadata removal, checked from the outside with exiftool: no GPS, device, software, author or dates."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from safeconduct.testimony.metadata import MetadataError, strip_document, strip_media
from tests.support import require

#: exiftool tag names that would identify a device, a person, a place or a moment.
BETRAYING = (
    "gps",
    "make",
    "model",
    "software",
    "author",
    "artist",
    "creator",
    "owner",
    "serial",
    "location",
    "encoder",
    "title",
    "comment",
    "date",
    "time",
)
#: exiftool's own bookkeeping about the file on this disk, not metadata carried by the file.
OWN_BOOKKEEPING = ("System:", "ExifTool:", "File:")


def _exiftool(path: Path) -> dict[str, str]:
    done = subprocess.run(["exiftool", "-j", "-a", "-G1", str(path)], capture_output=True, text=True, check=True)
    return {k: str(v) for k, v in json.loads(done.stdout)[0].items()}


def _betraying(path: Path) -> dict[str, str]:
    """Tags left that could identify: zero dates (0000:00:00) and durations are not counted."""
    left = {}
    for key, value in _exiftool(path).items():
        if key.startswith(OWN_BOOKKEEPING) or key == "SourceFile":
            continue
        name = key.split(":", 1)[-1].lower()
        if not any(word in name for word in BETRAYING) or "duration" in name or "timescale" in name:
            continue
        if value.startswith("0000:00:00") or name in ("currenttime", "previewtime", "postertime", "selectiontime"):
            continue
        left[key] = value
    return left


@pytest.fixture(scope="module")
def tools() -> None:
    for tool, package in (("ffmpeg", "ffmpeg"), ("exiftool", "libimage-exiftool-perl"), ("mat2", "mat2")):
        require(shutil.which(tool) is not None, f"{tool} not installed (Debian package {package})")


def _phone_video(path: Path) -> None:
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=25",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440",
            "-t",
            "1",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-metadata",
            "title=Testimony of Abu Hamza",
            "-metadata",
            "artist=Idris Kamara",
            "-metadata",
            "location=+36.2021+037.1343/",
            "-metadata",
            "com.apple.quicktime.make=Apple",
            "-metadata",
            "com.apple.quicktime.model=iPhone 12",
            "-metadata",
            "com.apple.quicktime.software=16.1",
            "-metadata",
            "creation_time=2023-03-04T10:00:00Z",
            "-movflags",
            "use_metadata_tags",
            str(path),
        ],
        check=True,
    )


def test_video_metadata_is_gone_when_read_by_exiftool(tools: None, tmp_path: Path) -> None:
    source, out = tmp_path / "from phone.mp4", tmp_path / "clean.mp4"
    _phone_video(source)
    before = _betraying(source)
    assert any("GPS" in k for k in before) and any("Model" in k for k in before)  # the fixture is realistic
    report = strip_media(source, out)
    assert _betraying(out) == {}
    assert report.removed["format:com.apple.quicktime.model"] == "iPhone 12"
    assert b"x264" not in out.read_bytes()  # the encoder's SEI banner is dropped too
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.mp4", "from phone.mp4"]


def test_audio_tags_are_removed(tools: None, tmp_path: Path) -> None:
    source, out = tmp_path / "voice memo.m4a", tmp_path / "clean.m4a"
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=300",
            "-t",
            "1",
            "-c:a",
            "aac",
            "-metadata",
            "artist=Umm Safiya",
            "-metadata",
            "comment=recorded in Gwoza",
            "-metadata",
            "creation_time=2023-03-04T10:00:00Z",
            str(source),
        ],
        check=True,
    )
    strip_media(source, out)
    assert _betraying(out) == {}


def test_photo_exif_is_removed_by_mat2_in_a_folder_with_arabic_letters(tools: None, tmp_path: Path) -> None:
    from PIL import Image
    from skimage import data

    folder = tmp_path / "صور الشهادة"
    folder.mkdir()
    photo, out = folder / "face photo.jpg", folder / "clean.jpg"
    Image.fromarray(data.astronaut()).save(photo)
    subprocess.run(
        [
            "exiftool",
            "-q",
            "-overwrite_original",
            "-Make=Samsung",
            "-Model=SM-A515F",
            "-SerialNumber=R58N123456",
            "-Software=A515FXXU4",
            "-Artist=Abu Hamza",
            "-DateTimeOriginal=2023:03:04 10:00:00",
            "-GPSLatitude=36.2",
            "-GPSLatitudeRef=N",
            "-GPSLongitude=37.1",
            "-GPSLongitudeRef=E",
            str(photo),
        ],
        check=True,
    )
    assert "GPS" in " ".join(_betraying(photo))
    report = strip_document(photo, out)
    assert _betraying(out) == {}
    assert report.tool == "mat2" and report.removed
    assert sorted(p.name for p in folder.iterdir()) == ["clean.jpg", "face photo.jpg"]


def test_a_corrupt_container_fails_clearly_and_leaves_nothing(tools: None, tmp_path: Path) -> None:
    source, out = tmp_path / "broken.mp4", tmp_path / "clean.mp4"
    source.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8)
    with pytest.raises(MetadataError, match="cannot read broken.mp4"):
        strip_media(source, out)
    assert list(tmp_path.iterdir()) == [source]


def test_a_document_mat2_cannot_clean_fails_clearly_and_leaves_nothing(tools: None, tmp_path: Path) -> None:
    source, out = tmp_path / "notes.xyz", tmp_path / "clean.xyz"
    source.write_text("Abu Hamza, Kidal")
    with pytest.raises(MetadataError, match="mat2"):
        strip_document(source, out)
    assert list(tmp_path.iterdir()) == [source]


def test_missing_document_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MetadataError, match="no such file"):
        strip_document(tmp_path / "gone.jpg", tmp_path / "out.jpg")
