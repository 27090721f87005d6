"""Copy every asset materialization, asset check evaluation and failed run of the Dagster instance
into the audit log, so that no asset can forget to log.

One sensor, always running, with a cursor of Dagster event-log storage ids (one per event type,
kept as JSON). Idempotent: the resume point is the larger of the Dagster cursor and the highest
storage id this sensor already wrote into the audit log, so a tick that failed after appending
does not append the same events twice.

Audit events written here:
- ``asset.materialized``  subject ``asset:<key/path>``  inputs ``[dagster-run:<run_id>]``
- ``check.evaluated``     subject ``asset:<key/path>``  inputs ``[dagster-run:<run_id>]``
- ``run.failed``          subject ``dagster-run:<run_id>``
Payloads: storage id, run id, asset key, partition, check name/result/severity, failure reason
and error class, and the numeric / identifier-like metadata entries (never free text or error
messages). Check evaluations (gate decisions) are anchored at once after each tick.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster import DagsterEventType, EventRecordsFilter
from dagster._core.storage.event_log.sql_event_log import SqlEventLogStorage
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from clinical_pipelines.audit import events as ev
from clinical_pipelines.audit.anchoring import anchor_after
from clinical_pipelines.audit.store import FORBIDDEN_PAYLOAD_KEYS, AuditEvent, AuditLog, NewEvent
from clinical_pipelines.defs.resources import AuditLogResource

SENSOR_NAME = "audit_event_log_sensor"
ACTOR = f"dagster-sensor:{SENSOR_NAME}"
BATCH = 500
MAX_PER_TICK = 5000

# Dagster event type -> (cursor key, audit event type)
TRACKED: dict[DagsterEventType, tuple[str, str]] = {
    DagsterEventType.ASSET_MATERIALIZATION: ("materialization", ev.ASSET_MATERIALIZED),
    DagsterEventType.ASSET_CHECK_EVALUATION: ("check_evaluation", ev.CHECK_EVALUATED),
    DagsterEventType.RUN_FAILURE: ("run_failure", ev.RUN_FAILED),
}

_ID_LIKE = re.compile(r"^[^\s]{1,256}$")


def _metadata(md: Mapping[str, Any] | None) -> dict[str, Any]:
    """Numbers, booleans, URLs and identifier-like strings only (no whitespace = no free text)."""
    out: dict[str, Any] = {}
    for key, mv in (md or {}).items():
        if key.lower() in FORBIDDEN_PAYLOAD_KEYS or key.lower().split("/")[-1] in FORBIDDEN_PAYLOAD_KEYS:
            continue
        value = getattr(mv, "value", mv)
        if isinstance(value, bool):
            out[key] = value
        elif isinstance(value, int):
            out[key] = value
        elif isinstance(value, float) and math.isfinite(value):
            out[key] = value
        elif isinstance(value, str) and _ID_LIKE.match(value):
            out[key] = value
    return out


def _asset_path(asset_key: dg.AssetKey) -> str:
    return "/".join(asset_key.path)


def record_to_event(record: Any) -> NewEvent | None:
    """The audit event for one Dagster ``EventLogRecord`` (None for event types not tracked)."""
    entry = record.event_log_entry
    de = entry.dagster_event
    if de is None:
        return None
    run_id = entry.run_id
    base = {"storage_id": int(record.storage_id), "run_id": run_id,
            "dagster_timestamp": float(entry.timestamp)}
    run_inputs = [ev.run_subject(run_id)] if run_id else []
    if de.event_type == DagsterEventType.ASSET_MATERIALIZATION:
        mat = entry.asset_materialization
        tags = dict(mat.tags or {})
        payload = {
            **base,
            "asset_key": _asset_path(mat.asset_key),
            "partition": mat.partition,
            "step_key": de.step_key,
            "job_name": entry.job_name,
            "data_version": tags.get("dagster/data_version"),
            "code_version": tags.get("dagster/code_version"),
            "metadata": _metadata(mat.metadata),
        }
        return NewEvent(ev.ASSET_MATERIALIZED, ev.asset_subject(_asset_path(mat.asset_key)), ACTOR,
                        run_inputs, payload)
    if de.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
        ce = de.event_specific_data
        target = ce.target_materialization_data
        payload = {
            **base,
            "asset_key": _asset_path(ce.asset_key),
            "check_name": ce.check_name,
            "passed": bool(ce.passed),
            "severity": ce.severity.value if ce.severity is not None else None,
            "blocking": ce.blocking,
            "partition": ce.partition,
            "target_materialization_storage_id": target.storage_id if target else None,
            "target_materialization_run_id": target.run_id if target else None,
            "metadata": _metadata(ce.metadata),
        }
        return NewEvent(ev.CHECK_EVALUATED, ev.asset_subject(_asset_path(ce.asset_key)), ACTOR,
                        run_inputs, payload)
    if de.event_type == DagsterEventType.RUN_FAILURE:
        data = de.event_specific_data
        reason = getattr(data, "failure_reason", None)
        err = getattr(data, "error", None)
        payload = {
            **base,
            "job_name": entry.job_name,
            "failure_reason": reason.value if reason is not None else None,
            "error_class": getattr(err, "cls_name", None),
        }
        return NewEvent(ev.RUN_FAILED, ev.run_subject(run_id), ACTOR, (), payload)
    return None


def fetch_records(instance: dg.DagsterInstance, event_type: DagsterEventType, after: int,
                  limit: int) -> list[Any]:
    """Records of ``event_type`` with storage id > ``after``, ascending.

    The default local instance stores events run-sharded in SQLite; materializations, check
    evaluations and run status changes are mirrored into its index shard, where storage ids are
    global. Read them there (as Dagster's own ``fetch_run_status_changes`` does); other storages
    (PostgreSQL, consolidated SQLite) answer the plain query.
    """
    storage = instance.event_log_storage
    flt = EventRecordsFilter(event_type=event_type, after_cursor=after)
    if isinstance(storage, SqliteEventLogStorage):
        return list(SqlEventLogStorage.get_event_records(storage, flt, limit=limit, ascending=True))
    return list(storage.get_event_records(flt, limit=limit, ascending=True))


def logged_high_water(log: AuditLog, audit_type: str) -> int:
    """Highest Dagster storage id this sensor already wrote for ``audit_type`` (0 if none)."""
    last = log.query(event_type=audit_type, actor=ACTOR, descending=True, limit=1)
    if not last:
        return 0
    return int(last[0].payload.get("storage_id", 0))


def sync_instance_events(instance: dg.DagsterInstance, log: AuditLog,
                         cursor: Mapping[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """Append the new events; return (new cursor, counts by cursor key).

    Check evaluations are gate decisions: when any were appended, the log is anchored at once
    (``audit.anchoring.anchor_after``); a failure to anchor fails the tick.
    """
    new_cursor = dict(cursor)
    counts: dict[str, int] = {}
    appended: list[AuditEvent] = []
    for dtype, (key, audit_type) in TRACKED.items():
        after = max(int(cursor.get(key, 0)), logged_high_water(log, audit_type))
        n = 0
        while n < MAX_PER_TICK:
            records = fetch_records(instance, dtype, after, BATCH)
            if not records:
                break
            events = [e for e in (record_to_event(r) for r in records) if e is not None]
            appended += log.append_many(events)
            after = max(int(r.storage_id) for r in records)
            n += len(records)
            if len(records) < BATCH:
                break
        new_cursor[key] = after
        counts[key] = n
    anchor_after(log, appended, actor=ACTOR)
    return new_cursor, counts


@dg.sensor(
    name=SENSOR_NAME,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Appends every asset materialization, asset check evaluation and failed run of "
    "this Dagster instance to the hash-chained audit log (cursor: event-log storage ids).",
)
def audit_event_log_sensor(context: dg.SensorEvaluationContext, audit_log: AuditLogResource):
    cursor = json.loads(context.cursor) if context.cursor else {}
    new_cursor, counts = sync_instance_events(context.instance, audit_log.log(), cursor)
    context.update_cursor(json.dumps(new_cursor, sort_keys=True))
    total = sum(counts.values())
    summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
    if total == 0:
        return dg.SkipReason(f"no new Dagster events to audit ({summary})")
    return dg.SkipReason(f"audited {total} Dagster events ({summary})")
