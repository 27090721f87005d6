"""The audit-log resource: the hash-chained audit log (:mod:`clinical_pipelines.audit.store`) for Dagster assets.

Shared by every other resource that records events (lakeFS, MLflow): they are given this resource and append the
matching audit event themselves.
"""

from __future__ import annotations

import functools
from typing import Any, Iterable, Mapping

import dagster as dg

from clinical_pipelines.audit.store import AuditLog

ACTOR = "dagster:clinical_pipelines"


class AuditLogResource(dg.ConfigurableResource):
    """The append-only, hash-chained audit log (SQLite by default, PostgreSQL when configured)."""

    url: str = dg.EnvVar("CLINICAL_PIPELINES_AUDIT_DB_URL")

    def log(self) -> AuditLog:
        return _audit_log(self.url)

    def append(
        self,
        event_type: str,
        subject: str,
        *,
        inputs: Iterable[str] = (),
        payload: Mapping[str, Any] | None = None,
        actor: str = ACTOR,
    ):
        """Append one event; a publish, promotion or gate decision is anchored at once (signed)."""
        from clinical_pipelines.audit.anchoring import anchor_after

        event = self.log().append(event_type, subject, actor=actor, inputs=tuple(inputs), payload=dict(payload or {}))
        anchor_after(self.log(), [event])
        return event

    def require_available(self, action: str) -> None:
        """Fail closed before ``action`` publishes anything when the audit database cannot be reached
        (a publish must never go unrecorded). Raises ``dagster.Failure`` naming the error type only."""
        try:
            self.log().head()
        except Exception as exc:  # noqa: BLE001 - any database error means: do not publish
            raise dg.Failure(description=(
                f"The audit log database is unreachable ({type(exc).__name__}); refusing to {action} before its "
                "audit event can be written. Nothing was published. Start the audit database "
                "(CLINICAL_PIPELINES_AUDIT_DB_URL) and re-run the step."), allow_retries=False) from None




@functools.lru_cache(maxsize=8)
def _audit_log(url: str) -> AuditLog:
    return AuditLog(url)
