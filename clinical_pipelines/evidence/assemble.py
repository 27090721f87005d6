"""Assemble the evidence bundle's files from what the pipeline recorded (plain dicts, no PHI).

The Dagster asset gathers the inputs (lakeFS reports, MLflow results, audit trace) and calls
:func:`bundle_files`; :mod:`clinical_pipelines.evidence.bundle` writes and verifies the bundle.
Statements about intended use live in ``policies/intended_use.yaml`` so that clinical and
compliance owners can change them without touching code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from clinical_pipelines.evidence import documents

INTENDED_USE_PATH = Path(__file__).resolve().parent.parent / "policies" / "intended_use.yaml"


def load_intended_use(path: str | Path | None = None) -> dict:
    p = Path(path) if path else INTENDED_USE_PATH
    if not p.is_file():
        raise FileNotFoundError(f"intended-use statement not found at {p}; the model card cannot be written without it")
    data = yaml.safe_load(p.read_text())
    for key in ("intended_use", "human_ai_team", "limitations", "how_to_use", "contact", "modifications"):
        if key not in data:
            raise ValueError(f"{p}: missing section '{key}'")
    return data


def _json(obj: Any) -> bytes:
    return json.dumps(obj, indent=2, sort_keys=True, default=str).encode()


def bundle_files(
    *,
    model: dict,
    validation: dict,
    promotion: dict,
    dataset: dict,
    labels: dict,
    snapshots: dict[str, dict],
    deid_reports: dict[str, dict],
    deid_reports_md: dict[str, str],
    drift: dict,
    provenance: dict,
    audit_trace: dict,
    audit_events: list[dict],
    gate_policy: dict,
    plots: dict[str, bytes],
    coefficients: dict | None = None,
    intended_use_path: str | None = None,
) -> dict[str, bytes]:
    """Every file of the bundle, by relative path."""
    facts = load_intended_use(intended_use_path)
    model_info = {
        "name": model["model_name"],
        "version": model["version"],
        "type": "Logistic regression (scikit-learn), median imputation, standardisation",
        "mlflow_run_id": model["mlflow_run_id"],
        "alias": promotion.get("alias"),
        "operating_threshold": gate_policy.get("operating_threshold"),
        "features": sorted(k for k in coefficients if k != "(intercept)") if coefficients else None,
    }
    split_manifest = dataset["split_manifest"]
    gate_results = validation["gates"]
    files: dict[str, bytes] = {
        "model_card.md": documents.model_card(
            model=model_info, intended_use=facts["intended_use"], performance=validation["metrics"],
            gate_results=gate_results, limitations=facts["limitations"], human_ai_team=facts["human_ai_team"],
            coefficients=coefficients, planned_changes=facts.get("planned_changes"),
            policies=promotion.get("policies"),
        ).encode(),
        "clinician_summary.md": documents.clinician_summary(
            model=model_info, intended_use=facts["intended_use"], performance=validation["metrics"],
            how_to_use=facts["how_to_use"], limitations=facts["limitations"], contact=facts["contact"],
        ).encode(),
        "datasheet.md": documents.datasheet(
            dataset={"name": "training_dataset", "lakefs_repository": dataset["repository"],
                     "lakefs_commit": dataset["commit_id"], "path": dataset["path"],
                     "dataset_sha256": dataset["dataset_sha256"], "labels_sha256": dataset["labels_sha256"]},
            sources=[{"source_system": s["source_manifest"].get("source_system"),
                      "site_id": s["source_manifest"].get("site_id"), "batch_id": b,
                      "n_rows": (s["source_manifest"].get("row_counts") or {}).get("encounters.csv")}
                     for b, s in sorted(snapshots.items())],
            population={"encounters": split_manifest["n_rows"], "patients": split_manifest["n_patients"]},
            outcome={"definition": facts["intended_use"].get("outcome", "see model card"),
                     "reference_standard": "consensus of >= 2 independent raters (see label quality report)"},
            split_manifest=split_manifest,
            preparation={"method": "HIPAA Safe Harbor with keyed pseudonyms (see de-identification reports)",
                         "transform_hashes": ", ".join(sorted({s.get("transform_hash", "") for s in snapshots.values()}))},
            representativeness=facts.get("representativeness"),
        ).encode(),
        "label_quality_report.md": documents.label_quality_report(
            agreement=labels["agreement"],
            labeling_process={"raters": ", ".join(labels["raters"]), "labeling_tools": ", ".join(labels["labeling_tools"]),
                              "labels_sha256": labels["labels_sha256"], "lakefs_commit": labels["commit_id"]},
        ).encode(),
        "validation_report.md": documents.validation_report(
            model=model_info, metrics=validation["metrics"], gate_results=gate_results, policy=gate_policy,
            split_manifest=split_manifest, plots=sorted(plots),
        ).encode(),
        "change_control_plan.md": documents.change_control_plan(
            model=model_info, modifications=facts["modifications"],
            data_management=facts.get("data_management"), retraining=facts.get("retraining"),
            performance_evaluation={"gate_policy_version": gate_policy.get("version"),
                                    "gate_policy_sha256": gate_policy.get("sha256"),
                                    **{k: v for k, v in gate_policy.items() if k.startswith(("min_", "max_"))}},
            update_procedures=facts.get("update_procedures"), impact_assessment=facts.get("impact_assessment"),
            version_control=facts.get("version_control"),
        ).encode(),
        "split_manifest.json": _json(split_manifest),
        "validation_metrics.json": _json({"metrics": validation["metrics"], "gates": gate_results}),
        "gate_policy.json": _json(gate_policy),
        "drift_summary.json": _json(drift),
        "provenance_manifest.json": _json(provenance),
        "audit_trace.json": _json(audit_trace),
        "audit_events.json": _json(audit_events),
    }
    for batch_id, report in sorted(deid_reports.items()):
        files[f"deid/{batch_id}/deid_report.json"] = _json(report)
        files[f"deid/{batch_id}/deid_report.md"] = deid_reports_md[batch_id].encode()
    for path, png in plots.items():
        files[path if path.startswith("plots/") else f"plots/{path}"] = png
    return files
