"""Every minute: compare the published state with the audit log and report changes as the check's result."""


import dagster as dg

from clinical_pipelines.defs.published_state.checks import CHECK_ASSET, CHECK_NAME, evaluate, result_fields
from clinical_pipelines.defs.resources import AuditLogResource, LakeFSResource, MLflowResource, StudyRegistryResource

UNREADABLE_CURSOR = "unreadable"


@dg.sensor(
    name="published_state_sensor",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Compares lakeFS main heads and the MLflow champion alias with the audit log every minute; a change no "
        "gated step made fails published_state_check and is recorded as a published_state.diverged audit event."
    ),
)
def published_state_sensor(
    context: dg.SensorEvaluationContext, lakefs: LakeFSResource, mlflow: MLflowResource, audit_log: AuditLogResource,
    studies: StudyRegistryResource,
):
    try:
        report, new = evaluate(lakefs, mlflow, audit_log, studies)
    except Exception as exc:  # noqa: BLE001 - a watcher that cannot see reports that, fail closed
        if context.cursor == UNREADABLE_CURSOR:
            return dg.SkipReason(f"published state still unreadable ({type(exc).__name__})")
        evaluation = dg.AssetCheckEvaluation(
            asset_key=CHECK_ASSET, check_name=CHECK_NAME, passed=False, severity=dg.AssetCheckSeverity.ERROR,
            description=f"published state could not be read ({type(exc).__name__}); it is not verified",
        )
        return dg.SensorResult(asset_events=[evaluation], cursor=UNREADABLE_CURSOR)
    if context.cursor == report.digest:
        return dg.SkipReason(f"unchanged: {report.summary()}")
    evaluation = dg.AssetCheckEvaluation(asset_key=CHECK_ASSET, check_name=CHECK_NAME, **result_fields(report))
    context.log.info(f"{report.summary()} ({len(new)} new audit event(s))")
    return dg.SensorResult(asset_events=[evaluation], cursor=report.digest)
