"""The raw extract contract: which files and columns a source batch must contain, and its manifest.

A batch that breaks the contract is quarantined (its files stay untouched in the landing zone) and
the problems are described by file, row and column name and counts only, never by cell values.
The column lists below are the single definition of the extract's columns; value rules are in
``ingest.rules``, the checks in ``ingest.checks``. See docs/DATA_CONTRACT.md and docs/BAD_INPUTS.md.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from clinical_pipelines.provenance import canonical_json, sha256_bytes

ENCOUNTER_COLUMNS = (
    "mrn", "patient_name", "ssn", "birth_date", "street_address", "city", "county", "zip", "phone",
    "fax", "email", "health_plan_id", "account_number", "drivers_license", "vehicle_plate",
    "device_serial", "patient_portal_url", "ip_address",
    "state", "sex", "race", "ethnicity", "research_consent",
    "encounter_id", "site_id", "admit_date", "discharge_date", "attending_clinician", "facility_name",
    "heart_rate", "systolic_bp", "diastolic_bp", "resp_rate", "temperature_c", "spo2",
    "creatinine_mg_dl", "potassium_mmol_l", "sodium_mmol_l", "troponin_ng_l", "hemoglobin_g_dl",
    "wbc_10e9_l", "bnp_pg_ml", "qrs_ms", "qtc_ms", "pr_ms", "st_deviation_mm", "atrial_fibrillation",
    "diabetes", "hypertension", "prior_mi", "current_smoker",
)
NOTE_FIELDS = ("note_id", "encounter_id", "mrn", "note_date", "author", "note_type", "text")
LABEL_COLUMNS = ("encounter_id", "rater_id", "label", "labeled_at", "labeling_tool")
DESCRIPTOR_FIELDS = ("batch_id", "source_system", "site_id", "extracted_at", "files")

REQUIRED_FILES = ("encounters.csv", "notes.jsonl", "labels.csv", "extract.json")


MAX_PROBLEMS_IN_MESSAGE = 20  # the full list is in the quarantine record


class ContractViolation(ValueError):
    """A raw batch does not match the extract contract. The message holds names and counts only."""

    def __init__(self, batch_id: str, problems: list):
        self.batch_id = batch_id
        self.problems = [str(p) for p in problems]
        shown = self.problems[:MAX_PROBLEMS_IN_MESSAGE]
        more = len(self.problems) - len(shown)
        super().__init__(
            f"raw batch {batch_id!r} breaks the extract contract ({len(self.problems)} problem(s)): "
            + "; ".join(shown)
            + (f"; and {more} more (listed in the quarantine record)" if more > 0 else "")
            + ". The batch was quarantined and its files kept as received; fix the extract at the "
            "source and deliver it again under a new batch id."
        )


def _csv_header(data: bytes) -> list[str]:
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    return next(reader, [])


def _csv_row_count(data: bytes) -> int:
    records = sum(1 for r in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) if r)
    return max(records - 1, 0)


def _jsonl_row_count(data: bytes) -> int:
    # Records are separated by "\n" only: U+2028 / U+0085 inside JSON strings are not line breaks.
    return sum(1 for line in data.decode("utf-8").split("\n") if line.strip())


def check_batch(batch_id: str, files: dict[str, bytes], *, previous_files: dict[str, str] | None = None,
                now: datetime | None = None):
    """Every contract problem of the batch as :class:`~clinical_pipelines.ingest.problems.Problem` objects
    (file, row, column, problem; never a value). See :func:`clinical_pipelines.ingest.checks.check_batch`."""
    from clinical_pipelines.ingest.checks import check_batch as _check

    return _check(batch_id, files, previous_files=previous_files, now=now)


def validate_batch(batch_id: str, files: dict[str, bytes], *, previous_files: dict[str, str] | None = None,
                   now: datetime | None = None) -> list[str]:
    """Every way the batch breaks the contract, one sentence each (empty list when it is valid)."""
    return [str(p) for p in check_batch(batch_id, files, previous_files=previous_files, now=now)]


@dataclass(frozen=True)
class BatchManifest:
    """What arrived: per-file SHA-256 and row counts, the schema hash, source and ingest time."""

    batch_id: str
    source_system: str
    site_id: str
    extracted_at: str
    ingested_at: str
    files: dict[str, str]  # name -> sha256
    row_counts: dict[str, int]
    schema_sha256: str
    raw_commit: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "batch_id": self.batch_id,
            "source_system": self.source_system,
            "site_id": self.site_id,
            "extracted_at": self.extracted_at,
            "ingested_at": self.ingested_at,
            "files": dict(self.files),
            "row_counts": dict(self.row_counts),
            "schema_sha256": self.schema_sha256,
            "raw_commit": self.raw_commit,
        }

    @property
    def sha256(self) -> str:
        return sha256_bytes(canonical_json(self.to_dict()))


def schema_hash(files: dict[str, bytes]) -> str:
    schema = {
        "encounters.csv": _csv_header(files["encounters.csv"]),
        "labels.csv": _csv_header(files["labels.csv"]),
        "notes.jsonl": sorted(NOTE_FIELDS),
    }
    return hashlib.sha256(canonical_json(schema)).hexdigest()


def build_manifest(batch_id: str, files: dict[str, bytes], *, ingested_at: datetime | None = None) -> BatchManifest:
    """Manifest of a batch that passed :func:`validate_batch` (raises :class:`ContractViolation` otherwise)."""
    problems = validate_batch(batch_id, files)
    if problems:
        raise ContractViolation(batch_id, problems)
    descriptor = json.loads(files["extract.json"])
    return BatchManifest(
        batch_id=batch_id,
        source_system=str(descriptor["source_system"]),
        site_id=str(descriptor["site_id"]),
        extracted_at=str(descriptor["extracted_at"]),
        ingested_at=(ingested_at or datetime.now(timezone.utc)).isoformat(timespec="seconds"),
        files={name: sha256_bytes(data) for name, data in sorted(files.items())},
        row_counts={
            "encounters.csv": _csv_row_count(files["encounters.csv"]),
            "labels.csv": _csv_row_count(files["labels.csv"]),
            "notes.jsonl": _jsonl_row_count(files["notes.jsonl"]),
        },
        schema_sha256=schema_hash(files),
    )
