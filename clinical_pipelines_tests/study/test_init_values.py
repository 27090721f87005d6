"""`study init` on the value conventions of ordinary public clinical CSVs: yes/no flags in every spelling are binary
(never person names), the patient key of record-level data, constant columns, ranges over the whole file, and
missing-value codes. Each on hand-built CSVs; assertions name columns and counts, never print a value."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from clinical_pipelines.cli import main
from clinical_pipelines.study import profile as P
from clinical_pipelines.study.draft import draft_spec
from clinical_pipelines.study.profile import profile_path

from .helpers import review

SURNAMES = ["Johnson", "Smith", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson", "Moore", "Taylor",
            "Anderson", "Thomas", "Jackson", "Martin", "Thompson", "Robinson", "Clark", "Lewis", "Walker", "Hall",
            "Allen", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson"]


def run(capsys, *argv) -> tuple[int, str]:
    code = main(["study", *map(str, argv)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out + captured.err


def write(tmp_path: Path, name: str, header: str, rows: list[str]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / f"{name}.csv").write_text("\n".join([header] + rows) + "\n", encoding="utf-8")
    return folder


def drafted(folder: Path) -> tuple[dict, dict[str, str]]:
    """(columns of the draft's only table, why of each guess)."""
    text, guesses = draft_spec(profile_path(folder))
    spec = yaml.safe_load(text)
    (table,) = spec["tables"].values()
    return table["columns"], {g.column: g.why for _, g in guesses}


def test_yes_no_columns_are_binary_in_every_spelling_and_never_names(tmp_path, capsys):
    header = "pid,sex,flag_tf,yn,YN,tf,zero_one,one_two,ynu,always_no,mixed_case,grade,ward,who,died"
    rows = []
    for i in range(240):
        rows.append(",".join([
            f"P{i:04d}", "FM"[i % 2], "FALSE" if i % 5 == 0 else "TRUE", ["no", "yes"][i % 3 == 0], "YN"[i % 2],
            "TF"[i % 4 == 0], str(i % 2), ["1", "2", "2", "9"][i % 4], ["Yes", "No", "Unknown"][i % 3], "No",
            ["Yes", "yes", "No"][i % 3], ["Low", "Medium", "High"][i % 3],
            ["Grant", "Will", "Hope", "Mercy", "Rose"][i % 5], SURNAMES[i % 30], str(int(i % 3 == 0))]))
    data = write(tmp_path, "flags", header, rows)
    out = tmp_path / "study.yaml"
    code, printed = run(capsys, "init", data, "--out", out)
    assert code == 0, printed
    draft = out.read_text(encoding="utf-8")
    for surname in SURNAMES:
        assert surname not in printed and surname not in draft, "a likely name was shown"
    cols = yaml.safe_load(draft)["tables"]["flags"]["columns"]
    binary = {c: v.get("categories") for c, v in cols.items() if v.get("type") == "binary"}
    assert binary == {"flag_tf": ["FALSE", "TRUE"], "yn": ["no", "yes"], "YN": ["N", "Y"], "tf": ["F", "T"],
                      "zero_one": None, "one_two": [2, 1], "ynu": ["No", "Yes"], "always_no": ["No", "Yes"]}
    assert cols["one_two"]["missing_values"] == [9] and cols["ynu"]["missing_values"] == ["Unknown"]
    assert cols["mixed_case"]["type"] == "categorical", "Yes and yes in one column: a person decides"
    assert cols["grade"]["categories"] == ["High", "Low", "Medium"]
    assert cols["ward"]["type"] == "categorical", "five repeated census words are categories, not names"
    assert cols["who"] == {"role": "direct_identifier", "safe_harbor": "A"}, "thirty surnames are names"
    assert cols["died"] == {"role": "outcome"} and cols["pid"] == {"role": "patient_id"}
    review(out)
    code, printed = run(capsys, "check", out, "--data", data, "--json")
    report = json.loads(printed)
    assert code == 0, [p["message"] for p in report["data_problems"]]
    assert report["missing"] == {"flags.one_two": 60, "flags.ynu": 80}, "unknown codes are read as missing, counted"


def test_patient_key_of_record_level_data(tmp_path):
    n = 120
    cases = {
        "unique_id": ("id,age,sex,outcome", [f"{i + 1},{40 + i % 40},{'FM'[i % 2]},{i % 2}" for i in range(n)]),
        "repeated_id": ("ID,visit_no,hr,outcome", [f"{i // 3},{i},{60 + i % 50},{i % 2}" for i in range(n)]),
        "named_patient": ("row_id,mrn,hr,outcome", [f"{i},M{i // 2:05d},{60 + i % 50},{i % 2}" for i in range(n)]),
        "two_generic_ids": ("row_id,study_no,hr,outcome",
                            [f"{i},{i // 4},{60 + i % 50},{i % 2}" for i in range(n)]),
        "type_codes": ("record_number,admission_type_id,hr,outcome",
                       [f"{1000 + i},{1 + i % 6},{60 + i % 50},{i % 2}" for i in range(n)]),
    }
    roles = {}
    for name, (header, rows) in cases.items():
        cols, why = drafted(write(tmp_path, name, header, rows))
        roles[name] = {c: v["role"] for c, v in cols.items() if c not in ("hr", "age", "sex", "outcome")}
        if name == "unique_id":
            assert "record-level data set, each row one patient" in why["id"]
        if name == "repeated_id":
            assert "a patient with several records" in why["ID"]
    assert roles == {
        "unique_id": {"id": "patient_id"},
        "repeated_id": {"ID": "patient_id", "visit_no": "encounter_id"},
        "named_patient": {"row_id": "record_id", "mrn": "patient_id"},
        "two_generic_ids": {"row_id": "record_id", "study_no": "patient_id"},
        "type_codes": {"record_number": "patient_id", "admission_type_id": "feature"},
    }


def test_a_file_without_any_id_column_is_told_to_add_one(tmp_path):
    folder = write(tmp_path, "noid", "glucose,bmi,age,outcome", [f"{80 + i},{20 + i % 15},{30 + i % 40},{i % 2}"
                                                                 for i in range(60)])
    text, guesses = draft_spec(profile_path(folder))
    assert not any(g.role == "patient_id" for _, g in guesses)
    assert "tables:" in text and "no column can be the patient identifier" in text.split("tables:")[1].splitlines()[0]


def test_constant_columns_never_get_an_invalid_range(tmp_path, capsys):
    rows = [f"{i},{'FM'[i % 2]},5,0,{60 + i % 50},{int(i % 3 == 0)}" for i in range(200)]
    data = write(tmp_path, "const", "id,sex,version,flag,hr,died", rows)
    out = tmp_path / "study.yaml"
    assert run(capsys, "init", data, "--out", out)[0] == 0
    lines = {line.split(":")[0].strip(): line for line in out.read_text(encoding="utf-8").splitlines()}
    cols = yaml.safe_load(out.read_text(encoding="utf-8"))["tables"]["const"]["columns"]
    assert cols["version"] == {"role": "feature", "type": "numeric"}, "no range: [5, 5]"
    assert "is the same: no range drafted" in lines["version"] and "consider role drop" in lines["version"]
    assert cols["flag"] == {"role": "feature", "type": "binary"} and "only one of the two values" in lines["flag"]
    review(out)
    code, printed = run(capsys, "check", out, "--data", data)
    assert code == 0, printed


def test_ranges_come_from_the_whole_file_when_it_is_small(tmp_path, monkeypatch):
    rows = [f"{i},{60 + i % 50 + (100 if i == 400 else 0)},{i % 2}" for i in range(500)]
    data = write(tmp_path, "big", "id,hr,outcome", rows)
    monkeypatch.setattr(P, "SAMPLE_ROWS", 50)
    cols, why = drafted(data)
    assert cols["hr"]["range"] == [60, 160] and "over the whole file" in why["hr"]
    monkeypatch.setattr(P, "FULL_SCAN_BYTES", 0)
    cols, why = drafted(data)
    assert cols["hr"]["range"] == [60, 109] and "over a sample of 50 values" in why["hr"]


def test_missing_value_codes_and_sentinels_are_suggested(tmp_path, capsys):
    rows = []
    for i in range(300):
        rows.append(",".join([
            str(i), "FM"[i % 2], ["?", "NA", "."][i % 3] if i % 10 == 0 else f"{4 + i % 7}.{i % 10}",
            "-1" if i % 25 == 0 else str(60 + i % 60), "999" if i % 30 == 0 else str(50 + i % 70),
            "0" if i % 8 == 0 else str(120 + i % 200), str(i % 11), "-1" if i % 40 == 0 else str(i % 7 - 3),
            str(int(i % 3 == 0))]))
    data = write(tmp_path, "codes", "id,sex,lab,hr,weight,chol,score,delta,died", rows)
    out = tmp_path / "study.yaml"
    code, printed = run(capsys, "init", data, "--out", out)
    assert code == 0, printed
    table = yaml.safe_load(out.read_text(encoding="utf-8"))["tables"]["codes"]
    cols = table["columns"]
    assert table["missing_values"][0] == "" and set(table["missing_values"]) == {"", "?", "NA", "."}
    assert cols["lab"]["type"] == "numeric" and cols["lab"]["range"] == [4.1, 10.9]
    assert cols["hr"]["missing_values"] == [-1] and cols["hr"]["range"] == [60, 119]
    assert cols["weight"]["missing_values"] == [999] and cols["weight"]["range"] == [50, 119]
    assert cols["chol"]["missing_values"] == [0] and cols["chol"]["range"][0] >= 120
    assert "missing_values" not in cols["score"], "zeros among small counts are values"
    assert "missing_values" not in cols["delta"], "-1 among other negatives is a value"
    review(out)
    code, printed = run(capsys, "check", out, "--data", data, "--json")
    report = json.loads(printed)
    assert code == 0, [p["message"] for p in report["data_problems"]]
    assert report["missing"] == {"codes.lab": 30, "codes.hr": 12, "codes.weight": 10, "codes.chol": 38}
