"""Model validation gates and promotion.

``model_validation`` scores the internal, temporal and external test splits with the exact
registered model version, computes discrimination, calibration, subgroup and safety metrics,
and evaluates every promotion gate of the gate policy as a blocking asset check in the same step; a
failed gate is recorded as a ``gate.blocked`` audit event on the model version (names, counts, thresholds).
``model_promotion`` promotes the latest validated version recorded in the Dagster event log and
sets the MLflow alias only after re-verifying every gate of that version's lineage (de-id gates of
each snapshot, label agreement, patient-disjoint split, promotion gates; ``lineage.py``) and that
every policy in it is approved; otherwise the alias stays where it was. Both are partitioned by study:
each study has its own registered model (``clinical-<study_id>-risk``) and its own ``champion`` alias.
"""


import json

import dagster as dg
import pandas as pd

from clinical_pipelines.audit import events as audit_events
from clinical_pipelines.defs.deid.assets import SNAPSHOT_GATES
from clinical_pipelines.defs.gates import GateNotPassed, latest_materialization
from clinical_pipelines.defs.labels.assets import LABEL_AGREEMENT_GATE
from clinical_pipelines.defs.partitions import studies, study_of
from clinical_pipelines.defs.resources import (
    AuditLogResource, LakeFSResource, MLflowResource, StudyRegistryResource, ValidationPolicyResource,
)
from clinical_pipelines.defs.training.assets import PATIENT_DISJOINT_GATE
from clinical_pipelines.defs.validation.lineage import verify_lineage
from clinical_pipelines.settings import CHAMPION_ALIAS
from clinical_pipelines.training import split as splitting
from clinical_pipelines.training.design import AGE_FEATURE, evaluation_design, feature_set
from clinical_pipelines.training.model import age_years, prepare_features
from clinical_pipelines.validation.gates import (
    ALL_GATES, GATE_DESCRIPTIONS, evaluate_gates, gate_decision_payload, gate_design,
)
from clinical_pipelines.validation.metrics import evaluate_predictions
from clinical_pipelines.validation.plots import plots_per_split

OWNER = "team:clinical-safety"


def _score(mlflow: MLflowResource, model_name: str, version: str, df: pd.DataFrame, features) -> pd.Series:
    from mlflow import sklearn as mlflow_sklearn

    model = mlflow_sklearn.load_model(f"models:/{model_name}/{version}")
    return pd.Series(model.predict_proba(prepare_features(df, features))[:, 1], index=df.index)


