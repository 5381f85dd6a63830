"""RFC 9162 Merkle log: known vectors (transparency-dev/merkle testonly), and every proof verified."""

from __future__ import annotations

import hashlib

import pytest

from safeconduct.ledger import merkle
from safeconduct.ledger.merkle import MemoryTree, ProofError

LEAVES = [bytes.fromhex(h) for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                      "606162636465666768696a6b6c6d6e6f"]]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = [
    (0, 1, []),
    (0, 2, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"]),
    (1, 2, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]
CONSISTENCY = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]


def reference_root(leaves: list[bytes]) -> bytes:
    """MTH written straight from RFC 9162 §2.1.1, to cross-check the stored-subtree version."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return merkle.leaf_hash(leaves[0])
    k = merkle.split_point(len(leaves))
    return merkle.node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


def tree_of(leaves: list[bytes]) -> MemoryTree:
    tree = MemoryTree()
    for leaf in leaves:
        tree.append_leaf(leaf)
    return tree


def test_root_hashes_match_known_vectors_for_every_size() -> None:
    tree = MemoryTree()
    assert tree.root().hex() == ROOTS[0]
    for size, leaf in enumerate(LEAVES, start=1):
        tree.append_leaf(leaf)
        assert tree.root().hex() == ROOTS[size]
        assert all(tree.root(s).hex() == ROOTS[s] for s in range(size + 1))


@pytest.mark.parametrize(("index", "size", "want"), INCLUSION)
def test_inclusion_proofs_match_known_vectors(index: int, size: int, want: list[str]) -> None:
    tree = tree_of(LEAVES)
    proof = tree.inclusion_proof(index, size)
    assert [p.hex() for p in proof] == want
    merkle.verify_inclusion(merkle.leaf_hash(LEAVES[index]), index, size, proof, bytes.fromhex(ROOTS[size]))


@pytest.mark.parametrize(("old", "new", "want"), CONSISTENCY)
def test_consistency_proofs_match_known_vectors(old: int, new: int, want: list[str]) -> None:
    tree = tree_of(LEAVES)
    proof = tree.consistency_proof(old, new)
    assert [p.hex() for p in proof] == want
    merkle.verify_consistency(old, new, bytes.fromhex(ROOTS[old]), bytes.fromhex(ROOTS[new]), proof)


def test_every_proof_in_trees_up_to_40_leaves_verifies_and_roots_match_the_rfc_definition() -> None:
    leaves = [i.to_bytes(4, "big") for i in range(40)]
    tree = tree_of(leaves)
    for size in range(1, 41):
        root = tree.root(size)
        assert root == reference_root(leaves[:size])
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            merkle.verify_inclusion(merkle.leaf_hash(leaves[index]), index, size, proof, root)
        for old in range(0, size + 1):
            merkle.verify_consistency(old, size, tree.root(old), root, tree.consistency_proof(old, size))


def test_inclusion_proof_for_a_wrong_leaf_or_index_or_root_fails() -> None:
    tree = tree_of(LEAVES)
    proof = tree.inclusion_proof(5, 8)
    root = tree.root()
    good = merkle.leaf_hash(LEAVES[5])
    with pytest.raises(ProofError, match="signed root"):
        merkle.verify_inclusion(merkle.leaf_hash(b"forged"), 5, 8, proof, root)
    with pytest.raises(ProofError, match="signed root"):
        merkle.verify_inclusion(good, 4, 8, proof, root)
    with pytest.raises(ProofError, match="not inside"):
        merkle.verify_inclusion(good, 8, 8, proof, root)
    with pytest.raises(ProofError, match="shorter"):
        merkle.verify_inclusion(good, 5, 8, proof[:-1], root)
    with pytest.raises(ProofError, match="longer"):
        merkle.verify_inclusion(good, 5, 8, [*proof, root], root)
    with pytest.raises(ProofError, match="signed root"):
        merkle.verify_inclusion(good, 5, 8, [proof[1], proof[0], proof[2]], root)


def test_consistency_proof_detects_a_rewritten_history() -> None:
    honest = tree_of(LEAVES)
    forked = tree_of(LEAVES[:3] + [b"rewritten"] + LEAVES[4:])
    proof = forked.consistency_proof(4, 8)
    with pytest.raises(ProofError, match="does not reproduce"):
        merkle.verify_consistency(4, 8, honest.root(4), forked.root(), proof)
    with pytest.raises(ProofError, match="forked"):
        merkle.verify_consistency(8, 8, honest.root(), forked.root(), [])
    with pytest.raises(ProofError, match="down"):
        merkle.verify_consistency(8, 4, honest.root(), honest.root(4), [])
    with pytest.raises(ProofError, match="empty"):
        merkle.verify_consistency(3, 8, honest.root(3), honest.root(), [])


def test_frontier_survives_a_round_trip_through_bytes() -> None:
    tree = tree_of(LEAVES[:7])
    copy = merkle.Frontier.from_bytes(7, tree.frontier.to_bytes())
    assert copy.root() == tree.root()
    with pytest.raises(ValueError, match="does not match"):
        merkle.Frontier.from_bytes(8, tree.frontier.to_bytes())


def test_needed_nodes_are_at_most_two_per_level_for_a_large_tree() -> None:
    keys = merkle.inclusion_nodes(123_456, 1_000_000)
    assert len(keys) <= 2 * 20 + 2
    assert all(level <= 20 for level, _ in keys)
