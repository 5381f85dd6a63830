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


# --- format 2: a fresh nonce per record, sizes padded to whole blocks --------------------------------

def test_resuming_never_reuses_a_nonce_even_when_other_bytes_are_sent(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash cuts a record in half; the resumed writer seals that block again, with other bytes.

    With nonces derived from the block counter (format 1) the two versions of block 1 shared a nonce:
    their XOR leaked, and the Poly1305 key with it.
    """
    import nacl.bindings

    used: list[tuple[bytes, bytes]] = []
    real = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt

    def recording(message: bytes, aad: bytes | None, nonce: bytes, key: bytes) -> bytes:
        used.append((key, nonce))
        return real(message, aad, nonce, key)

    monkeypatch.setattr(nacl.bindings, "crypto_aead_xchacha20poly1305_ietf_encrypt", recording)
    key, first, second = aead.new_key(), os.urandom(3 * filestream.BLOCK), os.urandom(3 * filestream.BLOCK)
    path = tmp_path / "f"
    writer = filestream.EncryptedFileWriter.create(path, FID, key)
    writer.write(first[: filestream.BLOCK + 500])
    writer.close()  # end of the first request: block 0 on disk, 500 bytes in the tail

    writer = filestream.EncryptedFileWriter.resume(path, FID, key)
    writer.write(first[filestream.BLOCK + 500 : 2 * filestream.BLOCK + 10])  # block 1 reaches the disk
    sealed_once = path.read_bytes()[filestream.HEADER_BYTES + filestream.RECORD :][: filestream.RECORD]
    os.truncate(path, filestream.HEADER_BYTES + filestream.RECORD + filestream.RECORD // 2)  # killed mid-write

    writer = filestream.EncryptedFileWriter.resume(path, FID, key)
    assert writer.offset == filestream.BLOCK + 500
    writer.write(second[writer.offset :])  # the client sends other bytes from there
    writer.finish()

    expected = first[: filestream.BLOCK + 500] + second[filestream.BLOCK + 500 :]
    assert b"".join(filestream.decrypt_blocks(path, FID, key)) == expected
    assert len(used) == len(set(used)), "a (key, nonce) pair was used twice"
    raw = path.read_bytes()
    on_disk = [raw[i : i + filestream.NONCE] for i in range(filestream.HEADER_BYTES, len(raw), filestream.RECORD)]
    nonces = [*on_disk, sealed_once[: filestream.NONCE]]
    assert len(on_disk) == 4 and len(set(nonces)) == len(nonces)
    assert {(key, n) for n in nonces} <= set(used)


@pytest.mark.parametrize(("size", "blocks"), [(0, 1), (1, 1), (1000, 1), (filestream.BLOCK - 1, 1),
                                              (filestream.BLOCK, 2), (2 * filestream.BLOCK - 1, 2)])
def test_stored_sizes_show_only_whole_blocks_and_decrypt_to_the_exact_length(tmp_path: Path, size: int,
                                                                             blocks: int) -> None:
    key, data = aead.new_key(), os.urandom(size)
    _write(tmp_path / "f", key, data)
    stored = (tmp_path / "f").stat().st_size
    assert stored == filestream.HEADER_BYTES + blocks * filestream.RECORD == filestream.stored_size(size)
    assert (stored - filestream.HEADER_BYTES) % filestream.RECORD == 0
    assert b"".join(filestream.decrypt_blocks(tmp_path / "f", FID, key)) == data


def test_one_byte_and_a_block_less_one_byte_look_the_same_on_disk(tmp_path: Path) -> None:
    key = aead.new_key()
    _write(tmp_path / "small", key, b"x")
    _write(tmp_path / "large", key, os.urandom(filestream.BLOCK - 1))
    assert (tmp_path / "small").stat().st_size == (tmp_path / "large").stat().st_size


def test_the_tail_of_a_partial_block_is_padded_too(tmp_path: Path) -> None:
    key, sizes = aead.new_key(), {}
    for n in (1, 70_000, filestream.BLOCK - 1):
        writer = filestream.EncryptedFileWriter.create(tmp_path / str(n), FID, key)
        writer.write(os.urandom(n))
        writer.close()
        sizes[n] = (tmp_path / f"{n}.tail").stat().st_size
        assert filestream.stored_offset(tmp_path / str(n), FID, key) == n
    assert len(set(sizes.values())) == 1, sizes


def test_a_duplicated_last_record_is_detected(tmp_path: Path) -> None:
    key, data = aead.new_key(), os.urandom(filestream.BLOCK + 100)
    path = tmp_path / "f"
    _write(path, key, data)
    raw = path.read_bytes()
    path.write_bytes(raw + raw[-filestream.RECORD :])
    with pytest.raises(DecryptionError):
        b"".join(filestream.decrypt_blocks(path, FID, key))


# --- format 1 stays readable ----------------------------------------------------------------------

SAMPLE_V1 = Path(__file__).parent / "data" / "scf1_sample.enc"  # written by the format-1 code itself
SAMPLE_V1_KEY = bytes(range(32))


def _v1_nonce(prefix: bytes, counter: int) -> bytes:
    return prefix + counter.to_bytes(8, "big")


def _v1_aad(counter: int, final: bool) -> bytes:
    return b"SCF1" + FID + counter.to_bytes(8, "big") + (b"\x01" if final else b"\x00")


def _write_v1(path: Path, key: bytes, data: bytes, *, finished: bool) -> None:
    """Format 1 as it was written: per-file prefix ‖ counter nonces, an unpadded last block or a tail."""
    import nacl.bindings as sodium

    prefix = os.urandom(16)
    whole = len(data) // filestream.BLOCK
    out = bytearray(b"SCF1" + prefix)
    for counter in range(whole):
        block = data[counter * filestream.BLOCK : (counter + 1) * filestream.BLOCK]
        out += sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(block, _v1_aad(counter, False),
                                                                  _v1_nonce(prefix, counter), key)
    rest = data[whole * filestream.BLOCK :]
    if finished:
        out += sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(rest, _v1_aad(whole, True),
                                                                  _v1_nonce(prefix, whole), key)
    elif rest:
        tail = whole.to_bytes(8, "big") + aead.encrypt(key, rest, _v1_aad(whole, False) + b"tail")
        path.with_name(path.name + ".tail").write_bytes(tail)
    path.write_bytes(bytes(out))


def test_files_stored_in_format_1_still_decrypt(tmp_path: Path) -> None:
    assert SAMPLE_V1.read_bytes()[:4] == b"SCF1"
    assert b"".join(filestream.decrypt_blocks(SAMPLE_V1, FID, SAMPLE_V1_KEY)) == (
        b"A file stored by safeconduct in format 1 (SCF1), before sizes were padded.\n")
    for size in (0, filestream.BLOCK, 2 * filestream.BLOCK + 17):
        key, data = aead.new_key(), os.urandom(size)
        _write_v1(tmp_path / "old", key, data, finished=True)
        assert b"".join(filestream.decrypt_blocks(tmp_path / "old", FID, key)) == data
    raw = bytearray((tmp_path / "old").read_bytes())
    raw[30] ^= 1
    (tmp_path / "old").write_bytes(bytes(raw))
    with pytest.raises(DecryptionError):
        b"".join(filestream.decrypt_blocks(tmp_path / "old", FID, key))


def test_an_unfinished_format_1_upload_resumes_in_format_2(tmp_path: Path) -> None:
    key, data = aead.new_key(), os.urandom(3 * filestream.BLOCK + 999)
    path = tmp_path / "f"
    _write_v1(path, key, data[: 2 * filestream.BLOCK + 300], finished=False)
    assert filestream.stored_offset(path, FID, key) == 2 * filestream.BLOCK + 300
    writer = filestream.EncryptedFileWriter.resume(path, FID, key)
    assert writer.offset == 2 * filestream.BLOCK + 300
    assert path.read_bytes()[:4] == b"SCF2"
    writer.write(data[writer.offset :])
    assert writer.finish() == len(data)
    assert path.stat().st_size == filestream.stored_size(len(data))
    assert b"".join(filestream.decrypt_blocks(path, FID, key)) == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f"]
