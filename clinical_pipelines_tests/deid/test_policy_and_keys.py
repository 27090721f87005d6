import hashlib
from pathlib import Path

import pandas as pd
import pytest
import yaml

from clinical_pipelines.deid.errors import KeyMaterialError, PolicyError
from clinical_pipelines.deid.policy import DEFAULT_POLICY_PATH, load_deid_policy
from clinical_pipelines.deid.pseudonym import date_shift_days, load_pseudonym_key, pseudonymize
from clinical_pipelines.deid.study_rules import deid_rules
from clinical_pipelines.synthetic.cohort import ENCOUNTER_COLUMNS, LABEL_COLUMNS, NOTE_FIELDS


def test_policy_loads_with_hash_and_version(policy):
    assert policy.version
    assert policy.sha256 == hashlib.sha256(DEFAULT_POLICY_PATH.read_bytes()).hexdigest()
    assert {"036", "059", "063", "205", "369", "890"} <= policy.restricted_zip3  # union of 2000 and 2010 lists
    assert {"202", "204", "753", "772"} <= policy.restricted_zip3  # 2020 census: no resident population
    assert policy.zip3.census_year == 2020 and policy.zip3.table_sha256 in DEFAULT_POLICY_PATH.read_text()


def test_study_rules_cover_every_raw_column(policy):
    rules = deid_rules(policy)
    for table, cols in (("encounters", ENCOUNTER_COLUMNS), ("notes", NOTE_FIELDS), ("labels", LABEL_COLUMNS)):
        assert set(rules.rules_for(table, cols)) == set(cols)


def test_unknown_column_fails_closed(policy):
    with pytest.raises(PolicyError) as exc:
        deid_rules(policy).rules_for("encounters", ["mrn", "new_secret_column"])
    assert "new_secret_column" in str(exc.value) and "study spec" in str(exc.value)


@pytest.mark.parametrize("key, value", [("tables", {"encounters": {"ssn": {"action": "keep"}}}),
                                        ("risk.quasi_identifiers", ["age"]), ("risk.generalization", {"age": []})])
def test_policy_refuses_what_the_study_declares(tmp_path, key, value):
    data = yaml.safe_load(DEFAULT_POLICY_PATH.read_text())
    if "." in key:
        data["risk"][key.split(".")[1]] = value
    else:
        data[key] = value
    p = tmp_path / "p.yaml"
    p.write_text(yaml.safe_dump(data))
    with pytest.raises(PolicyError, match=f"'{key}' is no longer a policy key"):
        load_deid_policy(p)


def test_missing_policy_file(tmp_path):
    with pytest.raises(PolicyError, match="not found"):
        load_deid_policy(tmp_path / "nope.yaml")


def test_policy_rejects_an_unknown_date_mode(tmp_path):
    data = yaml.safe_load(DEFAULT_POLICY_PATH.read_text())
    data["date_mode"] = "maybe"
    p = tmp_path / "p.yaml"
    p.write_text(yaml.safe_dump(data))
    with pytest.raises(PolicyError, match="date_mode must be one of"):
        load_deid_policy(p)


def test_key_missing_and_short(monkeypatch, tmp_path):
    monkeypatch.delenv("CLINICAL_PIPELINES_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("CLINICAL_PIPELINES_PSEUDONYM_KEY_FILE", raising=False)
    with pytest.raises(KeyMaterialError, match="token_hex"):
        load_pseudonym_key()
    short = tmp_path / "k"
    short.write_text("abcd")
    with pytest.raises(KeyMaterialError, match="too short") as exc:
        load_pseudonym_key(str(short))
    assert "abcd" not in str(exc.value)
    good = tmp_path / "g"
    good.write_text("ab" * 32)
    assert load_pseudonym_key(str(good)) == bytes.fromhex("ab" * 32)
    monkeypatch.setenv("CLINICAL_PIPELINES_PSEUDONYM_KEY_FILE", str(good))
    assert load_pseudonym_key() == bytes.fromhex("ab" * 32)


def test_pseudonyms_stable_keyed_and_namespaced(key):
    a = pseudonymize("MRN123", key, "patient")
    assert a == pseudonymize(" mrn123 ", key, "patient")  # normalised, stable across batches
    assert a != pseudonymize("MRN123", key, "encounter")
    assert a != pseudonymize("MRN123", bytes(reversed(key)), "patient")
    assert "MRN123" not in a


def test_date_shift_per_patient_and_bounded(key):
    s = date_shift_days("MRN1", key, 365)
    assert s == date_shift_days("MRN1", key, 365) and -365 <= s <= -1
    assert len({date_shift_days(f"M{i}", key, 365) for i in range(50)}) > 10
