"""Every check of the extract contract over one raw batch (docs/DATA_CONTRACT.md, docs/BAD_INPUTS.md).

:func:`check_batch` never raises: whatever the bytes are, it returns the list of problems (empty
when the batch is valid), each naming file, row and column, never a value. The same function
serves the ``raw_extract`` asset (which quarantines a failing batch) and the services-free
``clinical-pipelines ingest check DIR``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from clinical_pipelines.ingest import contract, rules
from clinical_pipelines.ingest.problems import Problem, ProblemLog
from clinical_pipelines.ingest.textfile import CsvTable, decode, json_lines, read_csv, safe_name

ENCOUNTERS, NOTES, LABELS, DESCRIPTOR = "encounters.csv", "notes.jsonl", "labels.csv", "extract.json"
CLOCK_SKEW = timedelta(hours=1)  # tolerance for an extract time slightly ahead of this machine's clock


@dataclass(frozen=True)
class BatchContext:
    """What the descriptor tells the other checks (``None`` when it could not be read)."""

    batch_id: str
    site_id: str | None
    extract_date: date  # dates after it are in the future; today (UTC) when extracted_at is unusable
    now: datetime  # naive UTC


@dataclass(frozen=True)
class EncounterIndex:
    mrn_by_encounter: dict[str, str]


def check_batch(batch_id: str, files: Mapping[str, bytes], *, previous_files: Mapping[str, str] | None = None,
                now: datetime | None = None) -> list[Problem]:
    """All contract problems of one batch (``files``: name -> raw bytes as delivered).

    ``previous_files`` is the name -> SHA-256 map of a batch already ingested (or quarantined)
    under the same id; any difference is a reused batch id. ``now`` is naive UTC (default: the clock).
    """
    log = ProblemLog()
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    for name in contract.REQUIRED_FILES:
        if name not in files:
            log.add(name, "is missing from the batch (a required file)")
    for name in sorted(set(files) - set(contract.REQUIRED_FILES)):
        log.add(safe_file_name(name), "is not a file of the extract contract (an interrupted or misplaced upload?)")
    ctx = _guarded(log, DESCRIPTOR, lambda: _check_descriptor(batch_id, files, log, now), now=now, batch_id=batch_id)
    index = _guarded(log, ENCOUNTERS, lambda: _check_encounters(files, log, ctx), now=now, batch_id=batch_id)
    _guarded(log, NOTES, lambda: _check_notes(files, log, ctx, index), now=now, batch_id=batch_id)
    _guarded(log, LABELS, lambda: _check_labels(files, log, ctx, index), now=now, batch_id=batch_id)
    if previous_files is not None:
        log.extend(reuse_problems(files, previous_files))
    return log.problems()


def _guarded(log: ProblemLog, name: str, fn, *, now: datetime, batch_id: str):
    """Run one file's checks; an unexpected error becomes a problem (fail closed), never a traceback."""
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - any failure to check is itself a reason to refuse the batch
        log.add(name, f"could not be checked ({type(exc).__name__}); the batch is refused")
        if name == DESCRIPTOR:
            return BatchContext(batch_id=batch_id, site_id=None, extract_date=now.date(), now=now)
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


