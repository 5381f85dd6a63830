"""The studio's services: prepare a testimony from a case file, follow it, review, cancel, retry, approve.

Every function takes the caller's case key (opened from the caseworker's seal) and never keeps it; what a
testimony says (file name, findings, review, outputs' keys, report, transcript) is stored under it. The
work runs on a worker (`safeconduct.jobs`): here a job is queued with the case key sealed to the enrolled
workers for that job only, and the seals are removed when the job ends or stops at the review.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from nacl.signing import SigningKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from safeconduct.cases import audit, content, events
from safeconduct.cases.content import FileView
from safeconduct.config import Settings
from safeconduct.crypto import aead, filestream
from safeconduct.errors import Conflict, InvalidInput, NotFound
from safeconduct.i18n_markers import N_
from safeconduct.jobs import engine as job_engine
from safeconduct.jobs.models import Job
from safeconduct.testimony.studio import storage
from safeconduct.testimony.studio.models import Testimony

#: The pipeline's stages, in order (`safeconduct.testimony.pipeline.run.STAGES`, repeated here so that a
#: page listing testimonies needs not import the pipeline and its libraries).
STAGES = ("probe", "transcribe", "detect", "voice", "faces", "audio", "metadata", "outputs")
#: The stages before the review, and those after it (re-run when the review changes).
BEFORE_REVIEW = ("probe", "transcribe", "detect")
VOICE_METHODS = ("disguise", "mcadams", "pitch", "revoice", "none")
#: `disguise`: the method whose privacy we measured best (docs/testimony.md).
DEFAULT_VOICE = "disguise"
FACE_MODES = ("blur", "mask", "silhouette", "keep")
DEFAULT_FACES = "blur"
LANGUAGES = ("auto", "en", "fr", "ar")
KINDS = ("PERSON", "PLACE", "UNIT", "DATE", "PHONE", "EMAIL", "HANDLE", "ID", "NATIONALITY")
MEDIA_SUFFIXES = (".mp4", ".mov", ".mkv", ".webm", ".wav", ".flac", ".m4a", ".mp3", ".ogg", ".opus")
#: What an output is called for the reader, whatever the recording's name was.
OUTPUT_TYPES = {
    ".mp4": "video/mp4",
    ".mov": "video/quicktime",
    ".mkv": "video/x-matroska",
    ".webm": "video/webm",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".m4a": "audio/mp4",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".vtt": "text/vtt; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".srt": "application/x-subrip",
    ".json": "application/json",
}
#: Error codes stored in the clear, and what they say when no detail could be stored under the case key.
ERRORS = {
    "stage_failed": N_("The stage %(stage)s failed."),
    "no_worker_key": N_(
        "No enrolled worker holds a key for this job: a worker needs enrolling "
        "(`safeconduct worker enrol --data DIR`), then retry."
    ),
    "cancelled": N_("Cancelled by a caseworker."),
    "interrupted": N_("The worker stopped during the stage %(stage)s."),
    "scratch_full": N_("The worker's scratch space filled up during the stage %(stage)s."),
}


@dataclass(frozen=True)
class FindingView:
    id: str
    kind: str
    text: str
    start: float
    end: float
    accepted: bool
    context: str = ""  # a few words around it, from the transcript
    added: bool = False  # added by a reviewer


@dataclass(frozen=True)
class TestimonyView:
    id: str
    case_id: str
    file_id: str
    file_name: str
    state: str  # queued | running | review | done | failed | cancelled
    stage: str | None
    progress: float
    stages: list[tuple[str, str]]  # (stage, "done" | "running" | "waiting" | "failed" | "skipped")
    error: str | None
    options: dict[str, str]
    findings: list[FindingView]
    outputs: list[str]
    redacted_transcript: str | None
    report: dict[str, Any] | None
    approved: bool
    created_on: dt.date


@dataclass(frozen=True)
class StoredOutput:
    """One decrypted output: read any byte range of it, decrypting only the blocks the range covers."""

    name: str
    content_type: str
    size: int
    sha256: str
    _path: Any = field(repr=False, default=None)
    _file_id: bytes = field(repr=False, default=b"")
    _key: bytes = field(repr=False, default=b"")

    def iter_bytes(self, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Bytes `start` to `end` (exclusive; None: to the end of the output)."""
        return filestream.decrypt_range(self._path, self._file_id, self._key, start, end)


# --- the encrypted parts of a testimony -------------------------------------------------------------


def _aad(part: str, case_id: str, testimony_id: str) -> bytes:
    return f"testimony-{part}:{case_id}:{testimony_id}".encode()


