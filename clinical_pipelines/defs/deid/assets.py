"""De-identified snapshots: each batch of a study de-identified on its own lakeFS branch, checked, then released.

Partitioned by study x batch (``defs/partitions.py``): each run resolves its study spec from the
registry and de-identifies the tables that spec declares. ``deidentified_snapshot`` writes the
de-identified tables and the de-identification report under ``studies/<study_id>/batches/<batch_id>/``
(``clinical_pipelines.study.layout``) of a per-run branch of the ``clinical-deid`` repository, commits it with its provenance, and
evaluates the blocking de-identification gates on exactly that commit (in the same step, so the
check results, each naming the commit it checked, are bound to this materialization). A snapshot
whose gates fail is quarantined at once: its branch is recorded in ``_quarantine/`` and deleted.

``released_snapshot`` reads from the Dagster event log (not from the stored step output) the latest
materialization of the batch, its commit and the gate results of that run, and merges exactly that
gated commit into ``main``, tagged, only if every gate passed for it and the branch has not moved
since (a commit or upload after the gates quarantines the branch). Every refusal leaves ``main``
untouched and is recorded as a ``gate.blocked`` audit event. Branch rules:
``clinical_pipelines.lakefs_branches``; event-log reads and the orphan sweep: ``branches.py``.
"""


import json
import shutil
import tempfile
from pathlib import Path

import dagster as dg
from clinical_pipelines.study import layout

from clinical_pipelines.deid import pipeline as deid_pipeline
from clinical_pipelines.deid.linkage import LinkageVault
from clinical_pipelines.deid.report import render_markdown
from clinical_pipelines.deid.snapshot import deidentify_snapshot_files, evaluate_snapshot_files
from clinical_pipelines.defs.deid.branches import RecordedSnapshot, recorded_snapshot, sweep_run_branches
from clinical_pipelines.defs.gates import GateNotPassed
from clinical_pipelines.defs.partitions import batch_key, study_batch, study_batches
from clinical_pipelines.defs.resources import (
    AuditLogResource, DeidentificationResource, LakeFSResource, StudyRegistryResource,
)
from clinical_pipelines.audit import events as audit_events
from clinical_pipelines.lakefs_branches import (
    RELEASE_FINGERPRINT, BranchMissing, BranchMoved, DisposalReason, deid_branch_name, release_fingerprint,
)
from clinical_pipelines.lakefs_protection import GATED_COMMIT
from clinical_pipelines.provenance import code_version, environment_digest, transform_code_hash
from clinical_pipelines.settings import DEID_REPOSITORY, LANDING_REPOSITORY

OWNER = "team:privacy-office"
SNAPSHOT_GATES = tuple(deid_pipeline.CHECK_NAMES)
TRANSFORM_MODULES = ("clinical_pipelines.deid", "clinical_pipelines.ingest")


def snapshot_transform_hash(policy) -> str:
    """Hash of the transform code and the policy in force (recorded on every row and commit)."""
    return transform_code_hash(TRANSFORM_MODULES, extra_files=[policy.path] if policy.path else [])


def download_batch(lakefs: LakeFSResource, study_id: str, batch_id: str, ref: str, dest: Path) -> dict[str, Path]:
    """file name -> local copy (streamed to ``dest``) of the landed batch's files at ``ref`` (files directly in
    its folder; sub-folders are not part of it)."""
    prefix = layout.landing_batch_prefix(study_id, batch_id)
    dest.mkdir(parents=True, exist_ok=True)
    return {path[len(prefix):]: lakefs.download_file(LANDING_REPOSITORY, ref, path, dest / path[len(prefix):])
            for path in lakefs.list_paths(LANDING_REPOSITORY, ref, prefix) if "/" not in path[len(prefix):]}


