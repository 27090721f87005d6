"""`study check --data` guidance: a folder that holds no batch is one problem (not one per stray file),
repeated problems are capped in the printed report, undeclared columns say how to fix them."""

from __future__ import annotations

from clinical_pipelines.cli import main
from clinical_pipelines.study.check import check_study

from .helpers import base, visits_csv, write_spec


def test_a_folder_whose_subfolders_hold_no_declared_file_is_one_problem(tmp_path, capsys):
    spec = write_spec(tmp_path / "spec", base())
    data = tmp_path / "tmp"
    for i in range(40):
        (data / f"junk{i}").mkdir(parents=True)
        (data / f"junk{i}" / "a.txt").write_text("x", encoding="utf-8")
    report = check_study(spec, data)
    assert [p.problem for p in report.data_problems] == [
        "holds no batch: neither this folder nor any sub-folder of it holds a file the study declares (visits.csv); "
        "give a batch folder or a folder of batch folders"]
    assert main(["study", "check", str(spec), "--data", str(data)]) == 1
    assert capsys.readouterr().out.count("\n") < 20


def test_repeated_problems_are_capped_in_the_printed_report(tmp_path, capsys):
    spec = write_spec(tmp_path / "spec", base())
    data = tmp_path / "data"
    for i in range(15):
        (data / f"b{i}").mkdir(parents=True)
        (data / f"b{i}" / "visits.csv").write_text(visits_csv(40), encoding="utf-8")
        (data / f"b{i}" / "stray.txt").write_text("x", encoding="utf-8")
    report = check_study(spec, data)
    assert sum("is not a file the study spec declares" in p.problem for p in report.data_problems) == 15
    main(["study", "check", str(spec), "--data", str(data)])
    out = " ".join(capsys.readouterr().out.split())
    assert out.count("stray.txt is not a file the study spec declares") == 10
    assert "... and 5 more: is not a file the study spec declares" in out


def test_an_undeclared_column_says_where_to_declare_it(tmp_path):
    spec = write_spec(tmp_path / "spec", base())
    rows = visits_csv(40).splitlines()
    rows = [rows[0] + ",extra"] + [r + ",1" for r in rows[1:]]
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "visits.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = check_study(spec, tmp_path / "data")
    texts = [str(p) for p in report.data_problems]
    assert ("visits.csv, row 1, column extra: is not declared in the study spec (header column 11): every column "
            "needs a role; add it under tables.visits.columns with a role (e.g. `{role: drop}` to leave it out)") in texts