def seal_part(case_key: bytes, part: str, case_id: str, testimony_id: str, data: Any) -> bytes:
    return aead.encrypt(case_key, json.dumps(data, ensure_ascii=False).encode(), _aad(part, case_id, testimony_id))


def open_part(case_key: bytes, part: str, case_id: str, testimony_id: str, blob: bytes | None) -> Any:
    if blob is None:
        return None
    return json.loads(aead.decrypt(case_key, blob, _aad(part, case_id, testimony_id)))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _signing(db: Session, settings: Settings, signing_key: SigningKey | None) -> SigningKey:
    if signing_key is not None:
        return signing_key
    from safeconduct.org import service as org_service

    return org_service.load(settings, db).signing_key


def _rows(db: Session, case_id: str, testimony_id: str) -> tuple[Job, Testimony]:
    job = db.get(Job, testimony_id, populate_existing=True)
    row = db.get(Testimony, testimony_id, populate_existing=True)
    if job is None or row is None or row.case_id != case_id:
        raise NotFound("No such testimony in this case.")
    return job, row


# --- reading -----------------------------------------------------------------------------------------


def is_media(file: FileView) -> bool:
    kind = file.content_type.split("/")[0]
    return kind in ("audio", "video") or file.name.lower().endswith(MEDIA_SUFFIXES)


def media_files(db: Session, *, case_id: str, case_key: bytes) -> list[FileView]:
    """The case's audio and video files, the ones a testimony can be prepared from."""
    content.get_case(db, case_id)
    return [f for f in content.list_files(db, case_id=case_id, case_key=case_key) if is_media(f)]


def _stage_list(job: Job, options: dict[str, str] | None = None) -> list[tuple[str, str]]:
    done = set(filter(None, job.stages_done.split(",")))
    options = options or {}
    skipped = {"voice"} if options.get("voice_method") == "none" else set()
    skipped |= {"faces"} if options.get("faces") == "keep" else set()
    out = []
    for stage in STAGES:
        if stage in done:
            status = "skipped" if stage in skipped else "done"
        elif job.state == "running" and stage == job.stage:
            status = "running"
        elif job.state == "failed" and stage == (job.error_stage or job.stage):
            status = "failed"
        elif job.state == "review" and stage not in BEFORE_REVIEW:
            status = "waiting"
        else:
            status = "waiting"
        out.append((stage, status))
    return out


def _error(job: Job, case_key: bytes, case_id: str) -> str | None:
    if job.state not in ("failed", "cancelled") or not job.error_code:
        return None
    if job.error_ciphertext is not None:
        try:
            return str(open_part(case_key, "error", case_id, job.id, job.error_ciphertext))
        except aead.DecryptionError:
            pass
    text = ERRORS.get(job.error_code, ERRORS["stage_failed"])
    return text % {"stage": job.error_stage or job.stage or "probe"}


def _view(job: Job, row: Testimony, case_key: bytes, *, quote: bool = True) -> TestimonyView:
    """`quote=False` (lists, progress polls): state and progress only, no finding or transcript decrypted."""
    meta = open_part(case_key, "meta", row.case_id, row.id, row.meta_ciphertext)
    found = (open_part(case_key, "findings", row.case_id, row.id, row.findings_ciphertext) or {}) if quote else {}
    result = open_part(case_key, "result", row.case_id, row.id, row.result_ciphertext) or {}
    if not quote:
        result = {**result, "transcript": None, "report": None}
    findings = [
        FindingView(
            id=f["id"],
            kind=f["kind"],
            text=f["text"],
            start=float(f.get("start", 0.0)),
            end=float(f.get("end", 0.0)),
            accepted=bool(f.get("accepted", True)),
            context=f.get("context", ""),
            added=bool(f.get("added", False)),
        )
        for f in found.get("findings", [])
    ]
    state = job.state
    return TestimonyView(
        id=row.id,
        case_id=row.case_id,
        file_id=meta["file_id"],
        file_name=meta["file_name"],
        state=state,
        stage=job.stage,
        progress=float(job.progress),
        stages=_stage_list(job, meta["options"]),
        error=_error(job, case_key, row.case_id),
        options=dict(meta["options"]),
        findings=findings,
        outputs=[o["name"] for o in result.get("outputs", [])] if state == "done" else [],
        redacted_transcript=result.get("transcript") if state == "done" else None,
        report=result.get("report") if state == "done" else None,
        approved=bool(row.approved),
        created_on=row.created_on,
    )


