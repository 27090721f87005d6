"""`ingest check` guidance: which study was used, `--study` when the files belong to another study, a folder
that holds no batch, repeated problems capped, and a closed output pipe ending quietly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from clinical_pipelines.cli import main as cli_main
from clinical_pipelines.ingest.problems import MAX_SAME_KIND, Problem, capped_lines
from clinical_pipelines_tests.ingest import batchkit as kit


def _run(capsys, *args) -> tuple[int, list[str]]:
    code = cli_main(["ingest", "check", *map(str, args)])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out.splitlines()


def test_a_folder_of_another_studys_files_names_the_default_study_and_suggests_study(tmp_path, capsys):
    (tmp_path / "patients.csv").write_text("id,age\n1,2\n", encoding="utf-8")
    code, lines = _run(capsys, tmp_path)
    assert code == 1 and "no batch folder of study mace found" in lines[0]
    assert lines[1].startswith("hint: checked against the built-in study mace (the default); 1 file(s) here")
    assert "--study STUDY.yaml" in lines[1]


def test_no_hint_when_the_study_was_given_or_the_folder_is_empty(tmp_path, capsys):
    from clinical_pipelines.study.builtin import builtin_study_path

    empty = tmp_path / "empty"
    empty.mkdir()
    code, lines = _run(capsys, empty)
    assert code == 1 and len(lines) == 1
    (empty / "patients.csv").write_text("id\n1\n", encoding="utf-8")
    code, lines = _run(capsys, empty, "--study", builtin_study_path("mace"))
    assert code == 1 and len(lines) == 1 and "study mace" in lines[0]


def test_a_folder_whose_subfolders_hold_no_batch_is_one_message(tmp_path, capsys):
    for i in range(30):  # like /tmp: many folders of unrelated files
        (tmp_path / f"junk{i}").mkdir()
        (tmp_path / f"junk{i}" / "x.txt").write_text("x", encoding="utf-8")
    code, lines = _run(capsys, tmp_path)
    assert code == 1 and len(lines) == 2 and lines[0].startswith("error:") and "30 file(s) here" in lines[1]


def test_a_batch_with_extra_files_gets_the_hint_after_its_problems(tmp_path, capsys):
    folder = tmp_path / kit.BATCH_ID
    folder.mkdir()
    for name, data in kit.build().items():
        (folder / name).write_bytes(data)
    (folder / "patients.csv").write_text("id\n1\n", encoding="utf-8")
    code, lines = _run(capsys, folder)
    assert code == 1 and lines[-1].startswith("hint: checked against the built-in study mace")
    assert any("patients.csv is not a file the study spec declares" in line for line in lines)


def test_repeated_problems_of_one_kind_are_capped():
    problems = [Problem(file=f"f{i}.csv", problem="is not a file the study spec declares") for i in range(25)]
    problems.insert(3, Problem(file="a.csv", problem="other"))
    lines = capped_lines(problems)
    assert len(lines) == MAX_SAME_KIND + 2
    assert lines[MAX_SAME_KIND + 1] == f"... and {25 - MAX_SAME_KIND} more: is not a file the study spec declares"
    assert "a.csv: other" in lines


def test_problems_come_in_ascending_row_order():
    from clinical_pipelines.ingest.problems import ProblemLog

    log = ProblemLog()
    log.add("t.csv", "b", row=9)
    log.add("t.csv", "a", row=2)
    log.add("t.csv", "a", row=1)
    log.add("t.csv", "whole file")
    assert [(p.problem, p.row) for p in log.problems()] == [("whole file", None), ("a", 1), ("b", 9)]


def test_a_closed_output_pipe_ends_quietly(tmp_path):
    folder = tmp_path / kit.BATCH_ID
    folder.mkdir()
    for name, data in kit.build().items():
        (folder / name).write_bytes(data)
    (folder / "encounters.csv").write_bytes(b"x\n")
    proc = subprocess.Popen([sys.executable, "-m", "clinical_pipelines.cli", "ingest", "check", str(folder), "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before anything is written (as `| head -0`)
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipeError" not in err and err == ""
    assert code == 1
