"""De-identified snapshots: each batch de-identified on its own lakeFS branch, checked, then released.

``deidentified_snapshot`` writes the de-identified tables, notes and the de-identification report
to a per-run branch of the ``clinical-deid`` repository, commits it with its provenance, and
evaluates the blocking de-identification gates on exactly that commit (in the same step, so the
check results are bound to this materialization). ``released_snapshot`` merges the branch into
``main`` and tags it, but only after it has verified, from the Dagster event log, that every gate
passed for the materialization it is about to release. A failed gate leaves ``main`` untouched.
"""


import io
import json

import dagster as dg
import pandas as pd

from clinical_pipelines.deid import pipeline as deid_pipeline
from clinical_pipelines.deid.linkage import LinkageVault
from clinical_pipelines.deid.report import render_markdown
from clinical_pipelines.defs.gates import require_gates_passed
from clinical_pipelines.defs.ingest.assets import ingest_batches, read_batch_files
from clinical_pipelines.defs.resources import AuditLogResource, DeidentificationResource, LakeFSResource
from clinical_pipelines.audit import events as audit_events
from clinical_pipelines.provenance import code_version, environment_digest, transform_code_hash
from clinical_pipelines.settings import DEID_REPOSITORY, LANDING_REPOSITORY

OWNER = "team:privacy-office"
SNAPSHOT_GATES = tuple(deid_pipeline.CHECK_NAMES)
TRANSFORM_MODULES = ("clinical_pipelines.deid", "clinical_pipelines.ingest")


def snapshot_transform_hash(policy) -> str:
    """Hash of the transform code and the policy in force (recorded on every row and commit)."""
    return transform_code_hash(TRANSFORM_MODULES, extra_files=[policy.path] if policy.path else [])