def list_for_case(db: Session, *, case_id: str, case_key: bytes) -> list[TestimonyView]:
    """The case's testimonies, newest first: a list quotes no finding and no transcript (open one to read them,
    audited), so listing a case's testimonies leaves no audit trail to explain."""
    content.get_case(db, case_id)
    rows = db.scalars(select(Testimony).where(Testimony.case_id == case_id)).all()
    views = []
    for row in rows:
        job = db.get(Job, row.id, populate_existing=True)
        if job is not None:
            views.append(_view(job, row, case_key, quote=False))
    return sorted(views, key=lambda v: (v.created_on, v.id), reverse=True)


def view(
    db: Session, *, case_id: str, case_key: bytes, testimony_id: str, staff_id: int | None = None, quote: bool = True
) -> TestimonyView:
    """One testimony; when it quotes findings and `staff_id` is given, the read is audited. A progress poll
    passes `quote=False`: nothing identifying is decrypted, so nothing needs auditing."""
    job, row = _rows(db, case_id, testimony_id)
    result = _view(job, row, case_key, quote=quote)
    if staff_id is not None and (result.findings or result.redacted_transcript):
        audit.record(db, staff_id=staff_id, action="view_testimony", case_id=case_id, target=testimony_id)
        db.commit()
    return result


# --- starting and steering a job ---------------------------------------------------------------------


def _options(voice_method: str | None, faces: str | None, language: str | None) -> dict[str, str]:
    voice = voice_method or DEFAULT_VOICE
    face = faces or DEFAULT_FACES
    lang = language or "auto"
    if voice not in VOICE_METHODS:
        raise InvalidInput("Unknown voice method: choose one of %(choices)s.", choices=", ".join(VOICE_METHODS))
    if face not in FACE_MODES:
        raise InvalidInput("Unknown faces mode: choose one of %(choices)s.", choices=", ".join(FACE_MODES))
    if lang not in LANGUAGES:
        raise InvalidInput("Unknown language: choose one of %(choices)s.", choices=", ".join(LANGUAGES))
    return {"voice_method": voice, "faces": face, "language": lang}


def prepare(
    db: Session,
    settings: Settings,
    *,
    case_id: str,
    case_key: bytes,
    staff_id: int,
    file_id: str,
    voice_method: str | None = None,
    faces: str | None = None,
    language: str | None = None,
    signing_key: SigningKey | None = None,
) -> TestimonyView:
    """Queue the preparation of a testimony from one of the case's audio or video files."""
    content.get_case(db, case_id)
    options = _options(voice_method, faces, language)
    files = {f.id: f for f in content.list_files(db, case_id=case_id, case_key=case_key)}
    file = files.get(file_id) if isinstance(file_id, str) else None
    if file is None:
        raise NotFound("No such file in this case.")
    if not is_media(file):
        raise InvalidInput("Only an audio or video file can be prepared as a testimony.")
    signing = _signing(db, settings, signing_key)
    at = _now()
    testimony_id = secrets.token_hex(16)
    nonce = events.record(
        db,
        case_id=case_id,
        case_key=case_key,
        signing_key=signing,
        kind="testimony_prepared",
        plaintext=json.dumps(
            {"testimony": testimony_id, "file_sha256": file.sha256, "options": options}, sort_keys=True
        ).encode(),
        at=at,
    )
    job = Job(
        id=testimony_id,
        kind="testimony",
        case_id=case_id,
        state="queued",
        phase="detect",
        stage=None,
        progress=0.0,
        stages_done="",
        cancel_requested=False,
        attempts=0,
        beat=0,
        created_on=at.date(),
    )
    db.add(job)
    db.flush()
    from safeconduct.testimony.studio.case_knowledge import gather

    meta = {
        "file_id": file.id,
        "file_name": file.name,
        "options": options,
        "staff_id": staff_id,
        "nonces": {"prepared": base64.b64encode(nonce).decode()},
        # what the case already knows, hidden in the testimony whatever the models say
        "knowledge": gather(db, case_id=case_id, case_key=case_key, signing_key=signing),
    }
    row = Testimony(
        id=testimony_id,
        case_id=case_id,
        created_on=at.date(),
        approved=False,
        meta_ciphertext=seal_part(case_key, "meta", case_id, testimony_id, meta),
    )
    db.add(row)
    job_engine.seal_for_job(db, job, case_key, settings)
    db.commit()
    job_engine.enqueue(db, settings, job.id)
    return _view(job, row, case_key)


