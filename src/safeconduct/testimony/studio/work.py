"""The testimony job as a worker runs it: decrypt into scratch, run the pipeline there, encrypt what it made.

Two phases. "detect" runs probe → transcribe → detect and stops for the review: the findings (they quote
the identifying words) are stored under the case key. "apply" writes the reviewed list back as the
pipeline's review file and runs the remaining stages. After each finished stage the pipeline's working
folder is checkpointed, encrypted under the case key, outside the scratch space: a retry, or another worker
taking over, restores it and the pipeline resumes from the last finished stage. The outputs are encrypted
one by one under new file keys and become visible in a single transaction at the very end, conditional on
this run still holding the job; nothing is half-written and shown as done, nothing is committed twice.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import io
import json
import re
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from safeconduct.cases import content
from safeconduct.crypto import aead, filestream
from safeconduct.jobs import engine, scratch
from safeconduct.jobs.runner import Context, JobFailed, JobStopped
from safeconduct.testimony.studio import storage
from safeconduct.testimony.studio.models import Testimony
from safeconduct.testimony.studio.service import BEFORE_REVIEW, OUTPUT_TYPES, STAGES, open_part, seal_part

WORK = ".safeconduct-work"


class _WriterFile(io.RawIOBase):
    """A write-only file object over an `EncryptedFileWriter` (tarfile streams into it)."""

    def __init__(self, writer: filestream.EncryptedFileWriter) -> None:
        self._writer = writer

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._writer.write(chunk)
        return len(chunk)


class _ReaderFile(io.RawIOBase):
    """A read-only file object over decrypted blocks (tarfile streams out of it)."""

    def __init__(self, blocks: Iterator[bytes]) -> None:
        self._blocks, self._buffer = blocks, b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self._buffer:
            try:
                self._buffer = next(self._blocks)
            except StopIteration:
                return 0
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


def _checkpoint(ctx: Context, out: Path) -> None:
    """Encrypt the pipeline's working folder into storage and point the testimony at it."""
    folder = out / WORK
    if not folder.is_dir():
        return
    storage.folder(ctx.settings).mkdir(parents=True, exist_ok=True, mode=0o700)
    file_id = storage.new_id()
    path = storage.path(ctx.settings, file_id)
    writer = filestream.EncryptedFileWriter.create(path, file_id.encode(), ctx.case_key)
    try:
        with tarfile.open(fileobj=_WriterFile(writer), mode="w|") as tar:
            for item in sorted(folder.iterdir()):
                if item.is_file() and not item.name.endswith(".partial"):
                    tar.add(item, arcname=item.name)
        writer.finish()
    except BaseException:
        writer.abort()
        raise
    with ctx.db() as db:
        row = db.get(Testimony, ctx.job_id, populate_existing=True)
        old = row.checkpoint if row is not None else None
        if row is None or not ctx.held(db):
            db.rollback()
            path.unlink(missing_ok=True)
            raise JobStopped("lost")
        row.checkpoint = file_id
        db.commit()
    if old:
        storage.path(ctx.settings, old).unlink(missing_ok=True)


def _restore(ctx: Context, file_id: str | None, out: Path) -> None:
    if not file_id:
        return
    path = storage.path(ctx.settings, file_id)
    if not path.exists():
        return
    folder = out / WORK
    folder.mkdir(parents=True, exist_ok=True)
    blocks = filestream.decrypt_blocks(path, file_id.encode(), ctx.case_key)
    with tarfile.open(fileobj=io.BufferedReader(_ReaderFile(blocks)), mode="r|") as tar:
        for member in tar:
            if member.isfile() and "/" not in member.name and not member.name.startswith("."):
                source = tar.extractfile(member)
                if source is not None:
                    (folder / member.name).write_bytes(source.read())


def _decrypt_input(ctx: Context, file_id: str, target: Path) -> None:
    with ctx.db() as db:
        _view, blocks = content.open_file(db, ctx.settings, case_id=ctx.case_id, case_key=ctx.case_key, file_id=file_id)
        with open(target, "xb") as fh:
            for block in blocks:
                fh.write(block)


def _clean(message: str, space: Path) -> str:
    """A pipeline message without the scratch paths (they say nothing useful to a caseworker)."""
    text = message.replace(str(space), "scratch")
    text = re.sub(r"scratch/\S*", "the scratch space", text)
    return text.replace("re-run the same command to resume", "retry to resume")


