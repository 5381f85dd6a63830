"""Chunked encryption of file bodies, resumable across dropped connections, sizes padded to whole blocks.

Format 2 (magic SCF2). Files are cut into 1 MiB blocks, each sealed with XChaCha20-Poly1305 under a
per-file key and a fresh random 24-byte nonce stored in front of it. The associated data carries the
file id, the block counter and a "final" flag: as in the STREAM construction (Hoang, Reyhanitabar,
Rogaway, Vizár 2015), reordered, dropped, duplicated or truncated blocks all fail authentication. Unlike
STREAM the nonce is not derived from the counter: an upload that resumes rewrites the block a crash cut
in half, perhaps with other bytes, and a derived nonce would then encrypt two plaintexts under one nonce.
Random 192-bit nonces never repeat in practice, whatever happens to the process writing.

Every block's plaintext is a 4-byte length, the data, and zeros up to 1 MiB, so every record has the
same size: a stored file shows how many 1 MiB blocks it has, never its exact size. The partial block
kept between two requests of a resumable upload (the `.tail` file) is padded to 1 MiB the same way.

Format 1 (magic SCF1: nonce = per-file prefix ‖ counter, last block unpadded) is still read; an
unfinished format-1 upload is rewritten in format 2 before it takes more bytes.

Memory stays flat at one block whatever the file size.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import nacl.bindings as sodium
import nacl.exceptions
import nacl.utils

from safeconduct.crypto import aead
from safeconduct.crypto.aead import DecryptionError

MAGIC = b"SCF2"
HEADER_BYTES = len(MAGIC)
BLOCK = 1024 * 1024
TAG = sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES
NONCE = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
LENGTH = 4
RECORD = NONCE + LENGTH + BLOCK + TAG

# Format 1, read only.
MAGIC_V1 = b"SCF1"
PREFIX_BYTES_V1 = 16
HEADER_BYTES_V1 = len(MAGIC_V1) + PREFIX_BYTES_V1
RECORD_V1 = BLOCK + TAG


def stored_size(plaintext_bytes: int) -> int:
    """Bytes on disk for a finished file of this size: it depends only on the number of 1 MiB blocks."""
    return HEADER_BYTES + (plaintext_bytes // BLOCK + 1) * RECORD


def _aad(file_id: bytes, counter: int, final: bool) -> bytes:
    return MAGIC + file_id + counter.to_bytes(8, "big") + (b"\x01" if final else b"\x00")


def _pad(data: bytes) -> bytes:
    return len(data).to_bytes(LENGTH, "big") + data + bytes(BLOCK - len(data))


def _unpad(plain: bytes, *, full: bool) -> bytes:
    length = int.from_bytes(plain[:LENGTH], "big")
    if len(plain) != LENGTH + BLOCK or length > BLOCK or (full and length != BLOCK):
        raise DecryptionError("a block has an impossible length")
    return plain[LENGTH : LENGTH + length]


def _tail_path(path: Path) -> Path:
    return path.with_name(path.name + ".tail")


def _version(path: Path, skip: int = 0) -> int:
    with open(path, "rb") as fh:
        fh.seek(skip)
        magic = fh.read(len(MAGIC))
    if magic == MAGIC:
        return 2
    if magic == MAGIC_V1:
        return 1
    raise DecryptionError("not an encrypted file")


class EncryptedFileWriter:
    """Encrypts a stream into `path`; `checkpoint()` makes it resumable, `finish()` seals it."""

    def __init__(self, path: Path, file_id: bytes, key: bytes, counter: int, pending: bytes):
        self.path = path
        self._file_id = file_id
        self._key = key
        self._counter = counter
        self._pending = bytearray(pending)
        self._fh = open(path, "ab")  # noqa: SIM115 - closed in finish()/close()/abandon()

    @classmethod
    def create(cls, path: Path, file_id: bytes, key: bytes, preamble: bytes = b"") -> EncryptedFileWriter:
        """A new file; `preamble` (e.g. a sealed key) is written in the clear before the stream's header.

        A file with a preamble is written in one go: it is never resumed.
        """
        with open(path, "xb") as fh:
            fh.write(preamble + MAGIC)
        return cls(path, file_id, key, 0, b"")

    @classmethod
    def resume(cls, path: Path, file_id: bytes, key: bytes) -> EncryptedFileWriter:
        """Reopen after an interruption: drop any half-written record, restore the encrypted tail.

        The caller must be the only writer (see `cases.upload_lease`). The block after the last whole
        record is written again with a new nonce, so resuming never reuses one.
        """
        if _version(path) == 1:
            _rewrite_v1_as_v2(path, file_id, key)
        records, pending = _saved_state(path, file_id, key)
        os.truncate(path, HEADER_BYTES + records * RECORD)
        return cls(path, file_id, key, records, pending)

    @property
    def offset(self) -> int:
        """Plaintext bytes received so far (what a resuming client must skip)."""
        return self._counter * BLOCK + len(self._pending)

    def write(self, data: bytes) -> None:
        self._pending += data
        while len(self._pending) >= BLOCK:
            block = bytes(self._pending[:BLOCK])
            del self._pending[:BLOCK]
            self._emit(block, final=False)

    def _emit(self, block: bytes, *, final: bool) -> None:
        nonce = nacl.utils.random(NONCE)
        sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
            _pad(block), _aad(self._file_id, self._counter, final), nonce, self._key
        )
        self._fh.write(nonce + sealed)
        self._fh.flush()  # whole records reach the OS at once: a killed process leaves them readable
        self._counter += 1

    def replay(self) -> Iterator[bytes]:
        """The plaintext written so far, whole records then the pending bytes (for a lost running hash)."""
        self._fh.flush()
        with open(self.path, "rb") as fh:
            fh.seek(HEADER_BYTES)
            for counter in range(self._counter):
                yield _open_record(fh.read(RECORD), self._file_id, counter, False, self._key, full=True)
        yield bytes(self._pending)

    def checkpoint(self) -> None:
        """Persist progress so that a later request can resume; the partial block stays encrypted, padded."""
        self._fh.flush()
        os.fsync(self._fh.fileno())
        tail = _tail_path(self.path)
        if self._pending:
            aad = _aad(self._file_id, self._counter, False) + b"tail"
            tmp = tail.with_name(tail.name + ".tmp")
            tmp.write_bytes(self._counter.to_bytes(8, "big") + aead.encrypt(self._key, _pad(bytes(self._pending)), aad))
            os.replace(tmp, tail)
        else:
            tail.unlink(missing_ok=True)

    def finish(self) -> int:
        """Write the final block and return the plaintext size."""
        size = self.offset
        self._emit(bytes(self._pending), final=True)
        self._pending.clear()
        os.fsync(self._fh.fileno())
        self._fh.close()
        _tail_path(self.path).unlink(missing_ok=True)
        return size

    def close(self) -> None:
        """Stop writing without sealing (the upload may resume later)."""
        if not self._fh.closed:
            self.checkpoint()
            self._fh.close()

    def abandon(self) -> None:
        """Stop writing and touch nothing more: another writer has taken the file over."""
        if not self._fh.closed:
            self._fh.close()

    def abort(self) -> None:
        """Stop writing and remove the file: it will never be finished."""
        self.abandon()
        discard(self.path)


def _open_record(record: bytes, file_id: bytes, counter: int, final: bool, key: bytes, *, full: bool) -> bytes:
    if len(record) != RECORD:
        raise DecryptionError("encrypted file is truncated")
    try:
        plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
            record[NONCE:], _aad(file_id, counter, final), record[:NONCE], key
        )
    except nacl.exceptions.CryptoError as exc:
        raise DecryptionError(f"block {counter} does not authenticate (altered or truncated)") from exc
    return _unpad(plain, full=full)


def _saved_state(path: Path, file_id: bytes, key: bytes) -> tuple[int, bytes]:
    """(whole records on disk, decrypted tail) of an unfinished format-2 file; reads, never writes."""
    records = (path.stat().st_size - HEADER_BYTES) // RECORD
    pending = b""
    tail = _tail_path(path)
    if tail.exists():
        blob = tail.read_bytes()
        if int.from_bytes(blob[:8], "big") == records:
            try:
                pending = _unpad(aead.decrypt(key, blob[8:], _aad(file_id, records, False) + b"tail"), full=False)
            except DecryptionError:
                pending = b""  # a tail from before a format change or a crash: the client resends those bytes
    return records, pending


def stored_offset(path: Path, file_id: bytes, key: bytes) -> int:
    """How many plaintext bytes an unfinished file holds, without touching it (safe while it is written)."""
    if _version(path) == 1:
        _, records, pending = _saved_state_v1(path, file_id, key)
        return records * BLOCK + len(pending)
    records, pending = _saved_state(path, file_id, key)
    return records * BLOCK + len(pending)


#: Files an unfinished upload may leave beside its own: the tail, an interrupted checkpoint, a format rewrite.
COMPANIONS = (".tail", ".tail.tmp", ".v2", ".v2.tail", ".v2.tail.tmp")


def discard(path: Path) -> None:
    """Remove an unfinished upload and every companion file (unlinking needs no free space)."""
    for suffix in ("", *COMPANIONS):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def decrypt_blocks(path: Path, file_id: bytes, key: bytes, skip: int = 0) -> Iterator[bytes]:
    """Yield the plaintext block by block; raises :class:`DecryptionError` on any tampering or truncation.

    `skip` passes over a preamble written with :meth:`EncryptedFileWriter.create` (format 2 only).
    """
    if _version(path, skip) == 1 and not skip:
        yield from _decrypt_blocks_v1(path, file_id, key)
        return
    if _version(path, skip) != 2:
        raise DecryptionError("not an encrypted file")
    with open(path, "rb") as fh:
        body = os.fstat(fh.fileno()).st_size - skip - HEADER_BYTES
        if body <= 0 or body % RECORD:
            raise DecryptionError("encrypted file is truncated")
        records = body // RECORD
        fh.seek(skip + HEADER_BYTES)
        for counter in range(records):
            final = counter == records - 1
            yield _open_record(fh.read(RECORD), file_id, counter, final, key, full=not final)


# --- format 1 (read only) -------------------------------------------------------------------------

def _nonce_v1(prefix: bytes, counter: int) -> bytes:
    return prefix + counter.to_bytes(8, "big")


def _aad_v1(file_id: bytes, counter: int, final: bool) -> bytes:
    return MAGIC_V1 + file_id + counter.to_bytes(8, "big") + (b"\x01" if final else b"\x00")


def _saved_state_v1(path: Path, file_id: bytes, key: bytes) -> tuple[bytes, int, bytes]:
    """(nonce prefix, whole records on disk, decrypted tail) of an unfinished format-1 file."""
    with open(path, "rb") as fh:
        header = fh.read(HEADER_BYTES_V1)
    if len(header) != HEADER_BYTES_V1 or not header.startswith(MAGIC_V1):
        raise DecryptionError("not an encrypted upload")
    records = (path.stat().st_size - HEADER_BYTES_V1) // RECORD_V1
    pending = b""
    tail = _tail_path(path)
    if tail.exists():
        blob = tail.read_bytes()
        if int.from_bytes(blob[:8], "big") == records:
            pending = aead.decrypt(key, blob[8:], _aad_v1(file_id, records, False) + b"tail")
    return header[len(MAGIC_V1) :], records, pending


def _rewrite_v1_as_v2(path: Path, file_id: bytes, key: bytes) -> None:
    """Re-encrypt an unfinished format-1 upload in format 2, so that it never writes a derived nonce again.

    Crash-safe: the new file replaces the old one in one rename; a tail lost in between only lowers the
    offset the client is told to resume from.
    """
    prefix, records, pending = _saved_state_v1(path, file_id, key)
    tmp = path.with_name(path.name + ".v2")
    tmp.unlink(missing_ok=True)
    _tail_path(tmp).unlink(missing_ok=True)
    writer = EncryptedFileWriter.create(tmp, file_id, key)
    with open(path, "rb") as fh:
        fh.seek(HEADER_BYTES_V1)
        for counter in range(records):
            try:
                block = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
                    fh.read(RECORD_V1), _aad_v1(file_id, counter, False), _nonce_v1(prefix, counter), key
                )
            except nacl.exceptions.CryptoError as exc:
                raise DecryptionError(f"block {counter} does not authenticate (altered or truncated)") from exc
            writer.write(block)
    writer.write(pending)
    writer.close()
    os.replace(tmp, path)
    if _tail_path(tmp).exists():
        os.replace(_tail_path(tmp), _tail_path(path))
    else:
        _tail_path(path).unlink(missing_ok=True)


def _decrypt_blocks_v1(path: Path, file_id: bytes, key: bytes) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        header = fh.read(HEADER_BYTES_V1)
        if len(header) != HEADER_BYTES_V1:
            raise DecryptionError("not an encrypted file")
        prefix = header[len(MAGIC_V1) :]
        counter = 0
        while True:
            record = fh.read(RECORD_V1)
            final = len(record) < RECORD_V1
            if final and len(record) < TAG:
                raise DecryptionError("encrypted file is truncated")
            try:
                block = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
                    record, _aad_v1(file_id, counter, final), _nonce_v1(prefix, counter), key
                )
            except nacl.exceptions.CryptoError as exc:
                raise DecryptionError(f"block {counter} does not authenticate (altered or truncated)") from exc
            yield block
            if final:
                return
            counter += 1


def decrypt_range(path: Path, file_id: bytes, key: bytes, start: int, end: int | None = None) -> Iterator[bytes]:
    """Plaintext bytes `start` to `end` (exclusive; None: to the end) of a finished format-2 file.

    Only the blocks the range touches are read and decrypted (every record but the last holds exactly one
    full block), so seeking in an hour of video costs one or two blocks, not the whole file.
    """
    if _version(path) != 2:
        raise DecryptionError("not an encrypted file")
    with open(path, "rb") as fh:
        body = os.fstat(fh.fileno()).st_size - HEADER_BYTES
        if body <= 0 or body % RECORD:
            raise DecryptionError("encrypted file is truncated")
        records = body // RECORD
        counter = max(0, start) // BLOCK
        offset = counter * BLOCK
        fh.seek(HEADER_BYTES + counter * RECORD)
        while counter < records and (end is None or offset < end):
            final = counter == records - 1
            block = _open_record(fh.read(RECORD), file_id, counter, final, key, full=not final)
            lo = max(0, start - offset)
            hi = len(block) if end is None else min(len(block), end - offset)
            if hi > lo:
                yield block[lo:hi]
            offset += len(block)
            counter += 1
