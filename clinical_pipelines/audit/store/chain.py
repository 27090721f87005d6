"""Appending to the chain: read the head under the writer lock, refuse an inconsistent chain, hash and insert
the new rows, and move the recorded head (``audit_chain_head``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from clinical_pipelines.audit.store.records import (GENESIS_HASH, AuditEvent, AuditIntegrityError, event_hash,
                                                    hashed_fields, utc_now_iso)
from clinical_pipelines.audit.store.schema import audit_chain_head, audit_events
from clinical_pipelines.provenance import canonical_json


def append_validated(
    conn: Connection, validated: Sequence[tuple[str, str, str, list[str], dict[str, Any]]]
) -> list[AuditEvent]:
    """Append validated ``(event_type, subject, actor, inputs, payload)`` tuples in order inside ``conn``'s
    write transaction and return the stored events; raises :class:`AuditIntegrityError` when the chain head
    and the last stored event disagree."""
    out: list[AuditEvent] = []
    seq, prev = locked_head(conn)
    rows = []
    for event_type, subject, actor, inputs, payload in validated:
        seq += 1
        event_id = str(uuid.uuid4())
        occurred_at = utc_now_iso()
        fields = hashed_fields(
            seq, event_id, occurred_at, event_type, actor, subject, inputs, payload
        )
        h = event_hash(prev, fields)
        rows.append(
            {
                **{k: v for k, v in fields.items() if k not in ("inputs", "payload")},
                "inputs": canonical_json(inputs).decode("utf-8"),
                "payload": canonical_json(payload).decode("utf-8"),
                "prev_hash": prev,
                "hash": h,
            }
        )
        out.append(
            AuditEvent(seq, event_id, occurred_at, event_type, actor, subject,
                       tuple(inputs), payload, prev, h)
        )
        prev = h
    conn.execute(sa.insert(audit_events), rows)
    updated = conn.execute(
        sa.update(audit_chain_head)
        .where(audit_chain_head.c.id == 1)
        .values(seq=seq, hash=prev)
    ).rowcount
    if updated == 0:
        conn.execute(sa.insert(audit_chain_head).values(id=1, seq=seq, hash=prev))
    return out


def locked_head(conn: Connection) -> tuple[int, str]:
    """Last (seq, hash) under the writer lock; refuses to extend an inconsistent chain."""
    last = conn.execute(
        sa.select(audit_events.c.seq, audit_events.c.hash)
        .order_by(audit_events.c.seq.desc())
        .limit(1)
    ).first()
    head = conn.execute(
        sa.select(audit_chain_head.c.seq, audit_chain_head.c.hash).where(
            audit_chain_head.c.id == 1
        )
    ).first()
    last_t = (int(last[0]), last[1]) if last else (0, GENESIS_HASH)
    head_t = (int(head[0]), head[1]) if head else (0, GENESIS_HASH)
    if last_t != head_t:
        raise AuditIntegrityError(
            f"audit chain head records seq {head_t[0]} but the last stored event is seq "
            f"{last_t[0]} (or its hash differs); refusing to append. Run "
            "`clinical-pipelines audit verify` and investigate before writing again"
        )
    return last_t
