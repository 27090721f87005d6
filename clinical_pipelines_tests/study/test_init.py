"""``study init``: drafts a spec from files, flags every guess and likely identifier, never prints identifier
values, and the draft fails ``study check`` until a person has reviewed it."""

from __future__ import annotations

import json
import re

import yaml

from clinical_pipelines.cli import main

from .helpers import review

FIRST = ["Mary", "James", "Linda", "Robert", "Patricia", "Michael", "Barbara", "William", "Susan", "David"]
LAST = ["Johnson", "Smith", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson", "Moore"]
NOTE = "Patient seen in clinic today, reports chest pain on exertion for two weeks, no syncope."


def patients_csv(n: int = 120) -> tuple[str, list[str]]:
    """A clinic extract with identifiers under several kinds of names; returns (text, identifier values)."""
    header = ("mrn,Patient Name,DOB,Phone,contact,ref,gender,admission_date,hospital,heart_rate,diabetic,ward,"
              "comments,x_code,died")
    rows, secrets = [header], []
    for i in range(n):
        name = f"{FIRST[i % 10]} {LAST[(i * 3) % 10]}"
        phone = f"(608) 555-{1000 + i:04d}"
        email = f"person{i}@mail.example.org"
        ssn = f"{100 + i:03d}-{10 + i % 80:02d}-{1000 + i:04d}"
        dob = f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1940 + i % 50}"
        code = f"ZX{i * 7919 % 100000:05d}Q"
        secrets += [name, phone, email, ssn, dob, code]
        rows.append(f"M{i:05d},{name},{dob},{phone},{email},{ssn},{'FM'[i % 2]},{2021 + i % 2}-{1 + i % 12:02d}-"
                    f"{1 + i % 28:02d},{'AB'[i % 3 == 0]},{60 + i % 50},{i % 2},{'NSE'[i % 3]},\"{NOTE} {i}\","
                    f"{code},{int(i % 4 == 0)}")
    return "\n".join(rows) + "\n", secrets


def run(capsys, *argv) -> tuple[int, str]:
    code = main(["study", *map(str, argv)])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out + out.err


def column_lines(draft: str) -> dict[str, str]:
    lines = {}
    for line in draft.splitlines():
        m = re.match(r"^      ('[^']+'|[^:]+): (\{.*\})   # (REVIEW: .*)$", line)
        if m:
            lines[yaml.safe_load(m.group(1))] = line
    return lines


def roles(draft: str) -> dict[str, dict]:
    spec = yaml.safe_load(draft)
    return {c: v for t in spec["tables"].values() for c, v in t["columns"].items()}


def test_init_flags_identifiers_and_every_guess(tmp_path, capsys):
    text, secrets = patients_csv()
    data = tmp_path / "data"
    data.mkdir()
    (data / "clinic.csv").write_text(text, encoding="utf-8")
    out = tmp_path / "study" / "study.yaml"
    code, printed = run(capsys, "init", data / "clinic.csv", "--out", out, "--study-id", "clinic")
    assert code == 0, printed
    draft = out.read_text(encoding="utf-8")
    for value in secrets:
        assert value not in printed, "init printed an identifier value"
        assert value not in draft, "the draft holds an identifier value"
    header = text.splitlines()[0].split(",")
    lines = column_lines(draft)
    assert set(lines) == set(header), "every column gets one line with a REVIEW comment"
    r = roles(draft)
    assert r["mrn"] == {"role": "patient_id"}
    assert r["Patient Name"] == {"role": "direct_identifier", "safe_harbor": "A"}
    assert r["DOB"]["role"] == "date" and r["DOB"]["handling"] == "birth_date" and r["DOB"]["format"] == "%d/%m/%Y"
    assert r["Phone"]["safe_harbor"] == "D"
    assert r["contact"] == {"role": "direct_identifier", "safe_harbor": "F"} and "e-mail" not in lines["contact"]
    assert "email-like" in lines["contact"] and "ssn-like" in lines["ref"] and r["ref"]["safe_harbor"] == "G"
    assert r["x_code"] == {"role": "direct_identifier", "safe_harbor": "R"}
    assert r["admission_date"]["role"] == "event_time" and r["admission_date"]["format"] == "%Y-%m-%d"
    assert r["gender"]["role"] == "quasi_identifier" and r["gender"]["feature"]["categories"] == ["F", "M"]
    assert r["hospital"] == {"role": "site"} and r["comments"] == {"role": "free_text"}
    assert r["heart_rate"]["type"] == "numeric" and r["diabetic"] == {"role": "feature", "type": "binary"}
    assert r["ward"]["categories"] == ["E", "N", "S"] and r["died"] == {"role": "outcome"}
    assert "15 columns, 8 likely identifiers" in printed  # mrn, name, DOB, phone, e-mail, SSN, admission date, code
    spec = yaml.safe_load(draft)
    assert spec["draft"] is True and spec["outcome"]["definition"] == "died == 1"


