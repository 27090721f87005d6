"""Labels: every rater's judgement, their measured agreement, and one consensus label per encounter, per study.

Partitioned by study (``defs/partitions.py``): reads the study's released snapshots under
``studies/<study_id>/batches/`` and writes ``studies/<study_id>/labels/`` (``study.layout``).
"""


import json

import dagster as dg
import pandas as pd

from clinical_pipelines.audit import events as audit_events
from clinical_pipelines.defs.partitions import per_study, studies, study_of
from clinical_pipelines.defs.resources import (
    AuditLogResource, LakeFSResource, StudyRegistryResource, ValidationPolicyResource,
)
from clinical_pipelines.labels.agreement import LabelDataError
from clinical_pipelines.labels.outcome import LABEL_AGREEMENT_GATE, outcome_table, study_labels
from clinical_pipelines.provenance import canonical_json, sha256_bytes
from clinical_pipelines.settings import DEID_REPOSITORY
from clinical_pipelines.study import layout

OWNER = "team:clinical-informatics"
__all__ = ["LABEL_AGREEMENT_GATE", "labels", "released_batches", "read_all_batches"]


def released_batches(lakefs: LakeFSResource, ref: str, study_id: str) -> dict[str, dict]:
    """Every batch of ``study_id`` released to ``ref`` of the de-identified repository, with its snapshot manifest.

    lakeFS main is the source of truth for what was released: a batch whose gates failed, or that
    was quarantined, is simply not there (its Dagster partition may exist without a release).
    """
    repo = lakefs.repository(DEID_REPOSITORY, create=False)
    batch_ids = layout.snapshot_batch_ids(study_id, lakefs.list_paths(DEID_REPOSITORY, ref,
                                                                      layout.snapshots_prefix(study_id)))
    if not batch_ids:
        raise dg.Failure(description=f"No released de-identified snapshot of study {study_id!r} on lakeFS main yet: "
                         "run the snapshot job for a batch of it first.")
    out = {}
    for batch_id in batch_ids:
        path = f"{layout.snapshot_prefix(study_id, batch_id)}manifest.json"
        manifest = json.loads(lakefs.read_bytes(DEID_REPOSITORY, ref, path))
        # The commit that wrote this batch's snapshot (on its de-identification branch, then merged).
        commits = list(repo.ref(ref).log(max_amount=1, objects=[path]))
        if not commits:
            raise dg.Failure(description=f"cannot find the snapshot commit of released batch {batch_id} in lakeFS")
        out[batch_id] = {**manifest, "snapshot_commit": commits[0].id}
    return out


def read_all_batches(lakefs: LakeFSResource, ref: str, study_id: str, batches: list[str], table: str) -> pd.DataFrame:
    """One de-identified table of the study, every released batch stacked."""
    return pd.concat(
        [lakefs.read_parquet(DEID_REPOSITORY, ref, f"{layout.snapshot_prefix(study_id, b)}{table}.parquet")
         for b in batches],
        ignore_index=True,
    )


