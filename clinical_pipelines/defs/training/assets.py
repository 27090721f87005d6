"""Training dataset (patient-disjoint temporal and site split) and the trained model in MLflow, per study.

Partitioned by study: the dataset is written under ``studies/<study_id>/training/`` and the model is
registered as ``clinical-<study_id>-risk`` in the experiment of the same name (``study.layout``).
"""


import io
import json

import dagster as dg

from clinical_pipelines.audit import events as audit_events
from clinical_pipelines.defs.gates import require_gates_passed
from clinical_pipelines.defs.labels.assets import LABEL_AGREEMENT_GATE, read_all_batches
from clinical_pipelines.defs.partitions import studies, study_of
from clinical_pipelines.defs.resources import AuditLogResource, LakeFSResource, MLflowResource, StudyRegistryResource
from clinical_pipelines.lakefs_branches import fault_point
from clinical_pipelines.provenance import code_version, environment_digest, sha256_bytes
from clinical_pipelines.settings import DEID_REPOSITORY, REGISTERED_MODEL_NAME
from clinical_pipelines.study import layout
from clinical_pipelines.training import split as splitting
from clinical_pipelines.training.dataset import TrainingDataError, labelled_rows, row_table
from clinical_pipelines.training.design import evaluation_design, feature_set
from clinical_pipelines.training.model import build_model, prepare_features

OWNER = "team:ml-engineering"
PATIENT_DISJOINT_GATE = "patient_disjoint_split"
# Pinned runtime requirements recorded with the model (not whatever happens to be imported).
# Types the skops model file may contain beyond sklearn's own (loading refuses anything else).
SKOPS_TRUSTED_TYPES = ["numpy.dtype"]
MODEL_PIP_REQUIREMENTS = ["scikit-learn==1.9.1", "pandas==2.3.3", "numpy==2.0.2", "skops==0.16.0"]


class TrainingConfig(dg.Config):
    external_sites: list[str] | None = None  # None: the study's evaluation.external_sites
    internal_test_fraction: float = 0.2
    split_seed: int = 20261128
    temporal_holdout_years: int = 1
    class_weight: str | None = None
    regularization_c: float = 1.0


def snapshot_policies(snapshots: dict, log) -> list[dict]:
    """Identity of each de-identification policy the snapshots were made under (name, version, hash,
    approval, warning when not the default), once per hash."""
    from clinical_pipelines.policy_approval import identify

    seen: dict[str, dict] = {}
    for snap in snapshots.values():
        sha = snap.get("policy_sha256")
        if sha and sha not in seen:
            seen[sha] = identify("deid", sha256=sha, version=str(snap.get("policy_version", "?")), log=log).to_dict()
    return list(seen.values())


