"""Unattended retraining: weekly, and when drift is reported while newer released data exists."""


import dagster as dg

from clinical_pipelines.defs.jobs import MODEL_JOB

weekly_retraining_schedule = dg.ScheduleDefinition(
    name="weekly_retraining_schedule",
    job_name=MODEL_JOB,
    cron_schedule="0 3 * * 1",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Retrain, re-validate and (only if every gate passes) re-promote every Monday 03:00 UTC.",
)


@dg.sensor(
    job_name=MODEL_JOB,
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="When the latest drift report recommends retraining and a de-identified snapshot was released "
    "after that report's training data, start the model lifecycle job (once per drift report).",
)
def retraining_on_drift_sensor(context: dg.SensorEvaluationContext):
    drift = context.instance.get_latest_materialization_event(dg.AssetKey("feature_drift"))
    if drift is None or drift.asset_materialization is None:
        return dg.SkipReason("no drift report yet")
    recommended = drift.asset_materialization.metadata.get("retraining_recommended")
    if not (recommended and recommended.value):
        return dg.SkipReason("latest drift report does not recommend retraining")
    released = context.instance.fetch_materializations(dg.AssetKey("released_snapshot"), limit=1).records
    if not released or released[0].timestamp <= drift.timestamp:
        return dg.SkipReason("drift reported, but no snapshot released since: review the drift report")
    return dg.RunRequest(run_key=f"drift-{drift.run_id}", tags={"trigger": "feature_drift"})
