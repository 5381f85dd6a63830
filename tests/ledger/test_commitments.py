from __future__ import annotations

import hashlib

import pytest

from safeconduct.ledger.commitments import commit, commitment_of, verify_commitment


def test_commitment_opens_only_with_its_nonce_and_exact_plaintext() -> None:
    nonce, c = commit(b"Ich will aussteigen.")
    assert len(nonce) == 32 and len(c) == 32
    assert verify_commitment(c, nonce, b"Ich will aussteigen.")
    assert not verify_commitment(c, nonce, b"Ich will aussteigen!")
    assert not verify_commitment(c, bytes(32), b"Ich will aussteigen.")
    assert not verify_commitment(c[:31], nonce, b"x")


def test_commitments_to_the_same_short_answer_cannot_be_linked_or_guessed() -> None:
    (n1, c1), (n2, c2) = commit(b"yes"), commit(b"yes")
    assert n1 != n2 and c1 != c2
    assert c1 != hashlib.sha256(b"yes").digest()


def test_commitment_is_documented_sha256_layout() -> None:
    nonce = bytes(32)
    assert commitment_of(nonce, b"abc") == hashlib.sha256(b"safeconduct commitment v1\x00" + nonce + b"abc").digest()


def test_bad_inputs_are_refused_clearly() -> None:
    with pytest.raises(TypeError, match="bytes"):
        commit("text")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="32 bytes"):
        commitment_of(b"short", b"x")
