"""Every check of the extract contract over one raw batch (docs/DATA_CONTRACT.md, docs/BAD_INPUTS.md).

The contract is the study spec (``studies/<study_id>/study.yaml``; default: the built-in study
:data:`~clinical_pipelines.study.builtin.DEFAULT_STUDY_ID`): the files of a batch are the tables'
files and the batch descriptor; columns and value rules follow from the roles
(:mod:`clinical_pipelines.ingest.rules`, :mod:`clinical_pipelines.ingest.tables`). Across files:
records that name an encounter refer to an encounter of the batch's encounter table (the table whose
primary key is its ``encounter_id`` column) and carry that encounter's patient; a rater rates an
encounter once; the ``site`` column holds the descriptor's site.

:func:`check_batch` never raises: whatever the bytes are, it returns the list of problems (empty
when the batch is valid), each naming file, row and column, never a value. The same function
serves the ``raw_extract`` asset (which quarantines a failing batch) and the services-free
``clinical-pipelines ingest check DIR``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import datetime, timezone

from clinical_pipelines.ingest import messages, rules
from clinical_pipelines.ingest.problems import Problem, ProblemLog
from clinical_pipelines.ingest.tables import CLOCK_SKEW, BatchContext, TableIds, check_table
from clinical_pipelines.ingest.textfile import decode
from clinical_pipelines.study import roles as R
from clinical_pipelines.study.builtin import study_or_default
from clinical_pipelines.study.spec import RaterLabels, Study

# The batch descriptor's fields (docs/DATA_CONTRACT.md): written by the source system.
DESCRIPTOR_FIELDS = ("batch_id", "source_system", rules.DESCRIPTOR_SITE, rules.DESCRIPTOR_DATETIME, "files")
DESCRIPTOR_TEXT_FIELDS = DESCRIPTOR_FIELDS[:4]


def required_files(study: Study | None = None) -> tuple[str, ...]:
    """The files of every batch: each table's file, then the batch descriptor (when the study has one)."""
    study = study_or_default(study)
    files = tuple(t.file for t in study.tables.values())
    return files + ((study.batch_descriptor,) if study.batch_descriptor else ())


def encounter_table(study: Study) -> str | None:
    """The table that defines the batch's encounters: its primary key has role ``encounter_id``
    (else the first table with both an ``encounter_id`` and a ``patient_id`` column); ``None`` if none."""
    for name, table in study.tables.items():
        key = table.columns.get(table.primary_key or "")
        if key is not None and key.role == R.ENCOUNTER_ID:
            return name
    return next((n for n in study.tables if study.encounter_id(n) and study.patient_id(n)), None)


def check_batch(batch_id: str, files: Mapping[str, bytes], *, previous_files: Mapping[str, str] | None = None,
                now: datetime | None = None, study: Study | None = None) -> list[Problem]:
    """All contract problems of one batch (``files``: name -> raw bytes as delivered) against ``study``.

    ``previous_files`` is the name -> SHA-256 map of a batch already ingested (or quarantined)
    under the same id; any difference is a reused batch id. ``now`` is naive UTC (default: the clock).
    """
    study = study_or_default(study)
    log = ProblemLog()
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    expected = required_files(study)
    for name in expected:
        if name not in files:
            log.add(name, messages.MISSING_FILE)
    for name in sorted(set(files) - set(expected)):
        log.add(safe_file_name(name), messages.UNDECLARED_FILE)
    descriptor = study.batch_descriptor
    fallback = BatchContext(batch_id=batch_id, site_id=None, extract_date=now.date(), now=now,
                            descriptor=descriptor or "")
    ctx = fallback
    if descriptor:
        ctx = _guarded(log, descriptor, lambda: _check_descriptor(batch_id, files, log, fallback)) or fallback
    ids: dict[str, TableIds | None] = {}
    order = sorted(study.tables, key=lambda t: t != encounter_table(study))  # the encounter table first
    for table in order:
        file = study.tables[table].file
        ids[table] = _guarded(log, file, lambda t=table: check_table(study, t, files, log, ctx))
    _guarded(log, expected[0], lambda: _check_references(study, ids, log))
    if previous_files is not None:
        log.extend(reuse_problems(files, previous_files))
    return log.problems()


def _guarded(log: ProblemLog, name: str, fn):
    """Run one file's checks; an unexpected error becomes a problem (fail closed), never a traceback."""
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - any failure to check is itself a reason to refuse the batch
        log.add(name, f"could not be checked ({type(exc).__name__}); the batch is refused")
        return None


