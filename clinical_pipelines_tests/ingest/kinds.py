"""The ingest bad-input kinds (docs/BAD_INPUTS.md): how each one is made, and what the contract must say.

Each kind breaks the valid hand-written batch of ``batchkit`` in one way. ``expect`` lists the
problems that must be reported as (file, row, column, words in the problem); ``accepted`` kinds
are real-world variants the contract must let through. Rows: CSV data row i (0-based) is row i + 2
(the header is row 1); JSON Lines rows are line numbers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from clinical_pipelines.ingest.contract import ENCOUNTER_COLUMNS
from clinical_pipelines_tests.ingest import batchkit as kit

ENC, NOTES, LABELS, DESC = "encounters.csv", "notes.jsonl", "labels.csv", "extract.json"


@dataclass(frozen=True)
class Kind:
    id: str
    example: str
    make: Callable[[], dict[str, bytes]]
    expect: tuple[tuple[str, int | None, str | None, str], ...] = ()
    accepted: bool = False
    planted: tuple[str, ...] = ()  # values put into the batch that no message may repeat
    previous: Callable[[], dict[str, str]] | None = None  # SHA-256 map of an earlier delivery of the same id
    count: tuple[str, str, int] | None = None  # (file, column, how many rows share the problem)
    extra: dict = field(default_factory=dict)


def _set(files: dict[str, bytes], name: str, data: bytes) -> dict[str, bytes]:
    return {**files, name: data}


def _drop_column(col: str) -> dict[str, bytes]:
    cols = [c for c in ENCOUNTER_COLUMNS if c != col]
    return _set(kit.build(), ENC, kit.csv_bytes(cols, kit.encounter_rows()))


def _extra_column() -> dict[str, bytes]:
    cols = list(ENCOUNTER_COLUMNS) + ["mothers_maiden_name"]
    rows = [dict(r, mothers_maiden_name="Vexbridge") for r in kit.encounter_rows()]
    return _set(kit.build(), ENC, kit.csv_bytes(cols, rows))


def _duplicated_column() -> dict[str, bytes]:
    cols = list(ENCOUNTER_COLUMNS) + ["spo2"]
    return _set(kit.build(), ENC, kit.csv_bytes(cols, kit.encounter_rows()))


def _no_header() -> dict[str, bytes]:
    body = kit.csv_bytes(ENCOUNTER_COLUMNS, kit.encounter_rows()).split(b"\n", 1)[1]
    return _set(kit.build(), ENC, body)


def _header_only() -> dict[str, bytes]:
    return _set(kit.build(), ENC, kit.csv_bytes(ENCOUNTER_COLUMNS, []))


def _latin1() -> dict[str, bytes]:
    rows = kit.encounter_rows()
    rows[1]["patient_name"] = "Odalys Peñallow"
    return _set(kit.build(), ENC, kit.csv_bytes(ENCOUNTER_COLUMNS, rows).decode().encode("latin-1"))


def _utf16() -> dict[str, bytes]:
    return _set(kit.build(), ENC, kit.build()[ENC].decode().encode("utf-16"))


def _utf8_bom_csv() -> dict[str, bytes]:
    files = kit.build()
    return {**files, ENC: b"\xef\xbb\xbf" + files[ENC], LABELS: b"\xef\xbb\xbf" + files[LABELS],
            DESC: b"\xef\xbb\xbf" + files[DESC]}


def _bom_inside() -> dict[str, bytes]:
    part1 = kit.csv_bytes(ENCOUNTER_COLUMNS, kit.encounter_rows()[:2])
    part2 = b"\xef\xbb\xbf" + kit.csv_bytes(ENCOUNTER_COLUMNS, kit.encounter_rows()[2:]).split(b"\n", 1)[1]
    return _set(kit.build(), ENC, part1 + part2)


def _unicode_separators() -> dict[str, bytes]:
    notes = kit.note_objects()
    notes[0]["text"] = "Pain improved\u0085 will recheck troponin."
    notes[1]["text"] = "Line one\u2028line two\u2029paragraph two of the nursing note."
    return kit.build(notes=notes)


def _jsonl_lines(lines: list[bytes]) -> dict[str, bytes]:
    return _set(kit.build(), NOTES, b"\n".join(lines) + b"\n")


def _valid_note_lines() -> list[bytes]:
    return kit.jsonl_bytes(kit.note_objects()).rstrip(b"\n").split(b"\n")


def _truncated_csv() -> dict[str, bytes]:
    data = kit.build()[ENC]
    return _set(kit.build(), ENC, data[: data.rstrip(b"\n").rfind(b",", 0, len(data) - 40)])


def _truncated_in_quotes() -> dict[str, bytes]:
    rows = kit.encounter_rows()
    rows[2]["street_address"] = "Flat 2, 77 Larkspur Close"  # quoted because of the comma
    data = kit.csv_bytes(ENCOUNTER_COLUMNS, rows)
    cut = data.rfind(b'"Flat 2') + 8
    return _set(kit.build(), ENC, data[:cut])


def _truncated_jsonl() -> dict[str, bytes]:
    data = kit.jsonl_bytes(kit.note_objects()).rstrip(b"\n")
    return _set(kit.build(), NOTES, data[:-25])


def _duplicate_encounter() -> dict[str, bytes]:
    rows = kit.encounter_rows()
    rows[2]["encounter_id"] = rows[0]["encounter_id"]
    labels = [r for r in kit.label_rows() if r["encounter_id"] != "E3"]
    notes = [n for n in kit.note_objects() if n["encounter_id"] != "E3"]
    return kit.build(encounters=rows, labels=labels, notes=notes)


def _duplicate_json_key() -> dict[str, bytes]:
    lines = _valid_note_lines()
    lines[1] = lines[1][:-1] + b', "text": "second text"}'
    return _jsonl_lines(lines)


def _non_iso_dates() -> dict[str, bytes]:
    rows = kit.encounter_rows()
    rows[1]["birth_date"] = "11/23/1962"
    rows[2]["birth_date"] = "5 Apr 1931"
    rows[0]["admit_date"] = "03/01/2025"
    return kit.build(encounters=rows)


def _future_extract() -> dict[str, bytes]:
    return kit.build(desc=kit.descriptor(extracted_at="2999-01-01T00:00:00Z"))


def _xlsx() -> dict[str, bytes]:
    return _set(kit.build(), ENC, b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + b"\x00" * 64)


def _parquet_as_jsonl() -> dict[str, bytes]:
    return _set(kit.build(), NOTES, b"PAR1\x15\x04\x15\x10\x15\x14L" + b"\x00" * 32)


def _json_array() -> dict[str, bytes]:
    return _set(kit.build(), NOTES, json.dumps(kit.note_objects()).encode())


def _without(name: str) -> dict[str, bytes]:
    files = kit.build()
    del files[name]
    return files


def _reused_previous() -> dict[str, str]:
    from clinical_pipelines.ingest.checks import file_sha256s

    return file_sha256s(kit.with_encounter_value(0, "heart_rate", "91"))


def _labels_from(rows) -> dict[str, bytes]:
    return kit.build(labels=rows)


def _duplicate_rating() -> dict[str, bytes]:
    rows = kit.label_rows()
    return _labels_from(rows + [dict(rows[0], labeled_at="2025-03-16T09:00:00")])


_KINDS = [
    # --- columns and headers
    Kind("missing-column", "encounters.csv without the ssn column", lambda: _drop_column("ssn"),
         ((ENC, 1, "ssn", "is declared in the study spec but missing from the file"),)),
    Kind("extra-column", "an added mothers_maiden_name column", _extra_column,
         ((ENC, 1, "mothers_maiden_name", "is not declared in the study spec (header column 52): every column needs a role; add it under tables.encounters.columns"),), planted=("Vexbridge",)),
    Kind("renamed-column", "heart_rate delivered as 'Heart Rate'",
         lambda: kit.replace_header(kit.build(), ENC, "heart_rate", "Heart Rate"),
         ((ENC, 1, "heart_rate", "differs from it only in case"),)),
    Kind("duplicated-column", "spo2 twice in the header", _duplicated_column,
         ((ENC, 1, "spo2", "more than once"),)),
    Kind("header-missing", "encounters.csv delivered without its header row", _no_header,
         ((ENC, 1, None, "header row does not match"),)),
    # --- types
    Kind("wrong-type-number", "heart_rate = '86 bpm'", lambda: kit.with_encounter_value(1, "heart_rate", "86 bpm"),
         ((ENC, 3, "heart_rate", "not a number"),), planted=("86 bpm",)),
    Kind("decimal-comma", "temperature_c = '36,8'", lambda: kit.with_encounter_value(0, "temperature_c", "36,8"),
         ((ENC, 2, "temperature_c", "not a number"),), planted=("36,8",)),
    Kind("wrong-type-flag", "diabetes = 'yes'", lambda: kit.with_encounter_value(2, "diabetes", "yes"),
         ((ENC, 4, "diabetes", "outside the declared values"),)),
    Kind("wrong-type-consent", "research_consent = 'maybe'",
         lambda: kit.with_encounter_value(0, "research_consent", "maybe"),
         ((ENC, 2, "research_consent", "outside the declared values"),), planted=("maybe",)),
    Kind("wrong-type-json", "note_id as a JSON number", lambda: kit.with_note_value(1, "note_id", 17),
         ((NOTES, 2, "note_id", "not a JSON string"),)),
    Kind("id-with-spaces", "encounter_id ' E2' with a leading space",
         lambda: kit.with_encounter_value(1, "encounter_id", " E2"),
         ((ENC, 3, "encounter_id", "leading or trailing spaces"),)),
    Kind("required-value-empty", "empty mrn", lambda: kit.with_encounter_value(1, "mrn", ""),
         ((ENC, 3, "mrn", "a value is required"),)),
    # --- files
    Kind("empty-file", "encounters.csv of 0 bytes", lambda: _set(kit.build(), ENC, b""),
         ((ENC, None, None, "is empty (0 bytes)"),)),
    Kind("header-only", "encounters.csv with a header and no rows", _header_only,
         ((ENC, None, None, "header only"),)),
    Kind("blank-file", "labels.csv holding only blank lines", lambda: _set(kit.build(), LABELS, b"\n\n\n"),
         ((LABELS, None, None, "no header row"),)),
    Kind("missing-file", "no labels.csv in the delivery", lambda: _without(LABELS),
         ((LABELS, None, None, "missing from the batch"),)),
    Kind("unexpected-file", "a left-over encounters.csv.part upload",
         lambda: {**kit.build(), "encounters.csv.part": b"mrn,patient_name\n"},
         (("encounters.csv.part", None, None, "is not a file the study spec declares"),)),
    # --- encodings
    Kind("non-utf8", "encounters.csv saved as Latin-1 (a name with n-tilde)", _latin1,
         ((ENC, 3, None, "not valid UTF-8"),)),
    Kind("utf16-bom", "encounters.csv saved as UTF-16 with byte-order mark", _utf16,
         ((ENC, None, None, "UTF-16"),)),
    Kind("utf8-bom-csv", "UTF-8 byte-order mark at the start of the CSV files and extract.json", _utf8_bom_csv,
         accepted=True),
    Kind("utf8-bom-jsonl", "UTF-8 byte-order mark at the start of notes.jsonl",
         lambda: _set(kit.build(), NOTES, b"\xef\xbb\xbf" + kit.build()[NOTES]),
         ((NOTES, 1, None, "byte-order mark"),)),
    Kind("bom-inside-file", "two CSV exports concatenated, the second with its byte-order mark", _bom_inside,
         ((ENC, 4, None, "byte-order mark inside"),)),
    Kind("unicode-line-separators", "raw U+2028, U+2029 and U+0085 inside note text", _unicode_separators,
         accepted=True),
    # --- JSON Lines
    Kind("non-object-json-line", "a line 'null', a line '42' and a line '[1, 2]' in notes.jsonl",
         lambda: _jsonl_lines(_valid_note_lines()[:1] + [b"null", b"42", b"[1, 2]"] + _valid_note_lines()[1:]),
         ((NOTES, 2, None, "line 2 is not a JSON object"),), count=(NOTES, None, 3)),
    Kind("invalid-json-line", "a line '{not json' in notes.jsonl",
         lambda: _jsonl_lines(_valid_note_lines() + [b"{not json"]),
         ((NOTES, 4, None, "not valid JSON"),)),
    Kind("duplicate-json-key", "a note object with 'text' twice", _duplicate_json_key,
         ((NOTES, 2, "text", "more than once"),)),
    # --- truncation
    Kind("truncated-csv", "encounters.csv cut in the middle of its last row", _truncated_csv,
         ((ENC, 4, None, "truncated"),)),
    Kind("truncated-in-quotes", "encounters.csv cut inside a quoted field", _truncated_in_quotes,
         ((ENC, 4, None, "truncated"),)),
    Kind("truncated-jsonl", "notes.jsonl cut in the middle of its last object", _truncated_jsonl,
         ((NOTES, 3, None, "truncated"),)),
    # --- identifiers
    Kind("duplicate-encounter-id", "E1 on two rows of encounters.csv", _duplicate_encounter,
         ((ENC, 4, "encounter_id", "duplicate id"),)),
    Kind("duplicate-note-id", "two notes with the same note_id", lambda: kit.with_note_value(1, "note_id", "E1-N1"),
         ((NOTES, 2, "note_id", "duplicate id"),)),
    # --- dates
    Kind("impossible-date", "admit_date 2025-02-30", lambda: kit.with_encounter_value(1, "admit_date", "2025-02-30"),
         ((ENC, 3, "admit_date", "impossible date"),)),
    Kind("date-before-1900", "birth_date 1875-01-01", lambda: kit.with_encounter_value(0, "birth_date", "1875-01-01"),
         ((ENC, 2, "birth_date", "before 1900"),)),
    Kind("discharge-before-admission", "discharge_date before admit_date",
         lambda: kit.with_encounter_value(0, "discharge_date", "2025-02-27"),
         ((ENC, 2, "discharge_date", "before admit_date, which it may not precede"),)),
    Kind("birth-after-admission", "birth_date after admit_date",
         lambda: kit.with_encounter_value(1, "birth_date", "2025-03-10"),
         ((ENC, 3, "birth_date", "birth after the event time admit_date"),)),
    Kind("future-date", "admit_date after the extract date",
         lambda: kit.with_encounter_value(2, "admit_date", "2025-04-02"),
         ((ENC, 4, "admit_date", "future date"),)),
    Kind("future-extract-time", "extracted_at in the year 2999", _future_extract,
         ((DESC, None, "extracted_at", "in the future"),)),
    Kind("non-iso-dates", "birth_date '11/23/1962' and '5 Apr 1931', admit_date '03/01/2025'", _non_iso_dates,
         ((ENC, 3, "birth_date", "not an ISO 8601 date"), (ENC, 2, "admit_date", "not an ISO 8601 date")),
         planted=("11/23/1962", "5 Apr 1931", "03/01/2025"), count=(ENC, "birth_date", 2)),
    # --- plausibility
    Kind("absurd-age", "birth_date 1880-06-01 (144 years at admission)",
         lambda: kit.with_encounter_value(2, "birth_date", "1880-06-01"),
         ((ENC, 4, "birth_date", "absurd age: over 122 years at the event time"),)),
    Kind("absurd-lab-value", "hemoglobin_g_dl = 131 (g/L delivered as g/dL)",
         lambda: kit.with_encounter_value(0, "hemoglobin_g_dl", "131"),
         ((ENC, 2, "hemoglobin_g_dl", "declared range"),), planted=("131",)),
    Kind("absurd-vital-sign", "temperature_c = 98.6 (Fahrenheit)",
         lambda: kit.with_encounter_value(1, "temperature_c", "98.6"),
         ((ENC, 3, "temperature_c", "declared range"),), planted=("98.6",)),
    Kind("unknown-site", "site_id 'westbay' in a batch of site 'eastbay'",
         lambda: kit.with_encounter_value(1, "site_id", "westbay"),
         ((ENC, 3, "site_id", "unknown site"),), planted=("westbay",)),
    # --- batch identity
    Kind("batch-id-reused", "a batch id delivered again with one value changed", kit.build,
         ((ENC, None, None, "batch id reused with different content"),), previous=_reused_previous),
    Kind("batch-id-mismatch", "extract.json names another batch id",
         lambda: kit.build(desc=kit.descriptor(batch_id="eastbay-2025-02-extract")),
         ((DESC, None, "batch_id", "does not match the folder name"),)),
    Kind("not-what-extension-says", "encounters.csv is an Excel workbook (ZIP bytes)", _xlsx,
         ((ENC, None, None, "ZIP archive"),)),
    Kind("parquet-named-jsonl", "notes.jsonl is a Parquet file", _parquet_as_jsonl,
         ((NOTES, None, None, "Parquet"),)),
    Kind("json-array-named-jsonl", "notes.jsonl holds one JSON array", _json_array,
         ((NOTES, None, None, "JSON array"),)),
    Kind("descriptor-not-json", "extract.json is not JSON", lambda: _set(kit.build(), DESC, b"batch_id=x\n"),
         ((DESC, None, None, "not valid JSON"),)),
    # --- labels
    Kind("label-missing", "an empty label cell", lambda: kit.with_label_value(1, "label", ""),
         ((LABELS, 3, "label", "missing rating"),)),
    Kind("label-duplicate", "rater_a rates E1 twice", _duplicate_rating,
         ((LABELS, 8, "rater_id", "duplicate rating"),)),
    Kind("label-unknown-encounter", "a label for E9, which is not in encounters.csv",
         lambda: kit.with_label_value(0, "encounter_id", "E9"),
         ((LABELS, 2, "encounter_id", "unknown encounter"),)),
    Kind("label-outside-allowed-set", "label = 2", lambda: kit.with_label_value(2, "label", "2"),
         ((LABELS, 4, "label", "outside the declared values"),)),
    Kind("label-bad-datetime", "labeled_at = '15.03.2025 10:00'",
         lambda: kit.with_label_value(0, "labeled_at", "15.03.2025 10:00"),
         ((LABELS, 2, "labeled_at", "not an ISO 8601 date-time"),)),
    # --- notes
    Kind("note-empty-text", "a note whose text is blank", lambda: kit.with_note_value(2, "text", "   "),
         ((NOTES, 3, "text", "empty free text"),)),
    Kind("note-unknown-encounter", "a note for E9", lambda: kit.with_note_value(0, "encounter_id", "E9"),
         ((NOTES, 1, "encounter_id", "unknown encounter"),)),
    Kind("note-wrong-patient", "a note whose mrn is not its encounter's",
         lambda: kit.with_note_value(0, "mrn", "MRN-QX-7732"),
         ((NOTES, 1, "mrn", "does not match the mrn of its encounter"),)),
    Kind("note-missing-field", "a note without note_type",
         lambda: kit.build(notes=[{k: v for k, v in n.items() if k != "note_type"} for n in kit.note_objects()]),
         ((NOTES, 1, "note_type", "missing field"),)),
    Kind("note-extra-field", "a note with an extra 'room' field",
         lambda: kit.build(notes=[dict(n, room="4B") for n in kit.note_objects()]),
         ((NOTES, 1, "room", "is not declared in the study spec: every field needs a role; add it under tables.notes.columns"),)),
    Kind("note-null-field", "note_date null", lambda: kit.with_note_value(1, "note_date", None),
         ((NOTES, 2, "note_date", "is null"),)),
]

KINDS = {k.id: k for k in _KINDS}
assert len(KINDS) == len(_KINDS), "kind ids must be unique"
