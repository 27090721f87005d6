"""Evidence bundle for auditors, per study: built from recorded facts, hashed, committed and tagged in lakeFS."""


import json
from pathlib import Path

import dagster as dg

from clinical_pipelines.audit import events as audit_events
from clinical_pipelines.audit.signing import KeyFileError, load_signing_key
from clinical_pipelines.audit.trace import trace_model
from clinical_pipelines.defs.partitions import studies, study_of
from clinical_pipelines.defs.resources import (
    AuditLogResource, LakeFSResource, MLflowResource, StudyRegistryResource, ValidationPolicyResource, evidence_dir,
)
from clinical_pipelines.evidence.assemble import bundle_files
from clinical_pipelines.evidence.bundle import build_bundle, verify_bundle
from clinical_pipelines.provenance import code_version, environment_digest
from clinical_pipelines.settings import DEID_REPOSITORY, EVIDENCE_REPOSITORY, Settings
from clinical_pipelines.study import layout
from clinical_pipelines.training.model import model_coefficients

OWNER = "team:compliance"


def _download_plots(run_id: str) -> dict[str, bytes]:
    from mlflow.artifacts import download_artifacts

    local = Path(download_artifacts(run_id=run_id, artifact_path="validation/plots"))
    return {f"plots/{p.name}": p.read_bytes() for p in sorted(local.glob("*.png"))}


