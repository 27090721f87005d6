"""The audit log object: opens (and by default creates) the store at a database URL and appends events."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from clinical_pipelines.audit.store.chain import append_validated
from clinical_pipelines.audit.store.queries import AuditLogQueries
from clinical_pipelines.audit.store.records import AuditEvent, NewEvent
from clinical_pipelines.audit.store.schema import create_schema, make_engine, redact_url, write_tx
from clinical_pipelines.audit.store.validation import validate_new_event


class AuditLog(AuditLogQueries):
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
                f"unsupported audit log database {self.dialect!r} in {redact_url(url)}; "
                "use sqlite:///... or postgresql+psycopg2://..."
            )
        if not create and self.dialect == "sqlite":
            db = self._u.database
            if db and db != ":memory:" and not Path(db).expanduser().exists():
                raise FileNotFoundError(
                    f"no audit database at {db}; check --db-url / CLINICAL_PIPELINES_AUDIT_DB_URL"
                )
        self._engine = make_engine(self._u, self.dialect)
        if create:
            create_schema(self._engine, self.dialect)
        else:
            insp = sa.inspect(self._engine)
            if not insp.has_table("audit_events"):
                raise FileNotFoundError(
                    f"no audit_events table at {redact_url(url)}; check the audit DB URL"
                )

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine of the store (for read-only use; writes go through :meth:`append_many`)."""
        return self._engine

    def close(self) -> None:
        """Dispose of the engine's connections."""
        self._engine.dispose()

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"AuditLog({redact_url(self.url)!r})"

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
        validated = [validate_new_event(e) for e in events]
        if not validated:
            return []
        with write_tx(self._engine, self.dialect) as conn:
            return append_validated(conn, validated)