def safe_file_name(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", name) else "(file with an unusual name)"


def file_sha256s(files: Mapping[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}


def reuse_problems(files: Mapping[str, bytes], previous_files: Mapping[str, str]) -> list[Problem]:
    """A batch id delivered again with different content: one problem per differing file."""
    current = file_sha256s(files)
    changed = sorted(n for n in set(current) | set(previous_files) if current.get(n) != previous_files.get(n))
    return [Problem(file=safe_file_name(n), problem="batch id reused with different content: this file differs "
                    "from the batch already received under this id (deliver changed data under a new batch id)")
            for n in changed]


# --------------------------------------------------------------------------- batch descriptor
def _check_descriptor(batch_id: str, files: Mapping[str, bytes], log: ProblemLog,
                      fallback: BatchContext) -> BatchContext:
    name, now = fallback.descriptor, fallback.now
    if name not in files:
        return fallback
    text = decode(name, files[name], log, allow_bom=True)
    if text is None:
        return fallback
    try:
        desc = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        log.add(name, "is not valid JSON")
        return fallback
    if not isinstance(desc, dict):
        log.add(name, "is not a JSON object")
        return fallback
    for key in DESCRIPTOR_FIELDS:
        if key not in desc:
            log.add(name, "missing field", column=key)
    for key in DESCRIPTOR_TEXT_FIELDS:
        if key in desc and (not isinstance(desc[key], str) or not desc[key].strip()):
            log.add(name, "must be a non-empty JSON string", column=key)
    if isinstance(desc.get("batch_id"), str) and desc["batch_id"] != batch_id:
        log.add(name, "batch_id does not match the folder name", column="batch_id")
    extract_date = now.date()
    extracted_at = desc.get(rules.DESCRIPTOR_DATETIME)
    if isinstance(extracted_at, str) and extracted_at.strip():
        extracted, problem = rules.parse_datetime(extracted_at.strip())
        if problem:
            log.add(name, problem, column=rules.DESCRIPTOR_DATETIME)
        elif extracted > now + CLOCK_SKEW:
            log.add(name, "is in the future", column=rules.DESCRIPTOR_DATETIME)
        else:
            extract_date = extracted.date()
    listed = desc.get("files")
    if "files" in desc and not (isinstance(listed, list) and all(isinstance(f, str) for f in listed)):
        log.add(name, "must be a list of file names", column="files")
    elif isinstance(listed, list):
        for listed_name in listed:
            if listed_name not in files:
                log.add(name, f"lists {safe_file_name(listed_name)}, which was not delivered (incomplete delivery?)",
                        column="files")
    site = desc.get(rules.DESCRIPTOR_SITE)
    site = site if isinstance(site, str) and site.strip() else None
    return BatchContext(batch_id=batch_id, site_id=site, extract_date=extract_date, now=now, descriptor=name)


# --------------------------------------------------------------------------- across files
def _check_references(study: Study, ids: Mapping[str, TableIds | None], log: ProblemLog) -> None:
    """Encounter references, patient agreement and one rating per (encounter, rater)."""
    index_table = encounter_table(study)
    index = ids.get(index_table) if index_table else None
    patient_of: dict[str, str] = {}
    if index is not None:
        for _, linked in index.rows:
            if linked.get(R.ENCOUNTER_ID):
                patient_of.setdefault(linked[R.ENCOUNTER_ID], linked.get(R.PATIENT_ID, ""))
    index_patient = study.patient_id(index_table) if index_table else None
    raters = study.labels if isinstance(study.labels, RaterLabels) else None
    for table, found in ids.items():
        if found is None or table == index_table:
            continue
        encounter_col, patient_col = study.encounter_id(table), study.patient_id(table)
        rated: set[tuple[str, str]] = set()
        for line, linked in found.rows:
            encounter = linked.get(R.ENCOUNTER_ID, "")
            if index is not None and encounter_col and encounter:
                if encounter not in patient_of:
                    log.add(found.file, f"unknown encounter (not in {study.tables[index_table].file})", row=line,
                            column=encounter_col)
                elif patient_col and index_patient and linked.get(R.PATIENT_ID) and \
                        linked[R.PATIENT_ID] != patient_of[encounter]:
                    log.add(found.file, f"does not match the {index_patient} of its encounter in "
                                        f"{study.tables[index_table].file}", row=line, column=patient_col)
            rater = linked.get(R.RATER, "")
            if raters is not None and table == raters.table and encounter and rater:
                if (encounter, rater) in rated:
                    log.add(found.file, "duplicate rating: this rater already rated this encounter on an earlier row",
                            row=line, column=raters.rater_column)
                rated.add((encounter, rater))
