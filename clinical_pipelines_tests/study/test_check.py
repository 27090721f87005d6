"""``study check``: the MACE spec passes on a generated batch; data problems are named by file, row and column
with counts (never values); exit codes 0 / 1 / 2; no traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from clinical_pipelines.cli import main
from clinical_pipelines.study.builtin import builtin_study_path
from clinical_pipelines.study.check import check_study

from .helpers import base, visits_csv, write_spec


@pytest.fixture(scope="module")
def cohort(tmp_path_factory) -> Path:
    from clinical_pipelines.synthetic.cohort import CohortSpec, generate_cohort

    out = tmp_path_factory.mktemp("cohort")
    for batch in generate_cohort(CohortSpec(n_patients=1200, seed=7)):  # every external site and subgroup large enough
        (out / batch.batch_id).mkdir()
        for name, data in batch.files.items():
            (out / batch.batch_id / name).write_bytes(data)
    return out


def run(capsys, *argv) -> tuple[int, str]:
    code = main(["study", *map(str, argv)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    text = captured.out + captured.err
    return code, text if text.lstrip().startswith("{") else " ".join(text.split())  # undo line wrapping


def test_mace_spec_passes_on_a_generated_cohort(cohort, capsys):
    code, out = run(capsys, "check", builtin_study_path("mace"), "--data", cohort)
    assert code == 0, out
    assert "spec is valid" in out and "result: OK" in out and "data: 3 batch(es)" in out
    assert "encounters direct_identifier" in out and "ssn(G)" in out and "labels rater rater_id" in out


def test_mace_spec_passes_on_one_batch_folder(cohort):
    batch = sorted(cohort.iterdir())[0]
    report = check_study(builtin_study_path("mace"), batch)
    # one site's batch is too small for the gates and holds only one site: both are reported, nothing else
    kinds = {p.problem.split(":")[0] for p in report.data_problems}
    assert report.batches == [batch.name] and report.rows["encounters"] > 0
    assert all(k.startswith(("too few rows", "every site is an external site", "external site", "subgroup"))
               for k in kinds), kinds


def _broken_batch(cohort: Path, tmp_path: Path) -> tuple[Path, dict]:
    data = tmp_path / "data"
    shutil.copytree(cohort, data)
    batch = sorted(data.iterdir())[1]
    enc = (batch / "encounters.csv").read_text(encoding="utf-8").splitlines()
    header, first, second = enc[0].split(","), enc[1].split(","), enc[2].split(",")
    secret = {"name": first[header.index("patient_name")], "admit": second[header.index("admit_date")]}
    second[header.index("admit_date")] = "03/04/2022"
    enc[2] = ",".join(second)
    enc.append(enc[1])  # duplicate encounter id
    enc[0] += ",favourite_colour"
    enc[1:] = [r + ",blue" for r in enc[1:]]
    (batch / "encounters.csv").write_text("\n".join(enc) + "\n", encoding="utf-8")
    labels = (batch / "labels.csv").read_text(encoding="utf-8").splitlines()
    labels[1] = labels[1].replace(",0,", ",2,").replace(",1,", ",2,")
    labels.append("NOPE123,rater_a,1,2023-01-01T00:00:00,tool")
    (batch / "labels.csv").write_text("\n".join(labels) + "\n", encoding="utf-8")
    (batch / "notes_old.jsonl").write_text("{}\n", encoding="utf-8")
    (sorted(data.iterdir())[2] / "notes.jsonl").unlink()
    return data, secret


def test_data_problems_are_named_and_counted(cohort, tmp_path, capsys):
    data, secret = _broken_batch(cohort, tmp_path)
    code, out = run(capsys, "check", builtin_study_path("mace"), "--data", data)
    assert code == 1 and "result: FAILED" in out
    b1, b2 = sorted(p.name for p in data.iterdir())[1:3]
    for expected in (
        f"{b1}/encounters.csv, row 1, column favourite_colour: is not declared in the study spec",
        f"{b1}/encounters.csv, row 3, column admit_date: not a date in the declared format %Y-%m-%d",
        "column encounter_id: duplicate primary key",
        f"{b1}/labels.csv, row 2, column label: outside the declared values {{0, 1}}",
        "column encounter_id: unknown encounter (not in the batch's encounter table)",
        f"{b1}/notes_old.jsonl is not a file the study spec declares",
        f"{b2}/notes.jsonl is missing",
    ):
        assert expected in out, expected
    assert secret["name"] not in out and secret["admit"] not in out and "03/04/2022" not in out


def test_generic_study_passes_and_reports_counts(tmp_path, capsys):
    spec = write_spec(tmp_path / "s", base())
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "visits.csv").write_text(visits_csv(480), encoding="utf-8")
    code, out = run(capsys, "check", spec, "--data", tmp_path / "d", "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"], report["data_problems"]
    assert report["rows"] == {"visits": 480} and report["outcome"]["units"] == 480
    assert report["outcome"]["events"] == 180 and report["event_years"] == [2021, 2022]
    assert report["sizes"]["external_sites"] == {"west": {"units": 160, "events": 60}}
    assert set(report["sizes"]["subgroups"]) == {"sex", "age_band", "site"}


def test_design_and_size_problems(tmp_path):
    spec = base()
    spec["evaluation"]["external_sites"] = ["north"]
    path = write_spec(tmp_path / "s", spec)
    (tmp_path / "d").mkdir()
    rows = visits_csv(30, first_year=2022).replace("/2023,", "/2022,").splitlines()
    rows[2] = rows[2].rsplit(",", 1)[0] + ",yes"  # an outcome value the definition cannot decide
    (tmp_path / "d" / "visits.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = check_study(path, tmp_path / "d")
    texts = [str(p) for p in report.data_problems]
    assert any("external site north (evaluation.external_sites) does not occur" in t for t in texts), texts
    assert any("too few rows for the validation gates: 29 units" in t for t in texts), texts
    assert any("column num: 1 value(s) are not numbers" in t for t in texts), texts
    assert any("a temporal holdout needs both" in t for t in texts), texts
    assert all(t.startswith((str(path), "visits.csv")) for t in texts), texts


def test_spec_problems_stop_before_the_data(tmp_path, capsys):
    spec = base()
    spec["tables"]["visits"]["columns"]["hr"]["role"] = "featur"
    path = write_spec(tmp_path, spec)
    code, out = run(capsys, "check", path, "--data", tmp_path)
    assert code == 1 and "tables.visits.columns.hr: unknown role 'featur'" in out
    assert "the data is checked once the spec is valid" in out


def test_usage_errors_exit_2(tmp_path, capsys):
    assert run(capsys, "check")[0] == 2
    code, out = run(capsys, "check", tmp_path / "none.yaml")
    assert code == 2 and "file not found" in out
    code, out = run(capsys, "check", write_spec(tmp_path, base()), "--data", tmp_path / "nowhere")
    assert code == 2 and "folder not found" in out
    assert run(capsys, "bogus")[0] == 2
    assert run(capsys, "check", write_spec(tmp_path, base()), "--colour")[0] == 2


def test_data_folder_without_batches(tmp_path):
    (tmp_path / "empty").mkdir()
    report = check_study(write_spec(tmp_path / "s", base()), tmp_path / "empty")
    assert not report.ok and "holds no batch" in str(report.data_problems[0])