def test_the_draft_fails_check_until_reviewed(tmp_path, capsys):
    text, _ = patients_csv(300)
    data = tmp_path / "data"
    data.mkdir()
    (data / "clinic.csv").write_text(text, encoding="utf-8")
    out = tmp_path / "study" / "study.yaml"
    assert run(capsys, "init", data, "--out", out)[0] == 0
    code, printed = run(capsys, "check", out, "--data", data)
    assert code == 1 and "draft: this spec is a draft" in " ".join(printed.split())
    assert "REVIEW placeholder" in printed and "intended_use" in printed
    review(out)  # the one review: title, owners, intended use, delete `draft: true`; nothing else left to fill in
    code, printed = run(capsys, "check", out, "--data", data, "--json")
    report = json.loads(printed)
    assert code == 0, report
    assert report["rows"] == {"clinic": 300} and report["outcome"]["events"] == 75
    # the drafted held-out site: the smallest one that meets the gate minimums
    assert report["sizes"]["external_sites"] == {"B": {"units": 100, "events": 25}}


def test_headerless_file_and_folder_of_files(tmp_path, capsys):
    text, secrets = patients_csv(40)
    data = tmp_path / "data"
    data.mkdir()
    (data / "visits.csv").write_text("\n".join(text.splitlines()[1:]) + "\n", encoding="utf-8")
    notes = [{"note_id": f"N{i}", "mrn": f"M{i:05d}", "text": f"{NOTE} {i}"} for i in range(30)]
    (data / "notes.jsonl").write_text("".join(json.dumps(n) + "\n" for n in notes), encoding="utf-8")
    (data / "readme.txt.bak").write_text("ignored", encoding="utf-8")
    out = tmp_path / "draft.yaml"
    code, printed = run(capsys, "init", data, "--out", out)
    assert code == 0, printed
    for value in secrets:
        assert value not in printed
    spec = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert set(spec["tables"]) == {"visits", "notes"}
    assert spec["tables"]["visits"]["header"] is False
    assert list(spec["tables"]["visits"]["columns"])[:2] == ["column_1", "column_2"]
    assert spec["tables"]["visits"]["columns"]["column_2"]["safe_harbor"] == "A"  # names found from content
    assert spec["tables"]["notes"]["columns"] == {"note_id": {"role": "record_id"}, "mrn": {"role": "patient_id"},
                                                  "text": {"role": "free_text"}}


def test_init_usage_and_refusals(tmp_path, capsys):
    assert run(capsys, "init", tmp_path / "nothing.csv")[0] == 2
    (tmp_path / "a.csv").write_text("x,y\n1,2\n", encoding="utf-8")
    (tmp_path / "taken.yaml").write_text("keep me", encoding="utf-8")
    code, printed = run(capsys, "init", tmp_path / "a.csv", "--out", tmp_path / "taken.yaml")
    assert code == 2 and "--force" in printed and (tmp_path / "taken.yaml").read_text() == "keep me"
    (tmp_path / "empty").mkdir()
    assert run(capsys, "init", tmp_path / "empty", "--out", tmp_path / "o.yaml")[0] == 1
    assert run(capsys, "init")[0] == 2