# --------------------------------------------------------------------------- extract.json
def _check_descriptor(batch_id: str, files: Mapping[str, bytes], log: ProblemLog, now: datetime) -> BatchContext:
    fallback = BatchContext(batch_id=batch_id, site_id=None, extract_date=now.date(), now=now)
    if DESCRIPTOR not in files:
        return fallback
    text = decode(DESCRIPTOR, files[DESCRIPTOR], log, allow_bom=True)
    if text is None:
        return fallback
    try:
        desc = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        log.add(DESCRIPTOR, "is not valid JSON")
        return fallback
    if not isinstance(desc, dict):
        log.add(DESCRIPTOR, "is not a JSON object")
        return fallback
    for key in contract.DESCRIPTOR_FIELDS:
        if key not in desc:
            log.add(DESCRIPTOR, "missing field", column=key)
    for key in ("batch_id", "source_system", "site_id", "extracted_at"):
        if key in desc and (not isinstance(desc[key], str) or not desc[key].strip()):
            log.add(DESCRIPTOR, "must be a non-empty JSON string", column=key)
    if isinstance(desc.get("batch_id"), str) and desc["batch_id"] != batch_id:
        log.add(DESCRIPTOR, "batch_id does not match the folder name", column="batch_id")
    extract_date = now.date()
    if isinstance(desc.get("extracted_at"), str) and desc["extracted_at"].strip():
        extracted, problem = rules.parse_datetime(desc["extracted_at"].strip())
        if problem:
            log.add(DESCRIPTOR, problem, column="extracted_at")
        elif extracted > now + CLOCK_SKEW:
            log.add(DESCRIPTOR, "is in the future", column="extracted_at")
        else:
            extract_date = extracted.date()
    listed = desc.get("files")
    if "files" in desc and not (isinstance(listed, list) and all(isinstance(f, str) for f in listed)):
        log.add(DESCRIPTOR, "must be a list of file names", column="files")
    elif isinstance(listed, list):
        for name in listed:
            if name not in files:
                log.add(DESCRIPTOR, f"lists {safe_file_name(name)}, which was not delivered (incomplete delivery?)",
                        column="files")
    site = desc.get("site_id") if isinstance(desc.get("site_id"), str) and desc["site_id"].strip() else None
    return BatchContext(batch_id=batch_id, site_id=site, extract_date=extract_date, now=now)


# --------------------------------------------------------------------------- CSV headers and values
def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def header_index(name: str, header: list[str], expected: tuple[str, ...], log: ProblemLog) -> dict[str, int] | None:
    """Contract column -> position; logs missing, renamed, unknown and repeated columns.

    ``None`` when the header does not look like this file's header at all (then no value check runs
    and no header name is shown: a file without its header row has data values there).
    """
    known = [h for h in header if h in expected]
    if len(set(known)) < len(expected) / 2:
        log.add(name, f"header row does not match the contract ({len(set(known))} of {len(expected)} "
                      "contract columns found): is the header row missing, or is this another extract?", row=1)
        return None
    index: dict[str, int] = {}
    for pos, h in enumerate(header):
        if h in expected:
            if h in index:
                log.add(name, "appears more than once in the header", row=1, column=h)
            else:
                index[h] = pos
    unknown = {pos: h for pos, h in enumerate(header) if h not in expected}
    for col in expected:
        if col in index:
            continue
        renamed = next((pos for pos, h in unknown.items() if _normal(h) == _normal(col)), None)
        if renamed is not None:
            log.add(name, f"appears renamed: header column {renamed + 1} differs from this contract name only in "
                          "case, spaces or punctuation", row=1, column=col)
            unknown.pop(renamed)
        else:
            log.add(name, "missing column", row=1, column=col)
    for pos, h in unknown.items():
        log.add(name, f"is not a column of the contract (header column {pos + 1})", row=1, column=safe_name(h))
    return index


def _rows(name: str, table: CsvTable, text: str, log: ProblemLog) -> Iterable[tuple[int, list[str]]]:
    """Records with the header's number of fields; the others are logged."""
    if not table.records:
        log.add(name, "has a header but no records (header only)")
    width = len(table.header)
    for i, (line, record) in enumerate(table.records):
        if len(record) != width:
            last = i == len(table.records) - 1 and not text.endswith(("\n", "\r"))
            hint = "the file may be truncated" if last else "a cut row or an unquoted comma?"
            log.add(name, f"has a different number of fields than the header ({hint})", row=line)
            continue
        yield line, record