@dg.asset(
    partitions_def=studies,
    group_name="labels",
    kinds={"lakefs", "pandas"},
    owners=[OWNER],
    deps=[dg.AssetDep("released_snapshot", partition_mapping=per_study)],
    check_specs=[dg.AssetCheckSpec(LABEL_AGREEMENT_GATE, asset="labels", blocking=True)],
    description=(
        "Outcome labels of the study as its spec declares them: from its rater table (at least two independent "
        "raters per encounter: pairwise and Cohen's kappa, Fleiss' kappa and Krippendorff's alpha with bootstrap "
        "95% intervals, one consensus label per encounter; ties without adjudication are excluded and counted), "
        "or from its outcome column by the spec's definition (label agreement then not applicable, with the "
        "spec's reason). Committed to lakeFS with the labelers, labeling tools and the snapshot commit they came from."
    ),
)
def labels(
    context: dg.AssetExecutionContext,
    lakefs: LakeFSResource,
    audit_log: AuditLogResource,
    validation_policy: ValidationPolicyResource,
    studies: StudyRegistryResource,
):
    study_id = study_of(context)
    study, entry = studies.resolve(study_id)
    snapshot_commit = lakefs.head_commit(DEID_REPOSITORY, "main")
    snapshots = released_batches(lakefs, snapshot_commit, study_id)
    batches = sorted(snapshots)
    table = outcome_table(study)  # the rater table, or the table of the outcome column
    raw = read_all_batches(lakefs, snapshot_commit, study_id, batches, table)
    min_alpha = validation_policy.policy().min_label_agreement
    try:
        result = study_labels({table: raw}, min_agreement=min_alpha, study=study)
    except LabelDataError as exc:
        raise dg.Failure(description=f"released labels cannot be used: {exc}") from None
    consensus, report, gate, unit = result.consensus, result.agreement, result.gate, result.unit_column
    n_missing = int(result.summary.get("n_missing_ratings", 0))
    if n_missing:
        context.log.warning(f"{n_missing} empty label(s) in released batches treated as missing ratings")
    raters, tools = result.raters, result.tools
    labels_sha = sha256_bytes(canonical_json(sorted(zip(consensus[unit], consensus["label"].astype(int).tolist()))))
    alpha = ((report or {}).get("krippendorff_alpha") or {}).get("estimate")
    fleiss = ((report or {}).get("fleiss_kappa") or {}).get("estimate")
    passed = gate.passed  # a study without raters: not applicable (the spec's reason), recorded as such

    branch = f"labels-{context.run.run_id[:8]}"
    prefix = layout.labels_prefix(study_id)
    lakefs.create_branch(DEID_REPOSITORY, branch)
    lakefs.write_parquet(DEID_REPOSITORY, branch, f"{prefix}consensus.parquet", consensus)
    lakefs.write_bytes(DEID_REPOSITORY, branch, f"{prefix}agreement.json",
                       json.dumps({"agreement": report, "summary": result.summary, "gate": gate.to_dict(),
                                   "raters": raters, "labeling_tools": tools,
                                   "snapshot_commit": snapshot_commit, "labels_sha256": labels_sha}, indent=2).encode())
    subject = f"labels:{labels_sha}"
    # Every released batch this label set reads, so the lineage reaches each source batch.
    snapshot_inputs = sorted({audit_events.lakefs_subject(DEID_REPOSITORY, s['snapshot_commit']) for s in snapshots.values()})
    commit_id = lakefs.commit(
        DEID_REPOSITORY, branch, f"Consensus labels and rater agreement of study {study_id}",
        metadata={"study_id": study_id, "study_spec_sha256": entry.spec_sha256, "labels_sha256": labels_sha, "snapshot_commit": snapshot_commit, "raters": ",".join(raters),
                  "krippendorff_alpha": f"{alpha:.4f}" if alpha is not None else "n/a", "label_gate": gate.status,
                  "dagster_run_id": context.run.run_id},
        inputs=snapshot_inputs,
        audit_payload={"labels_sha256": labels_sha},
    )
    released_commit = snapshot_commit
    if passed:
        released_commit = lakefs.merge(
            DEID_REPOSITORY, branch, into="main", message=f"Release consensus labels of study {study_id}",
            metadata={"study_id": study_id, "labels_sha256": labels_sha, "gate": LABEL_AGREEMENT_GATE, "dagster_run_id": context.run.run_id},
        )
        lakefs.delete_branch(DEID_REPOSITORY, branch)
    audit_log.append(
        audit_events.ASSET_MATERIALIZED, subject,
        inputs=snapshot_inputs,
        payload={"asset": "labels", "study_id": study_id, "raters": raters, "labeling_tools": tools, "n_labels": int(len(raw)),
                 "n_missing_ratings": n_missing, "outcome_source": result.source, "label_gate": gate.status,
                 "label_gate_reason": gate.reason,
                 "n_consensus": int(len(consensus)), "krippendorff_alpha": alpha,
                 "kappa": fleiss, "fleiss_kappa": fleiss, "lakefs_commit": commit_id,
                 "dagster_run_id": context.run.run_id},
    )
    yield dg.Output(
        {"study_id": study_id, "study_spec_sha256": entry.spec_sha256, "labels_path": f"{prefix}consensus.parquet",
         "labels_sha256": labels_sha, "snapshot_commit": snapshot_commit, "commit_id": commit_id,
         "released_commit": released_commit, "batches": batches, "snapshots": snapshots, "raters": raters, "labeling_tools": tools,
         "agreement": report, "outcome_source": result.source, "unit_column": unit, "label_summary": result.summary,
         "label_gate": gate.to_dict(), "run_id": context.run.run_id},
        metadata={
            "study_id": study_id,
            "study_spec_sha256": entry.spec_sha256,
            "lakefs_commit": commit_id,
            "lakefs_url": dg.MetadataValue.url(lakefs.ui_url(DEID_REPOSITORY, commit_id)),
            "labels_sha256": labels_sha,
            "raters": len(raters),
            "ratings": int(len(raw)),
            "outcome_source": result.source,
            "missing_ratings": n_missing,
            "consensus_labels": int(len(consensus)),
            "undecided_excluded": int(result.summary.get("n_undecided", 0)),
            "krippendorff_alpha": alpha,
            "fleiss_kappa": fleiss,
            "positive_rate": result.summary.get("positive_rate"),
        },
    )
    yield dg.AssetCheckResult(
        check_name=LABEL_AGREEMENT_GATE, passed=bool(passed), severity=dg.AssetCheckSeverity.ERROR,
        metadata={"status": gate.status, "krippendorff_alpha": alpha, "minimum": min_alpha,
                  **({"reason": gate.reason} if gate.reason else {})},
        description=gate.message,
    )
