"""Feature drift (Evidently) between the training patients and the most recent patients, per study."""


import dagster as dg

from clinical_pipelines.defs.partitions import studies, study_of
from clinical_pipelines.defs.resources import LakeFSResource, MLflowResource, StudyRegistryResource, ValidationPolicyResource
from clinical_pipelines.monitoring.drift import retraining_recommended, study_drift
from clinical_pipelines.training.design import evaluation_design, feature_set

OWNER = "team:ml-engineering"
DRIFT_CHECK = "feature_drift_within_limit"


@dg.asset(
    partitions_def=studies,
    group_name="monitoring",
    kinds={"evidently", "mlflow"},
    owners=[OWNER],
    check_specs=[dg.AssetCheckSpec(DRIFT_CHECK, asset="feature_drift", blocking=False)],
    description=(
        "Evidently data-drift report of every model feature: training patients (reference) against the most "
        "recent patients (temporal test period). The share of drifted features is compared with the gate "
        "policy's limit; above it, retraining is recommended (warning check, and the retraining sensor acts). "
        "A feature that went missing is drift too; one that cannot be compared (all missing, empty window) "
        "is reported as not evaluated and also recommends retraining review (fail closed)."
    ),
)
def feature_drift(
    context: dg.AssetExecutionContext,
    training_dataset: dict,
    trained_model: dict,
    lakefs: LakeFSResource,
    mlflow: MLflowResource,
    validation_policy: ValidationPolicyResource,
    studies: StudyRegistryResource,
):
    import mlflow as mlflow_api

    study = studies.study(study_of(context))
    features = feature_set(study)
    ds = training_dataset
    df = lakefs.read_parquet(ds["repository"], ds["commit_id"], ds["path"])
    # train vs. the most recent patients; not applicable (the spec's reason) for a study without dates
    result = study_drift(df, evaluation_design(study), features)
    decision = retraining_recommended(result.summary, validation_policy.policy())
    with mlflow_api.start_run(run_id=trained_model["mlflow_run_id"]):
        mlflow_api.log_text(result.html.decode("utf-8"), "monitoring/feature_drift.html")
        if result.summary["share_drifted_columns"] is not None:
            mlflow_api.log_metric("drift_share_drifted_features", float(result.summary["share_drifted_columns"]))
    yield dg.Output(
        {"summary": result.summary, "decision": decision, "dataset_sha256": ds["dataset_sha256"],
         "model_version": trained_model["version"], "run_id": context.run.run_id},
        metadata={
            "study_id": study_of(context),
            "share_drifted_features": result.summary["share_drifted_columns"]
            if result.summary["share_drifted_columns"] is not None else decision["reason"],
            "drifted_features": ", ".join(decision["drifted_columns"]) or "none",
            "retraining_recommended": bool(decision["recommended"]),
            "features_not_evaluated": ", ".join(result.summary["columns_not_evaluated"]) or "none",
            "missingness_drift_features": ", ".join(result.summary["missingness_drift_columns"]) or "none",
            "report_url": dg.MetadataValue.url(
                f"{mlflow.tracking_uri}/#/experiments/{trained_model['experiment_id']}/runs/{trained_model['mlflow_run_id']}/artifacts"
            ),
        },
    )
    not_applicable = result.summary.get("not_applicable")  # the spec's reason (no temporal design)
    status = "not_applicable" if not_applicable else ("fail" if decision["recommended"] else "pass")
    yield dg.AssetCheckResult(
        check_name=DRIFT_CHECK, passed=not decision["recommended"], severity=dg.AssetCheckSeverity.WARN,
        description=decision["reason"],
        metadata={"status": status, "share_drifted_features": result.summary["share_drifted_columns"],
                  "limit": decision["threshold"], **({"reason": not_applicable} if not_applicable else {})},
    )