@dg.asset(
    partitions_def=study_batches,
    group_name="deid",
    kinds={"presidio", "lakefs", "pandas"},
    owners=[OWNER],
    check_specs=[dg.AssetCheckSpec(name, asset="deidentified_snapshot", blocking=True) for name in SNAPSHOT_GATES],
    description=(
        "The batch after HIPAA Safe Harbor de-identification, by the roles of its study spec: direct identifiers "
        "dropped or replaced by keyed "
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
    studies: StudyRegistryResource,
):
    study_id, batch_id = study_batch(context)
    study, entry = studies.resolve(study_id)
    _clean_orphans(context, lakefs)
    policy = deid.policy()
    key = deid.key()
    engine = deid.text_engine()
    transform_hash = snapshot_transform_hash(policy)
    env = environment_digest()

    work = Path(tempfile.mkdtemp(prefix="deid-snapshot-"))
    try:
        yield from _snapshot(context, raw_extract, lakefs, deid, audit_log, study_id, batch_id, study, entry, work,
                             policy=policy, key=key, engine=engine, transform_hash=transform_hash, env=env)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _snapshot(context: dg.AssetExecutionContext, raw_extract: dict, lakefs: LakeFSResource,
              deid: DeidentificationResource, audit_log: AuditLogResource, study_id: str, batch_id: str, study, entry,
              work: Path, *, policy, key: bytes, engine, transform_hash: str, env: dict):
    """The snapshot of one batch, worked in ``work`` (raw files and released tables on disk, streamed to and
    from lakeFS): de-identify, store linkage once, write, commit, evaluate the gates on the commit."""
    files = download_batch(lakefs, study_id, batch_id, raw_extract["raw_commit"], work / "raw")
    context.log.info(f"de-identifying batch {batch_id} of study {study_id}: {len(files)} files")
    lineage = deid_pipeline.RowLineage(
        source_system=raw_extract["source_system"],
        batch_id=batch_id,
        file_sha256=raw_extract["files"],
        transform_hash=transform_hash,
    )
    result = deidentify_snapshot_files(files, work / "out", study=study, policy=policy, key=key, text_engine=engine,
                                       lineage=lineage)
    context.log.info(f"batch {batch_id}: " + ", ".join(f"{n} {name} rows" for name, n in result.row_counts.items())
                     + f" ({len(result.streamed)} table(s) in chunks)")

    # The linkage map goes to its own vault, never next to the de-identified data (one store per batch).
    vault = LinkageVault(
        deid.linkage_dir, key_file=deid.linkage_key_file, accessor=f"dagster-run:{context.run.run_id}",
        on_access=lambda event: audit_log.append(audit_events.LINKAGE_ACCESSED, audit_events.batch_subject(batch_id), payload=event),
    )
    vault.store(result.linkage_rows, batch_id=f"{study_id}/{batch_id}", purpose="deidentification")

    branch = deid_branch_name(batch_id, context.run.run_id, study_id=study_id)
    lakefs.create_branch(DEID_REPOSITORY, branch)
    base = layout.snapshot_prefix(study_id, batch_id).rstrip("/")
    manifest = {
        "study_id": study_id,
        "study_spec_sha256": entry.spec_sha256,
        "batch_id": batch_id,
        "source_manifest": {k: raw_extract[k] for k in ("batch_id", "source_system", "site_id", "files", "row_counts", "schema_sha256", "raw_commit")},
        "source_manifest_sha256": raw_extract["manifest_sha256"],
        "transform_hash": transform_hash,
        "policy_version": policy.version,
        "policy_sha256": policy.sha256,
        "environment_digest": env,
        "code_version": code_version(),
        "dagster_run_id": context.run.run_id,
        "rows": dict(result.row_counts),
    }
    report = dict(result.report, transform_hash=transform_hash, snapshot_manifest_sha256=None)
    for name, local in result.outputs.items():
        lakefs.upload_file(DEID_REPOSITORY, branch, f"{base}/{name}.parquet", local)
        local.unlink()
    outputs = {
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
        f"De-identified snapshot of batch {batch_id} of study {study_id}",
        metadata={
            "study_id": study_id,
            "study_spec_sha256": entry.spec_sha256,
            "batch_id": batch_id,
            "source_manifest_sha256": raw_extract["manifest_sha256"],
            "raw_commit": raw_extract["raw_commit"],
            "transform_hash": transform_hash,
            "policy_sha256": policy.sha256,
            "environment_digest": env["digest"],
            "code_version": manifest["code_version"],
            "dagster_run_id": context.run.run_id,
            RELEASE_FINGERPRINT: release_fingerprint(study_id=study_id, batch_id=batch_id,
                                                     source_files=raw_extract["files"], transform_hash=transform_hash,
                                                     policy_sha256=policy.sha256),
            "::lakefs::Dagster run::url[url:ui]": dagster_url,
        },
        inputs=[audit_events.batch_subject(batch_id)],
        audit_payload={
            "study_id": study_id,
            "study_spec_sha256": entry.spec_sha256,
            "transform_hash": transform_hash,
            "policy_sha256": policy.sha256,
            "environment_digest": env["digest"],
            "code_version": manifest["code_version"],
            "dagster_run_id": context.run.run_id,
            "source_manifests": [manifest["source_manifest"]],
        },
    )

    # Gates, evaluated on the committed de-identified content (read back from lakeFS).
    committed = {name: lakefs.download_file(DEID_REPOSITORY, commit_id, f"{base}/{name}.parquet",
                                            work / f"committed-{name}.parquet") for name in result.outputs}
    outcomes = evaluate_snapshot_files(committed, policy=policy, study=study,
                                       known_identifiers=result.known_identifiers, text_engine=engine)
    passed = {o.name: o.passed for o in outcomes}
    missing = [g for g in SNAPSHOT_GATES if g not in passed]
    failed = [g for g in SNAPSHOT_GATES if not passed.get(g, False)]
    if failed:  # never released: nothing of it stays reachable
        lakefs.quarantine_branch(DEID_REPOSITORY, branch, reason=DisposalReason.GATE_FAILED, gated_commit=commit_id,
                                 failed_gates=failed, recorded_by=audit_events.run_subject(context.run.run_id))
        context.log.warning(f"gate(s) {', '.join(failed)} failed: branch {branch} quarantined and deleted")
    if missing:
        raise dg.Failure(description=f"de-identification gates not evaluated: {missing} (fail closed)")

    yield dg.Output(
        {
            "study_id": study_id,
            "study_spec_sha256": entry.spec_sha256,
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
            "study_id": study_id,
            "study_spec_sha256": entry.spec_sha256,
            "lakefs_commit": commit_id,
            "lakefs_branch": branch,
            "lakefs_url": dg.MetadataValue.url(lakefs.ui_url(DEID_REPOSITORY, commit_id)),
            "transform_hash": transform_hash,
            "policy_sha256": policy.sha256,
            **{f"rows_{name}": n for name, n in sorted(result.row_counts.items())},
            "redactions_total": int(sum(result.counts.values())),
            **{f"redactions_{k.lower()}": int(v) for k, v in sorted(result.counts.items())},
        },
    )
    for outcome in outcomes:
        yield dg.AssetCheckResult(
            check_name=outcome.name,
            passed=outcome.passed,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={**dict(outcome.metadata), GATED_COMMIT: commit_id},
        )


def _clean_orphans(context: dg.AssetExecutionContext, lakefs: LakeFSResource) -> None:
    """Quarantine the de-identification branches earlier runs left behind (crashed, failed, superseded)."""
    result = sweep_run_branches(
        context.instance, lakefs, repositories=[DEID_REPOSITORY], kinds=["deid"], gate_names=SNAPSHOT_GATES,
        recorded_by=audit_events.run_subject(context.run.run_id), skip_run_prefixes=[context.run.run_id[:8]],
    )
    if result.quarantined or result.errors:
        context.log.warning(f"orphan sweep: {result.summary()}"
                            + (f" ({'; '.join(result.errors)})" if result.errors else ""))


@dg.asset(
    partitions_def=study_batches,
    group_name="deid",
    kinds={"lakefs"},
    owners=[OWNER],
    description=(
        "The de-identified snapshot merged into lakeFS main and tagged `snapshot-<study>-<batch>-<commit>`. Merges "
        "the gated commit recorded with the gate results in the Dagster event log, only if every "
        "de-identification gate passed for that exact commit and its branch has not moved since; otherwise "
        "main is left unchanged, a moved branch is quarantined, and the run fails naming the reason."
    ),
)
def released_snapshot(
    context: dg.AssetExecutionContext, deidentified_snapshot: dict, lakefs: LakeFSResource, audit_log: AuditLogResource
) -> dg.Output[dict]:
    study_id, batch_id = study_batch(context)
    snap = recorded_snapshot(context.instance, batch_key(study_id, batch_id))
    refuse = _refusal(context, audit_log, batch_id, snap)
    if snap is None:
        raise refuse("no_materialization", [f"no materialization of deidentified_snapshot is recorded for batch {batch_id}"])
    stored = deidentified_snapshot
    differs = [k for k, v in (("commit_id", snap.commit_id), ("run_id", snap.run_id), ("branch", snap.branch))
               if stored.get(k) != v]
    if differs:
        raise refuse("stored_value_mismatch", [f"the stored snapshot value differs from the recorded materialization in "
                                               f"{', '.join(differs)}"])
    problems = snap.problems(SNAPSHOT_GATES)
    if problems:
        raise refuse("gates_not_passed", problems)
    tag = f"snapshot-{study_id}-{batch_id}-{snap.commit_id[:8]}"
    claim = _claim_release(context, lakefs, snap)
    if claim is not None and not claim.claimed and claim.claimed_commit != snap.commit_id:
        return _already_released(context, lakefs, snap, claim, f"snapshot-{study_id}-{batch_id}-", stored)
    merge_commit = _released_by(lakefs, tag, snap)
    if merge_commit is None:
        merge_commit = _interrupted_release(context, lakefs, audit_log, snap)
    if merge_commit is None:
        try:
            merge_commit = lakefs.merge(
                DEID_REPOSITORY, snap.branch, into="main", gated_commit=snap.commit_id, gates=SNAPSHOT_GATES,
                gates_run_id=snap.run_id, message=f"Release de-identified snapshot of batch {batch_id} of study {study_id}",
                metadata={"study_id": study_id, "study_spec_sha256": str(stored.get("study_spec_sha256")),
                          "batch_id": batch_id, "snapshot_commit": snap.commit_id, "gates": ",".join(SNAPSHOT_GATES),
                          "gates_run_id": snap.run_id, "dagster_run_id": context.run.run_id},
                audit_payload={"study_id": study_id, "batch_id": batch_id, "gates": list(SNAPSHOT_GATES)},
            )
        except BranchMoved as exc:
            lakefs.quarantine_branch(DEID_REPOSITORY, snap.branch, reason=DisposalReason.MOVED_AFTER_GATES,
                                     gated_commit=snap.commit_id,
                                     recorded_by=audit_events.run_subject(context.run.run_id))
            raise refuse("moved_after_gates", [f"{exc}; the branch was quarantined and deleted"],
                         head_commit=exc.head_commit, uncommitted=exc.uncommitted) from None
        except BranchMissing as exc:
            raise refuse("branch_missing", [str(exc)]) from None
    if _released_by(lakefs, tag, snap) is None:
        _tag_once(lakefs, tag, merge_commit)
    _delete_if_present(lakefs, snap.branch)
    _clean_orphans(context, lakefs)  # branches of this batch's earlier runs are superseded now
    return dg.Output(
        {**stored, "merge_commit": merge_commit, "tag": tag},
        metadata={
            "study_id": study_id,
            "study_spec_sha256": str(stored.get("study_spec_sha256")),
            "lakefs_commit": merge_commit,
            "lakefs_tag": tag,
            "lakefs_url": dg.MetadataValue.url(lakefs.ui_url(DEID_REPOSITORY, tag)),
            "snapshot_commit": snap.commit_id,
        },
    )


def _refusal(context: dg.AssetExecutionContext, audit_log: AuditLogResource, batch_id: str,
             snap: RecordedSnapshot | None):
    """A function (reason, problems, **ids) -> GateNotPassed that first records ``gate.blocked``."""

    def refuse(reason: str, problems: list[str], **ids) -> GateNotPassed:
        subject = (audit_events.lakefs_subject(DEID_REPOSITORY, snap.commit_id) if snap and snap.commit_id
                   else audit_events.batch_subject(batch_id))
        audit_log.append(audit_events.GATE_BLOCKED, subject, payload={
            "stage": "snapshot_release", "reason": reason, "batch_id": batch_id,
            "upstream_run_id": snap.run_id if snap else None, "gated_commit": snap.commit_id if snap else None,
            "branch": snap.branch if snap else None, "n_problems": len(problems), "dagster_run_id": context.run.run_id,
            **ids,
        })
        what = f"de-identified snapshot {snap.commit_id[:12] if snap else ''} of batch {batch_id}"
        return GateNotPassed(
            description=(f"Refusing to publish {what} ({reason}): " + "; ".join(problems) + ". main is unchanged; "
                         "re-materialize deidentified_snapshot: publication only follows a run whose gates all "
                         "passed for the commit it publishes."),
            metadata={"reason": reason, "problems": len(problems)},
        )

    return refuse


def _interrupted_release(context: dg.AssetExecutionContext, lakefs: LakeFSResource, audit_log: AuditLogResource,
                         snap: RecordedSnapshot) -> str | None:
    """The attested merge of ``snap``'s gated commit already on main, made by a run that died (or lost its
    audit database) before tagging it; its missing ``lakefs.merge`` audit event is recorded now."""
    from clinical_pipelines.lakefs_branches import attested_merge_of
    from clinical_pipelines.lakefs_protection import verify_attestation

    key = lakefs.gate_key()
    merge_commit = attested_merge_of(
        lakefs.repository(DEID_REPOSITORY, create=False), snap.commit_id,
        lambda md: verify_attestation(key, repository=DEID_REPOSITORY, branch="main", source_commit=snap.commit_id,
                                      metadata=md))
    if merge_commit is None:
        return None
    subject = audit_events.lakefs_subject(DEID_REPOSITORY, merge_commit)
    if not audit_log.log().query(event_type=audit_events.LAKEFS_MERGE, subject=subject):
        lakefs.record_merge(DEID_REPOSITORY, "main", merge_commit, snap.commit_id, SNAPSHOT_GATES,
                            audit_payload={"batch_id": snap.batch_id, "gates_run_id": snap.run_id,
                                           "recovered_by": audit_events.run_subject(context.run.run_id)})
        context.log.warning(f"merge {merge_commit[:12]} of the gated commit was made by an interrupted run; "
                            "its audit event is recorded now, nothing is merged again")
    return merge_commit


def _claim_release(context: dg.AssetExecutionContext, lakefs: LakeFSResource, snap: RecordedSnapshot):
    """This run's claim on releasing ``snap``'s content (``lakefs_branches.claim_release``); None for a
    snapshot committed without a release fingerprint."""
    from clinical_pipelines.defs.deid.branches import run_activity
    from clinical_pipelines.lakefs_branches import (
        RELEASE_FINGERPRINT, ReleaseBusy, RunActivity, attested_merge_of, claim_release,
    )
    from clinical_pipelines.lakefs_protection import verify_attestation

    repo = lakefs.repository(DEID_REPOSITORY, create=False)
    fingerprint = (repo.ref(snap.commit_id).get_commit().metadata or {}).get(RELEASE_FINGERPRINT)
    if not fingerprint:
        return None
    key = lakefs.gate_key()

    def merged(commit: str) -> str | None:
        return attested_merge_of(repo, commit, lambda md: verify_attestation(
            key, repository=DEID_REPOSITORY, branch="main", source_commit=commit, metadata=md))

    def claimer_active(commit: str) -> bool:
        run_id = (repo.ref(commit).get_commit().metadata or {}).get("dagster_run_id", "")
        return bool(run_id) and run_activity(context.instance, run_id[:8]) is RunActivity.ACTIVE

    try:
        claim = claim_release(repo, fingerprint, snap.commit_id, merged=merged, claimer_active=claimer_active,
                              create_tag=lambda name, commit: lakefs.tag(DEID_REPOSITORY, name, commit))
    except ReleaseBusy as exc:
        raise dg.Failure(description=f"Not releasing partition {snap.batch_id} now: {exc}. main is unchanged; re-run "
                                     "the release when that run has ended.", allow_retries=False) from None
    if claim.taken_over:
        context.log.warning(f"took over the stale release claim of commit {claim.taken_over[:12]} (its run ended "
                            "without merging)")
    return claim


def _already_released(context: dg.AssetExecutionContext, lakefs: LakeFSResource, snap: RecordedSnapshot, claim,
                      tag_prefix: str,
                      stored: dict) -> dg.Output[dict]:
    """Identical content (same release fingerprint) is on main already: no new merge; this run's branch goes."""
    lakefs.quarantine_branch(DEID_REPOSITORY, snap.branch, reason=DisposalReason.ALREADY_RELEASED,
                             gated_commit=snap.commit_id, recorded_by=audit_events.run_subject(context.run.run_id))
    tag = f"{tag_prefix}{claim.claimed_commit[:8]}"
    context.log.info(f"partition {snap.batch_id}: identical content was released by merge {claim.released_merge[:12]}; "
                     "nothing merged")
    return dg.Output(
        {**stored, "merge_commit": claim.released_merge, "tag": tag, "already_released": True},
        metadata={"lakefs_commit": claim.released_merge, "lakefs_tag": tag, "already_released": True,
                  "lakefs_url": dg.MetadataValue.url(lakefs.ui_url(DEID_REPOSITORY, tag)),
                  "snapshot_commit": claim.claimed_commit},
    )


def _tag_once(lakefs: LakeFSResource, tag: str, merge_commit: str) -> None:
    """Tag the release; a concurrent run that tagged the same merge first is fine."""
    from lakefs.exceptions import ConflictException

    try:
        lakefs.tag(DEID_REPOSITORY, tag, merge_commit)
    except ConflictException:
        if lakefs.repository(DEID_REPOSITORY, create=False).tag(tag).get_commit().id != merge_commit:
            raise


def _delete_if_present(lakefs: LakeFSResource, branch: str) -> None:
    from lakefs.exceptions import NotFoundException

    try:
        lakefs.delete_branch(DEID_REPOSITORY, branch)
    except NotFoundException:
        pass


def _released_by(lakefs: LakeFSResource, tag: str, snap: RecordedSnapshot) -> str | None:
    """The merge commit of an earlier release of exactly this gated commit (a re-run makes no new commit)."""
    from lakefs.exceptions import NotFoundException

    from clinical_pipelines.lakefs_protection import verify_attestation

    try:
        commit = lakefs.repository(DEID_REPOSITORY, create=False).tag(tag).get_commit()
    except NotFoundException:
        return None
    attested = verify_attestation(lakefs.gate_key(), repository=DEID_REPOSITORY, branch="main",
                                  source_commit=snap.commit_id, metadata=commit.metadata or {})
    return commit.id if attested else None
