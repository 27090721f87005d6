"""studies/mace/study.yaml describes exactly today's built-in extract and agrees with today's policies.

The later switch of ingest, de-identification, training and validation to the spec is safe only if
the spec says what the code and policies say now: same columns in the same order, the same de-id
action for every column, the same quasi-identifiers with the same ladders, the same features,
external site and subgroups.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from clinical_pipelines.ingest import contract
from clinical_pipelines.study import roles as R
from clinical_pipelines.study.builtin import builtin_study_path, builtin_study_ids
from clinical_pipelines.study.spec import load_study

POLICIES = Path(__file__).resolve().parents[2] / "clinical_pipelines" / "policies"


@pytest.fixture(scope="module")
def mace():
    return load_study(builtin_study_path("mace"))


# The column actions, risk attributes and Safe Harbor columns of de-identification policy 1.3.0, which listed
# them before they were derived from this spec: the built-in study must keep giving exactly these.
DROPPED = {"patient_name", "ssn", "street_address", "city", "county", "phone", "fax", "email", "health_plan_id",
           "account_number", "drivers_license", "vehicle_plate", "device_serial", "patient_portal_url", "ip_address",
           "attending_clinician", "facility_name", "author"}
PSEUDONYMS = {("encounters", "mrn"): ("patient_pid", "patient"), ("encounters", "encounter_id"): ("encounter_pid", "encounter"),
              ("notes", "note_id"): ("note_pid", "note"), ("notes", "encounter_id"): ("encounter_pid", "encounter"),
              ("notes", "mrn"): ("patient_pid", "patient"), ("labels", "encounter_id"): ("encounter_pid", "encounter")}
SPECIAL = {("encounters", "birth_date"): "birth_date", ("encounters", "zip"): "zip3", ("encounters", "admit_date"): "date",
           ("encounters", "discharge_date"): "date", ("notes", "note_date"): "date", ("notes", "text"): "text"}
SAFE_HARBOR_1_3 = {"A": ["patient_name", "attending_clinician", "author"], "B": ["street_address", "city", "county", "zip"],
                   "C": ["birth_date", "admit_date", "discharge_date", "note_date"], "D": ["phone"], "E": ["fax"],
                   "F": ["email"], "G": ["ssn"], "H": ["mrn"], "I": ["health_plan_id"], "J": ["account_number"],
                   "K": ["drivers_license"], "L": ["vehicle_plate"], "M": ["device_serial"], "N": ["patient_portal_url"],
                   "O": ["ip_address"], "P": [], "Q": [], "R": ["encounter_id", "note_id", "facility_name"]}


@pytest.fixture(scope="module")
def rules(mace):
    from clinical_pipelines.deid.policy import load_deid_policy
    from clinical_pipelines.deid.study_rules import deid_rules

    return deid_rules(load_deid_policy(), mace)


def test_builtin_studies_are_found():
    assert "mace" in builtin_study_ids()
    assert builtin_study_path("mace").name == "study.yaml"


def test_tables_and_columns_match_the_extract_contract(mace):
    assert {t: s.file for t, s in mace.tables.items()} == {
        "encounters": "encounters.csv", "notes": "notes.jsonl", "labels": "labels.csv"}
    assert tuple(mace.tables["encounters"].columns) == contract.ENCOUNTER_COLUMNS
    assert tuple(mace.tables["notes"].columns) == contract.NOTE_FIELDS
    assert tuple(mace.tables["labels"].columns) == contract.LABEL_COLUMNS
    assert mace.batch_descriptor == "extract.json"
    assert set(contract.REQUIRED_FILES) == {t.file for t in mace.tables.values()} | {mace.batch_descriptor}


def test_deid_actions_are_those_of_the_former_policy(rules, mace):
    for table, spec in mace.tables.items():
        for column in spec.columns:
            rule = rules.tables[table][column]
            if column in DROPPED:
                assert rule.action == "drop", (table, column)
            elif (table, column) in PSEUDONYMS:
                assert (rule.action, rule.output, rule.namespace) == ("pseudonymize", *PSEUDONYMS[table, column])
            else:
                assert rule.action == SPECIAL.get((table, column), "keep"), (table, column)
    assert rules.tables["encounters"]["zip"].output == "zip3"
    assert {r.date_mode for t in rules.tables.values() for r in t.values() if r.action == "date"} == {"year_only"}


def test_quasi_identifiers_and_ladders_are_those_of_the_former_policy(rules):
    assert set(rules.quasi_identifiers) == {"age", "sex", "zip3", "race", "ethnicity"}
    assert dict(rules.generalization) == {"age": ("band5", "band10", "band20"), "zip3": ("suppress",),
                                          "race": ("suppress",), "ethnicity": ("suppress",)}
    assert set(rules.sensitive_attributes) == {"prior_mi", "diabetes"} and rules.risk_table == "encounters"


def test_safe_harbor_columns_are_those_of_the_former_deid_report(rules):
    from clinical_pipelines.deid.report import safe_harbor_items

    assert {letter: set(columns) for letter, _label, columns, _types in safe_harbor_items(rules)} == \
        {letter: set(columns) for letter, columns in SAFE_HARBOR_1_3.items()}


def test_features_agree_with_the_model(mace):
    from clinical_pipelines.training import model

    features = mace.features()
    plain = [f.column for f in features if f.role == R.FEATURE or f.role == R.SENSITIVE_ATTRIBUTE]
    assert set(plain) == set(model.CLINICAL_FEATURES)
    derived = {f.name: f for f in features if f.column not in plain}
    assert set(derived) == {"age", "sex"}
    assert derived["age"].column == "birth_date" and derived["age"].type == "numeric"
    assert derived["sex"].type == "categorical"


def test_design_agrees_with_training_and_gate_policy(mace):
    from clinical_pipelines.validation.gates import load_gate_policy

    assert mace.evaluation.external_sites == ["lakeshore"]
    assert mace.event_time().column == "admit_date" and mace.evaluation.temporal.holdout == "last_year"
    from clinical_pipelines.validation.gates import gate_design

    assert "attributes" not in yaml.safe_load(Path(load_gate_policy().path).read_text(encoding="utf-8"))["subgroups"]
    assert gate_design().subgroups == ("sex", "site", "age_band"), "the gated attributes are the spec's subgroups"
    assert mace.outcome.source == "raters" and mace.labels.min_raters == 2 and mace.labels.allowed == ["0", "1"]
    assert mace.not_applicable() == {}


def test_intended_use_matches_the_policy_copy(mace):
    assert yaml.safe_load(mace.intended_use_path.read_text(encoding="utf-8")) == yaml.safe_load(
        (POLICIES / "intended_use.yaml").read_text(encoding="utf-8"))
