"""Chunked encryption of file bodies, resumable across dropped connections.

Files are cut into 1 MiB blocks, each sealed with XChaCha20-Poly1305 under a per-file key. The nonce is a
random per-file prefix followed by the block counter, and the associated data carries the file id, the
counter and a "final" flag: this is the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015),
the same idea as libsodium's secretstream. Unlike secretstream, its state is just (key, prefix, counter),
so an upload interrupted between two requests can resume without ever writing a cipher state to disk: the
only thing kept between requests is the encrypted tail of the last partial block. Reordered, dropped,
duplicated or truncated blocks all fail authentication.

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

MAGIC = b"SCF1"
PREFIX_BYTES = 16
HEADER_BYTES = len(MAGIC) + PREFIX_BYTES
BLOCK = 1024 * 1024
TAG = sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES
RECORD = BLOCK + TAG


def _nonce(prefix: bytes, counter: int) -> bytes:
    return prefix + counter.to_bytes(8, "big")


def _aad(file_id: bytes, counter: int, final: bool) -> bytes:
    return MAGIC + file_id + counter.to_bytes(8, "big") + (b"\x01" if final else b"\x00")


def _tail_path(path: Path) -> Path:
    return path.with_name(path.name + ".tail")


class EncryptedFileWriter:
    """Encrypts a stream into `path`; `checkpoint()` makes it resumable, `finish()` seals it."""

    def __init__(self, path: Path, file_id: bytes, key: bytes, prefix: bytes, counter: int, pending: bytes):
        self.path = path
        self._file_id = file_id
        self._key = key
        self._prefix = prefix
        self._counter = counter
        self._pending = bytearray(pending)
        self._fh = open(path, "ab")  # noqa: SIM115 - closed in finish()/close()

    @classmethod
    def create(cls, path: Path, file_id: bytes, key: bytes, preamble: bytes = b"") -> EncryptedFileWriter:
        """A new file; `preamble` (e.g. a sealed key) is written in the clear before the stream's header."""
        prefix = nacl.utils.random(PREFIX_BYTES)
        with open(path, "xb") as fh:
            fh.write(preamble + MAGIC + prefix)
        return cls(path, file_id, key, prefix, 0, b"")

    @classmethod
    def resume(cls, path: Path, file_id: bytes, key: bytes) -> EncryptedFileWriter:
        """Reopen after an interruption: drop any half-written record, restore the encrypted tail."""
        prefix, records, pending = _saved_state(path, file_id, key)
        os.truncate(path, HEADER_BYTES + records * RECORD)
        return cls(path, file_id, key, prefix, records, pending)

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
        aad = _aad(self._file_id, self._counter, final)
        self._fh.write(
            sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
                block, aad, _nonce(self._prefix, self._counter), self._key
            )
        )
        self._counter += 1

    def checkpoint(self) -> None:
        """Persist progress so that a later request can resume; the partial block stays encrypted."""
        self._fh.flush()
        os.fsync(self._fh.fileno())
        tail = _tail_path(self.path)
        if self._pending:
            aad = _aad(self._file_id, self._counter, False) + b"tail"
            tmp = tail.with_name(tail.name + ".tmp")
            tmp.write_bytes(self._counter.to_bytes(8, "big") + aead.encrypt(self._key, bytes(self._pending), aad))
            os.replace(tmp, tail)
        else:
            tail.unlink(missing_ok=True)

    def finish(self) -> int:
        """Write the final block and return the plaintext size."""
        size = self.offset
        self._emit(bytes(self._pending), final=True)
        self._pending.clear()
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        _tail_path(self.path).unlink(missing_ok=True)
        return size

    def abort(self) -> None:
        """Stop writing and remove the file: it will never be finished."""
        if not self._fh.closed:
            self._fh.close()
        discard(self.path)

    def close(self) -> None:
        """Stop writing without sealing (the upload may resume later)."""
        if not self._fh.closed:
            self.checkpoint()
            self._fh.close()


def _saved_state(path: Path, file_id: bytes, key: bytes) -> tuple[bytes, int, bytes]:
    """(nonce prefix, whole records on disk, decrypted tail) of an unfinished file; reads, never writes."""
    with open(path, "rb") as fh:
        header = fh.read(HEADER_BYTES)
    if len(header) != HEADER_BYTES or not header.startswith(MAGIC):
        raise DecryptionError("not an encrypted upload")
    records = (path.stat().st_size - HEADER_BYTES) // RECORD
    pending = b""
    tail = _tail_path(path)
    if tail.exists():
        blob = tail.read_bytes()
        if int.from_bytes(blob[:8], "big") == records:
            pending = aead.decrypt(key, blob[8:], _aad(file_id, records, False) + b"tail")
    return header[len(MAGIC) :], records, pending


def stored_offset(path: Path, file_id: bytes, key: bytes) -> int:
    """How many plaintext bytes an unfinished file holds, without touching it (safe while it is written)."""
    _, records, pending = _saved_state(path, file_id, key)
    return records * BLOCK + len(pending)


def discard(path: Path) -> None:
    """Remove an unfinished upload and its tail."""
    path.unlink(missing_ok=True)
    _tail_path(path).unlink(missing_ok=True)


def decrypt_blocks(path: Path, file_id: bytes, key: bytes, skip: int = 0) -> Iterator[bytes]:
    """Yield the plaintext block by block; raises :class:`DecryptionError` on any tampering or truncation.

    `skip` passes over a preamble written with :meth:`EncryptedFileWriter.create`.
    """
    with open(path, "rb") as fh:
        fh.seek(skip)
        header = fh.read(HEADER_BYTES)
        if len(header) != HEADER_BYTES or not header.startswith(MAGIC):
            raise DecryptionError("not an encrypted file")
        prefix = header[len(MAGIC) :]
        counter = 0
        while True:
            record = fh.read(RECORD)
            final = len(record) < RECORD
            if final and len(record) < TAG:
                raise DecryptionError("encrypted file is truncated")
            try:
                block = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
                    record, _aad(file_id, counter, final), _nonce(prefix, counter), key
                )
            except nacl.exceptions.CryptoError as exc:
                raise DecryptionError(f"block {counter} does not authenticate (altered or truncated)") from exc
            yield block
            if final:
                return
            counter += 1
