"""Assemble the evidence bundle's files from what the pipeline recorded (plain dicts, no PHI).

The Dagster asset gathers the inputs (lakeFS reports, MLflow results, audit trace, the released
training dataset) and calls :func:`bundle_files`; :mod:`clinical_pipelines.evidence.bundle` writes and
verifies the bundle. Statements about intended use live in the study's intended-use file
(``studies/<study>/intended_use.yaml``; default ``policies/intended_use.yaml``) so that clinical and
compliance owners can change them without touching code; facts about the study and its data (sites,
periods, counts, population, outcome, label source, design) come from the study spec and the
released data (:mod:`clinical_pipelines.evidence.study_facts`). ``gate_decisions.json`` lists every
gate (label agreement and promotion gates) with its status and, when not applicable, the spec's reason;
the bundle's checklist shows it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from clinical_pipelines.evidence import documents
from clinical_pipelines.evidence.checklist import GATE_DECISIONS
from clinical_pipelines.evidence.study_facts import StudyFacts, study_facts
from clinical_pipelines.study.spec import Study

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
    study: Study | None = None,
    released: pd.DataFrame | None = None,
) -> dict[str, bytes]:
    """Every file of the bundle, by relative path.

    ``study``: the study spec (its intended-use file is the default ``intended_use_path``); ``released``: the
    released training dataset (one row per unit with ``label`` and ``split``) the study's facts are counted from.
    Without them the documents show the study section as not provided."""
    if intended_use_path is None and study is not None and study.path is not None:
        intended_use_path = str(study.intended_use_path)
    facts = load_intended_use(intended_use_path)
    study_info = _study_facts(study, released, snapshots)
    label_gate = _label_gate(study, labels, gate_policy)
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
            policies=promotion.get("policies"), study=study_info,
        ).encode(),
        "clinician_summary.md": documents.clinician_summary(
            model=model_info, intended_use=facts["intended_use"], performance=validation["metrics"],
            how_to_use=facts["how_to_use"], limitations=facts["limitations"], contact=facts["contact"],
            study=study_info, gate_results=gate_results,
        ).encode(),
        "datasheet.md": documents.datasheet(
            dataset={"lakefs_repository": dataset["repository"],
                     "lakefs_commit": dataset["commit_id"], "path": dataset["path"],
                     "dataset_sha256": dataset["dataset_sha256"], "labels_sha256": dataset["labels_sha256"]},
            sources=[{"source_system": s["source_manifest"].get("source_system"),
                      "site_id": s["source_manifest"].get("site_id"), "batch_id": b,
                      "n_rows": _unit_rows(study, s["source_manifest"])}
                     for b, s in sorted(snapshots.items())],
            population=None if study_info else {"rows": split_manifest["n_rows"], "patients": split_manifest["n_patients"]},
            outcome=None if study_info else {"definition": facts["intended_use"].get("outcome")},
            split_manifest=split_manifest, study=study_info,
            preparation={"method": "HIPAA Safe Harbor with keyed pseudonyms (see de-identification reports)",
                         "transform_hashes": ", ".join(sorted({s.get("transform_hash", "") for s in snapshots.values()}))},
            representativeness=facts.get("representativeness"),
        ).encode(),
        "label_quality_report.md": documents.label_quality_report(
            agreement=labels.get("agreement"),
            labeling_process={"label source": study_info.label_source if study_info else None,
                              "raters": ", ".join(labels.get("raters") or []) or None,
                              "labeling_tools": ", ".join(labels.get("labeling_tools") or []) or None,
                              "labels_sha256": labels["labels_sha256"], "lakefs_commit": labels["commit_id"]},
            not_applicable=label_gate.get("reason") if label_gate.get("status") == "not_applicable" else None,
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
        GATE_DECISIONS: _json([label_gate] + [{"stage": "model_validation", **_gate_dict(g)} for g in gate_results]),
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


def _gate_dict(g) -> dict:
    return g.to_dict() if hasattr(g, "to_dict") else dict(g)


def _study_facts(study: Study | None, released: pd.DataFrame | None, snapshots: dict[str, dict]) -> StudyFacts | None:
    if study is None or released is None:
        return None
    sites: dict[str, int] = {}
    for snap in snapshots.values():
        manifest = snap.get("source_manifest") or {}
        site = str(manifest.get("site_id") or "")
        if site:
            sites[site] = sites.get(site, 0) + int(_unit_rows(study, manifest) or 0)
    return study_facts(study, released, sites_from_batches=sites)


def _unit_rows(study: Study | None, manifest: dict) -> int | None:
    """Rows of the batch's unit table (the encounter table, or the outcome's table in record-level data)."""
    counts = manifest.get("row_counts") or {}
    if study is None:
        return sum(counts.values()) if len(counts) == 1 else None
    from clinical_pipelines.ingest.checks import encounter_table
    from clinical_pipelines.labels.outcome import outcome_table

    table = encounter_table(study) or outcome_table(study)
    return counts.get(study.tables[table].file)


def _label_gate(study: Study | None, labels: dict, gate_policy: dict) -> dict:
    """The label_agreement decision as recorded by the labels step, else recomputed from its agreement report
    (the gate is listed either way)."""
    recorded = labels.get("label_gate")
    if recorded:
        return {"stage": "labels", **recorded}
    from clinical_pipelines.labels.outcome import label_agreement_gate
    from clinical_pipelines.study.builtin import study_or_default

    gate = label_agreement_gate(study_or_default(study), labels.get("agreement"),
                                float(gate_policy.get("min_label_agreement", 1.0)))
    return {"stage": "labels", **gate.to_dict()}

