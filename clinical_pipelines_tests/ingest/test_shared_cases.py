"""The shared failing cases of the ingest contract (``../shared/cases`` next to the repository, when present)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pandas as pd
import pytest

from clinical_pipelines.deid.errors import DeidError
from clinical_pipelines.deid.policy import load_deid_policy
from clinical_pipelines.deid.structured import deidentify_table
from clinical_pipelines.ingest.contract import ENCOUNTER_COLUMNS, build_manifest, check_batch
from clinical_pipelines.settings import REPO_ROOT
from clinical_pipelines_tests.ingest import batchkit as kit

SHARED_CASES = REPO_ROOT.parent / "shared" / "cases"
NOW = datetime(2025, 3, 21, 12, 0)
ANNOTATION = "expect"  # the cases annotate their lines with what should happen; not a contract field


def _case(name: str) -> bytes:
    path = SHARED_CASES / name
    if not path.is_file():
        pytest.skip(f"shared case not present: {path}")
    return path.read_bytes()


def _batch_around_case_encounters(case_rows: list[dict[str, str]]) -> dict[str, bytes]:
    """The hand-written batch with its encounters replaced by the case rows (other columns kept valid)."""
    base = kit.encounter_rows()[0]
    rows = [dict(base, encounter_id=f"C{i}", discharge_date="", **r) for i, r in enumerate(case_rows, start=1)]
    notes = [dict(kit.note_objects()[0], encounter_id="C1", mrn=rows[0]["mrn"])]
    labels = [dict(r, encounter_id="C1") for r in kit.label_rows()[:2]]
    return kit.build(encounters=rows, notes=notes, labels=labels)


def test_non_iso_dates_are_quarantined_with_counts_per_column():
    case_rows = list(csv.DictReader(io.StringIO(_case("ingest-dates-non-iso.encounters.csv").decode())))
    files = _batch_around_case_encounters(case_rows)
    problems = check_batch(kit.BATCH_ID, files, now=NOW)
    by_column = {p.column: p for p in problems}
    assert set(by_column) == {"birth_date", "admit_date"}
    assert (by_column["birth_date"].count, by_column["birth_date"].rows) == (2, (3, 5))
    assert (by_column["admit_date"].count, by_column["admit_date"].rows) == (1, (4,))
    assert all("not an ISO 8601 date" in p.problem for p in problems)
    text = "\n".join(map(str, problems))
    assert not any(r["birth_date"] in text or r["admit_date"] in text for r in case_rows)


def test_deidentification_never_turns_a_non_iso_date_into_a_silent_missing_age():
    case_rows = list(csv.DictReader(io.StringIO(_case("ingest-dates-non-iso.encounters.csv").decode())))
    files = _batch_around_case_encounters(case_rows)
    df = pd.read_csv(io.BytesIO(files["encounters.csv"]), dtype=str, keep_default_na=False)
    assert tuple(df.columns) == ENCOUNTER_COLUMNS
    with pytest.raises(DeidError, match=r"column 'birth_date': 2 value\(s\) are not ISO 8601 dates"):
        deidentify_table(df, "encounters", policy=load_deid_policy(), key=b"k" * 32)
    iso = df.iloc[[0]]  # the ISO row still de-identifies, with its age
    out = deidentify_table(iso, "encounters", policy=load_deid_policy(), key=b"k" * 32).frame
    assert out["age"].iloc[0] == "90+" and out["admit_year"].iloc[0] == 2025


def test_non_object_json_lines_are_contract_problems_not_type_errors():
    data = _case("ingest-jsonl-non-object-line.notes.jsonl")
    first = json.loads(data.split(b"\n", 1)[0])
    rows = kit.encounter_rows()
    rows[0].update(encounter_id=first["encounter_id"], mrn=first["mrn"])
    files = {**kit.build(encounters=rows, labels=[dict(r, encounter_id="E1") for r in kit.label_rows()[:2]]),
             "notes.jsonl": data}
    texts = [str(p) for p in check_batch(kit.BATCH_ID, files, now=NOW)]
    assert "notes.jsonl, line 2 is not a JSON object (2 lines: 2, 3)" in texts
    # the only other problem is the case's own annotation field on line 1
    assert [t for t in texts if "JSON object" not in t] == [
        f"notes.jsonl, line 1, field {ANNOTATION}: is not declared in the study spec: every field needs a role; add it under tables.notes.columns with a role (e.g. `{{role: drop}}` to leave it out)"]


def test_unicode_line_separators_inside_json_strings_are_valid_json_lines():
    data = _case("ingest-jsonl-unicode-linebreaks.notes.jsonl")
    assert "\u2028".encode() in data and "\u0085".encode() in data
    objs = [json.loads(line) for line in data.split(b"\n") if line.strip()]
    rows = kit.encounter_rows()
    rows[0].update(encounter_id=objs[0]["encounter_id"], mrn=objs[0]["mrn"])
    labels = [dict(r, encounter_id="E1") for r in kit.label_rows()[:2]]
    as_delivered = {**kit.build(encounters=rows, labels=labels), "notes.jsonl": data}
    texts = [str(p) for p in check_batch(kit.BATCH_ID, as_delivered, now=NOW)]
    assert texts == [f"notes.jsonl, line 1, field {ANNOTATION}: is not declared in the study spec: every field needs a role; add it under tables.notes.columns with a role (e.g. `{{role: drop}}` to leave it out) (2 lines: 1, 2)"]
    # without the annotation the raw separators stay in the text and the batch is accepted
    stripped = kit.jsonl_bytes([{k: v for k, v in o.items() if k != ANNOTATION} for o in objs])
    assert "\u2028".encode() in stripped and "\u0085".encode() in stripped
    files = {**as_delivered, "notes.jsonl": stripped}
    assert check_batch(kit.BATCH_ID, files, now=NOW) == []
    notes = pd.read_json(io.BytesIO(stripped), lines=True, dtype=False)
    assert build_manifest(kit.BATCH_ID, files).row_counts["notes.jsonl"] == len(notes) == 2


def test_missing_rating_is_quarantined_at_ingest():
    labels = list(csv.DictReader(io.StringIO(_case("labels-missing-rating.labels.csv").decode())))
    files = kit.build(labels=labels)
    problems = check_batch(kit.BATCH_ID, files, now=NOW)
    assert [(p.file, p.row, p.column) for p in problems] == [("labels.csv", 3, "label")]
    assert problems[0].problem.startswith("missing rating")