def _stage_of(message: str, current: str | None) -> str | None:
    head = message.split(":", 1)[0].strip()
    if head in STAGES:
        return head
    if head == "apply":
        return "detect"
    return current


def run(ctx: Context) -> str:
    from safeconduct.testimony.pipeline import Options, PipelineError, ReviewPending, anonymize_testimony

    with ctx.db() as db:
        row = db.get(Testimony, ctx.job_id)
        if row is None:
            raise JobFailed(None, "The testimony was removed.")
        meta = open_part(ctx.case_key, "meta", ctx.case_id, ctx.job_id, row.meta_ciphertext)
        found = open_part(ctx.case_key, "findings", ctx.case_id, ctx.job_id, row.findings_ciphertext) or {}
        checkpoint = row.checkpoint
    options = meta["options"]
    suffix = Path(meta["file_name"]).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,5}", suffix):
        suffix = ".bin"
    try:
        space_cm = scratch.space(ctx.settings)
        space = space_cm.__enter__()
    except scratch.ScratchError as error:
        raise JobFailed(None, f"The worker cannot run this job: {error}.", code="stage_failed") from error
    try:
        limit = ctx.settings.worker_scratch_limit_bytes

        def within_limit() -> None:
            if limit and scratch.used_bytes(space) > limit:
                raise OSError(errno.ENOSPC, "scratch space limit reached")

        if limit:
            ctx.add_check(within_limit)
        ctx.tick("probe", 0.0, force=True)
        source = space / "in" / f"recording{suffix}"
        source.parent.mkdir()
        _decrypt_input(ctx, meta["file_id"], source)
        out = space / "out"
        out.mkdir()
        _restore(ctx, checkpoint, out)

        def progress(stage: str, done: float, total: float) -> None:
            if stage == "done":
                return
            if ctx.stage and stage != ctx.stage and STAGES.index(stage) > STAGES.index(ctx.stage):
                ctx.finished(ctx.stage)
                if ctx.stage != "probe":
                    _checkpoint(ctx, out)
                ctx.tick(stage, 0.0, force=True)
            ctx.tick(stage, (done / total) if total else 0.0)

        common = {
            "language": options["language"],
            "voice_method": options["voice_method"],
            "faces": options["faces"],
            "keep_work": True,
        }
        try:
            if ctx.phase == "detect":
                from safeconduct.testimony.studio.case_knowledge import terms_for

                known, kept = terms_for(meta.get("knowledge"), options["language"])
                try:
                    anonymize_testimony(
                        source, out, Options(review=True, extra_terms=known, rejected_terms=kept, **common), progress
                    )
                except ReviewPending as pending:
                    return _stop_for_review(ctx, out, Path(pending.path))
                raise JobFailed("detect", "The pipeline did not stop for the review.")
            review = out / "redactions.yaml"
            _write_review(review, found)
            report = anonymize_testimony(source, out, Options(apply=review, **common), progress)
        except PipelineError as error:
            message = _clean(str(error), space)
            stage = _stage_of(str(error), ctx.stage)
            if "is the disk full" in message or "No space left" in message:
                raise OSError(errno.ENOSPC, message) from error
            raise JobFailed(stage, f"The stage {stage} failed: {message}") from error
        return _commit_outputs(ctx, out, report, suffix)
    finally:
        space_cm.__exit__(None, None, None)


def _stop_for_review(ctx: Context, out: Path, review: Path) -> str:
    import yaml

    from safeconduct.testimony.pipeline.transcript import Transcript

    data = yaml.safe_load(review.read_text(encoding="utf-8"))
    transcript = Transcript.from_dict(json.loads((out / WORK / "transcript.json").read_text(encoding="utf-8")))
    text = transcript.text
    findings = []
    for number, entry in enumerate(data.get("redactions", []), 1):
        s, e = int(entry["char_start"]), int(entry["char_end"])
        before, after = text[:s].split()[-4:], text[e:].split()[:4]
        findings.append(
            {
                "id": f"f{number}",
                "kind": entry["kind"],
                "text": entry["text"],
                "placeholder": entry["placeholder"],
                "start": entry["start"],
                "end": entry["end"],
                "char_start": s,
                "char_end": e,
                "accepted": True,
                "added": False,
                "context": " ".join([*before, text[s:e], *after]),
            }
        )
    for stage in BEFORE_REVIEW:
        ctx.finished(stage)
    _checkpoint(ctx, out)
    found = {"findings": findings, "transcript": text, "input": data.get("input")}
    with ctx.db() as db:
        row = db.get(Testimony, ctx.job_id, populate_existing=True)
        if row is None:
            raise JobStopped("lost")
        ctx.finish(db, state="review", holder=None, stage="detect", progress=1.0, stages_done=",".join(ctx.stages_done))
        row.findings_ciphertext = seal_part(ctx.case_key, "findings", ctx.case_id, ctx.job_id, found)
        engine.drop_seals(db, ctx.job_id)
        db.commit()
    return "review"


