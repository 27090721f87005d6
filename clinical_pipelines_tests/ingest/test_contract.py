import json

import pytest

from clinical_pipelines.ingest.contract import (
    ENCOUNTER_COLUMNS, LABEL_COLUMNS, ContractViolation, build_manifest, validate_batch,
)


def _batch(batch_id="b1", encounter_cols=ENCOUNTER_COLUMNS, secret_value="Jane Roe"):
    row = [secret_value if c == "patient_name" else "1" for c in encounter_cols]
    return {
        "encounters.csv": (",".join(encounter_cols) + "\n" + ",".join(row) + "\n").encode(),
        "labels.csv": (",".join(LABEL_COLUMNS) + "\nE1,r1,1,2024-01-01T00:00:00,tool/1\n").encode(),
        "notes.jsonl": json.dumps({"note_id": "n1", "encounter_id": "E1", "mrn": "M1", "note_date": "2024-01-01",
                                   "author": "Dr A", "note_type": "progress", "text": f"Seen {secret_value}"}).encode() + b"\n",
        "extract.json": json.dumps({"batch_id": batch_id, "source_system": "ehr", "site_id": "s1",
                                    "extracted_at": "2024-01-02T00:00:00Z", "files": []}).encode(),
    }


def test_valid_batch_gets_a_manifest_with_hashes_and_counts():
    m = build_manifest("b1", _batch())
    assert m.row_counts == {"encounters.csv": 1, "labels.csv": 1, "notes.jsonl": 1}
    assert set(m.files) == {"encounters.csv", "labels.csv", "notes.jsonl", "extract.json"}
    assert all(len(h) == 64 for h in m.files.values())
    assert len(m.sha256) == 64 and m.source_system == "ehr"


def test_manifest_hash_changes_when_a_file_changes():
    a = build_manifest("b1", _batch())
    b = build_manifest("b1", _batch(secret_value="John Doe"), ingested_at=None)
    assert a.files["encounters.csv"] != b.files["encounters.csv"]


def test_missing_column_is_named_without_leaking_values():
    cols = tuple(c for c in ENCOUNTER_COLUMNS if c != "ssn")
    with pytest.raises(ContractViolation) as err:
        build_manifest("b1", _batch(encounter_cols=cols))
    assert "ssn" in str(err.value) and "quarantined" in str(err.value)
    assert "Jane Roe" not in str(err.value)


def test_unexpected_column_and_missing_file_are_problems():
    files = _batch(encounter_cols=ENCOUNTER_COLUMNS + ("mothers_maiden_name",))
    del files["labels.csv"]
    problems = validate_batch("b1", files)
    assert any("mothers_maiden_name" in p for p in problems)
    assert any("labels.csv" in p and "missing file" in p for p in problems)


def test_batch_id_mismatch_and_bad_json_are_problems():
    files = _batch(batch_id="other")
    files["notes.jsonl"] = b"{not json\n"
    problems = validate_batch("b1", files)
    assert any("batch_id does not match" in p for p in problems)
    assert any("not valid JSON" in p for p in problems)
