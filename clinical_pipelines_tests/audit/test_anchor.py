"""Merkle roots (RFC 6962 known answers), signed anchors and anchor verification."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from clinical_pipelines.audit import events as ev
from clinical_pipelines.audit.anchor import (
    Anchor,
    AnchorAlreadyWritten,
    DirectoryAnchorStore,
    build_next_anchor,
    latest_anchor,
    merkle_root,
    merkle_root_of_event_hashes,
)
from clinical_pipelines.audit.store import AuditIntegrityError, AuditLog
from clinical_pipelines.audit.verify import AnchorTrust, verify_anchors

# Certificate Transparency reference vectors (RFC 6962 Merkle Tree Hash over the first n leaves).
CT_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]
CT_ROOTS = [
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


@pytest.mark.parametrize("n", range(len(CT_ROOTS)))
def test_merkle_root_known_answers(n: int) -> None:
    assert merkle_root(CT_LEAVES[:n]).hex() == CT_ROOTS[n]


def _reference_mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 section 2.1 recursion, written independently of the iterative implementation."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + _reference_mth(leaves[:k]) + _reference_mth(leaves[k:])).digest()


@pytest.mark.parametrize("n", [9, 13, 16, 17, 31, 100])
def test_merkle_root_matches_rfc_recursion(n: int) -> None:
    leaves = [hashlib.sha256(str(i).encode()).digest() for i in range(n)]
    assert merkle_root(leaves) == _reference_mth(leaves)


def _append(log: AuditLog, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        log.append(ev.RUN_FAILED, f"dagster-run:r{i}", actor="t", payload={"i": i})


@pytest.fixture
def key(anchor_keys):
    return anchor_keys[0]


@pytest.fixture
def trust(anchor_keys) -> AnchorTrust:
    return AnchorTrust(trusted_keys=[anchor_keys[0].public_key])


def test_anchors_cover_ranges_and_verify(log: AuditLog, tmp_path, key, trust) -> None:
    store = DirectoryAnchorStore(tmp_path)
    assert build_next_anchor(log, None, signing_key=key) is None  # nothing to anchor
    assert verify_anchors(log, store, trust).ok
    _append(log, 7)
    a1 = build_next_anchor(log, None, signing_key=key)
    assert (a1.from_seq, a1.to_seq, a1.n_events) == (1, 7, 7)
    assert a1.root == merkle_root_of_event_hashes([h for _, h in log.hashes(1, 7)])
    assert a1.head_hash == log.head()[1]
    assert a1.signature["key_id"] == key.public_key.key_id and a1.tsa is None
    store.write_anchor(a1)
    assert build_next_anchor(log, latest_anchor(store), signing_key=key) is None
    _append(log, 3, 7)
    a2 = build_next_anchor(log, latest_anchor(store), signing_key=key)
    assert (a2.from_seq, a2.to_seq) == (8, 10)
    store.write_anchor(a2)
    with pytest.raises(AnchorAlreadyWritten):  # the same anchor again (a concurrent writer)
        store.write_anchor(a2)
    with pytest.raises(FileExistsError):  # a different anchor at the same place is never written
        store.write_anchor(replace(a2, root="0" * 64))
    res = verify_anchors(log, store, trust)
    assert res.ok and res.n_anchors == 2 and res.covered_to_seq == 10, res.summary()
    assert res.key_ids == [key.public_key.key_id]
    assert Anchor.from_json_bytes(a2.to_json_bytes()) == a2


def test_anchor_detects_edit_and_truncation(log: AuditLog, tmp_path, raw_sql, key, trust) -> None:
    store = DirectoryAnchorStore(tmp_path)
    _append(log, 6)
    store.write_anchor(build_next_anchor(log, None, signing_key=key))
    _append(log, 4, 6)
    store.write_anchor(build_next_anchor(log, latest_anchor(store), signing_key=key))
    raw_sql(log, "DELETE FROM audit_events WHERE seq >= 9")
    res = verify_anchors(log, store, trust)
    assert not res.ok and res.first_bad_seq == 9
    assert res.first_bad_anchor is not None and res.first_bad_anchor.to_seq == 10
    with pytest.raises(AuditIntegrityError, match="removed"):
        build_next_anchor(log, latest_anchor(store), signing_key=key)


def test_missing_anchor_file_is_detected(log: AuditLog, tmp_path, key, trust) -> None:
    store = DirectoryAnchorStore(tmp_path)
    _append(log, 3)
    a1 = build_next_anchor(log, None, signing_key=key)
    store.write_anchor(a1)
    _append(log, 3, 3)
    store.write_anchor(build_next_anchor(log, a1, signing_key=key))
    (tmp_path / "anchors" / "3.json").unlink()
    res = verify_anchors(log, store, trust)
    assert not res.ok and "events seq 1..3 are not covered by any valid anchor" in res.problems[0]


def test_overlapping_anchors_of_concurrent_writers_verify(log: AuditLog, tmp_path, key, trust) -> None:
    store = DirectoryAnchorStore(tmp_path)
    _append(log, 4)
    first = build_next_anchor(log, None, signing_key=key)  # writer A saw seq 1..4
    _append(log, 2, 4)
    second = build_next_anchor(log, None, signing_key=key)  # writer B, same start, saw seq 1..6
    store.write_anchor(first)
    store.write_anchor(second)
    res = verify_anchors(log, store, trust)
    assert res.ok and res.covered_to_seq == 6, res.summary()


def test_anchor_refuses_to_bless_a_tampered_range(log: AuditLog, raw_sql, key) -> None:
    _append(log, 5)
    raw_sql(log, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 2")
    with pytest.raises(AuditIntegrityError, match="refusing to anchor"):
        build_next_anchor(log, None, signing_key=key)


def test_unsigned_or_foreign_anchors_are_rejected(log: AuditLog, tmp_path, anchor_keys, trust) -> None:
    key, forger, _ = anchor_keys
    _append(log, 4)
    good = build_next_anchor(log, None, signing_key=key)
    unsigned = DirectoryAnchorStore(tmp_path / "u")
    unsigned.write_anchor(replace(good, signature=None))
    res = verify_anchors(log, unsigned, trust)
    assert not res.ok and "not signed" in res.problems[0]
    foreign = DirectoryAnchorStore(tmp_path / "f")
    foreign.write_anchor(build_next_anchor(log, None, signing_key=forger))
    res = verify_anchors(log, foreign, trust)
    assert not res.ok and forger.public_key.key_id in res.problems[0] and "not a trusted key" in res.problems[0]
    edited = DirectoryAnchorStore(tmp_path / "e")
    edited.write_anchor(replace(good, n_events=3))  # signature kept, signed body changed
    res = verify_anchors(log, edited, trust)
    assert not res.ok and "signature does not verify" in res.problems[0]


def test_forged_anchor_over_a_tampered_log_fails(log: AuditLog, tmp_path, raw_sql, anchor_keys, trust) -> None:
    """The forger holds the audit DB and the anchor store, not the anchor signing key."""
    key, forger, _ = anchor_keys
    _append(log, 5)
    log.append(ev.GATE_BLOCKED, "asset:model_promotion", actor="t", payload={"gate": "calibration_ece"})
    store = DirectoryAnchorStore(tmp_path)
    store.write_anchor(build_next_anchor(log, None, signing_key=key))
    assert verify_anchors(log, store, trust).ok
    # Remove the blocked gate, recompute the chain head, replace the anchor with a re-made one.
    raw_sql(log, "DELETE FROM audit_events WHERE seq = 6",
            f"UPDATE audit_chain_head SET seq = 5, hash = '{log.hashes(5, 5)[0][1]}'")
    (tmp_path / "anchors" / "6.json").unlink()
    remade = build_next_anchor(log, None, signing_key=forger)
    store.write_anchor(remade)
    res = verify_anchors(log, store, trust)
    assert not res.ok and "not a trusted key" in " ".join(res.problems)
    # ... and without any anchor the gate decision would show as unanchored, had it stayed in the log.


def test_unanchored_decisions_fail_after_the_grace_period(log: AuditLog, tmp_path, key, anchor_keys) -> None:
    store = DirectoryAnchorStore(tmp_path)
    _append(log, 3)
    store.write_anchor(build_next_anchor(log, None, signing_key=key))
    log.append(ev.LAKEFS_MERGE, "lakefs:clinical-deid@c1", actor="t", payload={"into": "main"})
    _append(log, 2, 3)
    strict = AnchorTrust(trusted_keys=[key.public_key], decision_grace_seconds=0)
    res = verify_anchors(log, store, strict)
    assert not res.ok and "seq 4, lakefs.merge" in res.problems[0]
    relaxed = AnchorTrust(trusted_keys=[key.public_key])  # 600 s: the anchor may still be on its way
    assert verify_anchors(log, store, relaxed).ok
    assert not verify_anchors(log, store, AnchorTrust(trusted_keys=[key.public_key], require_timestamp=True)).ok
