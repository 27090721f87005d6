"""The contract checks of one table file of a batch, as the study spec declares it (csv, JSON Lines or Parquet).

Columns, value rules and identifiers come from the study (:func:`clinical_pipelines.ingest.rules.rules_for`).
Every problem names file, row (CSV: the line the record starts on, header = 1; JSON Lines: the line;
Parquet: the record, :mod:`clinical_pipelines.ingest.parquet_table`) and column, never a value. Records
are read and checked one at a time (a CSV file is parsed twice: once to find malformed CSV before
any record is checked, then record by record), so memory does not grow with the number of rows. :func:`check_table` returns the identifier values of each row for the
checks across files (:mod:`clinical_pipelines.ingest.checks`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from clinical_pipelines.ingest import messages, rules
from clinical_pipelines.ingest.problems import ProblemLog
from clinical_pipelines.ingest.textfile import CsvTable, TextSource, json_lines, open_declared, read_csv, safe_name
from clinical_pipelines.study import roles as R
from clinical_pipelines.study.spec import Study, Table

CLOCK_SKEW = timedelta(hours=1)  # tolerance for an extract time slightly ahead of this machine's clock
LINK_ROLES = (R.PATIENT_ID, R.ENCOUNTER_ID, R.RATER, R.SITE)  # identifiers the checks across files use


@dataclass(frozen=True)
class BatchContext:
    """What the batch descriptor tells the other checks."""

    batch_id: str
    site_id: str | None
    extract_date: date  # dates after it are in the future; today (UTC) when extracted_at is unusable
    now: datetime  # naive UTC
    descriptor: str = ""  # the descriptor's file name (for messages)


@dataclass
class TableIds:
    """The linking identifiers of one table: ``rows`` pairs each record's row with {role: stripped value}.

    Held column by column (one list of rows, one list of values per role), so a table of a million
    records costs a few lists rather than a million dictionaries."""

    table: str
    file: str
    lines: list[int] = field(default_factory=list)
    values: dict[str, list[str | None]] = field(default_factory=dict)

    def add(self, line: int, linked: Mapping[str, str]) -> None:
        n = len(self.lines)
        self.lines.append(line)
        for role in linked.keys() - self.values.keys():
            self.values[role] = [None] * n
        for role, column in self.values.items():
            column.append(linked.get(role))

    def extend(self, lines, linked: Mapping[str, object]) -> None:
        """Many records at once: ``linked`` maps each role to the records' values (same order as ``lines``)."""
        n, k = len(self.lines), len(lines)
        self.lines.extend(lines)
        for role in linked.keys() - self.values.keys():
            self.values[role] = [None] * n
        for role, column in self.values.items():
            column.extend(linked[role] if role in linked else [None] * k)

    @property
    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        roles = list(self.values.items())
        for i, line in enumerate(self.lines):
            yield line, {role: vals[i] for role, vals in roles if vals[i] is not None}


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def header_index(name: str, header: list[str], expected: tuple[str, ...], log: ProblemLog,
                 table: str | None = None) -> dict[str, int] | None:
    """Contract column -> position; logs missing, renamed, unknown and repeated columns (``table``: its name
    in the spec, for the fix of an undeclared column; wording from :mod:`clinical_pipelines.ingest.messages`).

    ``None`` when the header does not look like this file's header at all (then no value check runs
    and no header name is shown: a file without its header row has data values there).
    """
    known = [h for h in header if h in expected]
    if len(set(known)) < len(expected) / 2:
        log.add(name, messages.header_mismatch(len(set(known)), len(expected)), row=1)
        return None
    index: dict[str, int] = {}
    for pos, h in enumerate(header):
        if h in expected:
            if h in index:
                log.add(name, messages.REPEATED_COLUMN, row=1, column=h)
            else:
                index[h] = pos
    unknown = {pos: h for pos, h in enumerate(header) if h not in expected}
    for col in expected:
        if col in index:
            continue
        renamed = next((pos for pos, h in unknown.items() if _normal(h) == _normal(col)), None)
        if renamed is not None:
            log.add(name, messages.renamed_column(renamed + 1), row=1, column=col)
            unknown.pop(renamed)
        else:
            log.add(name, messages.MISSING_COLUMN, row=1, column=col)
    for pos, h in unknown.items():
        log.add(name, messages.undeclared_column(table, position=pos + 1), row=1, column=safe_name(h))
    return index


