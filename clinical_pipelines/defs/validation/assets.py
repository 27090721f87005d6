"""Model validation gates and promotion.

``model_validation`` scores the internal, temporal and external test splits with the exact
registered model version, computes discrimination, calibration, subgroup and safety metrics,
and evaluates every promotion gate of the gate policy as a blocking asset check in the same step.
``model_promotion`` sets the MLflow alias only after verifying, from the Dagster event log, that
every gate passed for that exact validation run; otherwise the alias stays where it was.
"""


import json

import dagster as dg
import pandas as pd

from clinical_pipelines.audit import events as audit_events
from clinical_pipelines.defs.gates import require_gates_passed
from clinical_pipelines.defs.resources import AuditLogResource, LakeFSResource, MLflowResource, ValidationPolicyResource
from clinical_pipelines.settings import CHAMPION_ALIAS
from clinical_pipelines.training import split as splitting
from clinical_pipelines.training.model import prepare_features
from clinical_pipelines.validation.gates import ALL_GATES, GATE_DESCRIPTIONS, evaluate_gates
from clinical_pipelines.validation.metrics import evaluate_predictions
from clinical_pipelines.validation.plots import plots_per_split

OWNER = "team:clinical-safety"


def _score(mlflow: MLflowResource, model_name: str, version: str, df: pd.DataFrame) -> pd.Series:
    from mlflow import sklearn as mlflow_sklearn

    model = mlflow_sklearn.load_model(f"models:/{model_name}/{version}")
    return pd.Series(model.predict_proba(prepare_features(df))[:, 1], index=df.index)


@dg.asset(
    group_name="validation",
    kinds={"sklearn", "mlflow"},
    owners=[OWNER],
    check_specs=[
        dg.AssetCheckSpec(name, asset="model_validation", blocking=True, description=GATE_DESCRIPTIONS[name])
        for name in ALL_GATES
    ],
    description=(
        "Validation of the registered model version on internal, temporal and external-site test patients: "
        "AUROC with 95% CI, calibration slope/intercept and ECE, sensitivity/specificity/PPV/NPV at the operating "
        "threshold, and per-subgroup (sex, age band, site) performance. Every promotion gate of the gate policy "
        "is a blocking check here; metrics, plots and gate results are logged to the model's MLflow run."
    ),
)
def model_validation(
    context: dg.AssetExecutionContext,
    trained_model: dict,
    training_dataset: dict,
    lakefs: LakeFSResource,
    mlflow: MLflowResource,
    validation_policy: ValidationPolicyResource,
):
    import mlflow as mlflow_api

    policy = validation_policy.policy()
    ds = training_dataset
    df = lakefs.read_parquet(ds["repository"], ds["commit_id"], ds["path"])
    evaluation = df[df[splitting.SPLIT_COL].isin(splitting.EVALUATION_SPLITS)].copy()
    evaluation["risk"] = _score(mlflow, trained_model["model_name"], trained_model["version"], evaluation)
    evaluation["label"] = evaluation["label"].astype(int)
    evaluation["age_years"] = prepare_features(evaluation)["age_years"]  # numeric, also for banded ages
    metrics = evaluate_predictions(
        evaluation, threshold=policy.operating_threshold, min_subgroup_n=policy.min_subgroup_n,
        min_subgroup_events=policy.min_subgroup_events, age_col="age_years",
    )
    results = evaluate_gates(metrics, policy)
    plots = plots_per_split(evaluation)

    with mlflow_api.start_run(run_id=trained_model["mlflow_run_id"]):
        for split, m in metrics["splits"].items():
            mlflow_api.log_metrics({f"{split}_{k}": float(v) for k, v in m.items() if isinstance(v, (int, float)) and v is not None})
        for path, png in plots.items():
            mlflow_api.log_image(_png_image(png), artifact_file=f"validation/{path}")
        mlflow_api.log_dict({"metrics": metrics, "gates": [r.to_dict() for r in results],
                             "policy": policy.to_dict()}, "validation/validation_report.json")
    client = mlflow.client()
    passed_all = all(r.passed for r in results)
    client.set_model_version_tag(trained_model["model_name"], trained_model["version"], "validation_status",
                                 "gates_passed" if passed_all else "gates_failed")
    client.set_model_version_tag(trained_model["model_name"], trained_model["version"], "gate_policy_sha256", policy.sha256)

    internal = metrics["splits"].get("internal_test", {})
    yield dg.Output(
        {"model_name": trained_model["model_name"], "version": trained_model["version"],
         "mlflow_run_id": trained_model["mlflow_run_id"], "metrics": metrics,
         "gates": [r.to_dict() for r in results], "gate_policy_sha256": policy.sha256,
         "gate_policy_version": policy.version, "plots": sorted(plots), "run_id": context.run.run_id},
        metadata={
            "mlflow_model_version": trained_model["version"],
            "mlflow_model_url": dg.MetadataValue.url(mlflow.model_version_url(trained_model["model_name"], trained_model["version"])),
            "gates_passed": sum(r.passed for r in results),
            "gates_failed": sum(not r.passed for r in results),
            "gate_policy_sha256": policy.sha256,
            **{f"auroc_{s}": m.get("auroc") for s, m in metrics["splits"].items()},
            "ece_internal": internal.get("ece"),
            "calibration_plot_internal": dg.MetadataValue.md(
                f"![calibration]({mlflow.tracking_uri}/get-artifact?path=validation/plots/calibration_internal_test.png&run_uuid={trained_model['mlflow_run_id']})"
            ),
        },
    )
    for r in results:
        yield dg.AssetCheckResult(
            check_name=r.name, passed=bool(r.passed), severity=dg.AssetCheckSeverity.ERROR,
            description=r.message,
            metadata={"observed": r.observed, "threshold": r.threshold, "comparison": r.comparison},
        )