def _write_review(path: Path, found: dict[str, Any]) -> None:
    import yaml

    entries = []
    for f in found.get("findings", []):
        if f.get("added"):
            entries.append({"kind": f["kind"], "text": f["text"]})
        else:
            entries.append(
                {
                    "kind": f["kind"],
                    "text": f["text"],
                    "placeholder": f["placeholder"],
                    "char_start": f["char_start"],
                    "char_end": f["char_end"],
                    "accepted": bool(f.get("accepted", True)),
                }
            )
    path.write_text(
        yaml.safe_dump({"input": found.get("input"), "redactions": entries}, allow_unicode=True), encoding="utf-8"
    )


def _public_report(report: dict[str, Any]) -> dict[str, Any]:
    """The privacy report without the identifying words (the findings' texts) or the input's name."""
    public = {k: v for k, v in report.items() if k not in ("findings", "input", "outputs")}
    public["words_covered"] = len(report.get("findings", []))
    removed = report.get("metadata_removed")
    if isinstance(removed, dict):  # which tags were removed, never what they said (a title may name someone)
        public["metadata_removed"] = sorted(str(k) for k in removed)
    return public


def _encrypt_output(ctx: Context, source: Path, name: str) -> dict[str, Any]:
    file_id, key = storage.new_id(), aead.new_key()
    path = storage.path(ctx.settings, file_id)
    writer = filestream.EncryptedFileWriter.create(path, file_id.encode(), key)
    sha = hashlib.sha256()
    try:
        with open(source, "rb") as fh:
            while chunk := fh.read(filestream.BLOCK):
                sha.update(chunk)
                writer.write(chunk)
        size = writer.finish()
    except BaseException:
        writer.abort()
        raise
    content_type = OUTPUT_TYPES.get(Path(name).suffix, "application/octet-stream")
    return {
        "name": name,
        "file": file_id,
        "key": base64.b64encode(key).decode(),
        "size": size,
        "sha256": sha.hexdigest(),
        "content_type": content_type,
    }


def _commit_outputs(ctx: Context, out: Path, report: dict[str, Any], suffix: str) -> str:
    stem = "recording.anonymized"
    public = _public_report(report)
    (out / "report.public.json").write_text(json.dumps(public, ensure_ascii=False, indent=1), encoding="utf-8")
    wanted = [
        (out / f"{stem}{suffix}", f"testimony{suffix}"),
        (out / f"{stem}.vtt", "transcript.vtt"),
        (out / f"{stem}.txt", "transcript.txt"),
        (out / f"{stem}.srt", "transcript.srt"),
        (out / "report.public.json", "report.json"),
    ]
    storage.folder(ctx.settings).mkdir(parents=True, exist_ok=True, mode=0o700)
    outputs: list[dict[str, Any]] = []
    try:
        for path, name in wanted:
            if path.exists():
                ctx.tick("outputs", len(outputs) / len(wanted))
                outputs.append(_encrypt_output(ctx, path, name))
        transcript = (out / f"{stem}.txt").read_text(encoding="utf-8") if (out / f"{stem}.txt").exists() else ""
        for stage in STAGES:
            ctx.finished(stage)
        result = {"outputs": outputs, "report": public, "transcript": transcript}
        with ctx.db() as db:
            row = db.get(Testimony, ctx.job_id, populate_existing=True)
            if row is None:
                raise JobStopped("lost")
            ctx.finish(
                db, state="done", holder=None, stage="outputs", progress=1.0, stages_done=",".join(ctx.stages_done)
            )
            old = row.checkpoint
            row.result_ciphertext = seal_part(ctx.case_key, "result", ctx.case_id, ctx.job_id, result)
            row.checkpoint = None
            engine.drop_seals(db, ctx.job_id)
            db.commit()
    except BaseException:
        for output in outputs:  # never half-committed: this run's encrypted outputs go with it
            storage.path(ctx.settings, output["file"]).unlink(missing_ok=True)
        raise
    if old:
        storage.path(ctx.settings, old).unlink(missing_ok=True)
    return "done"