def _rows(name: str, table: CsvTable, log: ProblemLog) -> Iterable[tuple[int, list[str]]]:
    """Records with the header's number of fields, one at a time; the others are logged."""
    if not table.n_records:
        log.add(name, "has a header but no records (header only)")
    width = len(table.header)
    ends = table.source.last_char in ("\n", "\r")
    for line, record in table.records():
        if len(record) != width:
            last = line == table.last_line and not ends
            hint = "the file may be truncated" if last else "a cut row or an unquoted delimiter?"
            log.add(name, f"has a different number of fields than the header ({hint})", row=line)
            continue
        yield line, record


def check_value(name: str, col: str, value: str, rule: rules.ValueRule, line: int, log: ProblemLog,
                ctx: BatchContext | None) -> date | None:
    """Log what is wrong with one cell; returns the parsed date of a valid date cell."""
    if rule.identifier and value.strip() and value != value.strip():
        log.add(name, messages.IDENTIFIER_SPACES, row=line, column=col)
    value = value.strip()
    if rule.is_missing(value):
        if rule.required:
            log.add(name, rule.empty_problem, row=line, column=col)
        return None
    if rule.kind == rules.DATE:
        parsed, problem = rules.parse_declared_date(value, rule.date_format)
        if problem:
            log.add(name, problem, row=line, column=col)
            return None
        if parsed < rules.EARLIEST_DATE:
            log.add(name, f"impossible date (before {rules.EARLIEST_DATE.isoformat()})", row=line, column=col)
        elif ctx is not None and parsed > ctx.extract_date:
            log.add(name, f"future date (after the extract date in {ctx.descriptor or 'the batch'})", row=line,
                    column=col)
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


class _RecordChecker:
    """Value, uniqueness, date-order and site checks of the records of one table."""

    def __init__(self, study: Study, table_name: str, log: ProblemLog, ctx: BatchContext):
        spec = study.tables[table_name]
        self.name, self.log, self.ctx = spec.file, log, ctx
        self.rules = rules.rules_for(study, table_name)
        self.unit = "line" if spec.format == "jsonl" else "row"
        self.seen: dict[str, set[str]] = {}
        self.link = {c: col.role for c, col in spec.columns.items() if col.role in LINK_ROLES}
        self.event = next((c for c, r in self.rules.items() if r.event_time), None)
        self.ids = TableIds(table=table_name, file=spec.file)

    def check(self, line: int, values: Mapping[str, str]) -> None:
        dates: dict[str, date | None] = {}
        for col, rule in self.rules.items():
            if col not in values:
                continue
            value = values[col]
            dates[col] = check_value(self.name, col, value, rule, line, self.log, self.ctx)
            if rule.unique and value.strip() and not rule.is_missing(value.strip()):
                if value.strip() in self.seen.setdefault(col, set()):
                    self.log.add(self.name, f"duplicate id (already used on an earlier {self.unit})", row=line,
                                 column=col)
                self.seen[col].add(value.strip())
        self._dates(dates, line)
        linked = {}
        for col, role in self.link.items():
            if col in values:
                linked[role] = values[col].strip()
                if role == R.SITE:
                    self._site(col, linked[role], line)
        self.ids.add(line, linked)

    def _dates(self, dates: dict[str, date | None], line: int) -> None:
        for col, rule in self.rules.items():
            d = dates.get(col)
            if d is None:
                continue
            if rule.not_before and dates.get(rule.not_before) and d < dates[rule.not_before]:
                self.log.add(self.name, f"impossible date (before {rule.not_before}, which it may not precede)",
                             row=line, column=col)
            event = dates.get(self.event) if self.event else None
            if rule.birth and event:
                if d > event:
                    self.log.add(self.name, f"impossible date (birth after the event time {self.event})", row=line,
                                 column=col)
                elif _age_years(d, event) > rules.MAX_AGE_YEARS:
                    self.log.add(self.name, f"absurd age: over {rules.MAX_AGE_YEARS} years at the event time "
                                            f"{self.event}", row=line, column=col)

    def _site(self, col: str, site: str, line: int) -> None:
        if self.ctx.site_id is not None and site and site != self.ctx.site_id:
            self.log.add(self.name, f"unknown site: not the {rules.DESCRIPTOR_SITE} of this batch in "
                                    f"{self.ctx.descriptor}", row=line, column=col)


