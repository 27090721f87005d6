"""A new user's flow, end to end without editing code: `study init` on a CSV, ONE review of the draft (title,
owners, intended use, the outcome; delete `draft: true`), then `study check` passes.

On the UCI Heart Disease CSV as the pinned package ships it (and as UCI writes it, with `?` for missing), and on
a hand-built multi-site diabetes-readmission extract with other names and codings. Output shows counts, names of
columns and sites, never a record.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import yaml

from clinical_pipelines.cli import main
from clinical_pipelines.study import builtin_data as B

from .helpers import review

HOSPITALS = {"Mercy General": 700, "Grant Memorial": 420, "Lakeside": 260, "Hope Valley": 120}


def run(capsys, *argv) -> tuple[int, str]:
    code = main(["study", *map(str, argv)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out + captured.err


def init_review_check(capsys, tmp_path: Path, data: Path, edit=None) -> tuple[dict, dict, dict]:
    """(draft, reviewed spec, check report) of the whole flow; the check must pass."""
    out = tmp_path / "study" / "study.yaml"
    code, printed = run(capsys, "init", data, "--out", out, "--study-id", "new-study")
    assert code == 0, printed
    draft = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert run(capsys, "check", out, "--data", data)[0] == 1, "a draft never passes"
    spec = review(out, edit=edit)
    code, printed = run(capsys, "check", out, "--data", data, "--json")
    report = json.loads(printed)
    assert code == 0, [p["message"] for p in report["spec_problems"] + report["data_problems"]]
    return draft, spec, report


@pytest.mark.parametrize("variant", ["as packaged", "with UCI's ? for missing"])
def test_heart_disease_csv_from_init_to_a_passing_check(tmp_path, capsys, variant):
    text = B.HEART_DISEASE_SOURCE.locate().read_text(encoding="utf-8")
    if variant != "as packaged":
        lines = text.splitlines()
        text = "\n".join([lines[0]] + [",".join(c if c else "?" for c in row.split(",")) for row in lines[1:]]) + "\n"
    data = tmp_path / "data"
    data.mkdir()
    (data / "heart_disease_uci.csv").write_text(text, encoding="utf-8")

    def set_outcome(spec):  # the reviewer names the outcome; the drafted definition num > 0 is UCI's
        spec["outcome"]["name"] = "coronary_disease"

    draft, spec, report = init_review_check(capsys, tmp_path, data, set_outcome)
    cols = spec["tables"]["heart_disease_uci"]["columns"]
    assert cols["id"] == {"role": "patient_id"}, "record-level data: the row id is the patient"
    assert cols["age"]["age"] is True and cols["age"]["feature"]["type"] == "numeric"
    assert cols["fbs"] == cols["exang"] == {"role": "feature", "type": "binary", "categories": ["FALSE", "TRUE"]}
    assert cols["chol"]["missing_values"] == [0] and cols["trestbps"]["missing_values"] == [0]
    assert cols["dataset"] == {"role": "site"} and cols["num"] == {"role": "outcome"}
    assert spec["outcome"]["definition"] == "num > 0"
    assert spec["evaluation"]["external_sites"] == ["VA Long Beach"]  # Switzerland: 8 non-events, too few
    assert spec["evaluation"]["subgroups"] == ["sex", "age_band", "dataset"]
    table = spec["tables"]["heart_disease_uci"]
    assert table.get("missing_values", [""]) == (["", "?"] if variant != "as packaged" else [""])
    assert report["outcome"] == {"units": 920, "events": 509, "unknown": 0}
    assert report["missing"]["heart_disease_uci.chol"] == 202  # 172 zeros (not measured) + 30 empty
    assert report["sizes"]["external_sites"] == {"VA Long Beach": {"units": 200, "events": 149}}
    assert set(report["sizes"]["subgroups"]["age_band"]) == {"<50", "50-64", "65-79"}


def diabetes_csv(n: int = 1500, seed: int = 11) -> str:
    """A diabetes readmission-like extract: encounters of repeat patients at four hospitals, 2015-2019, with the
    codings public extracts use (Yes/No, Y/N, T/F, 1/2 with 9 = unknown, '?' and 'NA' for missing, -999 for a
    glucose not measured, top-coded ages '90+', a medication column that is always 'No')."""
    rnd = random.Random(seed)
    header = ("encounter_id,patient_nbr,hospital,admission_year,age,gender,race,hba1c,glucose_serum,"
              "num_medications,time_in_hospital,insulin,diabetesMed,on_dialysis,smoker,examide,readmitted")
    rows = [header]
    sites = [h for h, k in HOSPITALS.items() for _ in range(k)]
    rnd.shuffle(sites)
    patients = [f"{rnd.randrange(10**7, 10**8)}" for _ in range(n * 2 // 3)]
    for i in range(n):
        age = rnd.randint(18, 99)
        insulin = rnd.random() < 0.4
        meds = rnd.randint(1, 40)
        risk = 0.15 + 0.2 * insulin + 0.01 * (meds > 20) + 0.1 * (age > 70)
        readmitted = rnd.random() < risk
        rows.append(",".join([
            str(100000 + i * 7), patients[i % len(patients)], sites[i % len(sites)], str(2015 + i % 5),
            "90+" if age >= 90 and i % 2 else str(age), rnd.choice(["Female", "Male"]),
            rnd.choice(["Caucasian", "AfricanAmerican", "Hispanic", "Asian", "Other", "?"]),
            "NA" if rnd.random() < 0.2 else f"{rnd.uniform(5, 12):.1f}",
            "-999" if rnd.random() < 0.1 else str(rnd.randint(60, 400)),
            str(meds), str(rnd.randint(1, 14)), "Yes" if insulin else "No", rnd.choice("YN"), rnd.choice("TF"),
            rnd.choice(["1", "2", "2", "9"]), "No", "YES" if readmitted else "NO"]))
    return "\n".join(rows) + "\n"


def test_diabetes_extract_from_init_to_a_passing_check(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "diabetic_encounters.csv").write_text(diabetes_csv(), encoding="utf-8")

    def set_outcome(spec):
        spec["outcome"]["name"] = "readmitted_any"
        spec["outcome"]["description"] = "readmission after discharge, as recorded by the hospital"

    draft, spec, report = init_review_check(capsys, tmp_path, data, set_outcome)
    table = spec["tables"]["diabetic_encounters"]
    cols = table["columns"]
    assert cols["encounter_id"] == {"role": "encounter_id"} and cols["patient_nbr"] == {"role": "patient_id"}
    assert cols["hospital"] == {"role": "site"}
    assert cols["admission_year"] == {"role": "event_time", "handling": "year_only", "format": "%Y"}
    assert cols["age"]["age"] is True and cols["age"]["generalization"] == ["band5", "band10", "band20"]
    assert cols["insulin"]["categories"] == ["No", "Yes"] and cols["diabetesMed"]["categories"] == ["N", "Y"]
    assert cols["on_dialysis"]["categories"] == ["F", "T"]
    assert cols["smoker"] == {"role": "feature", "type": "binary", "categories": [2, 1], "missing_values": [9]}
    assert cols["examide"] == {"role": "feature", "type": "binary", "categories": ["No", "Yes"]}  # constant 'No'
    assert cols["glucose_serum"]["missing_values"] == [-999] and cols["glucose_serum"]["range"][0] >= 60
    assert table["missing_values"][0] == "" and set(table["missing_values"][1:]) == {"?", "NA"}
    assert spec["outcome"]["definition"] == "readmitted == 'YES'"
    assert spec["evaluation"]["temporal"] == {"column": "admission_year", "holdout": "last_year"}
    assert spec["evaluation"]["external_sites"] == ["Hope Valley"]  # the smallest hospital meeting the gate minimums
    assert spec["evaluation"]["subgroups"] == ["gender", "race", "age_band", "hospital"]
    assert report["outcome"]["units"] == 1500 and report["event_years"] == [2015, 2019]
    assert report["missing"]["diabetic_encounters.smoker"] > 0 and report["missing"]["diabetic_encounters.hba1c"] > 0
    assert set(report["sizes"]["subgroups"]["age_band"]) == {"<50", "50-64", "65-79", "80+"}
    assert report["sizes"]["subgroups"]["race"].keys() == {"group 1", "group 2", "group 3", "group 4", "group 5",
                                                           "missing"}, "undeclared values are not shown"
