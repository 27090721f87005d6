"""The graph's domain steps for one study, without Dagster or services: the functions the assets call, in order.

ingest contract -> structured de-identification (+ snapshot checks) -> labels / outcome -> training dataset and
split -> model fit -> validation metrics and gates -> drift -> evidence documents, gate decisions and checklist
(a signed bundle). lakeFS commits, MLflow runs and the audit log are what the assets add around these calls;
their ids are placeholders here.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from clinical_pipelines.audit.signing import generate_key_pair, load_signing_key
from clinical_pipelines.deid import pipeline as deid
from clinical_pipelines.deid.policy import load_deid_policy
from clinical_pipelines.deid.report import render_markdown
from clinical_pipelines.evidence.assemble import bundle_files
from clinical_pipelines.evidence.bundle import build_bundle, verify_bundle
from clinical_pipelines.ingest.contract import build_manifest, check_batch
from clinical_pipelines.labels.outcome import StudyLabels, study_labels
from clinical_pipelines.monitoring.drift import retraining_recommended, study_drift
from clinical_pipelines.study.spec import Study
from clinical_pipelines.training import split as splitting
from clinical_pipelines.training.dataset import labelled_rows, row_table
from clinical_pipelines.training.design import AGE_FEATURE, evaluation_design, feature_set
from clinical_pipelines.training.model import age_years, build_model, model_coefficients, prepare_features
from clinical_pipelines.validation.gates import GateResult, evaluate_gates, gate_design, load_gate_policy
from clinical_pipelines.validation.metrics import evaluate_predictions

KEY = bytes(range(32))
SEED = 20261128


@dataclass
class PlainRun:
    study: Study
    snapshot_checks: dict[str, list[deid.CheckOutcome]]
    tables: dict[str, pd.DataFrame]
    labels: StudyLabels
    dataset: pd.DataFrame
    split_problems: list[str]
    metrics: dict
    gates: list[GateResult]
    drift: dict
    files: dict[str, bytes]
    bundle: Path


NO_DATES, ONE_SITE = "no dates in the extract", "one site only"
LABELS_REASON = "outcome recorded in the extract, one source"


def one_site_spec(study_id: str, title: str) -> dict:
    """A spec over the Cleveland rows of UCI Heart Disease: one table, no dates, one site, outcome from a column
    (``num >= 2``), so label agreement, temporal and external validation are not applicable."""
    cats = {"cp": ["typical angina", "atypical angina", "non-anginal", "asymptomatic"]}
    return {
        "spec_version": 1, "study_id": study_id, "title": title, "intended_use": "intended_use.yaml",
        "owners": ["team:test"],
        "tables": {"patients": {"file": "patients.csv", "format": "csv", "primary_key": "id", "columns": {
            "id": {"role": "patient_id", "safe_harbor": "R"},
            "age": {"role": "quasi_identifier", "age": True, "generalization": ["band5", "band10", "band20"],
                    "feature": {"type": "numeric", "unit": "years", "range": [18, 100]}},
            "sex": {"role": "quasi_identifier", "generalization": [],
                    "feature": {"type": "categorical", "categories": ["Female", "Male"]}},
            "hospital": {"role": "site"},
            "cp": {"role": "feature", "type": "categorical", "categories": cats["cp"]},
            "thalch": {"role": "feature", "type": "numeric", "unit": "beats/min", "range": [30, 250]},
            "oldpeak": {"role": "feature", "type": "numeric", "unit": "mm", "range": [-5, 10]},
            "exang": {"role": "feature", "type": "binary", "categories": ["FALSE", "TRUE"]},
            "num": {"role": "outcome"}}}},
        "outcome": {"name": "severe_disease", "source": "column", "table": "patients", "column": "num",
                    "definition": "num >= 2", "description": "Narrowing in two or more major vessels"},
        "labels": {"not_applicable": LABELS_REASON},
        "evaluation": {"temporal": {"not_applicable": NO_DATES},
                       "external_sites": {"not_applicable": ONE_SITE}, "subgroups": ["sex", "age_band"]},
    }


def run_study(study: Study, folders: list[Path], out: Path, *, text_engine=None) -> PlainRun:
    """Every domain step on the raw batch ``folders`` of ``study``; ``text_engine`` only for studies with free text."""
    policy, gate_policy = load_deid_policy(), load_gate_policy()
    released: dict[str, list[pd.DataFrame]] = defaultdict(list)
    snapshots, reports, reports_md, checks = {}, {}, {}, {}
    for folder in folders:
        batch_id = folder.name
        files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
        problems = check_batch(batch_id, files, study=study)  # raw_extract: the contract
        assert not problems, [str(p) for p in problems]
        manifest = build_manifest(batch_id, files, study=study)
        frames = deid.read_raw_tables(files, study)  # deidentified_snapshot
        lineage = deid.RowLineage(manifest.source_system, batch_id, manifest.files, "transform-hash")
        result = deid.deidentify_tables(frames, policy=policy, key=KEY, text_engine=text_engine, lineage=lineage,
                                        study=study)
        checks[batch_id] = deid.evaluate_checks(
            result.tables, policy=policy, study=study,
            known_identifiers=deid.known_identifiers_of(None, frames=frames, study=study, policy=policy))
        for name, df in result.tables.items():
            released[name].append(df)
        snapshots[batch_id] = {"source_manifest": manifest.to_dict(), "transform_hash": "transform-hash",
                               "snapshot_commit": f"commit-{batch_id}", "policy_version": policy.version}
        reports[batch_id], reports_md[batch_id] = result.report, render_markdown(result.report)
    tables = {name: pd.concat(parts, ignore_index=True) for name, parts in released.items()}

    labels = study_labels(tables, min_agreement=gate_policy.min_label_agreement, study=study, n_boot=50)  # labels

    design = evaluation_design(study)  # training_dataset
    df = labelled_rows(tables[row_table(study)], labels.consensus, design)
    df, cutoff = splitting.split_study(df, design=design, seed=SEED)
    split_problems = splitting.verify_split(df, patient_col=design.patient_column,
                                            required_splits=splitting.required_splits(design))
    manifest = splitting.split_manifest(df, id_col=design.encounter_column, patient_col=design.patient_column,
                                        site_col=design.site_column, parameters={"not_applicable": design.not_applicable})

    features = feature_set(study)  # trained_model
    train = df[df[splitting.SPLIT_COL] == splitting.TRAIN]
    model = build_model(None, features).fit(prepare_features(train, features), train["label"].astype(int))

    evaluation = df[df[splitting.SPLIT_COL].isin(splitting.EVALUATION_SPLITS)].copy()  # model_validation
    evaluation["risk"] = model.predict_proba(prepare_features(evaluation, features))[:, 1]
    if design.age_band:
        evaluation[AGE_FEATURE] = age_years(evaluation)
    metrics = evaluate_predictions(evaluation, threshold=gate_policy.operating_threshold,
                                   min_subgroup_n=gate_policy.min_subgroup_n,
                                   min_subgroup_events=gate_policy.min_subgroup_events,
                                   subgroup_cols=design.subgroup_columns(),
                                   age_col=AGE_FEATURE if design.age_band else None, n_boot=50)
    gates = evaluate_gates(metrics, gate_policy, gate_design(design))

    result = study_drift(df, design, features)  # feature_drift
    drift = result.summary | {"decision": retraining_recommended(result.summary, gate_policy)}

    model_name = f"clinical-{study.study_id}-risk"  # evidence_bundle
    files = bundle_files(
        model={"model_name": model_name, "version": "1", "mlflow_run_id": "run"},
        validation={"metrics": metrics, "gates": [g.to_dict() for g in gates]},
        promotion={"alias": "champion", "policies": []},
        dataset={"repository": "clinical-deid", "commit_id": "commit", "path": "training/dataset.parquet",
                 "dataset_sha256": "0" * 64, "labels_sha256": "1" * 64, "split_manifest": manifest},
        labels={"agreement": labels.agreement, "raters": labels.raters, "labeling_tools": labels.tools,
                "labels_sha256": "1" * 64, "commit_id": "commit", "label_gate": labels.gate.to_dict()},
        snapshots=snapshots, deid_reports=reports, deid_reports_md=reports_md, drift=drift, provenance={},
        audit_trace={}, audit_events=[], gate_policy=gate_policy.to_dict(), plots={},
        coefficients=model_coefficients(model), study=study, released=df)
    key_path = out / "keys" / "evidence-signing.key"
    key_path.parent.mkdir(parents=True)
    generate_key_pair(key_path)
    key = load_signing_key(key_path)
    bundle = out / "bundle"
    build_bundle(bundle, files, {"study_id": study.study_id, "model": model_name, "version": "1"}, signing_key=key)
    assert verify_bundle(bundle, [key.public_key]).ok
    return PlainRun(study, checks, tables, labels, df, split_problems, metrics, gates, drift, files, bundle)


def gate_rows(checklist: str) -> dict[str, str]:
    """Gate name -> its row of the checklist's gate table."""
    rows = checklist.split("## Gates", 1)[1].splitlines()
    return {r.split("|")[1].strip(): r for r in rows if r.startswith("| ") and not r.startswith("| Gate ")}


def decisions(run: PlainRun) -> dict[str, dict]:
    return {g["name"]: g for g in json.loads(run.files["gate_decisions.json"])}
