"""Append-only, hash-chained audit event store over SQLAlchemy Core (SQLite or PostgreSQL).

Each row of ``audit_events`` stores ``prev_hash`` (the hash of the row before it; 64 zeros for
seq 1) and ``hash = sha256(prev_hash + canonical_json(<all other fields>))``. ``seq`` is assigned
under a database-wide writer lock (SQLite ``BEGIN IMMEDIATE``; PostgreSQL transaction-scoped
advisory lock), so it is unique and gapless even with concurrent writers in several processes.

Defence in depth, not the security boundary: database triggers refuse UPDATE/DELETE on
``audit_events`` and a one-row ``audit_chain_head`` table records the last (seq, hash) so that a
truncated tail is noticed. The security boundary is ``verify.verify_chain`` plus the Merkle anchors
written outside the database (``anchor.py``).

Payloads carry ids, hashes and counts only; keys that name direct identifiers or free text are
refused (see ``FORBIDDEN_PAYLOAD_KEYS``).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.pool import StaticPool

from clinical_pipelines.audit.events import EVENT_TYPES, SUBJECT_RE
from clinical_pipelines.provenance import canonical_json, sha256_bytes

__all__ = [
    "GENESIS_HASH",
    "AuditEvent",
    "NewEvent",
    "AuditLog",
    "AuditIntegrityError",
    "event_hash",
    "FORBIDDEN_PAYLOAD_KEYS",
    "forbidden_payload_keys",
]

GENESIS_HASH = "0" * 64
MAX_PAYLOAD_BYTES = 256 * 1024
# Arbitrary fixed key for pg_advisory_xact_lock (ascii "auditlog" as a signed 64-bit int).
_PG_LOCK_KEY = int.from_bytes(b"auditlog", "big", signed=True)

# Payload keys that name identifiers or free text: every such column of the built-in studies' specs
# (direct identifiers, patient / encounter / record ids, birth dates, geographic quasi-identifiers, free
# text; studies/<study_id>/study.yaml) and the generic names below.
GENERIC_FORBIDDEN_KEYS: frozenset[str] = frozenset({"note_text"})


@lru_cache(maxsize=1)
def forbidden_payload_keys() -> frozenset[str]:
    """Payload keys the audit log refuses (lower case): the identifier and free-text columns of every built-in
    study, and :data:`GENERIC_FORBIDDEN_KEYS`."""
    from clinical_pipelines.study import roles as R
    from clinical_pipelines.study.builtin import builtin_study_ids, load_builtin_study

    keys = set(GENERIC_FORBIDDEN_KEYS)
    for study_id in builtin_study_ids():
        for table in load_builtin_study(study_id).tables.values():
            for name, col in table.columns.items():
                if col.role in (R.DIRECT_IDENTIFIER, R.FREE_TEXT, *R.ID_ROLES) or \
                        getattr(col, "handling", None) == "birth_date" or getattr(col, "safe_harbor", None) == "B":
                    keys.add(name.lower())
    return frozenset(keys)


def __getattr__(name: str):
    if name == "FORBIDDEN_PAYLOAD_KEYS":
        return forbidden_payload_keys()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_ACTOR_RE = re.compile(r"^[^\s]{1,200}$")


class AuditIntegrityError(RuntimeError):
    """The stored chain is not in the state the writer expects (tampering or corruption)."""


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    event_id: str
    occurred_at: str
    event_type: str
    actor: str
    subject: str
    inputs: tuple[str, ...]
    payload: Mapping[str, Any]
    prev_hash: str
    hash: str

    def hashed_fields(self) -> dict[str, Any]:
        return _hashed_fields(
            self.seq,
            self.event_id,
            self.occurred_at,
            self.event_type,
            self.actor,
            self.subject,
            list(self.inputs),
            dict(self.payload),
        )

    def to_dict(self) -> dict[str, Any]:
        d = self.hashed_fields()
        d["prev_hash"] = self.prev_hash
        d["hash"] = self.hash
        return d


@dataclass(frozen=True)
class NewEvent:
    """An event to append (for ``AuditLog.append_many``)."""

    event_type: str
    subject: str
    actor: str
    inputs: Sequence[str] = ()
    payload: Mapping[str, Any] | None = field(default=None)


def _hashed_fields(
    seq: int,
    event_id: str,
    occurred_at: str,
    event_type: str,
    actor: str,
    subject: str,
    inputs: list[str],
    payload: dict[str, Any],
) -> dict[str, Any]:
    return {
        "seq": seq,
        "event_id": event_id,
        "occurred_at": occurred_at,
        "event_type": event_type,
        "actor": actor,
        "subject": subject,
        "inputs": inputs,
        "payload": payload,
    }


def event_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """``sha256(prev_hash + canonical_json(fields))`` as lowercase hex."""
    return sha256_bytes(prev_hash.encode("ascii") + canonical_json(dict(fields)))


_metadata = sa.MetaData()

audit_events = sa.Table(
    "audit_events",
    _metadata,
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
              autoincrement=False),
    sa.Column("event_id", sa.String(36), nullable=False, unique=True),
    sa.Column("occurred_at", sa.String(32), nullable=False),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("subject", sa.String(512), nullable=False),
    sa.Column("inputs", sa.Text(), nullable=False),
    sa.Column("payload", sa.Text(), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Index("ix_audit_events_subject_seq", "subject", "seq"),
    sa.Index("ix_audit_events_event_type_seq", "event_type", "seq"),
)

audit_chain_head = sa.Table(
    "audit_chain_head",
    _metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("seq", sa.BigInteger(), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

_SQLITE_TRIGGERS = (
    """CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
)

