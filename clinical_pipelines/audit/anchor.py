"""Merkle anchors: commit to ranges of the audit chain outside the database.

An anchor covers the events ``from_seq..to_seq`` (all events since the previous anchor) and
stores the RFC 6962 Merkle root over their stored hashes (leaf = ``sha256(0x00 || hash bytes)``,
node = ``sha256(0x01 || left || right)``, empty tree = ``sha256(b"")``), plus the hash of the
last covered event. Anchors are written where the database's administrators cannot rewrite them
silently (lakeFS object + tag in repository ``clinical-audit-anchors``; optionally an RFC 3161
timestamp token). Rewriting history then requires rewriting the anchors too.

``AnchorSource``/``AnchorSink`` are the plain interfaces; ``DirectoryAnchorStore`` (JSON files)
is used by tests and offline checks, ``clinical_pipelines.audit.lakefs_anchors`` by production.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from clinical_pipelines.provenance import canonical_json

if TYPE_CHECKING:
    from clinical_pipelines.audit.store import AuditLog

__all__ = [
    "ANCHOR_REPOSITORY",
    "TSA_URL_ENV",
    "Anchor",
    "AnchorSource",
    "AnchorSink",
    "DirectoryAnchorStore",
    "leaf_hash",
    "node_hash",
    "merkle_root",
    "merkle_root_of_event_hashes",
    "build_next_anchor",
    "anchor_object_path",
    "anchor_tag",
    "timestamp_request_der",
    "request_timestamp",
]

ANCHOR_REPOSITORY = "clinical-audit-anchors"
TSA_URL_ENV = "CLINICAL_PIPELINES_TSA_URL"
ANCHOR_FORMAT = "clinical-pipelines/audit-anchor/v1"


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """RFC 6962 Merkle Tree Hash over the leaf *data* (not yet leaf-hashed)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    level = [leaf_hash(d) for d in leaves]
    # Bottom-up pairing with the odd last node promoted unchanged equals RFC 6962's
    # split-at-largest-power-of-two recursion.
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def merkle_root_of_event_hashes(hashes_hex: Sequence[str]) -> str:
    """Hex Merkle root whose leaves are the 32-byte event hashes."""
    return merkle_root([bytes.fromhex(h) for h in hashes_hex]).hex()


@dataclass(frozen=True)
class Anchor:
    from_seq: int
    to_seq: int
    root: str
    created_at: str
    head_hash: str = ""
    n_events: int = 0
    tsa: dict[str, Any] | None = field(default=None)
    format: str = ANCHOR_FORMAT

    def to_json_bytes(self) -> bytes:
        return canonical_json(asdict(self))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Anchor:
        missing = [k for k in ("from_seq", "to_seq", "root", "created_at") if k not in d]
        if missing:
            raise ValueError(f"anchor record lacks field(s) {', '.join(missing)}")
        return cls(
            from_seq=int(d["from_seq"]),
            to_seq=int(d["to_seq"]),
            root=str(d["root"]),
            created_at=str(d["created_at"]),
            head_hash=str(d.get("head_hash", "")),
            n_events=int(d.get("n_events", int(d["to_seq"]) - int(d["from_seq"]) + 1)),
            tsa=d.get("tsa"),
            format=str(d.get("format", ANCHOR_FORMAT)),
        )

    @classmethod
    def from_json_bytes(cls, data: bytes) -> Anchor:
        return cls.from_dict(json.loads(data.decode("utf-8")))


def anchor_object_path(anchor: Anchor) -> str:
    return f"anchors/{anchor.to_seq}.json"


def anchor_tag(anchor: Anchor) -> str:
    return f"anchor-{anchor.to_seq}"


@runtime_checkable
class AnchorSource(Protocol):
    def list_anchors(self) -> list[Anchor]:
        """All anchors, in any order."""
        ...


@runtime_checkable
class AnchorSink(Protocol):
    def write_anchor(self, anchor: Anchor) -> str:
        """Persist the anchor outside the log; return where (for the anchor.written event)."""
        ...


def latest_anchor(source: AnchorSource) -> Anchor | None:
    anchors = source.list_anchors()
    return max(anchors, key=lambda a: a.to_seq) if anchors else None


