"""Database side of the audit log: tables, append-only triggers, engine set-up (SQLite or PostgreSQL), the
single-writer transaction and the mapping of stored rows to :class:`AuditEvent`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import StaticPool

from clinical_pipelines.audit.store.records import AuditEvent

# Arbitrary fixed key for pg_advisory_xact_lock (ascii "auditlog" as a signed 64-bit int).
_PG_LOCK_KEY = int.from_bytes(b"auditlog", "big", signed=True)

# audit_events (one row per event, append-only) and audit_chain_head (one row: last seq and hash)
metadata = sa.MetaData()

audit_events = sa.Table(
    "audit_events",
    metadata,
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
    metadata,
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


def row_to_event(row: Any) -> AuditEvent:
    """The event of a result row of ``audit_events``."""
    return mapping_to_event(row._mapping)


def mapping_to_event(m: Mapping[str, Any]) -> AuditEvent:
    """The event of a raw ``audit_events`` row mapping (``inputs`` and ``payload`` still JSON text)."""
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


def redact_url(url: str) -> str:
    """``url`` with its password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only used in messages
        return "<unparseable url>"


def make_engine(u: URL, dialect: str) -> Engine:
    """An engine for ``u``: SQLite with WAL, FULL sync and a 60 s busy timeout (BEGIN mode chosen per
    transaction), or a small PostgreSQL pool with pre-ping."""
    if dialect == "sqlite":
        db = u.database
        memory = not db or db == ":memory:"
        kwargs: dict[str, Any] = {"connect_args": {"timeout": 60, "check_same_thread": False}}
        if memory:
            kwargs["poolclass"] = StaticPool
        else:
            Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(u, **kwargs)

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
    return sa.create_engine(u, pool_pre_ping=True, pool_size=2, max_overflow=2)


@contextmanager
def write_tx(engine: Engine, dialect: str) -> Iterator[Connection]:
    """A transaction holding the single-writer lock of the chain (SQLite ``BEGIN IMMEDIATE``; PostgreSQL
    transaction-scoped advisory lock)."""
    with engine.connect() as conn:
        if dialect == "sqlite":
            conn = conn.execution_options(audit_sqlite_begin="IMMEDIATE")
        with conn.begin():
            if dialect == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
            yield conn


def create_schema(engine: Engine, dialect: str) -> None:
    """Create the tables and append-only triggers if missing (idempotent)."""
    with write_tx(engine, dialect) as conn:
        metadata.create_all(conn)
        for ddl in _SQLITE_TRIGGERS if dialect == "sqlite" else _PG_TRIGGERS:
            conn.exec_driver_sql(ddl)
