"""Merkle roots (RFC 6962 known answers), anchors and anchor verification."""

from __future__ import annotations

import hashlib

import pytest

from clinical_pipelines.audit import events as ev
from clinical_pipelines.audit.anchor import (
    Anchor,
    DirectoryAnchorStore,
    build_next_anchor,
    latest_anchor,
    merkle_root,
    merkle_root_of_event_hashes,
    timestamp_request_der,
)
from clinical_pipelines.audit.store import AuditIntegrityError, AuditLog
from clinical_pipelines.audit.verify import verify_anchors

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


def test_anchors_cover_ranges_and_verify(log: AuditLog, tmp_path) -> None:
    store = DirectoryAnchorStore(tmp_path)
    assert build_next_anchor(log, None) is None  # nothing to anchor
    assert verify_anchors(log, store).ok
    _append(log, 7)
    a1 = build_next_anchor(log, None)
    assert (a1.from_seq, a1.to_seq, a1.n_events) == (1, 7, 7)
    assert a1.root == merkle_root_of_event_hashes([h for _, h in log.hashes(1, 7)])
    assert a1.head_hash == log.head()[1]
    store.write_anchor(a1)
    assert build_next_anchor(log, latest_anchor(store)) is None
    _append(log, 3, 7)
    a2 = build_next_anchor(log, latest_anchor(store))
    assert (a2.from_seq, a2.to_seq) == (8, 10)
    store.write_anchor(a2)
    with pytest.raises(FileExistsError):
        store.write_anchor(a2)
    res = verify_anchors(log, store)
    assert res.ok and res.n_anchors == 2 and res.covered_to_seq == 10, res.summary()
    assert Anchor.from_json_bytes(a2.to_json_bytes()) == a2


def test_anchor_detects_edit_and_truncation(log: AuditLog, tmp_path, raw_sql) -> None:
    store = DirectoryAnchorStore(tmp_path)
    _append(log, 6)
    store.write_anchor(build_next_anchor(log, None))
    _append(log, 4, 6)
    store.write_anchor(build_next_anchor(log, latest_anchor(store)))
    raw_sql(log, "DELETE FROM audit_events WHERE seq >= 9")
    res = verify_anchors(log, store)
    assert not res.ok and res.first_bad_seq == 9
    assert res.first_bad_anchor is not None and res.first_bad_anchor.to_seq == 10
    with pytest.raises(AuditIntegrityError, match="removed"):
        build_next_anchor(log, latest_anchor(store))


def test_missing_anchor_file_is_detected(log: AuditLog, tmp_path) -> None:
    store = DirectoryAnchorStore(tmp_path)
    _append(log, 3)
    a1 = build_next_anchor(log, None)
    store.write_anchor(a1)
    _append(log, 3, 3)
    store.write_anchor(build_next_anchor(log, a1))
    (tmp_path / "anchors" / "3.json").unlink()
    res = verify_anchors(log, store)
    assert not res.ok and "does not continue" in res.problems[0]


def test_anchor_refuses_to_bless_a_tampered_range(log: AuditLog, raw_sql) -> None:
    _append(log, 5)
    raw_sql(log, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 2")
    with pytest.raises(AuditIntegrityError, match="refusing to anchor"):
        build_next_anchor(log, None)


def test_timestamp_request_is_der() -> None:
    der = timestamp_request_der(bytes(range(32)), nonce=0x1234)
    assert der[0] == 0x30 and der[1] == len(der) - 2
    assert bytes.fromhex("0609608648016503040201") in der  # sha256 OID
    assert bytes([0x04, 0x20]) + bytes(range(32)) in der
    assert der.endswith(b"\x01\x01\xff")
    with pytest.raises(ValueError):
        timestamp_request_der(b"short", 1)