_PG_TRIGGERS = (
    """CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$""",
    """DO $$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'audit_events_no_modify'
                        AND tgrelid = 'audit_events'::regclass) THEN
           CREATE TRIGGER audit_events_no_modify BEFORE UPDATE OR DELETE ON audit_events
             FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
         END IF;
         IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'audit_events_no_truncate'
                        AND tgrelid = 'audit_events'::regclass) THEN
           CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
             FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
         END IF;
       END $$""",
)


def _utc_now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _check_payload_keys(obj: Any, path: str) -> None:
    if isinstance(obj, Mapping):
        for k, v in obj.items():
            if not isinstance(k, str):
                raise TypeError(f"audit payload key at {path or '<root>'} is not a string")
            if k.lower() in forbidden_payload_keys():
                raise ValueError(
                    f"audit payload field {path + '.' if path else ''}{k} names a direct identifier "
                    "or free text; audit payloads carry ids, hashes and counts only"
                )
            _check_payload_keys(v, f"{path}.{k}" if path else k)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            _check_payload_keys(v, f"{path}[{i}]")


def _validate(spec: NewEvent) -> tuple[str, str, str, list[str], dict[str, Any]]:
    if spec.event_type not in EVENT_TYPES:
        raise ValueError(
            f"unknown audit event type {spec.event_type!r}; add it to "
            "clinical_pipelines/audit/events.py (known: " + ", ".join(sorted(EVENT_TYPES)) + ")"
        )
    if not isinstance(spec.subject, str) or not SUBJECT_RE.match(spec.subject):
        raise ValueError(
            f"audit subject for {spec.event_type} is not of the form '<kind>:<reference>' "
            "without whitespace (e.g. 'model:clinical-risk/3')"
        )
    if not isinstance(spec.actor, str) or not _ACTOR_RE.match(spec.actor):
        raise ValueError(
            f"audit actor for {spec.event_type} must be 1-200 characters without whitespace "
            "(e.g. 'dagster-sensor:audit_event_log_sensor')"
        )
    if isinstance(spec.inputs, str):
        raise TypeError("audit inputs must be a sequence of subject strings, not one string")
    inputs: list[str] = []
    for i, s in enumerate(spec.inputs):
        if not isinstance(s, str) or not SUBJECT_RE.match(s):
            raise ValueError(f"audit input #{i} for {spec.event_type} is not a valid subject string")
        if s not in inputs:
            inputs.append(s)
    payload = dict(spec.payload or {})
    _check_payload_keys(payload, "")
    encoded = canonical_json(payload)  # raises on non-JSON values
    if len(encoded) > MAX_PAYLOAD_BYTES:
        raise ValueError(
            f"audit payload for {spec.event_type} is {len(encoded)} bytes (> {MAX_PAYLOAD_BYTES}); "
            "store large documents elsewhere and log their hash"
        )
    return spec.event_type, spec.subject, spec.actor, inputs, json.loads(encoded)


def _row_to_event(row: Any) -> AuditEvent:
    return _mapping_to_event(row._mapping)


def _mapping_to_event(m: Mapping[str, Any]) -> AuditEvent:
    return AuditEvent(
        seq=int(m["seq"]),
        event_id=m["event_id"],
        occurred_at=m["occurred_at"],
        event_type=m["event_type"],
        actor=m["actor"],
        subject=m["subject"],
        inputs=tuple(json.loads(m["inputs"])),
        payload=json.loads(m["payload"]),
        prev_hash=m["prev_hash"],
        hash=m["hash"],
    )


def _redact_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only used in messages
        return "<unparseable url>"


