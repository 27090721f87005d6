"""The raw extract contract: which files and columns a source batch must contain, and its manifest.

The contract of a batch is its study's spec (``studies/<study_id>/study.yaml``, docs/STUDY_SPEC.md):
one file per table with the declared columns, plus the batch descriptor; every function takes an
optional ``study`` (default: the built-in study, :func:`~clinical_pipelines.study.builtin.load_builtin_study`).
A batch that breaks the contract is quarantined (its files stay untouched in the landing zone) and
the problems are described by file, row and column name and counts only, never by cell values.
Value rules are in ``ingest.rules``, the checks in ``ingest.checks``. See docs/DATA_CONTRACT.md and
docs/BAD_INPUTS.md.

``ENCOUNTER_COLUMNS``, ``NOTE_FIELDS``, ``LABEL_COLUMNS``, ``REQUIRED_FILES`` and ``DESCRIPTOR_FIELDS``
remain importable: they are read from the built-in study's spec on first use (its ``encounters``,
``notes`` and ``labels`` tables), for the synthetic generator of that study's extract.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from clinical_pipelines.ingest.textfile import text_source
from clinical_pipelines.provenance import canonical_json, sha256_bytes
from clinical_pipelines.study.builtin import load_builtin_study, study_or_default
from clinical_pipelines.study.spec import Study, Table

_BUILTIN_TABLES = {"ENCOUNTER_COLUMNS": "encounters", "NOTE_FIELDS": "notes", "LABEL_COLUMNS": "labels"}


def __getattr__(name: str):
    """The built-in study's column lists and files under their former constant names (read from its spec)."""
    if name in _BUILTIN_TABLES:
        return tuple(load_builtin_study().tables[_BUILTIN_TABLES[name]].columns)
    if name == "REQUIRED_FILES":
        return required_files()
    if name == "DESCRIPTOR_FIELDS":
        from clinical_pipelines.ingest.checks import DESCRIPTOR_FIELDS

        return DESCRIPTOR_FIELDS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def required_files(study: Study | None = None) -> tuple[str, ...]:
    """Every file of a batch of ``study``: the tables' files, then its batch descriptor."""
    from clinical_pipelines.ingest.checks import required_files as _required

    return _required(study)


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


def _csv_records(data: bytes, table: Table) -> Iterator[list[str]]:
    """The non-blank records of a CSV file, one at a time (none is kept)."""
    reader = csv.reader(text_source(data, table.encoding).lines(""), delimiter=table.csv_delimiter,
                        quotechar=table.csv_quotechar)
    return (r for r in reader if r)


def _row_count(data: bytes, table: Table) -> int:
    if table.format == "csv":
        return max(sum(1 for _ in _csv_records(data, table)) - (1 if table.has_header else 0), 0)
    if table.format == "jsonl":
        # Records are separated by "\n" only: U+2028 / U+0085 inside JSON strings are not line breaks.
        return sum(1 for line in text_source(data, table.encoding).lines("\n") if line.strip())
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(io.BytesIO(data)).metadata.num_rows)


def _schema(data: bytes, table: Table) -> list[str]:
    """The columns as delivered: a csv header row; the declared fields (sorted) of a jsonl table."""
    if table.format == "csv" and table.has_header:
        return next(_csv_records(data, table), [])
    if table.format == "parquet":
        import pyarrow.parquet as pq

        return list(pq.ParquetFile(io.BytesIO(data)).schema_arrow.names)
    return sorted(table.columns) if table.format == "jsonl" else list(table.columns)


def check_batch(batch_id: str, files: dict[str, bytes], *, previous_files: dict[str, str] | None = None,
                now: datetime | None = None, study: Study | None = None):
    """Every contract problem of the batch as :class:`~clinical_pipelines.ingest.problems.Problem` objects
    (file, row, column, problem; never a value). See :func:`clinical_pipelines.ingest.checks.check_batch`."""
    from clinical_pipelines.ingest.checks import check_batch as _check

    return _check(batch_id, files, previous_files=previous_files, now=now, study=study)


def validate_batch(batch_id: str, files: dict[str, bytes], *, previous_files: dict[str, str] | None = None,
                   now: datetime | None = None, study: Study | None = None) -> list[str]:
    """Every way the batch breaks the contract, one sentence each (empty list when it is valid)."""
    return [str(p) for p in check_batch(batch_id, files, previous_files=previous_files, now=now, study=study)]


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


def schema_hash(files: dict[str, bytes], study: Study | None = None) -> str:
    """SHA-256 of the columns of every table file as delivered (file name -> column list)."""
    study = study_or_default(study)
    schema = {t.file: _schema(files[t.file], t) for t in study.tables.values()}
    return hashlib.sha256(canonical_json(schema)).hexdigest()


def build_manifest(batch_id: str, files: dict[str, bytes], *, ingested_at: datetime | None = None,
                   study: Study | None = None, checked: Sequence | None = None) -> BatchManifest:
    """Manifest of a batch that passed :func:`validate_batch` (raises :class:`ContractViolation` otherwise).

    ``checked``: the problems :func:`check_batch` already returned for exactly these files and study
    (the batch is then not checked a second time). Source system, site and extract time come from the
    batch descriptor (empty without one)."""
    study = study_or_default(study)
    problems = validate_batch(batch_id, files, study=study) if checked is None else [str(p) for p in checked]
    if problems:
        raise ContractViolation(batch_id, problems)
    from clinical_pipelines.ingest import rules

    descriptor = json.loads(files[study.batch_descriptor]) if study.batch_descriptor else {}
    return BatchManifest(
        batch_id=batch_id,
        source_system=str(descriptor.get("source_system", "")),
        site_id=str(descriptor.get(rules.DESCRIPTOR_SITE, "")),
        extracted_at=str(descriptor.get(rules.DESCRIPTOR_DATETIME, "")),
        ingested_at=(ingested_at or datetime.now(timezone.utc)).isoformat(timespec="seconds"),
        files={name: sha256_bytes(data) for name, data in sorted(files.items())},
        row_counts={t.file: _row_count(files[t.file], t) for t in sorted(study.tables.values(), key=lambda t: t.file)},
        schema_sha256=schema_hash(files, study),
    )
