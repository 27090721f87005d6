"""Merkle anchors: signed commitments to ranges of the audit chain, kept outside the database.

An anchor covers the events ``from_seq..to_seq`` (all events since the previous anchor) and
stores the RFC 6962 Merkle root over their stored hashes (leaf = ``sha256(0x00 || hash bytes)``,
node = ``sha256(0x01 || left || right)``, empty tree = ``sha256(b"")``), plus the hash of the
last covered event. Its *signed body* (canonical JSON of format, range, root, head hash, count and
creation time) is

- signed with the pipeline's Ed25519 anchor key (RFC 8032; a key kept apart from the audit
  database and the lakeFS admin key, see ``Settings.anchor_signing_key_file``), so that whoever
  can rewrite the log and the anchor store still cannot re-make the anchors, and
- optionally time-stamped by an RFC 3161 authority (``timestamp.py``), which proves when it existed.

Anchors are written where the database's administrators cannot rewrite them silently (lakeFS
object + tag in repository ``clinical-audit-anchors``, ``lakefs_anchors.py``); ``anchoring.py``
writes one at once after every publish, promotion and gate decision.

``AnchorSource``/``AnchorSink`` are the plain interfaces; ``DirectoryAnchorStore`` (JSON files)
is used by tests and offline copies.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from clinical_pipelines.audit.signing import ALGORITHM, KeyFileError, PublicKey, SignatureCheck, SigningKey, check_signature
from clinical_pipelines.audit.timestamp import TSA_URL_ENV, request_timestamp
from clinical_pipelines.provenance import canonical_json

if TYPE_CHECKING:
    from cryptography import x509

    from clinical_pipelines.audit.store import AuditLog

__all__ = [
    "ANCHOR_REPOSITORY",
    "TSA_URL_ENV",
    "Anchor",
    "AnchorAlreadyWritten",
    "AnchorSource",
    "AnchorSink",
    "DirectoryAnchorStore",
    "leaf_hash",
    "node_hash",
    "merkle_root",
    "merkle_root_of_event_hashes",
    "build_next_anchor",
    "check_anchor_signature",
    "latest_anchor",
    "anchor_object_path",
    "anchor_tag",
]

ANCHOR_REPOSITORY = "clinical-audit-anchors"
ANCHOR_FORMAT = "clinical-pipelines/audit-anchor/v2"


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
    """One anchor. ``signature``: ``{"algorithm", "key_id", "public_key", "signature"}`` (base64);
    ``tsa``: the RFC 3161 token record of ``timestamp.request_timestamp`` or None."""

    from_seq: int
    to_seq: int
    root: str
    created_at: str
    head_hash: str = ""
    n_events: int = 0
    tsa: dict[str, Any] | None = field(default=None)
    format: str = ANCHOR_FORMAT
    signature: dict[str, str] | None = field(default=None)

    def signed_body(self) -> bytes:
        """The bytes that are signed and time-stamped (everything but the signature and token)."""
        return canonical_json({
            "format": self.format, "from_seq": self.from_seq, "to_seq": self.to_seq, "root": self.root,
            "head_hash": self.head_hash, "n_events": self.n_events, "created_at": self.created_at,
        })

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
            signature=d.get("signature"),
        )

    @classmethod
    def from_json_bytes(cls, data: bytes) -> Anchor:
        return cls.from_dict(json.loads(data.decode("utf-8")))


def anchor_object_path(anchor: Anchor) -> str:
    return f"anchors/{anchor.to_seq}.json"


def anchor_tag(anchor: Anchor) -> str:
    return f"anchor-{anchor.to_seq}"


def covers(existing: Anchor, new: Anchor) -> bool:
    """Whether ``existing`` (same ``to_seq``) already anchors the range of ``new``."""
    if existing.to_seq != new.to_seq:
        return False
    return existing.from_seq < new.from_seq or (existing.from_seq == new.from_seq and existing.root == new.root)


class AnchorAlreadyWritten(FileExistsError):
    """An identical anchor (same range end and root) was already written, e.g. by a concurrent
    writer; ``location`` says where. A *different* anchor at the same place is a plain
    ``FileExistsError``."""

    def __init__(self, message: str, location: str) -> None:
        super().__init__(message)
        self.location = location


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
    """The anchor with the highest ``to_seq`` (``source.latest_anchor()`` when it has a fast path)."""
    fast = getattr(source, "latest_anchor", None)
    if callable(fast):
        return fast()
    anchors = source.list_anchors()
    return max(anchors, key=lambda a: a.to_seq) if anchors else None


class DirectoryAnchorStore:
    """Anchors as ``<dir>/anchors/<to_seq>.json`` files (tests, offline copies)."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.problems: list[str] = []

    def write_anchor(self, anchor: Anchor) -> str:
        path = self.directory / anchor_object_path(anchor)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            if covers(Anchor.from_json_bytes(path.read_bytes()), anchor):
                raise AnchorAlreadyWritten(f"anchor {path.name} already written", str(path)) from None
            raise FileExistsError(f"anchor {path.name} already exists; anchors are never rewritten") from None
        with os.fdopen(fd, "wb") as fh:
            fh.write(anchor.to_json_bytes())
        return str(path)

    def list_anchors(self) -> list[Anchor]:
        d = self.directory / "anchors"
        if not d.is_dir():
            return []
        return [Anchor.from_json_bytes(p.read_bytes()) for p in sorted(d.glob("*.json"))]


