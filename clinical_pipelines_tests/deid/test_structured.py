import dataclasses

import pandas as pd
import pytest

from clinical_pipelines.deid.errors import PolicyError
from clinical_pipelines.deid.structured import deidentify_table, to_zip3
from clinical_pipelines.study.builtin import builtin_study_path
from clinical_pipelines.study.spec import load_study


def mace_with_shifted_dates(tmp_path):
    """The built-in study with its admission and discharge dates declared ``handling: shift``."""
    src = builtin_study_path("mace")
    text = src.read_text(encoding="utf-8")
    for col in ("admit_date", "discharge_date"):
        line = next(x for x in text.splitlines() if x.strip().startswith(f"{col}:"))
        text = text.replace(line, line.replace("handling: year_only", "handling: shift"))
    (tmp_path / "study.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "intended_use.yaml").write_bytes((src.parent / "intended_use.yaml").read_bytes())
    return load_study(tmp_path / "study.yaml")


def enc_frame():
    return pd.DataFrame({
        "mrn": ["M1", "M2", "M1"], "patient_name": ["Ann Lee", "Bo Ray", "Ann Lee"], "ssn": ["123-45-6789"] * 3,
        "birth_date": ["1930-05-01", "1960-01-01", "1930-05-01"], "street_address": ["1 Main St"] * 3,
        "city": ["X"] * 3, "county": ["Y"] * 3, "zip": ["03601", "90210", "2051"], "phone": ["555"] * 3,
        "fax": [""] * 3, "email": ["a@b.c"] * 3, "health_plan_id": ["H"] * 3, "account_number": ["A"] * 3,
        "drivers_license": ["D"] * 3, "vehicle_plate": ["V"] * 3, "device_serial": ["S"] * 3,
        "patient_portal_url": ["u"] * 3, "ip_address": ["1.2.3.4"] * 3, "state": ["NH"] * 3, "sex": ["F", "M", "F"],
        "race": ["r"] * 3, "ethnicity": ["e"] * 3, "research_consent": ["Y", "N", "Y"], "encounter_id": ["E1", "E2", "E3"],
        "site_id": ["s"] * 3, "admit_date": ["2024-03-02", "2024-01-10", "2024-06-01"],
        "discharge_date": ["2024-03-09", "2024-01-12", "2024-06-03"], "attending_clinician": ["Dr Z"] * 3,
        "facility_name": ["F"] * 3, "heart_rate": ["80"] * 3,
    })


def test_safe_harbor_rules(policy, key):
    df = enc_frame()
    r = deidentify_table(df, "encounters", policy=policy, key=key)
    out = r.frame
    for col in ("mrn", "patient_name", "ssn", "birth_date", "zip", "phone", "admit_date", "encounter_id", "city"):
        assert col not in out.columns
    assert out["patient_pid"][0] == out["patient_pid"][2] != out["patient_pid"][1]
    assert list(out["zip3"]) == ["000", "902", "020"]  # restricted 036 -> 000; lost leading zero restored
    assert out["age"][0] == "90+" and out["age"][1] == "64"
    assert "birth_year" not in out.columns  # with the admission year it would reveal the exact age
    assert list(out["admit_year"]) == [2024, 2024, 2024]
    assert r.counts["AGE_OVER_89"] == 2 and r.counts["ZIP3_RESTRICTED"] == 1
    assert set(r.linkage_rows["namespace"]) == {"patient", "encounter"}
    assert not any("M1" in str(v) for v in out.to_numpy().ravel())


def test_date_shift_mode_preserves_intervals(policy, key, tmp_path):
    df = enc_frame()
    study = mace_with_shifted_dates(tmp_path)
    pol = dataclasses.replace(policy, date_mode="shift")
    out = deidentify_table(df, "encounters", policy=pol, key=key, study=study).frame
    a = pd.to_datetime(out["admit_date_shifted"])
    d = pd.to_datetime(out["discharge_date_shifted"])
    assert list((d - a).dt.days) == [7, 2, 2]
    assert out["admit_date_shifted"][0] != "2024-03-02"
    # a column the study declares year_only stays a year under a shifting policy
    assert "admit_year" in deidentify_table(df, "encounters", policy=pol, key=key).frame.columns


def test_shifted_dates_need_a_policy_that_allows_them(policy, key, tmp_path):
    with pytest.raises(PolicyError, match="handling shift .* date_mode year_only"):
        deidentify_table(enc_frame(), "encounters", policy=policy, key=key, study=mace_with_shifted_dates(tmp_path))


def test_an_age_column_is_released_with_ages_over_89_top_coded(policy, key):
    from clinical_pipelines.study.builtin import load_builtin_study

    hd = load_builtin_study("heart-disease")
    df = pd.DataFrame({c: ["x"] * 3 for c in hd.tables["patients"].columns})
    df["id"], df["age"], df["sex"], df["dataset"] = ["1", "2", "3"], ["63", "95", ""], ["Male"] * 3, ["Cleveland"] * 3
    r = deidentify_table(df, "patients", policy=policy, key=key, study=hd)
    assert list(r.frame["age"].fillna("")) == ["63", "90+", ""] and "id" not in r.frame.columns
    assert r.counts["AGE_OVER_89"] == 1 and r.frame["patient_pid"].notna().all()


def test_zip3_restricted_list():
    z, n = to_zip3(pd.Series(["89012", "12345"]), frozenset({"890"}))
    assert list(z) == ["000", "123"] and n == 1