class DirectoryAnchorStore:
    """Anchors as ``<dir>/anchors/<to_seq>.json`` files (tests, offline copies)."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def write_anchor(self, anchor: Anchor) -> str:
        path = self.directory / anchor_object_path(anchor)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            raise FileExistsError(f"anchor {path.name} already exists; anchors are never rewritten")
        path.write_bytes(anchor.to_json_bytes())
        return str(path)

    def list_anchors(self) -> list[Anchor]:
        d = self.directory / "anchors"
        if not d.is_dir():
            return []
        return [Anchor.from_json_bytes(p.read_bytes()) for p in sorted(d.glob("*.json"))]


def build_next_anchor(
    log: AuditLog,
    last: Anchor | None,
    *,
    tsa_url: str | None = None,
    now: datetime | None = None,
) -> Anchor | None:
    """The anchor over every event after ``last`` (None when there is nothing new).

    Refuses (``AuditIntegrityError``) to anchor a range whose chain does not verify or does not
    continue from the previous anchor: an anchor must never bless tampered history.
    """
    from clinical_pipelines.audit.store import AuditIntegrityError
    from clinical_pipelines.audit.verify import verify_chain

    from_seq = last.to_seq + 1 if last else 1
    head_seq, _ = log.head()
    if head_seq < from_seq:
        if last and head_seq < last.to_seq:
            raise AuditIntegrityError(
                f"audit log ends at seq {head_seq} but the last anchor covers up to seq "
                f"{last.to_seq}: events were removed"
            )
        return None
    prev_hash = last.head_hash if last and last.head_hash else None
    res = verify_chain(log, from_seq=from_seq, to_seq=head_seq, expected_prev_hash=prev_hash)
    if not res.ok:
        raise AuditIntegrityError(
            f"refusing to anchor seq {from_seq}..{head_seq}: {res.problem}"
        )
    pairs = log.hashes(from_seq, head_seq)
    root = merkle_root_of_event_hashes([h for _, h in pairs])
    created = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    tsa = request_timestamp(tsa_url, root) if tsa_url else None
    return Anchor(
        from_seq=from_seq,
        to_seq=head_seq,
        root=root,
        created_at=created,
        head_hash=pairs[-1][1],
        n_events=len(pairs),
        tsa=tsa,
    )


# ---------------------------------------------------------------------- RFC 3161 (optional)
def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def _der(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _der_len(len(content)) + content


def _der_int(v: int) -> bytes:
    b = v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True)
    return _der(0x02, b)


_SHA256_OID = bytes.fromhex("0609608648016503040201")  # 2.16.840.1.101.3.4.2.1


def timestamp_request_der(digest: bytes, nonce: int) -> bytes:
    """DER TimeStampReq (RFC 3161) for a SHA-256 digest, certReq = TRUE."""
    if len(digest) != 32:
        raise ValueError("timestamp_request_der expects a 32-byte SHA-256 digest")
    alg = _der(0x30, _SHA256_OID + b"\x05\x00")
    imprint = _der(0x30, alg + _der(0x04, digest))
    body = _der_int(1) + imprint + _der_int(nonce) + b"\x01\x01\xff"
    return _der(0x30, body)


def request_timestamp(url: str, root_hex: str, *, timeout: float = 15.0) -> dict[str, Any]:
    """Ask the RFC 3161 TSA at ``url`` to timestamp ``root_hex``; the token is stored, not parsed.

    The digest sent is the 32-byte Merkle root itself. Verification of the token (signature,
    certificate chain) is left to standard tools (``openssl ts -verify``).
    """
    nonce = secrets.randbits(63)
    req = urllib.request.Request(
        url,
        data=timestamp_request_der(bytes.fromhex(root_hex), nonce),
        headers={"Content-Type": "application/timestamp-query"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - configured URL
        body = resp.read()
        ctype = resp.headers.get("Content-Type", "")
    if "timestamp-reply" not in ctype:
        raise RuntimeError(f"TSA at {url} answered with content type {ctype!r}, not a timestamp reply")
    return {
        "url": url,
        "nonce": str(nonce),
        "response_b64": base64.b64encode(body).decode("ascii"),
        "response_sha256": hashlib.sha256(body).hexdigest(),
    }