@dg.asset(
    partitions_def=studies,
    group_name="training",
    kinds={"lakefs", "pandas"},
    owners=[OWNER],
    check_specs=[dg.AssetCheckSpec(PATIENT_DISJOINT_GATE, asset="training_dataset", blocking=True)],
    description=(
        "De-identified encounters joined to their consensus labels and split, patient-disjoint, into train, "
        "internal test, temporal test (admissions in the last year) and external test (held-out sites). "
        "Committed to lakeFS with its split manifest; the blocking gate fails on any patient in two splits."
    ),
)
def training_dataset(
    context: dg.AssetExecutionContext,
    config: TrainingConfig,
    labels: dict,
    lakefs: LakeFSResource,
    audit_log: AuditLogResource,
    studies: StudyRegistryResource,
):
    study_id = study_of(context)
    study, entry = studies.resolve(study_id)
    # The labels gate holds across runs: a later run must not train on labels whose agreement failed.
    require_gates_passed(context, dg.AssetKey("labels"), [LABEL_AGREEMENT_GATE], labels["run_id"],
                         what=f"a training dataset built on labels {labels['labels_sha256'][:12]}")
    ref = labels["released_commit"]
    design = evaluation_design(study)
    try:
        rows = read_all_batches(lakefs, ref, study_id, labels["batches"], row_table(study))
        consensus = lakefs.read_parquet(DEID_REPOSITORY, ref, labels["labels_path"])
        df = labelled_rows(rows, consensus, design)  # joined on the unit column (encounter or patient pseudonym)
    except TrainingDataError as exc:
        raise dg.Failure(description=f"cannot build the training dataset: {exc}") from None
    sites = list(design.external_sites) if config.external_sites is None else list(config.external_sites)
    try:
        df, cutoff = splitting.split_study(df, design=design, external_sites=sites,
                                   internal_test_fraction=config.internal_test_fraction, seed=config.split_seed,
                                   holdout_years=config.temporal_holdout_years)
    except splitting.SplitError as exc:
        raise dg.Failure(description=f"cannot split the training dataset: {exc}") from None
    problems = splitting.verify_split(df, patient_col=design.patient_column,
                                      required_splits=splitting.required_splits(design, sites))
    dated = splitting.EVENT_DATE_COL in df.columns
    manifest = splitting.split_manifest(
        df, id_col=design.encounter_column, patient_col=design.patient_column, site_col=design.site_column,
        date_col=splitting.EVENT_DATE_COL if dated else None,
        parameters={"temporal_cutoff": cutoff.date().isoformat() if cutoff is not None else None,
                    "external_sites": sites, "internal_test_fraction": config.internal_test_fraction,
                    "seed": config.split_seed, "not_applicable": design.not_applicable},
    )
    buf = io.BytesIO()
    df.drop(columns=[splitting.EVENT_DATE_COL] if dated else []).to_parquet(buf, index=False)
    data = buf.getvalue()
    dataset_sha = sha256_bytes(data)
    path = f"{layout.training_prefix(study_id)}{dataset_sha[:16]}/dataset.parquet"
    branch = f"training-{context.run.run_id[:8]}"
    lakefs.create_branch(DEID_REPOSITORY, branch, source=ref)
    lakefs.write_bytes(DEID_REPOSITORY, branch, path, data)
    lakefs.write_bytes(DEID_REPOSITORY, branch, path.replace("dataset.parquet", "split_manifest.json"),
                       json.dumps(manifest, indent=2).encode())
    commit_id = lakefs.commit(
        DEID_REPOSITORY, branch, f"Training dataset and split manifest of study {study_id}",
        metadata={"study_id": study_id, "study_spec_sha256": entry.spec_sha256, "dataset_sha256": dataset_sha, "labels_sha256": labels["labels_sha256"],
                  "split_pairs_sha256": manifest["pairs_sha256"], "dagster_run_id": context.run.run_id},
        inputs=[audit_events.lakefs_subject(DEID_REPOSITORY, ref), f"labels:{labels['labels_sha256']}"],
        audit_payload={"dataset_sha256": dataset_sha},
    )
    if not problems:
        lakefs.merge(DEID_REPOSITORY, branch, into="main", message="Release training dataset",
                     metadata={"dataset_sha256": dataset_sha, "gate": PATIENT_DISJOINT_GATE,
                               "dagster_run_id": context.run.run_id})
        lakefs.delete_branch(DEID_REPOSITORY, branch)
    counts = {s: manifest["splits"][s]["n_rows"] for s in splitting.SPLITS}
    audit_log.append(
        audit_events.ASSET_MATERIALIZED, f"dataset:{dataset_sha}",
        inputs=[audit_events.lakefs_subject(DEID_REPOSITORY, ref), f"labels:{labels['labels_sha256']}"],
        payload={"asset": "training_dataset", "study_id": study_id, "lakefs_repository": DEID_REPOSITORY, "lakefs_commit": commit_id,
                 "path": path, "split_counts": counts, "split_pairs_sha256": manifest["pairs_sha256"],
                 "dagster_run_id": context.run.run_id},
    )
    yield dg.Output(
        {"study_id": study_id, "study_spec_sha256": entry.spec_sha256,
         "repository": DEID_REPOSITORY, "commit_id": commit_id, "path": path, "dataset_sha256": dataset_sha,
         "labels_sha256": labels["labels_sha256"], "snapshot_commit": labels["snapshot_commit"],
         "split_manifest": manifest, "batches": labels["batches"], "snapshots": labels["snapshots"],
         "run_id": context.run.run_id},
        metadata={
            "study_id": study_id,
            "study_spec_sha256": entry.spec_sha256,
            "lakefs_commit": commit_id,
            "lakefs_url": dg.MetadataValue.url(lakefs.ui_url(DEID_REPOSITORY, commit_id)),
            "dataset_sha256": dataset_sha,
            "rows": int(len(df)),
            **{f"rows_{s}": n for s, n in counts.items()},
            "temporal_cutoff": cutoff.date().isoformat() if cutoff is not None else "not applicable",
            "external_sites": ", ".join(sites) or "not applicable",
        },
    )
    yield dg.AssetCheckResult(
        check_name=PATIENT_DISJOINT_GATE, passed=not problems, severity=dg.AssetCheckSeverity.ERROR,
        metadata={"problems": len(problems)}, description="; ".join(problems) or "no patient in two splits",
    )


