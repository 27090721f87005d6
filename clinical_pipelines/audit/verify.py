"""Verification of the audit chain and of its external Merkle anchors.

``verify_chain`` walks the log by seq and checks, for every event: the seq is the next integer
(a gap = a deleted event), the stored hash equals the hash recomputed from the stored fields
(an edited, inserted or reordered row fails here, since seq is hashed), and ``prev_hash`` equals
the stored hash of the event before (a row rewritten *with* a recomputed hash breaks the link).
At the end the last event is compared with the recorded chain head (tail truncation or rows
added outside ``AuditLog.append``). It stops at, and names, the first bad event.

A determined attacker with database access can recompute every hash after an edit; that is what
``verify_anchors`` catches: the Merkle root of each anchored range, written outside the database,
no longer matches. An attacker who also holds the lakeFS admin key can rewrite the anchors, but
not sign them: only anchors signed by a trusted anchor key (and, when present, with a valid
RFC 3161 time-stamp) count, and every publish, promotion and gate event must be covered by one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from clinical_pipelines.audit.anchor import (
    Anchor,
    AnchorSource,
    check_anchor_signature,
    merkle_root_of_event_hashes,
)
from clinical_pipelines.audit.signing import PublicKey
from clinical_pipelines.audit.store import GENESIS_HASH, AuditEvent, AuditLog, event_hash
from clinical_pipelines.audit.timestamp import verify_timestamp

if TYPE_CHECKING:
    from cryptography import x509

__all__ = ["VerifyResult", "AnchorTrust", "AnchorVerifyResult", "verify_chain", "verify_anchors"]


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    n_events: int
    first_bad_seq: int | None = None
    problem: str | None = None
    first_bad_event_id: str | None = None
    last_seq: int = 0
    head_hash: str = GENESIS_HASH

    def summary(self) -> str:
        if self.ok:
            return f"audit chain OK: {self.n_events} events, head seq {self.last_seq} hash {self.head_hash}"
        who = f"seq {self.first_bad_seq}"
        if self.first_bad_event_id:
            who += f" (event_id {self.first_bad_event_id})"
        return f"audit chain BROKEN at {who}: {self.problem} [{self.n_events} events checked]"


@dataclass(frozen=True)
class AnchorTrust:
    """What a verifier trusts: the anchor public key(s), the TSA root certificate(s), and how long a
    publish / promotion / gate event may stay unanchored (seconds; anchors are written at once)."""

    trusted_keys: Sequence[PublicKey]
    tsa_roots: Sequence[x509.Certificate] = ()
    require_timestamp: bool = False
    decision_grace_seconds: float = 600.0


@dataclass(frozen=True)
class AnchorVerifyResult:
    ok: bool
    n_anchors: int
    covered_to_seq: int = 0
    problems: list[str] = field(default_factory=list)
    first_bad_anchor: Anchor | None = None
    first_bad_seq: int | None = None
    n_timestamped: int = 0
    key_ids: list[str] = field(default_factory=list)
    head_seq: int = 0

    def summary(self) -> str:
        if not self.ok:
            return "anchors BROKEN: " + "; ".join(self.problems)
        if not self.n_anchors:
            return "anchors OK: no anchors written yet (nothing anchored)"
        tail = self.head_seq - self.covered_to_seq
        return (
            f"anchors OK: {self.n_anchors} anchors cover seq 1..{self.covered_to_seq}, signed by trusted key "
            f"{', '.join(self.key_ids)}; {self.n_timestamped} with a verified RFC 3161 time-stamp"
            + (f"; {tail} later event(s) not yet anchored (within the grace period or not decisions)"
               if tail > 0 else "")
        )


def _fail(n: int, seq: int | None, problem: str, event_id: str | None = None,
          last_seq: int = 0, head_hash: str = GENESIS_HASH) -> VerifyResult:
    return VerifyResult(False, n, seq, problem, event_id, last_seq, head_hash)


def verify_chain(
    log: AuditLog,
    *,
    from_seq: int = 1,
    to_seq: int | None = None,
    expected_prev_hash: str | None = None,
) -> VerifyResult:
    """Verify the chain (whole log by default, or ``from_seq..to_seq``)."""
    if from_seq < 1:
        raise ValueError("from_seq starts at 1")
    if expected_prev_hash is not None:
        prev = expected_prev_hash
    elif from_seq == 1:
        prev = GENESIS_HASH
    else:
        before = log.hashes(from_seq - 1, from_seq - 1)
        if not before:
            return _fail(0, from_seq - 1, f"event seq {from_seq - 1} (start of range) is missing")
        prev = before[0][1]
    expected = from_seq
    prev_id: str | None = None
    n = 0
    for row in log.iter_raw(from_seq, to_seq):
        seq = int(row["seq"])
        eid = row["event_id"]
        if seq != expected:
            return _fail(
                n, expected,
                f"event seq {expected} is missing (deleted or renumbered); the next stored event "
                f"is seq {seq} (event_id {eid})",
                None, expected - 1, prev,
            )
        try:
            inputs = json.loads(row["inputs"])
            payload = json.loads(row["payload"])
        except (TypeError, ValueError):
            return _fail(n, seq, "stored inputs/payload are not valid JSON (row edited)", eid,
                         seq - 1, prev)
        fields = {
            "seq": seq,
            "event_id": eid,
            "occurred_at": row["occurred_at"],
            "event_type": row["event_type"],
            "actor": row["actor"],
            "subject": row["subject"],
            "inputs": inputs,
            "payload": payload,
        }
        try:
            recomputed = event_hash(row["prev_hash"], fields)
        except (TypeError, ValueError, UnicodeError):
            return _fail(n, seq, "stored fields cannot be hashed (row edited)", eid, seq - 1, prev)
        if recomputed != row["hash"]:
            return _fail(
                n, seq,
                "stored hash does not match the event's content (event edited, inserted or moved "
                "to another seq)",
                eid, seq - 1, prev,
            )
        if row["prev_hash"] != prev:
            before = f"seq {seq - 1}" + (f" (event_id {prev_id})" if prev_id else "")
            return _fail(
                n, seq,
                f"prev_hash does not match the stored hash of {before}: the chain is broken here "
                "(one of the two was rewritten with a recomputed hash, or an event was inserted "
                "or removed between them)",
                eid, seq - 1, prev,
            )
        prev = row["hash"]
        prev_id = eid
        expected = seq + 1
        n += 1
    last_seq = expected - 1
    if to_seq is not None:
        if last_seq < to_seq:
            return _fail(n, last_seq + 1, f"event seq {last_seq + 1} is missing (range ends at "
                         f"{to_seq})", None, last_seq, prev)
        return VerifyResult(True, n, None, None, None, last_seq, prev)
    recorded = log.recorded_head()
    if recorded is None:
        if n:
            return _fail(n, 1, "chain head record is missing (audit_chain_head row deleted)",
                         None, last_seq, prev)
        return VerifyResult(True, 0, None, None, None, 0, GENESIS_HASH)
    head_seq, head_hash = recorded
    if head_seq > last_seq:
        return _fail(
            n, last_seq + 1,
            f"events seq {last_seq + 1}..{head_seq} are missing: the chain head records seq "
            f"{head_seq} but the log ends at seq {last_seq} (tail deleted)",
            None, last_seq, prev,
        )
    if head_seq < last_seq:
        extra = log.query(since_seq=head_seq, limit=1)
        return _fail(
            n, head_seq + 1,
            f"events after seq {head_seq} were not written through the audit log (the chain head "
            f"records seq {head_seq}, the log ends at seq {last_seq})",
            extra[0].event_id if extra else None, last_seq, prev,
        )
    if head_hash != prev:
        return _fail(n, last_seq, "the last event's hash differs from the recorded chain head",
                     prev_id, last_seq, prev)
    return VerifyResult(True, n, None, None, None, last_seq, prev)


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _check_one(log: AuditLog, a: Anchor, opts: AnchorTrust) -> tuple[list[tuple[int, str]], str | None]:
    """Problems of one anchor as (seq, message), and its time-stamp time if verified."""
    name = f"anchor-{a.to_seq} (seq {a.from_seq}..{a.to_seq})"
    out: list[tuple[int, str]] = []
    sig = check_anchor_signature(a, opts.trusted_keys)
    if not sig.ok:
        out.append((a.from_seq, f"{name}: {sig.problem}"))
    gen_time = None
    if a.tsa:
        ts = verify_timestamp(a.tsa, a.signed_body(), opts.tsa_roots)
        if ts.ok:
            gen_time = ts.gen_time
        else:
            out.append((a.from_seq, f"{name}: RFC 3161 time-stamp: {ts.problem}"))
    elif opts.require_timestamp:
        out.append((a.from_seq, f"{name}: has no RFC 3161 time-stamp"))
    if a.to_seq < a.from_seq:
        return out + [(a.from_seq, f"{name} has an empty or inverted range")], gen_time
    pairs = log.hashes(a.from_seq, a.to_seq)
    seqs = [s for s, _ in pairs]
    want = list(range(a.from_seq, a.to_seq + 1))
    if seqs != want:
        missing = sorted(set(want) - set(seqs))
        first = missing[0] if missing else a.from_seq
        out.append((first, f"{name}: {len(missing)} anchored event(s) missing from the log, first seq {first}"))
        return out, gen_time
    root = merkle_root_of_event_hashes([h for _, h in pairs])
    if root != a.root:
        out.append((a.from_seq, f"{name}: Merkle root {root} differs from the anchored root {a.root}: events in "
                    "this range changed after anchoring"))
    elif a.head_hash and pairs[-1][1] != a.head_hash:
        out.append((a.to_seq, f"{name}: hash of seq {a.to_seq} differs from the anchor"))
    return out, gen_time


def _unanchored_decisions(log: AuditLog, covered: list[tuple[int, int]], head_seq: int,
                          opts: AnchorTrust, now: datetime) -> list[tuple[int, str]]:
    """Publish / promotion / gate events outside every anchor, older than the grace period."""
    from clinical_pipelines.audit.anchoring import ANCHOR_TRIGGER_EVENT_TYPES

    gaps, start = [], 1
    for a, b in covered:
        if a > start:
            gaps.append((start, a - 1))
        start = b + 1
    if start <= head_seq:
        gaps.append((start, head_seq))
    cutoff = (now - timedelta(seconds=opts.decision_grace_seconds)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    late: list[AuditEvent] = []
    for lo, hi in gaps:
        for e in log.iter_events(lo, hi):
            if e.event_type in ANCHOR_TRIGGER_EVENT_TYPES and e.occurred_at <= cutoff:
                late.append(e)
    if not late:
        return []
    first = late[0]
    return [(first.seq, f"{len(late)} publish/promotion/gate event(s) are not covered by any valid anchor "
             f"(first: seq {first.seq}, {first.event_type}, event_id {first.event_id}); they are anchored at "
             "once when recorded, so their anchors were removed, forged or never written")]


def verify_anchors(
    log: AuditLog,
    source: AnchorSource,
    trust: AnchorTrust,
    *,
    now: datetime | None = None,
) -> AnchorVerifyResult:
    """Check every anchor (signature by a trusted key, RFC 3161 token, Merkle root of its range),
    that the valid anchors cover the log without gaps, and that no publish, promotion or gate
    event older than ``trust.decision_grace_seconds`` is left unanchored."""
    anchors = sorted(source.list_anchors(), key=lambda a: (a.from_seq, a.to_seq))
    # Sources may report their own integrity problems (e.g. lakeFS: untagged or rewritten anchors).
    found: list[tuple[int, str, Anchor | None]] = [(0, str(p), None) for p in getattr(source, "problems", None) or []]
    head_seq, _ = log.head()
    valid: list[tuple[int, int]] = []
    key_ids: set[str] = set()
    n_ts = 0
    for a in anchors:
        problems, gen_time = _check_one(log, a, opts=trust)
        found += [(seq, msg, a) for seq, msg in problems]
        n_ts += gen_time is not None
        if not problems:
            valid.append((a.from_seq, a.to_seq))
            key_ids.add(str((a.signature or {}).get("key_id")))
    covered = _merge(valid)
    bounds = ([(0, 0)] if covered and covered[0][0] > 1 else []) + covered
    for (_, b), (c, _) in zip(bounds, bounds[1:]):
        found.append((b + 1, f"events seq {b + 1}..{c - 1} are not covered by any valid anchor: an anchor "
                      "is missing or invalid", None))
    covered_to = covered[-1][1] if covered else 0
    if covered_to > head_seq:
        found.append((head_seq + 1, f"the log ends at seq {head_seq} but anchors cover up to seq {covered_to}: "
                      "events removed", None))
    found += [(s, m, None) for s, m in _unanchored_decisions(log, covered, head_seq, trust, now or datetime.now(UTC))]
    first = min((f for f in found if f[0] > 0), key=lambda f: f[0], default=None)
    return AnchorVerifyResult(
        ok=not found, n_anchors=len(anchors), covered_to_seq=covered_to if covered and covered[0][0] == 1 else 0,
        problems=[m for _, m, _ in found], first_bad_anchor=first[2] if first else None,
        first_bad_seq=first[0] if first else None, n_timestamped=n_ts, key_ids=sorted(key_ids),
        head_seq=head_seq,
    )