def check_table(study: Study, table_name: str, files: Mapping[str, bytes], log: ProblemLog,
                ctx: BatchContext) -> TableIds | None:
    """Check the file of ``table_name`` (absent file: ``None``; the missing file is logged by the caller)."""
    spec = study.tables[table_name]
    if spec.file not in files:
        return None
    if spec.format == "parquet":
        from clinical_pipelines.ingest.parquet_table import parquet_records

        checker = _RecordChecker(study, table_name, log, ctx)
        return checker.ids if parquet_records(spec, files[spec.file], log, checker) else None
    text = open_declared(spec.file, files[spec.file], log, encoding=spec.encoding, allow_bom=spec.format == "csv")
    if text is None:
        return None
    checker = _RecordChecker(study, table_name, log, ctx)
    read = (_csv_records if spec.format == "csv" else _jsonl_records)(spec, text, log, checker)
    return checker.ids if read else None


def _csv_records(spec: Table, text: TextSource, log: ProblemLog, checker: _RecordChecker) -> bool:
    """Check every record; ``False`` when the file's records cannot be read at all."""
    name, declared = spec.file, tuple(spec.columns)
    table = read_csv(name, text, log, delimiter=spec.csv_delimiter, quotechar=spec.csv_quotechar,
                     header=spec.has_header)
    if table is None:
        return False
    if spec.has_header:
        index = header_index(name, table.header, declared, log, checker.ids.table)
    elif len(table.header) != len(declared):
        log.add(name, f"has {len(table.header)} fields per row but the study declares {len(declared)} columns "
                      "(header: false reads columns in declared order)", row=1)
        index = None
    else:
        index = {c: i for i, c in enumerate(declared)}
    if index is None:
        return False
    from clinical_pipelines.ingest.fastcheck import CHUNK_RECORDS, check_rows

    lines: list[int] = []
    records: list[list[str]] = []
    for line, record in _rows(name, table, log):
        lines.append(line)
        records.append(record)
        if len(records) >= CHUNK_RECORDS:
            check_rows(checker, lines, _columns(records, index))
            lines, records = [], []
    check_rows(checker, lines, _columns(records, index))
    return True


def _columns(records: list[list[str]], index: dict[str, int]) -> dict[str, tuple[str, ...]]:
    """Column -> its values, from records of equal width (transposed in C by ``zip``)."""
    fields = list(zip(*records))
    return {col: fields[pos] for col, pos in index.items()} if fields else {col: () for col in index}


def _jsonl_records(spec: Table, text: TextSource, log: ProblemLog, checker: _RecordChecker) -> bool:
    """Check every record; ``False`` when the file is not JSON Lines at all."""
    name, declared = spec.file, tuple(spec.columns)
    if text.first_char == "[":
        log.add(name, "is not the text file its extension says: it is one JSON array, not JSON Lines "
                      "(one object per line)")
        return False
    n_records = 0
    for line, obj in json_lines(name, text, log):
        n_records += 1
        for key in declared:
            if key not in obj:
                log.add(name, "missing field", row=line, column=key)
        for key in obj:
            if key not in spec.columns:
                log.add(name, messages.undeclared_column(checker.ids.table, field=True), row=line,
                        column=safe_name(key))
        values = {}
        for key in declared:
            if key not in obj:
                continue
            value = obj[key]
            if value is None:
                log.add(name, "is null: use an empty string for an unknown value", row=line, column=key)
            elif isinstance(value, (int, float)) and not isinstance(value, bool) and \
                    checker.rules[key].kind == rules.NUMBER:
                values[key] = json.dumps(value)
            elif not isinstance(value, str):
                log.add(name, "wrong type: not a JSON string", row=line, column=key)
            else:
                values[key] = value
        checker.check(line, values)
    if n_records == 0 and name not in log.files():
        log.add(name, "has no records")
    return True