@dg.asset(
    partitions_def=studies,
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
    audit_log: AuditLogResource,
    studies: StudyRegistryResource,
):
    import mlflow as mlflow_api

    study = studies.study(study_of(context))
    policy, identity = validation_policy.approved_policy()
    if identity.warning:
        context.log.warning(identity.warning)
    ds = training_dataset
    df = lakefs.read_parquet(ds["repository"], ds["commit_id"], ds["path"])
    evaluation = df[df[splitting.SPLIT_COL].isin(splitting.EVALUATION_SPLITS)].copy()
    evaluation["risk"] = _score(mlflow, trained_model["model_name"], trained_model["version"], evaluation,
                                feature_set(study))
    evaluation["label"] = evaluation["label"].astype(int)
    design = evaluation_design(study)
    if design.age_band:
        evaluation[AGE_FEATURE] = age_years(evaluation)  # numeric, also for banded ages
    metrics = evaluate_predictions(
        evaluation, threshold=policy.operating_threshold, min_subgroup_n=policy.min_subgroup_n,
        min_subgroup_events=policy.min_subgroup_events, subgroup_cols=design.subgroup_columns(),
        age_col=AGE_FEATURE if design.age_band else None,
    )
    results = evaluate_gates(metrics, policy, gate_design(design))
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

    audit_log.append(
        audit_events.ASSET_MATERIALIZED, audit_events.model_subject(trained_model["model_name"], trained_model["version"]),
        payload={"asset": "model_validation", "gates_passed": sum(r.passed for r in results),
                 "gates_failed": [r.name for r in results if not r.passed],
                 "gates_not_applicable": [r.name for r in results if not r.applicable], "policies": [identity.to_dict()],
                 "dagster_run_id": context.run.run_id},
    )
    if not passed_all:  # the gate decision itself, anchored at once (promotion is then never attempted)
        audit_log.append(
            audit_events.GATE_BLOCKED, audit_events.model_subject(trained_model["model_name"], trained_model["version"]),
            payload={"stage": "model_validation", **gate_decision_payload(results),
                     "gate_policy_sha256": policy.sha256, "gate_policy_version": policy.version,
                     "policies": [identity.to_dict()], "dagster_run_id": context.run.run_id},
        )
    internal = metrics["splits"].get("internal_test", {})
    yield dg.Output(
        {"model_name": trained_model["model_name"], "version": trained_model["version"],
         "mlflow_run_id": trained_model["mlflow_run_id"], "metrics": metrics,
         "gates": [r.to_dict() for r in results], "gate_policy_sha256": policy.sha256,
         "gate_policy_version": policy.version, "gate_policy": identity.to_dict(),
         "plots": sorted(plots), "run_id": context.run.run_id},
        metadata={
            "study_id": study.study_id,
            "mlflow_model": trained_model["model_name"],
            "mlflow_model_version": trained_model["version"],
            "mlflow_model_url": dg.MetadataValue.url(mlflow.model_version_url(trained_model["model_name"], trained_model["version"])),
            "gates_passed": sum(r.passed for r in results),
            "gates_failed": sum(not r.passed for r in results),
            "gates_not_applicable": sum(not r.applicable for r in results),
            "gate_policy_sha256": policy.sha256,
            "gate_policy_version": policy.version,
            "gate_policy_name": identity.name,
            "gate_policy_warning": identity.warning or "none (the default policy)",
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
            metadata={"status": r.status, "observed": r.observed, "threshold": r.threshold, "comparison": r.comparison,
                      **({"reason": r.reason} if r.reason else {}),
                      **({"n": r.n, "min_n": r.min_n} if r.n is not None else {})},
        )


def _png_image(png: bytes):
    import io

    from PIL import Image

    return Image.open(io.BytesIO(png))


@dg.asset(
    partitions_def=studies,
    group_name="validation",
    kinds={"mlflow"},
    owners=[OWNER],
    description=(
        f"Promotion: sets the MLflow alias '{CHAMPION_ALIAS}' of the study's model on its latest validated version "
        "recorded in the Dagster event log, only after re-verifying every gate of its exact lineage: the de-identification gates of "
        "each snapshot it was trained on, label agreement, the patient-disjoint split and every promotion gate, and "
        "that each policy in force was approved. Anything missing or failed leaves the alias where it was, fails "
        "the run naming the gate, and is recorded in the audit log."
    ),
)
def model_promotion(
    context: dg.AssetExecutionContext,
    model_validation: dict,
    lakefs: LakeFSResource,
    mlflow: MLflowResource,
    audit_log: AuditLogResource,
) -> dg.Output[dict]:
    study_id = study_of(context)
    latest = latest_materialization(context.instance, dg.AssetKey("model_validation"), partition=study_id)
    if latest is None:
        raise GateNotPassed(description=f"Refusing to promote: no model_validation of study {study_id!r} is recorded "
                            "in the event log.")
    run_id, md = latest
    name, version = model_validation["model_name"], str(md.get("mlflow_model_version"))
    subject = audit_events.model_subject(name, version)
    lineage = verify_lineage(
        context.instance, lakefs, mlflow.client(), audit_log.log(), study_id=study_id, model_name=name, version=version,
        validation_run_id=run_id, snapshot_gates=SNAPSHOT_GATES, label_gate=LABEL_AGREEMENT_GATE,
        split_gate=PATIENT_DISJOINT_GATE, validation_gates=ALL_GATES,
        gate_policy=(md.get("gate_policy_sha256"), md.get("gate_policy_version")),
    )
    problems = lineage.problems
    if (model_validation["version"], model_validation["run_id"]) != (version, run_id):
        problems.insert(0, f"the validation passed to this step (version {model_validation['version']}, run "
                           f"{model_validation['run_id']}) is not the latest recorded one (version {version}, "
                           f"run {run_id})")
    if problems:
        audit_log.append(audit_events.GATE_BLOCKED, subject,
                         payload={"stage": "model_promotion", "validation_run_id": run_id,
                                  "failed_stages": lineage.failed_stages, "n_problems": len(problems),
                                  "policies": lineage.policies})
        raise GateNotPassed(
            description=f"Refusing to promote model {name} version {version}: " + "; ".join(problems)
            + ". Fix the cause and re-run the failed step; promotion follows only a lineage whose gates all passed.",
            metadata={"failed_stages": ", ".join(lineage.failed_stages), "validation_run_id": run_id},
        )
    for identity in lineage.policies:
        if identity.get("warning"):
            context.log.warning(identity["warning"])
    previous = mlflow.alias_version(name, CHAMPION_ALIAS)
    mlflow.set_alias(name, CHAMPION_ALIAS, version,
                     payload={"gates": list(ALL_GATES), "lineage_gates": lineage.gates_verified(),
                              "validation_run_id": run_id, "gate_policy_sha256": md.get("gate_policy_sha256"),
                              "policies": lineage.policies, "previous_version": previous})
    client = mlflow.client()
    client.set_model_version_tag(name, version, "promoted_by_dagster_run", context.run.run_id)
    return dg.Output(
        {**model_validation, "alias": CHAMPION_ALIAS, "previous_version": previous, "policies": lineage.policies,
         "lineage": lineage.to_dict()},
        metadata={
            "study_id": study_id,
            "alias": CHAMPION_ALIAS,
            "mlflow_model": name,
            "mlflow_model_version": version,
            "previous_champion": previous or "none",
            "mlflow_model_url": dg.MetadataValue.url(mlflow.model_version_url(name, version)),
            "gates_verified": json.dumps(list(ALL_GATES)),
            "lineage_stages_verified": len(lineage.stages),
            "policy_warnings": sum(1 for p in lineage.policies if p.get("warning")),
        },
    )
