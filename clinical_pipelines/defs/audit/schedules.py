"""Anchor the audit log every hour (running by default)."""

from __future__ import annotations

import dagster as dg

from clinical_pipelines.defs.audit.assets import audit_anchor

audit_anchor_hourly = dg.ScheduleDefinition(
    name="audit_anchor_hourly",
    target=dg.AssetSelection.assets(audit_anchor),
    cron_schedule="7 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Writes the Merkle root of the new audit events to lakeFS (clinical-audit-anchors).",
)
