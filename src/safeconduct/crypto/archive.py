"""Backup archives: readable only with the organisation's recovery key, which never stays on the server.

A random archive key is sealed (libsodium sealed box) to the recovery public key and written at the head
of the file; the body is the chunked STREAM encryption of :mod:`safeconduct.crypto.filestream` under that
key. The blocks' associated data is bound to the head, so swapping heads between archives, cutting the
archive short, or changing any byte makes reading fail. A stolen backup shows its size and nothing else.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from nacl.public import PrivateKey

from safeconduct.crypto import aead, filestream, sealing
from safeconduct.crypto.aead import DecryptionError

MAGIC = b"SCBK1\n"
SEALED_BYTES = aead.KEY_BYTES + 48  # a sealed box adds an ephemeral public key and a tag
HEAD_BYTES = len(MAGIC) + SEALED_BYTES


class NotAnArchive(DecryptionError):
    """The file is not a safeconduct backup (or its head is damaged)."""


class WrongKey(DecryptionError):
    """The archive was sealed to another recovery key."""


def _stream_id(head: bytes) -> bytes:
    return hashlib.blake2b(head, digest_size=32, person=b"sc-backup-v1").digest()


def create(path: Path, recovery_public_key: bytes) -> filestream.EncryptedFileWriter:
    """A new archive at `path` (which must not exist); write the plaintext to it, then `finish()`."""
    archive_key = aead.new_key()
    head = MAGIC + sealing.seal(recovery_public_key, archive_key)
    writer = filestream.EncryptedFileWriter.create(path, _stream_id(head), archive_key, preamble=head)
    os.chmod(path, 0o600)
    return writer


def discard(path: Path) -> None:
    """Remove an unfinished archive."""
    filestream.discard(path)


def read(path: Path, recovery_key: PrivateKey) -> Iterator[bytes]:
    """The archive's plaintext, block by block; any damage raises :class:`DecryptionError` before its end."""
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    if len(head) != HEAD_BYTES or not head.startswith(MAGIC):
        raise NotAnArchive(f"{path} is not a safeconduct backup")
    try:
        archive_key = sealing.unseal(recovery_key, head[len(MAGIC):])
    except DecryptionError as exc:
        raise WrongKey(
            "this recovery key does not open this backup (wrong key, another organisation's, or a damaged archive)"
        ) from exc
    return filestream.decrypt_blocks(path, _stream_id(head), archive_key, skip=HEAD_BYTES)
