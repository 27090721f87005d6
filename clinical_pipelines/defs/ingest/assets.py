"""Raw zone: each ingest batch of a study as received, validated against the study's spec, committed in lakeFS.

Partitioned by study x batch (``defs/partitions.py``); the files of a batch are read from
``studies/<study_id>/<batch_id>/`` of the landing repository (``clinical_pipelines.study.layout``).
"""


import json

import dagster as dg

from clinical_pipelines.audit import events as audit_events
from clinical_pipelines.defs.partitions import study_batch, study_batches
from clinical_pipelines.defs.resources import LakeFSResource, StudyRegistryResource
from clinical_pipelines.ingest.checks import file_sha256s
from clinical_pipelines.ingest.contract import ContractViolation, build_manifest, check_batch
from clinical_pipelines.ingest.problems import Problem
from clinical_pipelines.settings import LANDING_REPOSITORY
from clinical_pipelines.study import layout

OWNER = "team:data-engineering"


def read_batch_files(lakefs: LakeFSResource, study_id: str, batch_id: str, ref: str = "main") -> dict[str, bytes]:
    """file name -> bytes of one landed batch (files directly in its folder; sub-folders are not part of it)."""
    prefix = layout.landing_batch_prefix(study_id, batch_id)
    return {
        path[len(prefix):]: lakefs.read_bytes(LANDING_REPOSITORY, ref, path)
        for path in lakefs.list_paths(LANDING_REPOSITORY, ref, prefix)
        if "/" not in path[len(prefix):]
    }


def previous_files(lakefs: LakeFSResource, study_id: str, batch_id: str, ref: str = "main") -> dict[str, str] | None:
    """name -> SHA-256 of what was received before under this batch id (ingested or quarantined), if anything."""
    for path in (layout.landing_manifest_path(study_id, batch_id), layout.landing_quarantine_path(study_id, batch_id)):
        if path in lakefs.list_paths(LANDING_REPOSITORY, ref, path):
            record = json.loads(lakefs.read_bytes(LANDING_REPOSITORY, ref, path))
            if isinstance(record.get("files"), dict):
                return {str(k): str(v) for k, v in record["files"].items()}
    return None


def quarantine(lakefs: LakeFSResource, study_id: str, batch_id: str, problems: list[Problem], run_id: str,
               files: dict[str, bytes], spec_sha256: str) -> str:
    """Record why a batch was refused, next to its untouched files, and commit (nothing is lost).

    The record lists each problem by file, row and column (never a value) and the SHA-256 of every
    file received, so a later delivery under the same id with other content is recognised.
    """
    record = {"study_id": study_id, "study_spec_sha256": spec_sha256, "batch_id": batch_id, "status": "quarantined",
              "dagster_run_id": run_id, "problems": [p.to_dict() for p in problems], "files": file_sha256s(files)}
    lakefs.write_bytes(LANDING_REPOSITORY, "main", layout.landing_quarantine_path(study_id, batch_id),
                       json.dumps(record, indent=2).encode())
    return lakefs.commit(
        LANDING_REPOSITORY,
        "main",
        f"Quarantine batch {batch_id} of study {study_id}",
        metadata={"study_id": study_id, "study_spec_sha256": spec_sha256, "batch_id": batch_id, "status": "quarantined",
                  "problems": str(len(problems)), "dagster_run_id": run_id},
        inputs=[audit_events.batch_subject(batch_id)],
        audit_payload={"study_id": study_id, "batch_id": batch_id, "status": "quarantined", "n_problems": len(problems),
                       "files_with_problems": sorted({p.file for p in problems})},
    )


@dg.asset(
    partitions_def=study_batches,
    group_name="ingest",
    kinds={"lakefs", "s3"},
    owners=[OWNER],
    description=(
        "One source extract of a study exactly as received (the tables its study spec declares; contains PHI, raw "
        "zone only), validated against the study spec and frozen as a lakeFS commit of the landing repository. "
        "Its manifest records each file's SHA-256, row counts, schema hash, source system and ingest time. "
        "A batch that breaks the contract is quarantined and the run fails."
    ),
)
def raw_extract(
    context: dg.AssetExecutionContext, lakefs: LakeFSResource, studies: StudyRegistryResource
) -> dg.Output[dict]:
    study_id, batch_id = study_batch(context)
    study, entry = studies.resolve(study_id)
    where = layout.landing_batch_prefix(study_id, batch_id)
    files = read_batch_files(lakefs, study_id, batch_id)
    if not files:
        raise dg.Failure(
            description=f"No files for batch {batch_id!r} of study {study_id!r} under {LANDING_REPOSITORY}/main/"
            f"{where}. Deliver the extract to the landing zone first."
        )
    problems = check_batch(batch_id, files, previous_files=previous_files(lakefs, study_id, batch_id), study=study)
    if problems:
        commit = quarantine(lakefs, study_id, batch_id, problems, context.run.run_id, files, entry.spec_sha256)
        raise dg.Failure(
            description=str(ContractViolation(batch_id, problems)),
            metadata={"quarantine_commit": commit, "problems": len(problems)},
        )
    manifest = build_manifest(batch_id, files, study=study, checked=problems)
    lakefs.write_bytes(LANDING_REPOSITORY, "main", layout.landing_manifest_path(study_id, batch_id),
                       json.dumps(manifest.to_dict(), indent=2).encode())
    raw_commit = lakefs.commit(
        LANDING_REPOSITORY,
        "main",
        f"Ingest batch {batch_id} of study {study_id}",
        metadata={
            "study_id": study_id,
            "study_spec_sha256": entry.spec_sha256,
            "batch_id": batch_id,
            "source_system": manifest.source_system,
            "manifest_sha256": manifest.sha256,
            "schema_sha256": manifest.schema_sha256,
            "dagster_run_id": context.run.run_id,
        },
        inputs=[audit_events.batch_subject(batch_id)],
        audit_payload={"study_id": study_id, "batch_id": batch_id, "manifest": manifest.to_dict()},
    )
    value = {**manifest.to_dict(), "raw_commit": raw_commit, "manifest_sha256": manifest.sha256,
             "study_id": study_id, "study_spec_sha256": entry.spec_sha256}
    rows = {f"rows_{name}": n for name, n in sorted(_rows_by_table(study, manifest.row_counts).items())}
    return dg.Output(
        value,
        metadata={
            "study_id": study_id,
            "study_spec_sha256": entry.spec_sha256,
            "batch_id": batch_id,
            "source_system": manifest.source_system,
            "lakefs_commit": raw_commit,
            "lakefs_url": dg.MetadataValue.url(lakefs.ui_url(LANDING_REPOSITORY, raw_commit)),
            **rows,
            "schema_sha256": manifest.schema_sha256,
            "manifest_sha256": manifest.sha256,
        },
    )


def _rows_by_table(study, row_counts: dict[str, int]) -> dict[str, int]:
    """table name -> rows received (the manifest counts rows per file)."""
    return {name: int(row_counts[t.file]) for name, t in study.tables.items() if t.file in row_counts}
