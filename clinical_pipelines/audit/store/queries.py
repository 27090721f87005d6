"""Reading the audit log: head, counts, filtered queries, lookups by subject and keyset-paginated iteration
(used by verification and anchoring).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from clinical_pipelines.audit.store.records import GENESIS_HASH, AuditEvent
from clinical_pipelines.audit.store.schema import audit_chain_head, audit_events, mapping_to_event, row_to_event


class AuditLogQueries:
    """Read methods of :class:`AuditLog` over ``self._engine``."""

    _engine: Engine

    def head(self) -> tuple[int, str]:
        """(seq, hash) of the last stored event; (0, GENESIS_HASH) when empty."""
        with self._engine.connect() as conn:
            last = conn.execute(
                sa.select(audit_events.c.seq, audit_events.c.hash)
                .order_by(audit_events.c.seq.desc())
                .limit(1)
            ).first()
        return (int(last[0]), last[1]) if last else (0, GENESIS_HASH)

    def recorded_head(self) -> tuple[int, str] | None:
        """(seq, hash) recorded in ``audit_chain_head`` by the last append, or None."""
        with self._engine.connect() as conn:
            row = conn.execute(
                sa.select(audit_chain_head.c.seq, audit_chain_head.c.hash).where(
                    audit_chain_head.c.id == 1
                )
            ).first()
        return (int(row[0]), row[1]) if row else None

    def count(self) -> int:
        """Number of stored events."""
        with self._engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(audit_events)).scalar())

    def query(
        self,
        event_type: str | None = None,
        subject: str | None = None,
        since_seq: int | None = None,
        limit: int | None = None,
        *,
        actor: str | None = None,
        descending: bool = False,
    ) -> list[AuditEvent]:
        """Events matching all given filters, by seq (``since_seq`` is exclusive)."""
        stmt = sa.select(audit_events)
        if event_type is not None:
            stmt = stmt.where(audit_events.c.event_type == event_type)
        if subject is not None:
            stmt = stmt.where(audit_events.c.subject == subject)
        if since_seq is not None:
            stmt = stmt.where(audit_events.c.seq > since_seq)
        if actor is not None:
            stmt = stmt.where(audit_events.c.actor == actor)
        stmt = stmt.order_by(audit_events.c.seq.desc() if descending else audit_events.c.seq)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self._engine.connect() as conn:
            return [row_to_event(r) for r in conn.execute(stmt)]

    def events_for_subjects(self, subjects: Iterable[str], *, chunk: int = 500) -> list[AuditEvent]:
        """All events whose subject is one of ``subjects`` (index lookups), by seq."""
        subs = sorted(set(subjects))
        out: list[AuditEvent] = []
        with self._engine.connect() as conn:
            for i in range(0, len(subs), chunk):
                part = subs[i : i + chunk]
                stmt = sa.select(audit_events).where(audit_events.c.subject.in_(part))
                out.extend(row_to_event(r) for r in conn.execute(stmt))
        out.sort(key=lambda e: e.seq)
        return out

    def iter_raw(
        self, from_seq: int = 1, to_seq: int | None = None, *, batch: int = 5000
    ) -> Iterator[Mapping[str, Any]]:
        """Stored rows (raw column values, JSON still as text) by seq, keyset-paginated."""
        last = from_seq - 1
        with self._engine.connect() as conn:
            while True:
                stmt = (
                    sa.select(audit_events)
                    .where(audit_events.c.seq > last)
                    .order_by(audit_events.c.seq)
                    .limit(batch)
                )
                if to_seq is not None:
                    stmt = stmt.where(audit_events.c.seq <= to_seq)
                rows = conn.execute(stmt).mappings().all()
                if not rows:
                    return
                yield from rows
                last = int(rows[-1]["seq"])

    def iter_events(
        self, from_seq: int = 1, to_seq: int | None = None, *, batch: int = 5000
    ) -> Iterator[AuditEvent]:
        """Stored events by seq in [from_seq, to_seq], keyset-paginated in batches of ``batch`` rows."""
        for m in self.iter_raw(from_seq, to_seq, batch=batch):
            yield mapping_to_event(m)

    def hashes(self, from_seq: int, to_seq: int) -> list[tuple[int, str]]:
        """(seq, stored hash) for seq in [from_seq, to_seq], by seq."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(audit_events.c.seq, audit_events.c.hash)
                .where(audit_events.c.seq >= from_seq, audit_events.c.seq <= to_seq)
                .order_by(audit_events.c.seq)
            ).all()
        return [(int(s), h) for s, h in rows]