@dg.asset(
    partitions_def=studies,
    group_name="evidence",
    kinds={"lakefs", "mlflow"},
    owners=[OWNER],
    description=(
        "Evidence bundle for the promoted model version: model card, clinician summary, datasheet, "
        "de-identification reports, label quality report, split manifest, validation report with plots, "
        "gate policy, drift summary, provenance manifest and the audit trace, with a checklist mapping each "
        "file to GMLP, PCCP, TRIPOD+AI, HIPAA and EU AI Act Annex IV items. Every file's SHA-256 is in "
        "manifest.json, signed with the pipeline's Ed25519 evidence key (MANIFEST.sig); the manifest "
        "SHA-256 is recorded in the audit log and anchored; `clinical-pipelines evidence verify DIR` checks "
        "integrity and authenticity offline. Committed to the "
        "clinical-evidence lakeFS repository and tagged."
    ),
)
def evidence_bundle(
    context: dg.AssetExecutionContext,
    model_promotion: dict,
    trained_model: dict,
    training_dataset: dict,
    labels: dict,
    feature_drift: dict,
    lakefs: LakeFSResource,
    mlflow: MLflowResource,
    audit_log: AuditLogResource,
    validation_policy: ValidationPolicyResource,
    studies: StudyRegistryResource,
) -> dg.Output[dict]:
    from mlflow import sklearn as mlflow_sklearn

    study_id = study_of(context)
    study, entry = studies.resolve(study_id)
    name, version = model_promotion["model_name"], model_promotion["version"]
    policy = validation_policy.policy()
    if policy.sha256 != model_promotion["gate_policy_sha256"]:
        raise dg.Failure(
            description="The gate policy changed since this model was validated; re-run validation before "
            "building its evidence bundle."
        )
    deid_reports, deid_md = {}, {}
    snapshots = labels["snapshots"]
    for batch_id in sorted(snapshots):
        base = layout.snapshot_prefix(study_id, batch_id)
        ref = snapshots[batch_id]["snapshot_commit"]
        deid_reports[batch_id] = json.loads(lakefs.read_bytes(DEID_REPOSITORY, ref, f"{base}deid_report.json"))
        deid_md[batch_id] = lakefs.read_bytes(DEID_REPOSITORY, ref, f"{base}deid_report.md").decode()
    model = mlflow_sklearn.load_model(f"models:/{name}/{version}")
    trace = trace_model(audit_log.log(), name, version)
    events = [e.to_dict() for s in {e["subject"] for e in trace.registrations} for e in audit_log.log().query(subject=s)]
    provenance = {
        "study": {"study_id": study_id, "spec_sha256": entry.spec_sha256, "origin": entry.origin},
        "model": {"name": name, "version": version, "mlflow_run_id": trained_model["mlflow_run_id"],
                  "alias": model_promotion["alias"], "tags": trained_model["tags"]},
        "training_dataset": {k: training_dataset[k] for k in ("repository", "commit_id", "path", "dataset_sha256")},
        "labels": {k: labels[k] for k in ("labels_sha256", "commit_id", "released_commit", "raters", "labeling_tools")},
        "snapshots": {b: {k: s.get(k) for k in ("snapshot_commit", "transform_hash", "policy_version", "policy_sha256",
                                                "source_manifest_sha256", "source_manifest", "dagster_run_id")}
                      for b, s in sorted(snapshots.items())},
        "gate_policy": {"version": policy.version, "sha256": policy.sha256},
        "code_version": code_version(),
        "environment_digest": environment_digest(),
        "dagster_run_id": context.run.run_id,
    }
    files = bundle_files(
        model=trained_model, validation=model_promotion, promotion=model_promotion, dataset=training_dataset,
        labels=labels, snapshots=snapshots, deid_reports=deid_reports, deid_reports_md=deid_md,
        drift=feature_drift["summary"] | {"decision": feature_drift["decision"]}, provenance=provenance,
        audit_trace=trace.to_dict(), audit_events=events, gate_policy=policy.to_dict(),
        plots=_download_plots(trained_model["mlflow_run_id"]), coefficients=model_coefficients(model),
        intended_use_path=str(study.intended_use_path), study=study,
        released=lakefs.read_parquet(training_dataset["repository"], training_dataset["commit_id"],
                                     training_dataset["path"]),  # the study's facts are counted from it
    )
    out_dir = evidence_dir() / f"{name}-v{version}-{context.run.run_id[:8]}"
    try:
        signing_key = load_signing_key(Settings.from_env().evidence_signing_key_file, purpose="evidence signing")
    except KeyFileError as exc:
        raise dg.Failure(description=str(exc)) from None
    manifest = build_bundle(out_dir, files, {"study_id": study_id, "study_spec_sha256": entry.spec_sha256,
                                             "model": name, "version": version,
                                             "dataset_commit": training_dataset["commit_id"],
                                             "code_version": provenance["code_version"]},
                            signing_key=signing_key)
    verification = verify_bundle(out_dir, [signing_key.public_key])
    if not verification.ok:
        raise dg.Failure(description=f"evidence bundle failed its own verification: {verification.problems}")

    branch = f"evidence-{context.run.run_id[:8]}"
    lakefs.create_branch(EVIDENCE_REPOSITORY, branch)
    prefix = f"bundles/{name}/v{version}/{context.run.run_id[:8]}"
    for path in sorted(p for p in out_dir.rglob("*") if p.is_file()):
        lakefs.write_bytes(EVIDENCE_REPOSITORY, branch, f"{prefix}/{path.relative_to(out_dir).as_posix()}", path.read_bytes())
    commit = lakefs.commit(
        EVIDENCE_REPOSITORY, branch, f"Evidence bundle for {name} v{version}",
        metadata={"study_id": study_id, "study_spec_sha256": entry.spec_sha256,
                  "model": name, "model_version": version, "manifest_sha256": manifest["manifest_sha256"],
                  "bundle_id": manifest["bundle_id"], "signing_key_id": signing_key.public_key.key_id,
                  "dataset_commit": training_dataset["commit_id"], "dagster_run_id": context.run.run_id,
                  "::lakefs::MLflow model version::url[url:ui]": mlflow.model_version_url(name, version)},
        inputs=[audit_events.model_subject(name, version)],
        audit_payload={"manifest_sha256": manifest["manifest_sha256"], "bundle_id": manifest["bundle_id"],
                       "signing_key_id": signing_key.public_key.key_id, "files": len(manifest["files"])},
    )
    merge = lakefs.merge(EVIDENCE_REPOSITORY, branch, into="main", message=f"Evidence bundle {name} v{version}",
                         metadata={"manifest_sha256": manifest["manifest_sha256"], "dagster_run_id": context.run.run_id})
    lakefs.delete_branch(EVIDENCE_REPOSITORY, branch)
    tag = f"evidence-{name}-v{version}-{context.run.run_id[:8]}"
    lakefs.tag(EVIDENCE_REPOSITORY, tag, merge)
    mlflow.client().set_model_version_tag(name, version, "evidence_bundle", f"lakefs://{EVIDENCE_REPOSITORY}/{tag}/{prefix}")
    return dg.Output(
        {"path": str(out_dir), "manifest_sha256": manifest["manifest_sha256"], "bundle_id": manifest["bundle_id"],
         "signing_key_id": signing_key.public_key.key_id, "lakefs_commit": commit,
         "lakefs_tag": tag, "lakefs_prefix": prefix, "files": sorted(e["path"] for e in manifest["files"])},
        metadata={
            "study_id": study_id,
            "study_spec_sha256": entry.spec_sha256,
            "bundle_path": dg.MetadataValue.path(str(out_dir)),
            "manifest_sha256": manifest["manifest_sha256"],
            "bundle_id": manifest["bundle_id"],
            "signing_key_id": signing_key.public_key.key_id,
            "files": len(manifest["files"]),
            "lakefs_tag": tag,
            "lakefs_url": dg.MetadataValue.url(lakefs.ui_url(EVIDENCE_REPOSITORY, tag)),
            "mlflow_model_url": dg.MetadataValue.url(mlflow.model_version_url(name, version)),
            "model_card": dg.MetadataValue.md(files["model_card.md"].decode()[:20000]),
        },
    )
