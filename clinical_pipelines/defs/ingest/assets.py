"""Raw zone: each ingest batch as received, validated against the extract contract, committed in lakeFS."""


import json

import dagster as dg

from clinical_pipelines.audit import events as audit_events
from clinical_pipelines.defs.resources import LakeFSResource
from clinical_pipelines.ingest.checks import file_sha256s
from clinical_pipelines.ingest.contract import ContractViolation, build_manifest, check_batch
from clinical_pipelines.ingest.problems import Problem
from clinical_pipelines.settings import LANDING_REPOSITORY

ingest_batches = dg.DynamicPartitionsDefinition(name="ingest_batch")

OWNER = "team:data-engineering"


def read_batch_files(lakefs: LakeFSResource, batch_id: str, ref: str = "main") -> dict[str, bytes]:
    prefix = f"{batch_id}/"
    return {
        path[len(prefix):]: lakefs.read_bytes(LANDING_REPOSITORY, ref, path)
        for path in lakefs.list_paths(LANDING_REPOSITORY, ref, prefix)
        if "/" not in path[len(prefix):]
    }


def manifest_path(batch_id: str) -> str:
    return f"_manifests/{batch_id}.json"


def quarantine_path(batch_id: str) -> str:
    return f"_quarantine/{batch_id}.json"


def previous_files(lakefs: LakeFSResource, batch_id: str, ref: str = "main") -> dict[str, str] | None:
    """name -> SHA-256 of what was received before under this batch id (ingested or quarantined), if anything."""
    for path in (manifest_path(batch_id), quarantine_path(batch_id)):
        if path in lakefs.list_paths(LANDING_REPOSITORY, ref, path):
            record = json.loads(lakefs.read_bytes(LANDING_REPOSITORY, ref, path))
            if isinstance(record.get("files"), dict):
                return {str(k): str(v) for k, v in record["files"].items()}
    return None


def quarantine(lakefs: LakeFSResource, batch_id: str, problems: list[Problem], run_id: str,
               files: dict[str, bytes]) -> str:
    """Record why a batch was refused, next to its untouched files, and commit (nothing is lost).

    The record lists each problem by file, row and column (never a value) and the SHA-256 of every
    file received, so a later delivery under the same id with other content is recognised.
    """
    record = {"batch_id": batch_id, "status": "quarantined", "dagster_run_id": run_id,
              "problems": [p.to_dict() for p in problems], "files": file_sha256s(files)}
    lakefs.write_bytes(LANDING_REPOSITORY, "main", quarantine_path(batch_id), json.dumps(record, indent=2).encode())
    return lakefs.commit(
        LANDING_REPOSITORY,
        "main",
        f"Quarantine batch {batch_id}",
        metadata={"batch_id": batch_id, "status": "quarantined", "problems": str(len(problems)), "dagster_run_id": run_id},
        inputs=[audit_events.batch_subject(batch_id)],
        audit_payload={"batch_id": batch_id, "status": "quarantined", "n_problems": len(problems),
                       "files_with_problems": sorted({p.file for p in problems})},
    )


@dg.asset(
    partitions_def=ingest_batches,
    group_name="ingest",
    kinds={"lakefs", "s3"},
    owners=[OWNER],
    description=(
        "One source extract exactly as received (tables and clinical notes; contains PHI, raw zone only), "
        "validated against the extract contract and frozen as a lakeFS commit of the landing repository. "
        "Its manifest records each file's SHA-256, row counts, schema hash, source system and ingest time. "
        "A batch that breaks the contract is quarantined and the run fails."
    ),
)
def raw_extract(context: dg.AssetExecutionContext, lakefs: LakeFSResource) -> dg.Output[dict]:
    batch_id = context.partition_key
    files = read_batch_files(lakefs, batch_id)
    if not files:
        raise dg.Failure(
            description=f"No files for batch {batch_id!r} under {LANDING_REPOSITORY}/main/{batch_id}/. "
            "Deliver the extract to the landing zone first."
        )
    problems = check_batch(batch_id, files, previous_files=previous_files(lakefs, batch_id))
    if problems:
        commit = quarantine(lakefs, batch_id, problems, context.run.run_id, files)
        raise dg.Failure(
            description=str(ContractViolation(batch_id, problems)),
            metadata={"quarantine_commit": commit, "problems": len(problems)},
        )
    manifest = build_manifest(batch_id, files)
    lakefs.write_bytes(
        LANDING_REPOSITORY, "main", manifest_path(batch_id), json.dumps(manifest.to_dict(), indent=2).encode()
    )
    raw_commit = lakefs.commit(
        LANDING_REPOSITORY,
        "main",
        f"Ingest batch {batch_id}",
        metadata={
            "batch_id": batch_id,
            "source_system": manifest.source_system,
            "manifest_sha256": manifest.sha256,
            "schema_sha256": manifest.schema_sha256,
            "dagster_run_id": context.run.run_id,
        },
        inputs=[audit_events.batch_subject(batch_id)],
        audit_payload={"batch_id": batch_id, "manifest": manifest.to_dict()},
    )
    value = {**manifest.to_dict(), "raw_commit": raw_commit, "manifest_sha256": manifest.sha256}
    return dg.Output(
        value,
        metadata={
            "batch_id": batch_id,
            "source_system": manifest.source_system,
            "lakefs_commit": raw_commit,
            "lakefs_url": dg.MetadataValue.url(lakefs.ui_url(LANDING_REPOSITORY, raw_commit)),
            "encounter_rows": manifest.row_counts["encounters.csv"],
            "note_rows": manifest.row_counts["notes.jsonl"],
            "label_rows": manifest.row_counts["labels.csv"],
            "schema_sha256": manifest.schema_sha256,
            "manifest_sha256": manifest.sha256,
        },
    )