def _check_value(name: str, col: str, value: str, rule: rules.ValueRule, line: int, log: ProblemLog,
                 ctx: BatchContext | None) -> date | None:
    """Log what is wrong with one cell; returns the parsed date of a valid date cell."""
    if rule.identifier and value.strip() and value != value.strip():
        log.add(name, "leading or trailing spaces (identifiers are matched exactly across files)", row=line, column=col)
    value = value.strip()
    if not value:
        if rule.required:
            log.add(name, rule.empty_problem, row=line, column=col)
        return None
    if rule.kind == rules.DATE:
        parsed, problem = rules.parse_date(value)
        if problem:
            log.add(name, problem, row=line, column=col)
            return None
        if parsed < rules.EARLIEST_DATE:
            log.add(name, f"impossible date (before {rules.EARLIEST_DATE.isoformat()})", row=line, column=col)
        elif ctx is not None and parsed > ctx.extract_date:
            log.add(name, "future date (after the extract date in extract.json)", row=line, column=col)
        return parsed
    if rule.kind == rules.DATETIME:
        parsed_dt, problem = rules.parse_datetime(value)
        if problem:
            log.add(name, problem, row=line, column=col)
        elif ctx is not None and parsed_dt > ctx.now + CLOCK_SKEW:
            log.add(name, "future date-time (after the time of this check)", row=line, column=col)
        return None
    problem = rules.value_problem(value, rule)
    if problem:
        log.add(name, problem, row=line, column=col)
    return None


def _age_years(birth: date, at: date) -> int:
    return at.year - birth.year - ((at.month, at.day) < (birth.month, birth.day))


# --------------------------------------------------------------------------- encounters.csv
def _check_encounters(files: Mapping[str, bytes], log: ProblemLog, ctx: BatchContext) -> EncounterIndex | None:
    if ENCOUNTERS not in files:
        return None
    text = decode(ENCOUNTERS, files[ENCOUNTERS], log, allow_bom=True)
    table = read_csv(ENCOUNTERS, text, log) if text is not None else None
    if table is None:
        return None
    index = header_index(ENCOUNTERS, table.header, contract.ENCOUNTER_COLUMNS, log)
    if index is None:
        return None
    mrn_by_encounter: dict[str, str] = {}
    seen: dict[str, set[str]] = {}
    for line, record in _rows(ENCOUNTERS, table, text, log):
        dates: dict[str, date | None] = {}
        for col, rule in rules.ENCOUNTER_RULES.items():
            if col not in index:
                continue
            value = record[index[col]]
            dates[col] = _check_value(ENCOUNTERS, col, value, rule, line, log, ctx)
            if rule.unique and value.strip():
                if value.strip() in seen.setdefault(col, set()):
                    log.add(ENCOUNTERS, "duplicate id (already used on an earlier row)", row=line, column=col)
                seen[col].add(value.strip())
        _check_encounter_row(record, index, dates, line, log, ctx)
        if "encounter_id" in index and "mrn" in index:
            mrn_by_encounter.setdefault(record[index["encounter_id"]].strip(), record[index["mrn"]].strip())
    return EncounterIndex(mrn_by_encounter=mrn_by_encounter)


def _check_encounter_row(record: list[str], index: dict[str, int], dates: dict[str, date | None], line: int,
                         log: ProblemLog, ctx: BatchContext) -> None:
    birth, admit, discharge = dates.get("birth_date"), dates.get("admit_date"), dates.get("discharge_date")
    if admit and discharge and discharge < admit:
        log.add(ENCOUNTERS, "impossible date (discharge before admission)", row=line, column="discharge_date")
    if birth and admit:
        if birth > admit:
            log.add(ENCOUNTERS, "impossible date (birth after admission)", row=line, column="birth_date")
        elif _age_years(birth, admit) > rules.MAX_AGE_YEARS:
            log.add(ENCOUNTERS, f"absurd age: over {rules.MAX_AGE_YEARS} years at admission", row=line,
                    column="birth_date")
    if ctx.site_id is not None and "site_id" in index:
        site = record[index["site_id"]].strip()
        if site and site != ctx.site_id:
            log.add(ENCOUNTERS, "unknown site: not the site_id of this batch in extract.json", row=line,
                    column="site_id")