def sign_anchor(anchor: Anchor, key: SigningKey) -> Anchor:
    pub = key.public_key
    return replace(anchor, signature={
        "algorithm": ALGORITHM, "key_id": pub.key_id, "public_key": pub.b64,
        "signature": base64.b64encode(key.sign(anchor.signed_body())).decode("ascii"),
    })


def check_anchor_signature(anchor: Anchor, trusted: Sequence[PublicKey]) -> SignatureCheck:
    """Is ``anchor`` signed (over its signed body) by one of the ``trusted`` keys?"""
    sig = anchor.signature
    if not isinstance(sig, dict) or not sig.get("signature"):
        return SignatureCheck(False, False, None, "not signed (an unsigned anchor proves nothing: anyone "
                              "with write access to the anchor store can make one)")
    if sig.get("algorithm") != ALGORITHM:
        return SignatureCheck(False, False, None, f"signature algorithm {sig.get('algorithm')!r} is not {ALGORITHM}")
    try:
        raw = base64.b64decode(str(sig["signature"]), validate=True)
        claimed = PublicKey.from_b64(str(sig.get("public_key", "")))
    except (ValueError, KeyFileError):
        return SignatureCheck(False, False, None, "signature record is unreadable")
    return check_signature(raw, anchor.signed_body(), claimed, trusted)


def build_next_anchor(
    log: AuditLog,
    last: Anchor | None,
    *,
    signing_key: SigningKey,
    tsa_url: str | None = None,
    tsa_roots: Sequence[x509.Certificate] = (),
    now: datetime | None = None,
) -> Anchor | None:
    """The signed (and, with ``tsa_url``, time-stamped) anchor over every event after ``last``.

    None when there is nothing new. Refuses (``AuditIntegrityError``) to anchor a range whose
    chain does not verify or does not continue from the previous anchor: an anchor must never
    bless tampered history. A TSA failure raises ``timestamp.TimestampError``.
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
    anchor = Anchor(
        from_seq=from_seq,
        to_seq=head_seq,
        root=merkle_root_of_event_hashes([h for _, h in pairs]),
        created_at=(now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        head_hash=pairs[-1][1],
        n_events=len(pairs),
    )
    anchor = sign_anchor(anchor, signing_key)
    if tsa_url:
        anchor = replace(anchor, tsa=request_timestamp(tsa_url, anchor.signed_body(), roots=tsa_roots))
    return anchor
