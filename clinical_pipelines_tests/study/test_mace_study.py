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


@pytest.fixture(scope="module")
def deid_policy() -> dict:
    return yaml.safe_load((POLICIES / "deid_policy.yaml").read_text(encoding="utf-8"))


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


def test_roles_agree_with_deid_policy_actions(deid_policy, mace):
    policy = {(t, c): rule for t, cols in deid_policy["tables"].items() for c, rule in cols.items()}
    spec = {(a.table, a.column): a for a in mace.deid_actions()}
    assert set(spec) == set(policy)
    for key, action in spec.items():
        assert action.action == policy[key]["action"], key
        if policy[key]["action"] == "pseudonymize" and policy[key]["namespace"] in ("patient", "encounter"):
            assert action.namespace == policy[key]["namespace"], key


def test_quasi_identifiers_and_ladders_agree_with_the_risk_policy(deid_policy, mace):
    risk = deid_policy["risk"]
    released = {q.attribute if q.release_step is None else q.release_step: q for q in mace.quasi_identifiers()}
    assert set(released) == set(risk["quasi_identifiers"])
    for name, q in released.items():
        assert list(q.k_ladder) == risk["generalization"].get(name, []), name
    assert {s.column for s in mace.sensitive_attributes()} == set(risk["sensitive_attributes"])


def test_safe_harbor_letters_agree_with_the_deid_report(mace):
    from clinical_pipelines.deid.report import SAFE_HARBOR_ITEMS

    spec = {letter: {r.column for r in refs} for letter, refs in mace.safe_harbor_columns().items()}
    for letter, _label, columns, _types in SAFE_HARBOR_ITEMS:
        assert set(columns) <= spec[letter], letter


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
    site = mace.columns_with_role(R.SITE)[0].column
    gated = [a if a != "site" else site for a in load_gate_policy().subgroup_attributes]
    assert mace.evaluation.subgroups == gated
    assert mace.outcome.source == "raters" and mace.labels.min_raters == 2 and mace.labels.allowed == ["0", "1"]
    assert mace.not_applicable() == {}


def test_intended_use_matches_the_policy_copy(mace):
    assert yaml.safe_load(mace.intended_use_path.read_text(encoding="utf-8")) == yaml.safe_load(
        (POLICIES / "intended_use.yaml").read_text(encoding="utf-8"))