def parse_raw_batch(files: dict[str, bytes]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    encounters = pd.read_csv(io.BytesIO(files["encounters.csv"]), dtype=str, keep_default_na=False)
    notes = pd.read_json(io.BytesIO(files["notes.jsonl"]), lines=True, dtype=False)
    notes = notes.astype({c: str for c in notes.columns})
    labels = pd.read_csv(io.BytesIO(files["labels.csv"]), dtype=str, keep_default_na=False)
    return encounters, notes, labels


def _parquet(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()


@dg.asset(
    partitions_def=ingest_batches,
    group_name="deid",
    kinds={"presidio", "lakefs", "pandas"},
    owners=[OWNER],
    check_specs=[dg.AssetCheckSpec(name, asset="deidentified_snapshot", blocking=True) for name in SNAPSHOT_GATES],
    description=(
        "The batch after HIPAA Safe Harbor de-identification: direct identifiers dropped or replaced by keyed "
        "pseudonyms, dates shifted per patient, ZIP codes cut to ZIP3, ages over 89 top-coded, notes redacted "
        "with Presidio. Written to its own lakeFS branch and committed with source manifests, transform hash, "
        "policy hash, environment digest and run id. Blocking gates: residual PHI, k-anonymity, restricted ZIP3, "
        "ages over 89, full dates."
    ),
)
def deidentified_snapshot(
    context: dg.AssetExecutionContext,
    raw_extract: dict,
    lakefs: LakeFSResource,
    deid: DeidentificationResource,
    audit_log: AuditLogResource,
):
    batch_id = context.partition_key
    policy = deid.policy()
    key = deid.key()
    engine = deid.text_engine()
    transform_hash = snapshot_transform_hash(policy)
    env = environment_digest()

    files = read_batch_files(lakefs, batch_id, ref=raw_extract["raw_commit"])
    encounters, notes, labels = parse_raw_batch(files)
    context.log.info(
        f"de-identifying batch {batch_id}: {len(encounters)} encounters, {len(notes)} notes, {len(labels)} labels"
    )
    lineage = deid_pipeline.RowLineage(
        source_system=raw_extract["source_system"],
        batch_id=batch_id,
        file_sha256=raw_extract["files"],
        transform_hash=transform_hash,
    )
    result = deid_pipeline.deidentify_batch(
        encounters, notes, labels, policy=policy, key=key, text_engine=engine, lineage=lineage
    )

    # The linkage map goes to its own vault, never next to the de-identified data.
    vault = LinkageVault(
        deid.linkage_dir, key_file=deid.linkage_key_file, accessor=f"dagster-run:{context.run.run_id}",
        on_access=lambda event: audit_log.append(audit_events.LINKAGE_ACCESSED, audit_events.batch_subject(batch_id), payload=event),
    )
    vault.store(result.linkage_rows, batch_id=batch_id, purpose="deidentification")

    branch = f"deid-{batch_id}-{context.run.run_id[:8]}"
    lakefs.create_branch(DEID_REPOSITORY, branch)
    base = f"batches/{batch_id}"
    manifest = {
        "batch_id": batch_id,
        "source_manifest": {k: raw_extract[k] for k in ("batch_id", "source_system", "site_id", "files", "row_counts", "schema_sha256", "raw_commit")},
        "source_manifest_sha256": raw_extract["manifest_sha256"],
        "transform_hash": transform_hash,
        "policy_version": policy.version,
        "policy_sha256": policy.sha256,
        "environment_digest": env,
        "code_version": code_version(),
        "dagster_run_id": context.run.run_id,
        "rows": {"encounters": len(result.encounters), "notes": len(result.notes), "labels": len(result.labels)},
    }
    report = dict(result.report, transform_hash=transform_hash, snapshot_manifest_sha256=None)
    outputs = {
        f"{base}/encounters.parquet": _parquet(result.encounters),
        f"{base}/notes.parquet": _parquet(result.notes),
        f"{base}/labels.parquet": _parquet(result.labels),
        f"{base}/deid_report.json": json.dumps(report, indent=2, default=str).encode(),
        f"{base}/deid_report.md": render_markdown(report).encode(),
        f"{base}/manifest.json": json.dumps(manifest, indent=2, default=str).encode(),
    }
    for path, data in outputs.items():
        lakefs.write_bytes(DEID_REPOSITORY, branch, path, data)
    dagster_url = lakefs.dagster_run_url(context.run.run_id)
    commit_id = lakefs.commit(
        DEID_REPOSITORY,
        branch,
        f"De-identified snapshot of batch {batch_id}",
        metadata={
            "batch_id": batch_id,
            "source_manifest_sha256": raw_extract["manifest_sha256"],
            "raw_commit": raw_extract["raw_commit"],
            "transform_hash": transform_hash,
            "policy_sha256": policy.sha256,
            "environment_digest": env["digest"],
            "code_version": manifest["code_version"],
            "dagster_run_id": context.run.run_id,
            "::lakefs::Dagster run::url[url:ui]": dagster_url,
        },
        inputs=[audit_events.batch_subject(batch_id)],
        audit_payload={
            "transform_hash": transform_hash,
            "policy_sha256": policy.sha256,
            "environment_digest": env["digest"],
            "code_version": manifest["code_version"],
            "dagster_run_id": context.run.run_id,
            "source_manifests": [manifest["source_manifest"]],
        },
    )

    # Gates, evaluated on the committed de-identified content (read back from lakeFS).
    committed_encounters = lakefs.read_parquet(DEID_REPOSITORY, commit_id, f"{base}/encounters.parquet")
    committed_notes = lakefs.read_parquet(DEID_REPOSITORY, commit_id, f"{base}/notes.parquet")
    outcomes = deid_pipeline.evaluate_snapshot_checks(
        committed_encounters,
        committed_notes,
        policy=policy,
        known_identifiers=deid_pipeline.known_identifiers_of(encounters, notes),
        text_engine=engine,
    )
    passed = {o.name: o.passed for o in outcomes}
    missing = [g for g in SNAPSHOT_GATES if g not in passed]
    if missing:
        raise dg.Failure(description=f"de-identification gates not evaluated: {missing} (fail closed)")

    yield dg.Output(
        {
            "batch_id": batch_id,
            "repository": DEID_REPOSITORY,
            "branch": branch,
            "commit_id": commit_id,
            "run_id": context.run.run_id,
            "transform_hash": transform_hash,
            "policy_sha256": policy.sha256,
            "source_manifest_sha256": raw_extract["manifest_sha256"],
            "gates_passed": all(passed.values()),
        },
        metadata={
            "lakefs_commit": commit_id,
            "lakefs_branch": branch,
            "lakefs_url": dg.MetadataValue.url(lakefs.ui_url(DEID_REPOSITORY, commit_id)),
            "transform_hash": transform_hash,
            "policy_sha256": policy.sha256,
            "encounters": len(result.encounters),
            "notes": len(result.notes),
            "redactions_total": int(sum(result.counts.values())),
            **{f"redactions_{k.lower()}": int(v) for k, v in sorted(result.counts.items())},
        },
    )
    for outcome in outcomes:
        yield dg.AssetCheckResult(
            check_name=outcome.name,
            passed=outcome.passed,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata=dict(outcome.metadata),
        )


@dg.asset(
    partitions_def=ingest_batches,
    group_name="deid",
    kinds={"lakefs"},
    owners=[OWNER],
    description=(
        "The de-identified snapshot merged into lakeFS main and tagged `snapshot-<batch>`. Published only "
        "after verifying that every de-identification gate passed for that exact commit; otherwise main is "
        "left unchanged and the run fails naming the gate."
    ),
)
def released_snapshot(
    context: dg.AssetExecutionContext, deidentified_snapshot: dict, lakefs: LakeFSResource, audit_log: AuditLogResource
) -> dg.Output[dict]:
    snap = deidentified_snapshot
    try:
        require_gates_passed(
            context, dg.AssetKey("deidentified_snapshot"), SNAPSHOT_GATES, snap["run_id"],
            what=f"de-identified snapshot {snap['commit_id'][:12]} of batch {snap['batch_id']}",
        )
    except dg.Failure:
        audit_log.append(
            audit_events.GATE_BLOCKED,
            audit_events.lakefs_subject(DEID_REPOSITORY, snap['commit_id']),
            payload={"stage": "snapshot_release", "batch_id": snap["batch_id"], "upstream_run_id": snap["run_id"]},
        )
        raise
    merge_commit = lakefs.merge(
        DEID_REPOSITORY,
        snap["branch"],
        into="main",
        message=f"Release de-identified snapshot of batch {snap['batch_id']}",
        metadata={
            "batch_id": snap["batch_id"],
            "snapshot_commit": snap["commit_id"],
            "gates": ",".join(SNAPSHOT_GATES),
            "gates_run_id": snap["run_id"],
            "dagster_run_id": context.run.run_id,
        },
        audit_payload={"batch_id": snap["batch_id"], "gates": list(SNAPSHOT_GATES)},
    )
    tag = f"snapshot-{snap['batch_id']}-{snap['commit_id'][:8]}"
    lakefs.tag(DEID_REPOSITORY, tag, merge_commit)
    lakefs.delete_branch(DEID_REPOSITORY, snap["branch"])
    return dg.Output(
        {**snap, "merge_commit": merge_commit, "tag": tag},
        metadata={
            "lakefs_commit": merge_commit,
            "lakefs_tag": tag,
            "lakefs_url": dg.MetadataValue.url(lakefs.ui_url(DEID_REPOSITORY, tag)),
            "snapshot_commit": snap["commit_id"],
        },
    )
