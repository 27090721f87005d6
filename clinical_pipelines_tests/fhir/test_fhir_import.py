"""The synthetic export flattens into the right rows and columns; every problem is counted; notes decode."""

from __future__ import annotations

import csv
import json

from clinical_pipelines.fhir.columns import NOTE_COLUMNS, encounter_columns
from clinical_pipelines.fhir.mapping import load_map


def _rows(result):
    with (result.out_dir / "encounters.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_encounter_table_has_the_declared_columns_and_one_row_per_valid_encounter(imported):
    truth, result = imported
    rows = _rows(result)
    assert list(rows[0]) == [c.name for c in encounter_columns(load_map())]
    assert sorted(r["encounter_id"] for r in rows) == sorted(truth.encounters)
    assert result.encounters == len(truth.encounters)
    assert len({r["patient_id"] for r in rows}) == truth.patients


def test_every_expected_value_is_in_the_table(imported):
    truth, result = imported
    rows = {r["encounter_id"]: r for r in _rows(result)}
    wrong = [(eid, col) for eid, expected in truth.encounters.items()
             for col, value in expected.items() if rows[eid][col] != value]
    assert wrong == [], f"{len(wrong)} cells differ, first (encounter, column): {wrong[:3]}"


def test_the_known_answers_exercise_both_flag_values_and_conversions(imported):
    truth, result = imported
    for column in ("diabetes", "hypertension", "prior_mi", "mace_30d", "current_smoker"):
        assert {e[column] for e in truth.encounters.values()} == {"0", "1"}, column
    notices = result.report["notices"]
    assert notices["temperature_c: values converted from [degF]"] > 0
    assert notices["creatinine_mg_dl: values converted from umol/L"] == len(truth.encounters)
    assert notices["Observation linked to an encounter by time"] == len(truth.encounters)


def test_unmapped_features_stay_empty_not_zero(imported):
    _truth, result = imported
    rows = _rows(result)
    assert {r["spo2"] for r in rows} == {""}
    assert result.report["values"]["encounters_with_value"]["spo2"] == 0
    assert result.report["values"]["encounters_with_value"]["heart_rate"] == len(rows)


def test_report_counts_every_injected_problem_by_type_and_reason(imported):
    truth, result = imported
    res = result.report["resources"]
    dangling_patient = "dangling reference: no Patient with that id in the export"
    dangling_encounter = "dangling reference: no Encounter with that id in the export"
    assert res["Encounter"]["quarantined_by_reason"] == {dangling_patient: 1}
    assert res["Condition"]["quarantined_by_reason"] == {dangling_patient: 1}
    assert res["DocumentReference"]["quarantined_by_reason"] == {dangling_encounter: 1}
    obs = res["Observation"]["quarantined_by_reason"]
    assert obs[dangling_encounter] == 1 and obs["line is not JSON"] == 1
    assert sum(v for k, v in obs.items() if k.startswith("invalid")) == 1
    assert res["MadeUpResource"]["quarantined_by_reason"] == {"unknown resource type (not FHIR R4)": 1}
    assert res["Organization"]["skipped_by_reason"] == {"resource type not imported": 2}
    assert result.quarantined == sum(truth.injected.values()) == 7
    assert len(result.problems) == 7


def test_every_line_is_accounted_for(imported):
    truth, result = imported
    report = result.report
    assert report["unaccounted"] == {}
    read = {f["file"]: f["resources"] for f in report["files"]}
    assert read == truth.lines
    assert sum(c["read"] for c in report["resources"].values()) == sum(truth.lines.values())
    for rtype, c in report["resources"].items():
        assert c["read"] == c["imported"] + c["quarantined"] + c["skipped"], rtype


def test_problems_name_file_line_and_element(imported):
    _truth, result = imported
    problems = {p["reason"]: p for p in result.report["problems"]}
    invalid = next(p for r, p in problems.items() if r.startswith("invalid"))
    assert invalid["file"] == "Observation.ndjson" and invalid["element"] == "Observation.valueQuantity.value"
    assert invalid["lines"] and invalid["lines"][0] > 1
    enc = next(p for p in result.report["problems"] if p["resource_type"] == "Encounter")
    assert enc["element"] == "Encounter.subject" and enc["file"] == "Encounter.ndjson"


def test_quarantine_keeps_each_raw_line_with_its_reason(imported):
    _truth, result = imported
    records = [json.loads(line) for line in result.quarantine_path.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 7
    assert all(r["reason"] and r["line"] >= 1 and ("resource" in r or "resource_base64" in r) for r in records)
    truncated = next(r for r in records if r["reason"] == "line is not JSON")
    assert truncated["resource"].startswith('{"resourceType": "Observation"')


def test_notes_decode_with_their_charset(imported):
    truth, result = imported
    notes = [json.loads(line) for line in (result.out_dir / "notes.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [list(n) for n in notes[:1]] == [[c.name for c in NOTE_COLUMNS]]
    by_id = {n["note_id"]: n for n in notes}
    assert set(by_id) == set(truth.notes) and result.notes == len(truth.notes)
    assert all(by_id[k]["text"] == v for k, v in truth.notes.items())
    assert {n["charset"] for n in notes} == {"utf-8", "iso-8859-1"}
    assert any("café" in n["text"] for n in notes if n["charset"] == "iso-8859-1")
    assert {n["content_type"] for n in notes} == {"text/plain"}
    assert all(isinstance(v, str) for n in notes for v in n.values())
    assert all(by_id[k]["encounter_id"] == k.removesuffix("-note") for k in truth.notes)


def test_report_and_messages_carry_no_identifier_values(imported):
    truth, result = imported
    text = result.report_path.read_text(encoding="utf-8") + "\n".join(result.problems)
    text += (result.report_path.parent / "study_tables.yaml").read_text(encoding="utf-8")
    leaked = sum(1 for value in truth.phi if value and value in text)
    assert leaked == 0, f"{leaked} identifier values found in the report"


def test_study_tables_yaml_matches_the_written_files(imported):
    import yaml

    _truth, result = imported
    tables = yaml.safe_load((result.report_path.parent / "study_tables.yaml").read_text(encoding="utf-8"))["tables"]
    assert list(tables["encounters"]["columns"]) == list(_rows(result)[0])
    assert list(tables["notes"]["columns"]) == [c.name for c in NOTE_COLUMNS]
