"""Hidden details removed from what a contact sends, before a caseworker opens it.

A photo carries where it was taken (GPS), on what phone, and often the owner's name; a PDF carries its
author. The contact page promises these are removed, and a caseworker's laptop is one more place to seize.
So when a contact's file has arrived and is recorded, a cleaned copy is made beside it:

* the received file stays as sealed evidence, untouched: its SHA-256 is the one the ledger committed to
  ("file_in"), so a court can still check it; the console hands it out only on an explicit, audited choice;
* the body is decrypted into a private temporary folder in memory (``/dev/shm`` where there is one),
  cleaned by mat2 (as ``testimony strip`` does), checked with exiftool, encrypted under a new key beside the
  original, and the plaintext copies are overwritten and removed whatever happens;
* what was removed (in words a caseworker understands: "GPS position", "camera model", "author"), or why
  nothing was ("not cleaned: …"), is kept in the file's sealed description and shown next to the file.

Cleaning runs synchronously when the upload finishes (images and PDFs take well under a second); a file
above `MAX_CLEAN_BYTES` is left for a later job and says so. A background job engine is planned; this
module's `clean` is the unit it will run.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from safeconduct.cases import events
from safeconduct.cases.content import FileView, _file_view, _meta_aad, final_path
from safeconduct.cases.models import CaseFile
from safeconduct.config import Settings
from safeconduct.crypto import aead, filestream
from safeconduct.errors import NotFound
from safeconduct.i18n_markers import N_
from safeconduct.testimony.metadata import MetadataError, strip_document

#: Larger files are not cleaned on arrival (it would hold the upload's request); they say so.
MAX_CLEAN_BYTES = 200 * 1024 * 1024

#: What mat2 can clean, recognised by the file's first bytes (never by the name or type the sender gave).
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"%PDF-", ".pdf"),
    (b"II*\x00", ".tiff"),
    (b"MM\x00*", ".tiff"),
    (b"GIF87a", ".gif"),
    (b"GIF89a", ".gif"),
)

#: exiftool tag names (without group) grouped into the words shown to a caseworker. Order = display order.
CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("GPS position"), ("GPS",)),
    (N_("camera model"), ("Make", "Model", "CameraModelName", "LensModel", "LensMake", "SerialNumber",
                          "InternalSerialNumber", "BodySerialNumber", "LensSerialNumber", "UniqueCameraModel")),
    (N_("author"), ("Artist", "Author", "Creator", "By-line", "OwnerName", "CameraOwnerName", "XPAuthor",
                    "Copyright", "Rights", "LastModifiedBy")),
    (N_("dates"), ("DateTimeOriginal", "CreateDate", "ModifyDate", "DateTimeDigitized", "MetadataDate",
                   "SubSecTimeOriginal", "OffsetTime")),
    (N_("software"), ("Software", "Producer", "CreatorTool", "HostComputer")),
)
OTHER = N_("other hidden details")

#: Tags that describe the file's own format, not the person or the device (never listed as removed).
_STRUCTURAL = frozenset({
    "SourceFile", "ExifToolVersion", "FileName", "Directory", "FileSize", "FileModifyDate", "FileAccessDate",
    "FileInodeChangeDate", "FilePermissions", "FileType", "FileTypeExtension", "MIMEType", "ImageWidth",
    "ImageHeight", "EncodingProcess", "BitsPerSample", "ColorComponents", "YCbCrSubSampling", "ImageSize",
    "Megapixels", "BitDepth", "ColorType", "Compression", "Filter", "Interlace", "PDFVersion", "Linearized",
    "PageCount", "JFIFVersion", "ResolutionUnit", "XResolution", "YResolution", "Encoding", "Warning",
    "ExifByteOrder", "YCbCrPositioning", "CurrentIPTCDigest", "PixelUnits", "PixelsPerUnitX", "PixelsPerUnitY",
    "Orientation", "ColorSpace", "ExifVersion", "ComponentsConfiguration", "FlashpixVersion", "GIFVersion",
    "HasColorMap", "ColorResolutionDepth", "BackgroundColor", "Duration", "FrameCount", "AnimationIterations",
    "PhotometricInterpretation", "StripOffsets", "StripByteCounts", "RowsPerStrip", "SamplesPerPixel",
    "PlanarConfiguration", "SRGBRendering", "Gamma", "ImageDescription", "ThumbnailOffset", "ThumbnailLength",
    "ThumbnailImage", "ExifImageWidth", "ExifImageHeight", "PixelXDimension", "PixelYDimension", "Tagged PDF",
    "TaggedPDF", "FillOrder", "Predictor", "SampleFormat", "ExtraSamples", "Transparency", "InteropIndex",
    "InteropVersion",
})


@dataclass(frozen=True)
class Cleaning:
    """Where a file stands: cleaned (with what was removed), not cleaned (with why), or not needed."""

    status: str  # "cleaned", "not_cleaned", "pending" (not run yet), "not_needed" (a caseworker's own file)
    removed: tuple[str, ...] = ()
    reason: str | None = None
    size: int | None = None
    sha256: str | None = None

    @property
    def cleaned(self) -> bool:
        return self.status == "cleaned"


NOT_NEEDED = Cleaning("not_needed")
PENDING = Cleaning("pending", reason=N_("cleaning has not run yet"))


def clean_path(settings: Settings, file_id: str) -> Path:
    """Where the cleaned copy of a file is kept (encrypted under its own key)."""
    return settings.files_dir / f"{file_id}.clean.enc"


def _clean_aad(file_id: str) -> bytes:
    return f"{file_id}:clean".encode()


def _read(db: Session, case_id: str, case_key: bytes, file_id: str) -> tuple[CaseFile, dict[str, object]]:
    row = db.get(CaseFile, file_id)
    if row is None or row.case_id != case_id:
        raise NotFound("No such file in this case.")
    return row, json.loads(aead.decrypt(case_key, row.meta_ciphertext, _meta_aad(case_id, file_id)))


def state(db: Session, *, case_id: str, case_key: bytes, file_id: str) -> Cleaning:
    """The cleaning state of one file, from its sealed description."""
    return _state(_read(db, case_id, case_key, file_id)[1])


def states(db: Session, *, case_id: str, case_key: bytes, files: list[FileView]) -> dict[str, Cleaning]:
    """The cleaning state of each listed file (for the console's file list)."""
    return {f.id: state(db, case_id=case_id, case_key=case_key, file_id=f.id) for f in files}


def _state(meta: dict[str, object]) -> Cleaning:
    author = meta.get("author")
    if not isinstance(author, dict) or author.get("kind") != "contact":
        return NOT_NEEDED
    clean = meta.get("clean")
    if not isinstance(clean, dict):
        return PENDING
    return Cleaning(status=str(clean["status"]), removed=tuple(clean.get("removed", ())),
                    reason=clean.get("reason"), size=clean.get("size"), sha256=clean.get("sha256"))


def clean(db: Session, settings: Settings, *, case_id: str, case_key: bytes, signing_key: SigningKey,
          file_id: str) -> Cleaning:
    """Make the cleaned copy of a contact's file (once) and record the outcome; never raises for a bad file.

    A failure of any kind is recorded as "not cleaned" with its reason, so the console says so instead of
    silently handing out the original. The cleaned copy's hash is a "file_cleaned" ledger event.
    """
    row, meta = _read(db, case_id, case_key, file_id)
    current = _state(meta)
    if current.status != "pending":
        return current
    try:
        outcome, body_key = _clean_body(settings, file_id, meta)
    except Exception as exc:  # noqa: BLE001 (any failure must be shown, not swallowed or raised at the upload)
        outcome, body_key = Cleaning("not_cleaned", reason=_reason(exc)), None
    record: dict[str, object] = {"status": outcome.status, "removed": list(outcome.removed),
                                 "reason": outcome.reason, "size": outcome.size, "sha256": outcome.sha256}
    if body_key is not None:
        record["key"] = base64.b64encode(body_key).decode()
        events.record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind="file_cleaned",
                      plaintext=json.dumps({"file": file_id, "original_sha256": meta["sha256"],
                                            "sha256": outcome.sha256, "removed": list(outcome.removed)},
                                           sort_keys=True).encode(),
                      at=dt.datetime.now(dt.UTC))
    meta["clean"] = record
    row.meta_ciphertext = aead.encrypt(case_key, json.dumps(meta).encode(), _meta_aad(case_id, file_id))
    try:
        db.commit()
    except Exception:
        db.rollback()
        clean_path(settings, file_id).unlink(missing_ok=True)
        raise
    return outcome


