"""The raw extract contract: which files and columns a source batch must contain, and its manifest.

A batch that breaks the contract is quarantined (its files stay untouched in the landing zone) and
the problems are described by file and column name and counts only, never by cell values.
See docs/DATA_CONTRACT.md.
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


class ContractViolation(ValueError):
    """A raw batch does not match the extract contract. The message holds names and counts only."""

    def __init__(self, batch_id: str, problems: list[str]):
        self.batch_id = batch_id
        self.problems = problems
        super().__init__(
            f"raw batch {batch_id!r} breaks the extract contract ({len(problems)} problem(s)): "
            + "; ".join(problems)
            + ". The batch was quarantined and its files kept as received; fix the extract at the "
            "source and deliver it again under a new batch id."
        )


def _csv_header(data: bytes) -> list[str]:
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    return next(reader, [])


def _csv_row_count(data: bytes) -> int:
    return max(sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8-sig")))) - 1, 0)


def _column_problems(name: str, header: list[str], expected: tuple[str, ...]) -> list[str]:
    problems = []
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    if missing:
        problems.append(f"{name}: missing column(s) {missing}")
    if extra:
        problems.append(f"{name}: column(s) not in the contract {extra}")
    if len(set(header)) != len(header):
        problems.append(f"{name}: duplicate column names")
    return problems


def validate_batch(batch_id: str, files: dict[str, bytes]) -> list[str]:
    """Every way the batch breaks the contract (empty list when it is valid)."""
    problems: list[str] = []
    missing_files = [f for f in REQUIRED_FILES if f not in files]
    if missing_files:
        problems.append(f"missing file(s) {missing_files}")
    try:
        if "encounters.csv" in files:
            header = _csv_header(files["encounters.csv"])
            problems += _column_problems("encounters.csv", header, ENCOUNTER_COLUMNS)
            if _csv_row_count(files["encounters.csv"]) == 0:
                problems.append("encounters.csv: no rows")
        if "labels.csv" in files:
            problems += _column_problems("labels.csv", _csv_header(files["labels.csv"]), LABEL_COLUMNS)
        if "notes.jsonl" in files:
            for i, line in enumerate(files["notes.jsonl"].decode("utf-8").splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError:
                    problems.append(f"notes.jsonl: line {i} is not valid JSON")
                    break
                missing = [k for k in NOTE_FIELDS if k not in obj]
                if missing:
                    problems.append(f"notes.jsonl: line {i} lacks field(s) {missing}")
                    break
        if "extract.json" in files:
            descriptor = json.loads(files["extract.json"])
            missing = [k for k in DESCRIPTOR_FIELDS if k not in descriptor]
            if missing:
                problems.append(f"extract.json: missing field(s) {missing}")
            elif descriptor["batch_id"] != batch_id:
                problems.append("extract.json: batch_id does not match the folder name")
    except UnicodeDecodeError:
        problems.append("a file is not valid UTF-8")
    except json.JSONDecodeError:
        problems.append("extract.json is not valid JSON")
    return problems


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
    """Manifest of a batch that passed :func:`validate_batch`."""
    problems = validate_batch(batch_id, files)
    if problems:
        raise ContractViolation(batch_id, problems)
    descriptor = json.loads(files["extract.json"])
    notes_rows = sum(1 for line in files["notes.jsonl"].decode("utf-8").splitlines() if line.strip())
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
            "notes.jsonl": notes_rows,
        },
        schema_sha256=schema_hash(files),
    )