def _png_image(png: bytes):
    import io

    from PIL import Image

    return Image.open(io.BytesIO(png))


@dg.asset(
    group_name="validation",
    kinds={"mlflow"},
    owners=[OWNER],
    description=(
        f"Promotion: sets the MLflow alias '{CHAMPION_ALIAS}' on the validated model version, only after checking "
        "in the Dagster event log that every promotion gate passed for that exact validation run. A failed or "
        "missing gate leaves the alias where it was and fails the run, naming the gate."
    ),
)
def model_promotion(
    context: dg.AssetExecutionContext,
    model_validation: dict,
    mlflow: MLflowResource,
    audit_log: AuditLogResource,
) -> dg.Output[dict]:
    v = model_validation
    subject = audit_events.model_subject(v['model_name'], v['version'])
    try:
        require_gates_passed(
            context, dg.AssetKey("model_validation"), ALL_GATES, v["run_id"],
            what=f"model {v['model_name']} version {v['version']}",
        )
    except dg.Failure:
        audit_log.append(audit_events.GATE_BLOCKED, subject,
                         payload={"stage": "model_promotion", "validation_run_id": v["run_id"],
                                  "failed_gates": [g["name"] for g in v["gates"] if not g["passed"]]})
        raise
    previous = mlflow.alias_version(v["model_name"], CHAMPION_ALIAS)
    mlflow.set_alias(v["model_name"], CHAMPION_ALIAS, v["version"],
                     payload={"gates": list(ALL_GATES), "validation_run_id": v["run_id"],
                              "gate_policy_sha256": v["gate_policy_sha256"], "previous_version": previous})
    client = mlflow.client()
    client.set_model_version_tag(v["model_name"], v["version"], "promoted_by_dagster_run", context.run.run_id)
    return dg.Output(
        {**v, "alias": CHAMPION_ALIAS, "previous_version": previous},
        metadata={
            "alias": CHAMPION_ALIAS,
            "mlflow_model_version": v["version"],
            "previous_champion": previous or "none",
            "mlflow_model_url": dg.MetadataValue.url(mlflow.model_version_url(v["model_name"], v["version"])),
            "gates_verified": json.dumps(list(ALL_GATES)),
        },
    )
