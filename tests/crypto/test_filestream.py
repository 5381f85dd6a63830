"""Chunked file encryption: round trips, resumption, and every way to tamper with a stored file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from safeconduct.crypto import aead, filestream
from safeconduct.crypto.aead import DecryptionError

FID = b"f" * 32


def _write(path: Path, key: bytes, data: bytes, *, pieces: int = 7) -> None:
    writer = filestream.EncryptedFileWriter.create(path, FID, key)
    step = max(1, len(data) // pieces)
    for i in range(0, len(data), step):
        writer.write(data[i : i + step])
    writer.finish()


@pytest.mark.parametrize("size", [0, 1, filestream.BLOCK - 1, filestream.BLOCK, 2 * filestream.BLOCK + 17])
def test_round_trip_at_block_edges(tmp_path: Path, size: int) -> None:
    key, data = aead.new_key(), os.urandom(size)
    _write(tmp_path / "f", key, data)
    assert b"".join(filestream.decrypt_blocks(tmp_path / "f", FID, key)) == data
    assert size < 16 or data[:64] not in (tmp_path / "f").read_bytes()  # (1 random byte may occur by chance)


def test_resume_after_interruption_keeps_partial_block_encrypted(tmp_path: Path) -> None:
    key, data = aead.new_key(), os.urandom(filestream.BLOCK * 2 + 12345)
    path = tmp_path / "f"
    writer = filestream.EncryptedFileWriter.create(path, FID, key)
    writer.write(data[: filestream.BLOCK + 5000])
    writer.close()
    tail = path.with_name(path.name + ".tail")
    assert tail.exists() and data[filestream.BLOCK : filestream.BLOCK + 64] not in tail.read_bytes()
    with open(path, "ab") as fh:  # a crash in the middle of writing the next record
        fh.write(b"half a record")
    writer = filestream.EncryptedFileWriter.resume(path, FID, key)
    assert writer.offset == filestream.BLOCK + 5000
    writer.write(data[writer.offset :])
    assert writer.finish() == len(data)
    assert not tail.exists()
    assert b"".join(filestream.decrypt_blocks(path, FID, key)) == data


def test_a_stale_tail_is_ignored(tmp_path: Path) -> None:
    """If blocks were written after the last checkpoint, the tail is older than the file: drop it."""
    key, data = aead.new_key(), os.urandom(filestream.BLOCK * 3)
    path = tmp_path / "f"
    writer = filestream.EncryptedFileWriter.create(path, FID, key)
    writer.write(data[:100])
    writer.checkpoint()
    writer.write(data[100 : 2 * filestream.BLOCK])  # two blocks reach the disk, no new checkpoint
    writer._fh.flush()
    writer = filestream.EncryptedFileWriter.resume(path, FID, key)
    assert writer.offset == 2 * filestream.BLOCK


@pytest.mark.parametrize("attack", ["flip", "truncate", "drop_final", "swap", "other_file_id", "wrong_key"])
def test_tampering_is_detected(tmp_path: Path, attack: str) -> None:
    key, data = aead.new_key(), os.urandom(filestream.BLOCK * 2 + 100)
    path = tmp_path / "f"
    _write(path, key, data)
    raw = bytearray(path.read_bytes())
    file_id, use_key = FID, key
    if attack == "flip":
        raw[filestream.HEADER_BYTES + 10] ^= 1
    elif attack == "truncate":
        raw = raw[: filestream.HEADER_BYTES + filestream.RECORD + 50]
    elif attack == "drop_final":
        raw = raw[: filestream.HEADER_BYTES + 2 * filestream.RECORD]
    elif attack == "swap":
        h, r = filestream.HEADER_BYTES, filestream.RECORD
        raw[h : h + 2 * r] = raw[h + r : h + 2 * r] + raw[h : h + r]
    elif attack == "other_file_id":
        file_id = b"g" * 32
    else:
        use_key = aead.new_key()
    path.write_bytes(bytes(raw))
    with pytest.raises(DecryptionError):
        b"".join(filestream.decrypt_blocks(path, file_id, use_key))


def test_not_an_encrypted_file(tmp_path: Path) -> None:
    (tmp_path / "x").write_bytes(b"plain text")
    with pytest.raises(DecryptionError, match="not an encrypted file"):
        list(filestream.decrypt_blocks(tmp_path / "x", FID, aead.new_key()))


def test_reading_the_offset_never_touches_a_file_being_written(tmp_path: Path) -> None:
    """A HEAD request can arrive while a dropped PATCH is still writing: peeking must not truncate or rewrite."""
    key, data = aead.new_key(), os.urandom(filestream.BLOCK + 500)
    path = tmp_path / "f"
    writer = filestream.EncryptedFileWriter.create(path, FID, key)
    writer.write(data[:300])
    writer.checkpoint()
    writer.write(data[300:])
    writer._fh.flush()
    with open(path, "ab") as fh:  # a record being written right now
        fh.write(b"partial")
    tail = path.with_name(path.name + ".tail")
    before = (path.read_bytes(), tail.read_bytes())
    # one whole record is on disk; the tail is older than it, so it is ignored; the partial record too
    assert filestream.stored_offset(path, FID, key) == filestream.BLOCK
    assert (path.read_bytes(), tail.read_bytes()) == before