def after_arrival(db: Session, settings: Settings, *, case_id: str, case_key: bytes, signing_key: SigningKey,
                  file: FileView) -> Cleaning:
    """The step after a file is recorded: clean it if a contact sent it (a caseworker's own file is not)."""
    if file.author.kind != "contact":
        return NOT_NEEDED
    return clean(db, settings, case_id=case_id, case_key=case_key, signing_key=signing_key, file_id=file.id)


class _Unsupported(Exception):
    pass


#: A path in the private scratch folder, as a tool's message may quote it: the caseworker needs the reason,
#: not where the plaintext briefly lay.
_SCRATCH_PATH = re.compile(r"/dev/shm/\S*|/tmp/\S*")  # noqa: S108 - matched, never written to


def _reason(exc: Exception) -> str:
    if isinstance(exc, _Unsupported | MetadataError):
        return _SCRATCH_PATH.sub("the file", str(exc)).rstrip(":. ")
    return f"cleaning failed ({type(exc).__name__})"


def _clean_body(settings: Settings, file_id: str, meta: dict[str, object]) -> tuple[Cleaning, bytes | None]:
    size = int(meta["size"])  # type: ignore[call-overload]
    if size > MAX_CLEAN_BYTES:
        raise _Unsupported(N_("too large to clean on arrival"))
    key = base64.b64decode(str(meta["key"]))
    with private_dir() as work:
        blocks = filestream.decrypt_blocks(final_path(settings, file_id), file_id.encode(), key)
        first = next(blocks, b"")
        suffix = next((ext for magic, ext in _SIGNATURES if first.startswith(magic)), None)
        if suffix is None:
            raise _Unsupported(N_("this kind of file cannot be cleaned"))
        source, output = work / f"received{suffix}", work / f"cleaned{suffix}"
        with source.open("wb") as fh:
            fh.write(first)
            for block in blocks:
                fh.write(block)
        before = exif_tags(source)
        strip_document(source, output)
        left = [t for t in exif_tags(output) if t not in _STRUCTURAL]
        sensitive_left = sorted(set(describe(left)) - {OTHER})
        if sensitive_left:
            raise MetadataError("still contains: " + ", ".join(sensitive_left))
        removed = tuple(describe([t for t in before if t not in _STRUCTURAL and t not in left]))
        body_key = aead.new_key()
        sha = hashlib.sha256()
        target = clean_path(settings, file_id)
        writer = filestream.EncryptedFileWriter.create(target, _clean_aad(file_id), body_key)
        try:
            with output.open("rb") as fh:
                while chunk := fh.read(1024 * 1024):
                    sha.update(chunk)
                    writer.write(chunk)
            written = writer.finish()
        except BaseException:
            writer.close()
            target.unlink(missing_ok=True)
            raise
    return Cleaning("cleaned", removed=removed, size=written, sha256=sha.hexdigest()), body_key


