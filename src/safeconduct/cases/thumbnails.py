"""Small pictures of the consented images for the court PDF, made from their cleaned copies.

A judge reads a photo faster than its hash. Only the cleaned copy is pictured (GPS position, camera and
owner removed: see ``cleaning.py``), decrypted in memory and downscaled with Pillow; the original stays
sealed evidence, committed to by its SHA-256 in the ledger. Pillow is optional (``requirements/ledger``):
without it, or for an image that could not be cleaned or read, the PDF says why there is no picture.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

from sqlalchemy.orm import Session

from safeconduct.cases import cleaning
from safeconduct.config import Settings
from safeconduct.i18n_markers import N_
from safeconduct.ledger.dossier_pdf import Thumbnail

#: Pictured only up to this size (a larger image is rare from a phone and would hold the export).
MAX_IMAGE_BYTES = 40 * 1024 * 1024
#: The longest side of a picture, in pixels (about 6 cm at 250 dpi).
MAX_SIDE = 600
_IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
_IMAGE_NAMES = (".jpg", ".jpeg", ".png", ".gif", ".tif", ".tiff", ".webp", ".heic")

NO_PILLOW = N_("No picture of this image: the image library (Pillow) is not installed on the server.")
NOT_CLEANED = N_("No picture of this image: it could not be cleaned of hidden details, so only its name and "
                 "hash are shown.")
UNREADABLE = N_("No picture of this image: it could not be read.")


def pillow_available() -> bool:
    try:
        import PIL.Image  # noqa: F401
    except ImportError:
        return False
    return True


def downscale(data: bytes) -> tuple[bytes, int, int]:
    """A JPEG at most `MAX_SIDE` pixels wide or high, without any metadata; raises on an unreadable image."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail((MAX_SIDE, MAX_SIDE))
        rgb = image.convert("RGB")
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=80)
    return out.getvalue(), rgb.width, rgb.height


def for_files(db: Session, settings: Settings, *, case_id: str, case_key: bytes, files: Iterable[tuple[str, str]],
              gettext: Callable[[str], str]) -> dict[str, Thumbnail]:
    """A picture (or why none) for each image among `files` (``(file id, name)``); other files get nothing."""
    out: dict[str, Thumbnail] = {}
    have_pillow = pillow_available()
    for file_id, name in files:
        data = cleaning.cleaned_copy(db, settings, case_id=case_id, case_key=case_key, file_id=file_id,
                                     max_bytes=MAX_IMAGE_BYTES)
        if data is None:
            if name.lower().endswith(_IMAGE_NAMES):
                state = cleaning.state(db, case_id=case_id, case_key=case_key, file_id=file_id)
                if state.status in ("not_cleaned", "pending"):
                    out[file_id] = Thumbnail(note=gettext(NOT_CLEANED))
            continue
        if not data.startswith(_IMAGE_SIGNATURES):
            continue
        if not have_pillow:
            out[file_id] = Thumbnail(note=gettext(NO_PILLOW))
            continue
        try:
            jpeg, width, height = downscale(data)
        except Exception:  # noqa: BLE001 (any unreadable image is reported in the PDF, never fails the export)
            out[file_id] = Thumbnail(note=gettext(UNREADABLE))
            continue
        out[file_id] = Thumbnail(jpeg=jpeg, width=width, height=height)
    return out
