"""Sweep orphaned run branches: nothing of a failed, crashed or unreleased run stays in lakeFS.

``run_branch_cleanup_sensor`` quarantines (records in ``_quarantine/`` and deletes) every run
branch of ``clinical-deid`` and ``clinical-evidence`` that will never be released
(``branches.sweep_run_branches``). Its cursor remembers the last sweep and the newest run end it
has seen: it sweeps as soon as a run has ended since, and at least every ``SWEEP_EVERY_SECONDS``
(a crashed run never ends in the run storage; its branch is found by the periodic sweep or by the
next de-identification run).
"""


import json
import time

import dagster as dg

from clinical_pipelines.defs.deid.assets import SNAPSHOT_GATES
from clinical_pipelines.defs.deid.branches import sweep_run_branches
from clinical_pipelines.defs.resources import LakeFSResource
from clinical_pipelines.settings import DEID_REPOSITORY, EVIDENCE_REPOSITORY

SENSOR_NAME = "run_branch_cleanup_sensor"
SWEPT_REPOSITORIES = (DEID_REPOSITORY, EVIDENCE_REPOSITORY)
SWEEP_EVERY_SECONDS = 3600
_ENDED = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED]


def _read_cursor(cursor: str | None) -> tuple[float, float]:
    """(time of the last sweep, newest run end seen), both epoch seconds; (0, 0) when unset or unreadable."""
    try:
        data = json.loads(cursor or "{}")
        return float(data.get("swept_at", 0.0)), float(data.get("runs_ended_to", 0.0))
    except (ValueError, TypeError, AttributeError):
        return 0.0, 0.0


def _newest_run_end(instance: dg.DagsterInstance) -> float:
    records = instance.get_run_records(filters=dg.RunsFilter(statuses=_ENDED), limit=1, order_by="update_timestamp")
    return records[0].update_timestamp.timestamp() if records else 0.0


@dg.sensor(
    name=SENSOR_NAME,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Quarantines run branches that will never be released (gate failed, moved after its gates, run "
        "crashed or ended without releasing): a record with ids and counts in _quarantine/ on the "
        "quarantine-records branch, a lakefs.branch.quarantined audit event, the branch deleted. Sweeps when a "
        "run has ended and at least hourly."
    ),
)
def run_branch_cleanup_sensor(context: dg.SensorEvaluationContext, lakefs: LakeFSResource):
    swept_at, seen_end = _read_cursor(context.cursor)
    newest_end = _newest_run_end(context.instance)
    now = time.time()
    if newest_end <= seen_end and now - swept_at < SWEEP_EVERY_SECONDS:
        return dg.SkipReason("no run ended since the last sweep")
    try:
        result = sweep_run_branches(context.instance, lakefs, repositories=SWEPT_REPOSITORIES,
                                    gate_names=SNAPSHOT_GATES, recorded_by=f"dagster-sensor:{SENSOR_NAME}")
    except Exception as exc:  # noqa: BLE001 - lakeFS unreachable: say so, keep the cursor, retry next tick
        return dg.SkipReason(f"run branches not reachable ({type(exc).__name__}); is lakeFS running?")
    context.update_cursor(json.dumps({"swept_at": now, "runs_ended_to": newest_end}))
    if result.errors:
        context.log.warning(f"{result.summary()}: {'; '.join(result.errors)}")
    return dg.SkipReason(result.summary())
