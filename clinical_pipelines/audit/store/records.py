"""The audit event record and the chain hash format.

An event's hash is ``sha256(prev_hash + canonical_json(<hashed fields>))`` (lowercase hex), where the hashed
fields are seq, event_id, occurred_at (UTC, ISO 8601 with microseconds and ``Z``), event_type, actor, subject,
inputs and payload; the first event's ``prev_hash`` is ``GENESIS_HASH`` (64 zeros).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from clinical_pipelines.provenance import canonical_json, sha256_bytes

GENESIS_HASH = "0" * 64


class AuditIntegrityError(RuntimeError):
    """The stored chain is not in the state the writer expects (tampering or corruption)."""


@dataclass(frozen=True)
class AuditEvent:
    """One stored event: ``seq`` (1-based, gapless), ``event_id`` (UUID4), ``occurred_at`` (UTC ISO 8601),
    type, actor, subject, ``inputs`` (subjects), ``payload`` (JSON object) and the chain hashes (hex sha256)."""

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
        """The fields covered by :attr:`hash` (everything but ``prev_hash`` and ``hash``)."""
        return hashed_fields(
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
        """All fields as a JSON-ready dict (hashed fields, then ``prev_hash`` and ``hash``)."""
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


def hashed_fields(
    seq: int,
    event_id: str,
    occurred_at: str,
    event_type: str,
    actor: str,
    subject: str,
    inputs: list[str],
    payload: dict[str, Any],
) -> dict[str, Any]:
    """The hashed fields of an event, in the order of the chain format."""
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


def utc_now_iso() -> str:
    """Current UTC time as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (the ``occurred_at`` format)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
