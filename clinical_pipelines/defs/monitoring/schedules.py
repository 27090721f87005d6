"""Unattended retraining, per study: weekly, and when drift is reported while newer released data exists."""


import dagster as dg

from clinical_pipelines.defs.partitions import MODEL_JOB, STUDY_DIM, studies


@dg.schedule(
    name="weekly_retraining_schedule",
    job_name=MODEL_JOB,
    cron_schedule="0 3 * * 1",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Retrain, re-validate and (only if every gate passes) re-promote every study's model every "
    "Monday 03:00 UTC (one run per study partition).",
)
def weekly_retraining_schedule(context: dg.ScheduleEvaluationContext):
    study_ids = context.instance.get_dynamic_partitions(studies.name)
    if not study_ids:
        return dg.SkipReason("no study has a partition yet: nothing to retrain")
    week = context.scheduled_execution_time.strftime("%Y-%m-%d") if context.scheduled_execution_time else "now"
    return [dg.RunRequest(partition_key=s, run_key=f"weekly-{s}-{week}") for s in sorted(study_ids)]


@dg.sensor(
    job_name=MODEL_JOB,
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Per study: when the latest drift report recommends retraining and a de-identified snapshot of "
    "that study was released after it, start the study's model lifecycle run (once per drift report).",
)
def retraining_on_drift_sensor(context: dg.SensorEvaluationContext):
    requests, reasons = [], []
    for study_id in sorted(context.instance.get_dynamic_partitions(studies.name)):
        drift = context.instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dg.AssetKey("feature_drift"), asset_partitions=[study_id]), limit=1).records
        if not drift or drift[0].asset_materialization is None:
            reasons.append(f"{study_id}: no drift report yet")
            continue
        recommended = drift[0].asset_materialization.metadata.get("retraining_recommended")
        if not (recommended and recommended.value):
            reasons.append(f"{study_id}: latest drift report does not recommend retraining")
            continue
        if not _released_since(context.instance, study_id, drift[0].timestamp):
            reasons.append(f"{study_id}: drift reported, but no snapshot released since: review the drift report")
            continue
        requests.append(dg.RunRequest(partition_key=study_id, run_key=f"drift-{study_id}-{drift[0].run_id}",
                                      tags={"trigger": "feature_drift"}))
    return requests or dg.SkipReason("; ".join(reasons) or "no study yet")


def _released_since(instance: dg.DagsterInstance, study_id: str, timestamp: float) -> bool:
    """Whether any batch of ``study_id`` was released after ``timestamp`` (newest releases first)."""
    for record in instance.fetch_materializations(dg.AssetKey("released_snapshot"), limit=200).records:
        if record.timestamp <= timestamp:
            return False
        mat = record.asset_materialization
        key = getattr(mat, "partition", None) if mat is not None else None
        if isinstance(key, dg.MultiPartitionKey) and key.keys_by_dimension.get(STUDY_DIM) == study_id:
            return True
        if isinstance(key, str) and key.endswith(f"|{study_id}"):
            return True
    return False