@dg.asset(
    partitions_def=studies,
    group_name="training",
    kinds={"sklearn", "mlflow"},
    owners=[OWNER],
    description=(
        "Logistic-regression risk model of the study's outcome, registered as clinical-<study>-risk, trained on the "
        "train split only, logged to MLflow with "
        "the lakeFS dataset as its input (source s3://<repo>/<commit>/<path>, digest = commit) and registered "
        "as a new model version tagged with the lakeFS repository and commit, transform hash, code version "
        "and environment digest. A back-link commit in lakeFS records the run and model version."
    ),
)
def trained_model(
    context: dg.AssetExecutionContext,
    config: TrainingConfig,
    training_dataset: dict,
    lakefs: LakeFSResource,
    mlflow: MLflowResource,
    studies: StudyRegistryResource,
) -> dg.Output[dict]:
    import mlflow as mlflow_api
    from mlflow import sklearn as mlflow_sklearn

    study_id = study_of(context)
    study, entry = studies.resolve(study_id)
    model_name = layout.registered_model_name(study_id)
    ds = training_dataset
    df = lakefs.read_parquet(ds["repository"], ds["commit_id"], ds["path"])
    train = df[df[splitting.SPLIT_COL] == splitting.TRAIN]
    features = feature_set(study)
    X, y = prepare_features(train, features), train["label"].astype(int)
    params = {"C": config.regularization_c, "class_weight": config.class_weight}
    model = build_model(params, features)
    model.fit(X, y)

    transform_hashes = sorted({s["transform_hash"] for s in training_dataset["snapshots"].values()})
    env = environment_digest()
    code = code_version()
    tags = {
        "study_id": study_id,
        "study_spec_sha256": entry.spec_sha256,
        "lakefs_repository": ds["repository"],
        "lakefs_commit": ds["commit_id"],
        "lakefs_snapshot_commit": ds["snapshot_commit"],
        "dataset_sha256": ds["dataset_sha256"],
        "labels_sha256": ds["labels_sha256"],
        "transform_hash": ",".join(transform_hashes),
        "code_version": code,
        "environment_digest": env["digest"],
        "dagster_run_id": context.run.run_id,
    }
    mlflow.audit_log.require_available("register a model version")
    mlflow_api.set_experiment(layout.experiment_name(study_id))
    with mlflow_api.start_run(run_name=f"train-{context.run.run_id[:8]}") as run:
        mlflow_api.log_params({**{k: str(v) for k, v in params.items()}, "features": len(features.names),
                               "train_rows": int(len(train))})
        mlflow_api.set_tags(tags)
        dataset = mlflow_api.data.from_pandas(
            df[list(set(df.columns) & set(features.names)) + ["label", splitting.SPLIT_COL]],
            source=f"s3://{ds['repository']}/{ds['commit_id']}/{ds['path']}",
            name="training_dataset", targets="label", digest=ds["commit_id"][:36],
        )
        mlflow_api.log_input(dataset, context="training")
        info = mlflow_sklearn.log_model(
            model, name="model", registered_model_name=model_name,
            pip_requirements=MODEL_PIP_REQUIREMENTS, input_example=X.head(3),
            skops_trusted_types=SKOPS_TRUSTED_TYPES,
        )
        fault_point("mlflow.register.after")
        experiment_id = run.info.experiment_id
        run_id = run.info.run_id
    version = str(info.registered_model_version)
    client = mlflow.client()
    for k, v in tags.items():
        client.set_model_version_tag(model_name, version, k, v)
    client.set_model_version_tag(model_name, version, "validation_status", "pending")
    mlflow.record_registration(
        model_name, version,
        inputs=[f"dataset:{ds['dataset_sha256']}", audit_events.lakefs_subject(ds['repository'], ds['commit_id'])],
        payload={"run_id": run_id, "study_id": study_id, "study_spec_sha256": entry.spec_sha256,
                 "lakefs_repository": ds["repository"], "lakefs_commit": ds["commit_id"],
                 "transform_hash": tags["transform_hash"], "code_version": code, "environment_digest": env["digest"],
                 "dataset_sha256": ds["dataset_sha256"], "dagster_run_id": context.run.run_id,
                 "policies": snapshot_policies(training_dataset["snapshots"], mlflow.audit_log.log())},
    )
    # Back-link: a lakeFS commit whose metadata points at the MLflow run and model version.
    branch = f"model-link-{context.run.run_id[:8]}"
    lakefs.create_branch(DEID_REPOSITORY, branch)
    link = {"model": model_name, "version": version, "study_id": study_id, "mlflow_run_id": run_id,
            "dataset_commit": ds["commit_id"], "dataset_sha256": ds["dataset_sha256"]}
    lakefs.write_bytes(DEID_REPOSITORY, branch, f"models/{model_name}/v{version}.json",
                       json.dumps(link, indent=2).encode())
    lakefs.commit(
        DEID_REPOSITORY, branch, f"Model {model_name} v{version} trained on {ds['commit_id'][:12]}",
        metadata={"study_id": study_id, "mlflow_model": model_name, "mlflow_model_version": version,
                  "mlflow_run_id": run_id,
                  "dataset_commit": ds["commit_id"], "dagster_run_id": context.run.run_id,
                  "::lakefs::MLflow run::url[url:ui]": mlflow.run_url(experiment_id, run_id),
                  "::lakefs::MLflow model version::url[url:ui]": mlflow.model_version_url(model_name, version)},
        inputs=[audit_events.model_subject(model_name, version)],
    )
    lakefs.merge(DEID_REPOSITORY, branch, into="main", message=f"Link model v{version}",
                 metadata={"mlflow_model_version": version, "dagster_run_id": context.run.run_id})
    lakefs.delete_branch(DEID_REPOSITORY, branch)
    return dg.Output(
        {"study_id": study_id, "model_name": model_name, "version": version, "mlflow_run_id": run_id,
         "experiment_id": experiment_id, "dataset": {k: ds[k] for k in ("repository", "commit_id", "path", "dataset_sha256")},
         "tags": tags, "params": params, "run_id": context.run.run_id},
        metadata={
            "study_id": study_id,
            "mlflow_model": model_name,
            "mlflow_model_version": version,
            "mlflow_model_url": dg.MetadataValue.url(mlflow.model_version_url(model_name, version)),
            "mlflow_run_url": dg.MetadataValue.url(mlflow.run_url(experiment_id, run_id)),
            "lakefs_commit": ds["commit_id"],
            "train_rows": int(len(train)),
        },
    )