# --------------------------------------------------------------------------- notes.jsonl
def _check_notes(files: Mapping[str, bytes], log: ProblemLog, ctx: BatchContext, index: EncounterIndex | None) -> None:
    if NOTES not in files:
        return
    text = decode(NOTES, files[NOTES], log, allow_bom=False)
    if text is None:
        return
    if text.lstrip().startswith("["):
        log.add(NOTES, "is not the text file its extension says: it is one JSON array, not JSON Lines "
                       "(one object per line)")
        return
    n_records = 0
    seen_ids: set[str] = set()
    for line, obj in json_lines(NOTES, text, log):
        n_records += 1
        for field in contract.NOTE_FIELDS:
            if field not in obj:
                log.add(NOTES, "missing field", row=line, column=field)
        for key in obj:
            if key not in contract.NOTE_FIELDS:
                log.add(NOTES, "is not a field of the contract", row=line, column=safe_name(key))
        values = {}
        for field in contract.NOTE_FIELDS:
            if field not in obj:
                continue
            if obj[field] is None:
                log.add(NOTES, "is null: use an empty string for an unknown value", row=line, column=field)
            elif not isinstance(obj[field], str):
                log.add(NOTES, "wrong type: not a JSON string", row=line, column=field)
            else:
                values[field] = obj[field]
        for field, rule in rules.NOTE_RULES.items():
            if field in values:
                _check_value(NOTES, field, values[field], rule, line, log, ctx)
        note_id = values.get("note_id", "").strip()
        if note_id:
            if note_id in seen_ids:
                log.add(NOTES, "duplicate id (already used on an earlier line)", row=line, column="note_id")
            seen_ids.add(note_id)
        encounter = values.get("encounter_id", "").strip()
        if index is not None and encounter:
            if encounter not in index.mrn_by_encounter:
                log.add(NOTES, "unknown encounter (not in encounters.csv)", row=line, column="encounter_id")
            elif values.get("mrn", "").strip() and values["mrn"].strip() != index.mrn_by_encounter[encounter]:
                log.add(NOTES, "does not match the mrn of its encounter in encounters.csv", row=line, column="mrn")
    if n_records == 0 and not log_has(log, NOTES):
        log.add(NOTES, "has no records")


def log_has(log: ProblemLog, name: str) -> bool:
    return name in log.files()


# --------------------------------------------------------------------------- labels.csv
def _check_labels(files: Mapping[str, bytes], log: ProblemLog, ctx: BatchContext, index: EncounterIndex | None) -> None:
    if LABELS not in files:
        return
    text = decode(LABELS, files[LABELS], log, allow_bom=True)
    table = read_csv(LABELS, text, log) if text is not None else None
    if table is None:
        return
    cols = header_index(LABELS, table.header, contract.LABEL_COLUMNS, log)
    if cols is None:
        return
    rated: set[tuple[str, str]] = set()
    for line, record in _rows(LABELS, table, text, log):
        for col, rule in rules.LABEL_RULES.items():
            if col in cols:
                _check_value(LABELS, col, record[cols[col]], rule, line, log, ctx)
        encounter = record[cols["encounter_id"]].strip() if "encounter_id" in cols else ""
        rater = record[cols["rater_id"]].strip() if "rater_id" in cols else ""
        if index is not None and encounter and encounter not in index.mrn_by_encounter:
            log.add(LABELS, "unknown encounter (not in encounters.csv)", row=line, column="encounter_id")
        if encounter and rater:
            if (encounter, rater) in rated:
                log.add(LABELS, "duplicate rating: this rater already rated this encounter on an earlier row",
                        row=line, column="rater_id")
            rated.add((encounter, rater))