class AuditLog:
    """The audit event log at ``url`` (``sqlite:///path`` or ``postgresql+psycopg2://...``)."""

    def __init__(self, url: str, *, create: bool = True) -> None:
        if not url:
            raise ValueError(
                "audit log URL is empty; set CLINICAL_PIPELINES_AUDIT_DB_URL or pass e.g. "
                "sqlite:///var/audit/audit.db"
            )
        self.url = url
        self._u = make_url(url)
        self.dialect = self._u.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise ValueError(
                f"unsupported audit log database {self.dialect!r} in {_redact_url(url)}; "
                "use sqlite:///... or postgresql+psycopg2://..."
            )
        if not create and self.dialect == "sqlite":
            db = self._u.database
            if db and db != ":memory:" and not Path(db).expanduser().exists():
                raise FileNotFoundError(
                    f"no audit database at {db}; check --db-url / CLINICAL_PIPELINES_AUDIT_DB_URL"
                )
        self._engine = self._make_engine()
        if create:
            self._create_schema()
        else:
            insp = sa.inspect(self._engine)
            if not insp.has_table("audit_events"):
                raise FileNotFoundError(
                    f"no audit_events table at {_redact_url(url)}; check the audit DB URL"
                )

    # ------------------------------------------------------------------ engine / transactions
    def _make_engine(self) -> Engine:
        if self.dialect == "sqlite":
            db = self._u.database
            memory = not db or db == ":memory:"
            kwargs: dict[str, Any] = {"connect_args": {"timeout": 60, "check_same_thread": False}}
            if memory:
                kwargs["poolclass"] = StaticPool
            else:
                Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = sa.create_engine(self._u, **kwargs)

            @sa.event.listens_for(engine, "connect")
            def _on_connect(dbapi_conn: Any, _rec: Any) -> None:
                # Let SQLAlchemy (not pysqlite) emit BEGIN, so we can choose BEGIN IMMEDIATE.
                dbapi_conn.isolation_level = None
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA busy_timeout = 60000")
                if not memory:
                    cur.execute("PRAGMA journal_mode = WAL")
                    cur.execute("PRAGMA synchronous = FULL")
                cur.close()

            @sa.event.listens_for(engine, "begin")
            def _on_begin(conn: Connection) -> None:
                mode = conn.get_execution_options().get("audit_sqlite_begin", "DEFERRED")
                conn.exec_driver_sql(f"BEGIN {mode}")

            return engine
        return sa.create_engine(self._u, pool_pre_ping=True, pool_size=2, max_overflow=2)

    @contextmanager
    def _write_tx(self) -> Iterator[Connection]:
        """A transaction holding the single-writer lock of the chain."""
        with self._engine.connect() as conn:
            if self.dialect == "sqlite":
                conn = conn.execution_options(audit_sqlite_begin="IMMEDIATE")
            with conn.begin():
                if self.dialect == "postgresql":
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
                yield conn

    def _create_schema(self) -> None:
        with self._write_tx() as conn:
            _metadata.create_all(conn)
            for ddl in _SQLITE_TRIGGERS if self.dialect == "sqlite" else _PG_TRIGGERS:
                conn.exec_driver_sql(ddl)

    @property
    def engine(self) -> Engine:
        return self._engine

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"AuditLog({_redact_url(self.url)!r})"

    # ------------------------------------------------------------------ writing
    def append(
        self,
        event_type: str,
        subject: str,
        *,
        actor: str,
        inputs: Iterable[str] = (),
        payload: Mapping[str, Any] | None = None,
    ) -> AuditEvent:
        """Append one event and return it (with its seq and hash)."""
        return self.append_many(
            [NewEvent(event_type, subject, actor, tuple(inputs), payload)]
        )[0]

    def append_many(self, events: Iterable[NewEvent]) -> list[AuditEvent]:
        """Append several events atomically, in order (all or none)."""
        validated = [_validate(e) for e in events]
        if not validated:
            return []
        out: list[AuditEvent] = []
        with self._write_tx() as conn:
            seq, prev = self._locked_head(conn)
            rows = []
            for event_type, subject, actor, inputs, payload in validated:
                seq += 1
                event_id = str(uuid.uuid4())
                occurred_at = _utc_now_iso()
                fields = _hashed_fields(
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

    def _locked_head(self, conn: Connection) -> tuple[int, str]:
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

    # ------------------------------------------------------------------ reading
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
            return [_row_to_event(r) for r in conn.execute(stmt)]

    def events_for_subjects(self, subjects: Iterable[str], *, chunk: int = 500) -> list[AuditEvent]:
        """All events whose subject is one of ``subjects`` (index lookups), by seq."""
        subs = sorted(set(subjects))
        out: list[AuditEvent] = []
        with self._engine.connect() as conn:
            for i in range(0, len(subs), chunk):
                part = subs[i : i + chunk]
                stmt = sa.select(audit_events).where(audit_events.c.subject.in_(part))
                out.extend(_row_to_event(r) for r in conn.execute(stmt))
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
        for m in self.iter_raw(from_seq, to_seq, batch=batch):
            yield _mapping_to_event(m)

    def hashes(self, from_seq: int, to_seq: int) -> list[tuple[int, str]]:
        """(seq, stored hash) for seq in [from_seq, to_seq], by seq."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(audit_events.c.seq, audit_events.c.hash)
                .where(audit_events.c.seq >= from_seq, audit_events.c.seq <= to_seq)
                .order_by(audit_events.c.seq)
            ).all()
        return [(int(s), h) for s, h in rows]
