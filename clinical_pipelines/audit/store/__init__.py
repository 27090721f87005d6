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

Layout: :mod:`.records` (event record, chain hash format), :mod:`.validation` (event and payload checks),
:mod:`.schema` (tables, triggers, engine, writer lock), :mod:`.chain` (append under the lock),
:mod:`.queries` (reads), :mod:`.log` (:class:`AuditLog`).
"""

from __future__ import annotations

from clinical_pipelines.audit.store.log import AuditLog
from clinical_pipelines.audit.store.records import (GENESIS_HASH, AuditEvent, AuditIntegrityError, NewEvent,
                                                    event_hash)
from clinical_pipelines.audit.store.validation import (GENERIC_FORBIDDEN_KEYS, MAX_PAYLOAD_BYTES,  # noqa: F401
                                                       forbidden_payload_keys)

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


def __getattr__(name: str):
    """``FORBIDDEN_PAYLOAD_KEYS``: :func:`forbidden_payload_keys`, computed on first access (it reads the
    built-in study specs)."""
    if name == "FORBIDDEN_PAYLOAD_KEYS":
        return forbidden_payload_keys()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

