"""`clinical-pipelines ingest check DIR`: the contract checks without services; exit 0 / 1, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clinical_pipelines.cli import main as cli_main
from clinical_pipelines.ingest.checks import file_sha256s
from clinical_pipelines_tests.ingest import batchkit as kit
from clinical_pipelines_tests.ingest.kinds import KINDS


def _write(root: Path, files: dict[str, bytes], batch_id: str = kit.BATCH_ID) -> Path:
    folder = root / batch_id
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def _run(capsys, *args) -> tuple[int, list[str]]:
    code = cli_main(["ingest", "check", *map(str, args)])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out.splitlines()


def test_valid_batch_folder_exits_0(tmp_path, capsys):
    folder = _write(tmp_path, kit.build())
    code, lines = _run(capsys, folder)
    assert code == 0 and lines == [f"OK {kit.BATCH_ID}: meets the extract contract"]


def test_landing_folder_checks_every_batch_and_prints_one_reason_per_line(tmp_path, capsys):
    _write(tmp_path, kit.build())
    _write(tmp_path, KINDS["non-iso-dates"].make(), batch_id="eastbay-2025-04-extract")
    (tmp_path / "_quarantine").mkdir()  # landing-zone bookkeeping folders are not batches
    code, lines = _run(capsys, tmp_path)
    assert code == 1
    assert f"OK {kit.BATCH_ID}: meets the extract contract" in lines
    bad = [line for line in lines if line.startswith("eastbay-2025-04-extract/")]
    assert "eastbay-2025-04-extract/encounters.csv, row 2, column admit_date: not an ISO 8601 date (YYYY-MM-DD)" in bad
    assert any("extract.json, field batch_id" in line for line in bad)  # folder name is the batch id
    assert not any(v in "\n".join(lines) for v in ("11/23/1962", "5 Apr 1931", *kit.SECRETS))


def test_json_output(tmp_path, capsys):
    folder = _write(tmp_path, KINDS["label-missing"].make())
    code = cli_main(["ingest", "check", str(folder), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report[0]["valid"] is False
    p = report[0]["problems"][0]
    assert (p["file"], p["row"], p["column"], p["count"], p["rows"]) == ("labels.csv", 3, "label", 1, [3])
    assert p["problem"].startswith("missing rating")


def test_a_reused_batch_id_is_recognised_from_the_landing_layout(tmp_path, capsys):
    folder = _write(tmp_path, kit.build())
    (tmp_path / "_manifests").mkdir()
    previous = file_sha256s(kit.with_encounter_value(0, "heart_rate", "91"))
    (tmp_path / "_manifests" / f"{kit.BATCH_ID}.json").write_text(json.dumps({"files": previous}))
    code, lines = _run(capsys, folder)
    assert code == 1 and lines == [f"{kit.BATCH_ID}/encounters.csv: batch id reused with different content: this "
                                   "file differs from the batch already received under this id (deliver changed "
                                   "data under a new batch id)"]


@pytest.mark.parametrize("kind_id", ["non-object-json-line", "not-what-extension-says", "truncated-in-quotes",
                                     "utf16-bom", "empty-file"])
def test_bad_batches_exit_1_with_reasons(tmp_path, capsys, kind_id):
    code, lines = _run(capsys, _write(tmp_path, KINDS[kind_id].make()))
    assert code == 1 and lines and all(line.startswith(f"{kit.BATCH_ID}/") for line in lines)


def test_unreadable_paths_exit_1_without_traceback(tmp_path, capsys):
    assert _run(capsys, tmp_path / "nope") == (1, [f"error: {tmp_path / 'nope'}: no such file or directory"])
    afile = tmp_path / "encounters.csv"
    afile.write_bytes(b"x")
    code, lines = _run(capsys, afile)
    assert code == 1 and "not a directory" in lines[0]
    empty = tmp_path / "empty"
    empty.mkdir()
    code, lines = _run(capsys, empty)
    assert code == 1 and "no batch folder of study mace found" in lines[0]
    folder = _write(tmp_path, kit.build())
    (folder / "notes.jsonl").unlink()
    (folder / "notes.jsonl").symlink_to(tmp_path / "gone.jsonl")  # a dangling link: not a readable file
    os.mkfifo(folder / "labels.csv.fifo")  # never opened: a FIFO would block a naive reader
    code, lines = _run(capsys, folder)
    assert code == 1
    assert f"{kit.BATCH_ID}/notes.jsonl is not a regular file (a folder inside a batch?)" in lines
    assert f"{kit.BATCH_ID}/labels.csv.fifo is not a regular file (a folder inside a batch?)" in lines


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_a_file_without_read_permission_is_a_reason(tmp_path, capsys):
    folder = _write(tmp_path, kit.build())
    (folder / "labels.csv").chmod(0)
    code, lines = _run(capsys, folder)
    assert code == 1 and f"{kit.BATCH_ID}/labels.csv cannot be read (permission denied)" in lines


def test_console_script_usage_and_errors_without_traceback(tmp_path):
    exe = Path(sys.executable).with_name("clinical-pipelines")
    for args, code in ((["ingest", "check", str(tmp_path / "missing")], 1), (["ingest"], 2),
                       (["ingest", "check"], 2), (["ingest", "check", str(_write(tmp_path, kit.build()))], 0)):
        res = subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=120, check=False)
        assert res.returncode == code, (args, res.returncode)
        assert "Traceback" not in res.stdout + res.stderr


def test_study_option_checks_batches_against_that_spec(tmp_path, capsys):
    from clinical_pipelines.study.builtin import builtin_study_path

    spec = tmp_path / "other" / "study.yaml"
    spec.parent.mkdir()
    spec.write_text(builtin_study_path("mace").read_text(encoding="utf-8").replace("labels.csv", "ratings.csv"),
                    encoding="utf-8")
    (spec.parent / "intended_use.yaml").write_bytes((builtin_study_path("mace").parent / "intended_use.yaml").read_bytes())
    files = kit.build(desc=kit.descriptor(files=["encounters.csv", "notes.jsonl", "ratings.csv", "extract.json"]))
    files["ratings.csv"] = files.pop("labels.csv")
    folder = _write(tmp_path / "landing", files)
    code, lines = _run(capsys, folder, "--study", spec)
    assert code == 0 and lines == [f"OK {kit.BATCH_ID}: meets the extract contract"]
    code, lines = _run(capsys, folder)  # the built-in study wants labels.csv
    assert code == 1 and any("labels.csv is missing from the batch" in line for line in lines)
    code, lines = _run(capsys, folder, "--study", tmp_path / "nowhere.yaml")
    assert code == 1 and lines and lines[0].startswith("error:")
