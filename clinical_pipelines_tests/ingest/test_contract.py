import json
from datetime import datetime

import pytest

from clinical_pipelines.ingest import rules
from clinical_pipelines.ingest.contract import ENCOUNTER_COLUMNS, ContractViolation, build_manifest, validate_batch
from clinical_pipelines.study.builtin import load_builtin_study
from clinical_pipelines_tests.ingest import batchkit as kit

ENCOUNTER_RULES = rules.rules_for(load_builtin_study(), "encounters")


def test_valid_batch_gets_a_manifest_with_hashes_and_counts():
    m = build_manifest(kit.BATCH_ID, kit.build())
    assert m.row_counts == {"encounters.csv": 3, "labels.csv": 6, "notes.jsonl": 3}
    assert set(m.files) == {"encounters.csv", "labels.csv", "notes.jsonl", "extract.json"}
    assert all(len(h) == 64 for h in m.files.values())
    assert len(m.sha256) == 64 and m.source_system == "eastbay-ehr" and m.site_id == kit.SITE


def test_manifest_hash_changes_when_a_file_changes():
    a = build_manifest(kit.BATCH_ID, kit.build())
    b = build_manifest(kit.BATCH_ID, kit.with_encounter_value(0, "heart_rate", "87"))
    assert a.files["encounters.csv"] != b.files["encounters.csv"] and a.sha256 != b.sha256


def test_missing_column_is_named_without_leaking_values():
    cols = tuple(c for c in ENCOUNTER_COLUMNS if c != "ssn")
    files = {**kit.build(), "encounters.csv": kit.csv_bytes(cols, kit.encounter_rows())}
    with pytest.raises(ContractViolation) as err:
        build_manifest(kit.BATCH_ID, files)
    assert "ssn" in str(err.value) and "quarantined" in str(err.value)
    assert not any(secret in str(err.value) for secret in kit.SECRETS)


def test_batch_id_mismatch_and_bad_json_are_problems():
    files = kit.build(desc=kit.descriptor(batch_id="other"))
    files["notes.jsonl"] = b"{not json\n"
    problems = validate_batch(kit.BATCH_ID, files, now=datetime(2025, 3, 21))
    assert any("batch_id does not match" in p for p in problems)
    assert any("not valid JSON" in p for p in problems)


def test_value_rules_cover_exactly_the_study_columns():
    study = load_builtin_study()
    for table, spec in study.tables.items():
        assert tuple(rules.rules_for(study, table)) == tuple(spec.columns)
    assert tuple(ENCOUNTER_RULES) == ENCOUNTER_COLUMNS


def test_every_numeric_range_has_a_unit_and_low_below_high():
    for col, rule in ENCOUNTER_RULES.items():
        if rule.kind == rules.NUMBER and not rule.choices:
            assert rule.unit and rule.low < rule.high, col


@pytest.mark.parametrize("value, ok", [("2024-02-29", True), ("2023-02-29", False), ("2024-2-9", False),
                                       ("20240229", False), ("2024-02-29T10:00", False)])
def test_iso_dates(value, ok):
    parsed, problem = rules.parse_date(value)
    assert (problem is None) is ok and (parsed is not None) is ok


@pytest.mark.parametrize("value, ok", [("2025-03-05T10:00:00", True), ("2025-03-05 10:00", True),
                                       ("2025-03-05T10:00:00Z", True), ("2025-03-05T10:00:00.123+02:00", True),
                                       ("2025-03-05", True), ("05/03/2025 10:00", False), ("2025-03-05T25:00", False)])
def test_iso_datetimes(value, ok):
    assert (rules.parse_datetime(value)[1] is None) is ok


def test_datetimes_with_an_offset_are_compared_in_utc():
    parsed, _ = rules.parse_datetime("2025-03-05T01:00:00+02:00")
    assert parsed == datetime(2025, 3, 4, 23, 0)


@pytest.mark.parametrize("value", ["nan", "inf", "1,5", "1.5.2", "--1", "0x10", "", " "])
def test_numbers_are_plain_decimals(value):
    assert rules.number_problem(value, ENCOUNTER_RULES["heart_rate"]) is not None


def test_flags_accept_zero_one_written_as_decimals():
    flag = ENCOUNTER_RULES["diabetes"]
    assert rules.number_problem("1", flag) is None and rules.number_problem("0.0", flag) is None
    assert "declared values" in rules.number_problem("2", flag)


def test_descriptor_must_be_complete_and_consistent():
    desc = kit.descriptor(site_id="", files="encounters.csv")
    del desc["source_system"]
    problems = validate_batch(kit.BATCH_ID, kit.build(desc=desc), now=datetime(2025, 3, 21))
    text = "\n".join(problems)
    assert "extract.json, field source_system: missing field" in text
    assert "extract.json, field site_id: must be a non-empty JSON string" in text
    assert "extract.json, field files: must be a list of file names" in text
    assert json.loads(kit.build()["extract.json"])["files"]  # the valid descriptor lists its files


def test_documented_ranges_are_the_rules():
    import re

    from clinical_pipelines.settings import REPO_ROOT

    doc = (REPO_ROOT / "docs" / "DATA_CONTRACT.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| `(\w+)` \| ([^|]+?) \|$", doc, flags=re.M))
    numeric = {c: r.describe() for c, r in ENCOUNTER_RULES.items() if r.kind == rules.NUMBER}
    assert documented == numeric
