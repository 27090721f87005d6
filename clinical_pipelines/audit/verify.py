"""Verification of the audit chain and of its external Merkle anchors.

``verify_chain`` walks the log by seq and checks, for every event: the seq is the next integer
(a gap = a deleted event), the stored hash equals the hash recomputed from the stored fields
(an edited, inserted or reordered row fails here, since seq is hashed), and ``prev_hash`` equals
the stored hash of the event before (a row rewritten *with* a recomputed hash breaks the link).
At the end the last event is compared with the recorded chain head (tail truncation or rows
added outside ``AuditLog.append``). It stops at, and names, the first bad event.

A determined attacker with database access can recompute every hash after an edit; that is what
``verify_anchors`` catches: the Merkle root of each anchored range, written outside the database,
no longer matches.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from clinical_pipelines.audit.anchor import Anchor, AnchorSource, merkle_root_of_event_hashes
from clinical_pipelines.audit.store import GENESIS_HASH, AuditLog, event_hash

__all__ = ["VerifyResult", "AnchorVerifyResult", "verify_chain", "verify_anchors"]


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
class AnchorVerifyResult:
    ok: bool
    n_anchors: int
    covered_to_seq: int = 0
    problems: list[str] = field(default_factory=list)
    first_bad_anchor: Anchor | None = None
    first_bad_seq: int | None = None

    def summary(self) -> str:
        if self.ok:
            return (
                f"anchors OK: {self.n_anchors} anchors cover seq 1..{self.covered_to_seq}"
                if self.n_anchors
                else "anchors OK: no anchors written yet (nothing anchored)"
            )
        return "anchors BROKEN: " + "; ".join(self.problems)


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


def verify_anchors(log: AuditLog, source: AnchorSource) -> AnchorVerifyResult:
    """Recompute the Merkle root of every anchored range and compare with the anchor records."""
    anchors = sorted(source.list_anchors(), key=lambda a: (a.from_seq, a.to_seq))
    problems: list[str] = []
    # Sources may report their own integrity problems (e.g. lakeFS: untagged or rewritten anchors).
    for p in getattr(source, "problems", None) or []:
        problems.append(str(p))
    first_bad: Anchor | None = None
    first_seq: int | None = None

    def bad(a: Anchor | None, seq: int, msg: str) -> None:
        nonlocal first_bad, first_seq
        problems.append(msg)
        if first_seq is None or seq < first_seq:
            first_bad, first_seq = a, seq

    head_seq, _ = log.head()
    expected_from = 1
    covered = 0
    for a in anchors:
        name = f"anchor-{a.to_seq} (seq {a.from_seq}..{a.to_seq})"
        if a.from_seq != expected_from:
            bad(a, min(a.from_seq, expected_from),
                f"{name} does not continue the previous anchor (expected from seq {expected_from}):"
                " an anchor is missing or overlaps")
        if a.to_seq < a.from_seq:
            bad(a, a.from_seq, f"{name} has an empty or inverted range")
            continue
        pairs = log.hashes(a.from_seq, a.to_seq)
        seqs = [s for s, _ in pairs]
        want = list(range(a.from_seq, a.to_seq + 1))
        if seqs != want:
            missing = sorted(set(want) - set(seqs))
            first_missing = missing[0] if missing else a.from_seq
            bad(a, first_missing,
                f"{name}: {len(missing)} anchored event(s) missing from the log, first seq "
                f"{first_missing}")
        else:
            root = merkle_root_of_event_hashes([h for _, h in pairs])
            if root != a.root:
                bad(a, a.from_seq,
                    f"{name}: Merkle root {root} differs from the anchored root {a.root}: events in "
                    "this range changed after anchoring")
            elif a.head_hash and pairs[-1][1] != a.head_hash:
                bad(a, a.to_seq, f"{name}: hash of seq {a.to_seq} differs from the anchor")
        expected_from = a.to_seq + 1
        covered = max(covered, a.to_seq)
    if covered > head_seq:
        bad(None, head_seq + 1,
            f"the log ends at seq {head_seq} but anchors cover up to seq {covered}: events removed")
    return AnchorVerifyResult(not problems, len(anchors), covered, problems, first_bad, first_seq)