def _context(text: str, start: int, end: int, words: int = 4) -> str:
    before = text[:start].split()[-words:]
    after = text[end:].split()[:words]
    return " ".join([*before, text[start:end], *after])


def review(
    db: Session,
    settings: Settings,
    *,
    case_id: str,
    case_key: bytes,
    staff_id: int,
    testimony_id: str,
    rejected: list[str],
    added: list[tuple[str, str]],
    signing_key: SigningKey | None = None,
) -> TestimonyView:
    """Apply a caseworker's review (false alarms dropped, missed words added) and let the job go on."""
    job, row = _rows(db, case_id, testimony_id)
    if job.state != "review":
        raise Conflict("This testimony is not waiting for a review.")
    found = open_part(case_key, "findings", case_id, testimony_id, row.findings_ciphertext) or {}
    findings = [f for f in found.get("findings", []) if not f.get("added")]
    ids = {f["id"] for f in findings}
    unknown = [r for r in rejected if r not in ids]
    if unknown:
        raise InvalidInput("No finding with the id %(id)s.", id=str(unknown[0])[:40])
    transcript = found.get("transcript", "")
    extra = []
    for number, (kind, text) in enumerate(added, 1):
        word = (text or "").strip() if isinstance(text, str) else ""
        if kind not in KINDS:
            raise InvalidInput("Unknown kind of finding: choose one of %(choices)s.", choices=", ".join(KINDS))
        if not word or len(word) > 200:
            raise InvalidInput("A word to hide must be between 1 and 200 characters.")
        hits = [m for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", transcript, re.IGNORECASE)]
        if not hits:
            raise InvalidInput("A word to hide does not occur in the transcript.")
        first = hits[0]
        extra.append(
            {
                "id": f"a{number}",
                "kind": kind,
                "text": word,
                "start": 0.0,
                "end": 0.0,
                "accepted": True,
                "added": True,
                "context": _context(transcript, first.start(), first.end()),
            }
        )
    for f in findings:
        f["accepted"] = f["id"] not in set(rejected)
    found["findings"] = findings + extra
    row.findings_ciphertext = seal_part(case_key, "findings", case_id, testimony_id, found)
    signing = _signing(db, settings, signing_key)
    nonce = events.record(
        db,
        case_id=case_id,
        case_key=case_key,
        signing_key=signing,
        kind="testimony_reviewed",
        plaintext=json.dumps(
            {"testimony": testimony_id, "rejected": len(rejected), "added": len(extra)}, sort_keys=True
        ).encode(),
        at=_now(),
    )
    meta = open_part(case_key, "meta", case_id, testimony_id, row.meta_ciphertext)
    meta["nonces"]["reviewed"] = base64.b64encode(nonce).decode()
    meta["reviewed_by"] = staff_id
    row.meta_ciphertext = seal_part(case_key, "meta", case_id, testimony_id, meta)
    audit.record(db, staff_id=staff_id, action="review_testimony", case_id=case_id, target=testimony_id)
    job.phase, job.state, job.progress, job.stage = "apply", "queued", 0.0, None
    job.stages_done = ",".join(s for s in job.stages_done.split(",") if s in BEFORE_REVIEW)
    job.error_code = job.error_stage = None
    job.error_ciphertext = None
    job_engine.seal_for_job(db, job, case_key, settings)
    db.commit()
    job_engine.enqueue(db, settings, job.id)
    return _view(job, row, case_key)


def cancel(
    db: Session, *, case_id: str, testimony_id: str, staff_id: int, case_key: bytes | None = None
) -> TestimonyView:
    """Stop a job: at once when it waits, at the running stage's next progress tick when it runs.

    Without `case_key` the view returned has no file name, options or findings (they are under the key).
    """
    job = db.get(Job, testimony_id, populate_existing=True)
    row = db.get(Testimony, testimony_id, populate_existing=True)
    if job is None or row is None or job.case_id != case_id:
        raise NotFound("No such testimony in this case.")
    if job.state not in ("queued", "running", "review"):
        raise Conflict("This testimony is not running or waiting: there is nothing to cancel.")
    audit.record(db, staff_id=staff_id, action="cancel_testimony", case_id=case_id, target=testimony_id)
    job_engine.request_cancel(db, job)
    db.commit()
    if case_key is not None:
        return _view(job, row, case_key)
    return TestimonyView(
        id=row.id,
        case_id=case_id,
        file_id="",
        file_name="",
        state=job.state,
        stage=job.stage,
        progress=float(job.progress),
        stages=_stage_list(job),
        error=None,
        options={},
        findings=[],
        outputs=[],
        redacted_transcript=None,
        report=None,
        approved=bool(row.approved),
        created_on=row.created_on,
    )


def retry(
    db: Session, settings: Settings, *, case_id: str, case_key: bytes, testimony_id: str, staff_id: int
) -> TestimonyView:
    """Queue a failed or cancelled job again; it resumes from the last finished stage."""
    job, row = _rows(db, case_id, testimony_id)
    if job.state not in ("failed", "cancelled"):
        raise Conflict("Only a failed or cancelled testimony can be retried.")
    audit.record(db, staff_id=staff_id, action="retry_testimony", case_id=case_id, target=testimony_id)
    job.state, job.cancel_requested = "queued", False
    job.error_code = job.error_stage = None
    job.error_ciphertext = None
    job.holder = None
    job_engine.seal_for_job(db, job, case_key, settings)
    db.commit()
    job_engine.enqueue(db, settings, job.id)
    return _view(job, row, case_key)


def approve(
    db: Session,
    settings: Settings,
    *,
    case_id: str,
    case_key: bytes,
    testimony_id: str,
    staff_id: int,
    signing_key: SigningKey | None = None,
) -> TestimonyView:
    """Approve the anonymized outputs: a case event commits to their hashes (the dossier may disclose it)."""
    job, row = _rows(db, case_id, testimony_id)
    if job.state != "done":
        raise Conflict("Only a finished testimony can be approved.")
    if row.approved:
        raise Conflict("This testimony is already approved.")
    result = open_part(case_key, "result", case_id, testimony_id, row.result_ciphertext) or {}
    outputs = [{"name": o["name"], "sha256": o["sha256"], "size": o["size"]} for o in result.get("outputs", [])]
    signing = _signing(db, settings, signing_key)
    at = _now()
    plaintext = json.dumps({"testimony": testimony_id, "outputs": outputs}, sort_keys=True)
    nonce = events.record(
        db,
        case_id=case_id,
        case_key=case_key,
        signing_key=signing,
        kind="testimony_approved",
        plaintext=plaintext.encode(),
        at=at,
    )
    meta = open_part(case_key, "meta", case_id, testimony_id, row.meta_ciphertext)
    meta["nonces"]["approved"] = base64.b64encode(nonce).decode()
    # what the ledger committed to, exactly, so that a dossier can disclose it with the person's consent
    meta["approved"] = {"plaintext": plaintext, "at": at.isoformat(), "names": [o["name"] for o in outputs]}
    meta["approved_by"] = staff_id
    row.meta_ciphertext = seal_part(case_key, "meta", case_id, testimony_id, meta)
    row.approved = True
    audit.record(db, staff_id=staff_id, action="approve_testimony", case_id=case_id, target=testimony_id)
    db.commit()
    return _view(job, row, case_key)


def open_output(
    db: Session, settings: Settings, *, case_id: str, case_key: bytes, testimony_id: str, name: str
) -> StoredOutput:
    """One output of a finished testimony, decrypted as it is read."""
    job, row = _rows(db, case_id, testimony_id)
    if job.state != "done":
        raise NotFound("This testimony has no outputs yet.")
    result = open_part(case_key, "result", case_id, testimony_id, row.result_ciphertext) or {}
    for output in result.get("outputs", []):
        if output["name"] == name:
            return StoredOutput(
                name=name,
                content_type=output["content_type"],
                size=int(output["size"]),
                sha256=output["sha256"],
                _path=storage.path(settings, output["file"]),
                _file_id=output["file"].encode(),
                _key=base64.b64decode(output["key"]),
            )
    raise NotFound("No such output of this testimony.")


def approved_disclosures(
    db: Session, *, case_id: str, case_key: bytes
) -> list[tuple[str, str, dt.datetime, bytes, bytes]]:
    """(id, preview, at, nonce, plaintext) of each approved testimony: the outputs' hashes the ledger committed."""
    found = []
    for row in db.scalars(select(Testimony).where(Testimony.case_id == case_id, Testimony.approved.is_(True))):
        meta = open_part(case_key, "meta", case_id, row.id, row.meta_ciphertext)
        approved = meta.get("approved")
        if approved and meta.get("nonces", {}).get("approved"):
            found.append(
                (
                    row.id,
                    ", ".join(approved["names"]),
                    dt.datetime.fromisoformat(approved["at"]),
                    base64.b64decode(meta["nonces"]["approved"]),
                    approved["plaintext"].encode(),
                )
            )
    return found