def describe(tags: list[str]) -> list[str]:
    """Tag names → the categories shown to a caseworker, in display order, each once."""
    found: list[str] = []
    for name, prefixes in CATEGORIES:
        if any(t == p or (p == "GPS" and t.startswith("GPS")) for t in tags for p in prefixes):
            found.append(name)
    known = {p for _, prefixes in CATEGORIES for p in prefixes}
    if any(not t.startswith("GPS") and t not in known for t in tags):
        found.append(OTHER)
    return found


def exif_tags(path: Path) -> list[str]:
    """The names of the metadata tags exiftool finds (values are never kept: they are what we remove)."""
    tool = shutil.which("exiftool")
    if tool is None:
        raise MetadataError("exiftool is not installed (Debian package: libimage-exiftool-perl)")
    done = subprocess.run([tool, "-j", "-s", "-G0", "--", str(path)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise MetadataError(f"exiftool cannot read the file: {done.stderr.strip()[:200]}")
    [data] = json.loads(done.stdout or "[{}]")
    return sorted({k.split(":", 1)[-1] for k, _ in data.items()
                   if not k.startswith(("File:", "ExifTool:", "Composite:", "System:"))})


def open_clean(settings: Settings, *, file_id: str, cleaning_key: bytes) -> Iterator[bytes]:
    return filestream.decrypt_blocks(clean_path(settings, file_id), _clean_aad(file_id), cleaning_key)


def cleaned_copy(db: Session, settings: Settings, *, case_id: str, case_key: bytes, file_id: str,
                 max_bytes: int) -> bytes | None:
    """The cleaned copy of a file, decrypted in memory (never on disk), or None when there is none.

    None also when it is larger than `max_bytes`: a caller that only needs a picture of it reads no more.
    """
    _row, meta = _read(db, case_id, case_key, file_id)
    outcome = _state(meta)
    clean_meta = meta.get("clean")
    if not outcome.cleaned or not isinstance(clean_meta, dict) or (outcome.size or 0) > max_bytes:
        return None
    return b"".join(open_clean(settings, file_id=file_id, cleaning_key=base64.b64decode(clean_meta["key"])))


def open_for_staff(db: Session, settings: Settings, *, case_id: str, case_key: bytes, signing_key: SigningKey,
                   file_id: str) -> tuple[FileView, Cleaning, Iterator[bytes]]:
    """What a caseworker gets by default: the cleaned copy, or the received file when none could be made.

    A contact's file whose cleaning never ran (a crash, or a file from before cleaning existed) is cleaned
    now, so the default never hands out a file that was not at least tried.
    """
    row, meta = _read(db, case_id, case_key, file_id)
    if _state(meta).status == "pending":
        clean(db, settings, case_id=case_id, case_key=case_key, signing_key=signing_key, file_id=file_id)
        row, meta = _read(db, case_id, case_key, file_id)
    view, key = _file_view(case_id, case_key, row)
    outcome = _state(meta)
    if outcome.cleaned:
        clean_meta = meta["clean"]
        assert isinstance(clean_meta, dict)
        body = open_clean(settings, file_id=file_id, cleaning_key=base64.b64decode(clean_meta["key"]))
        return view, outcome, body
    return view, outcome, filestream.decrypt_blocks(final_path(settings, file_id), file_id.encode(), key)


# --- a private place for plaintext ------------------------------------------------------------------

def _private_root() -> str | None:
    """Shared memory (gone at power-off) where it exists and is writable; else the system default.

    mkdtemp makes a fresh private folder under it, so a world-writable parent is safe here.
    """
    shm = Path("/dev/shm")  # noqa: S108
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


class private_dir:  # noqa: N801 (used as a context manager, like tempfile.TemporaryDirectory)
    """A folder only this user can read, in memory where possible; its files are overwritten, then removed."""

    def __enter__(self) -> Path:
        self.path = Path(tempfile.mkdtemp(prefix="sc-clean-", dir=_private_root()))
        os.chmod(self.path, 0o700)
        return self.path

    def __exit__(self, *exc: object) -> None:
        wipe(self.path)


def wipe(folder: Path) -> None:
    """Overwrite every file under `folder` with zeros, then remove the folder."""
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file() and not path.is_symlink():
            try:
                size = path.stat().st_size
                with path.open("r+b") as fh:
                    while size > 0:
                        n = min(size, 1024 * 1024)
                        fh.write(b"\0" * n)
                        size -= n
                    fh.flush()
                    os.fsync(fh.fileno())
            except OSError:
                pass
    shutil.rmtree(folder, ignore_errors=True)
