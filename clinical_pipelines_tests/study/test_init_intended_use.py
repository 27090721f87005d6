"""`study init` writes an intended-use skeleton next to the draft (never over an existing file) and gives a birth
date the age feature; `study check` refuses an intended-use file that still holds REVIEW placeholders."""

from __future__ import annotations

from pathlib import Path

import yaml

from clinical_pipelines.cli import main
from clinical_pipelines.study.builtin import builtin_study_path
from clinical_pipelines.study.check import check_study

from .helpers import base, write_spec

CSV = "pid,dob,admit_date,hr,died\n" + "".join(
    f"P{i},{1 + i % 27:02d}/0{1 + i % 9}/19{40 + i % 50},2021-0{1 + i % 9}-1{i % 9},{60 + i % 50},{i % 3 == 0:d}\n"
    for i in range(60))


def _keys(value, path=()) -> set:
    if isinstance(value, dict):
        return {p for k, v in value.items() for p in _keys(v, path + (k,))} | {path}
    if isinstance(value, list):
        return {p for v in value[:1] for p in _keys(v, path + ("[]",))} | {path}
    return {path}


def _init(tmp_path: Path, capsys) -> Path:
    data = tmp_path / "v.csv"
    data.write_text(CSV, encoding="utf-8")
    out = tmp_path / "study" / "study.yaml"
    assert main(["study", "init", str(data), "--out", str(out)]) == 0
    capsys.readouterr()
    return out


def test_init_writes_an_intended_use_skeleton_with_the_example_fields(tmp_path, capsys):
    out = _init(tmp_path, capsys)
    skeleton = yaml.safe_load((out.parent / "intended_use.yaml").read_text(encoding="utf-8"))
    example = yaml.safe_load((builtin_study_path("mace").parent / "intended_use.yaml").read_text(encoding="utf-8"))
    assert _keys(skeleton) == _keys(example)
    assert skeleton["intended_use"]["purpose"].startswith("REVIEW")


def test_init_never_overwrites_an_intended_use_file(tmp_path, capsys):
    (tmp_path / "study").mkdir()
    mine = tmp_path / "study" / "intended_use.yaml"
    mine.write_text("intended_use: {purpose: mine}\n", encoding="utf-8")
    _init(tmp_path, capsys)
    assert mine.read_text(encoding="utf-8") == "intended_use: {purpose: mine}\n"


def test_a_birth_date_gets_the_age_feature(tmp_path, capsys):
    out = _init(tmp_path, capsys)
    dob = yaml.safe_load(out.read_text(encoding="utf-8"))["tables"]["v"]["columns"]["dob"]
    assert dob["handling"] == "birth_date" and dob["feature"] == {"type": "numeric", "unit": "years"}
    line = next(x for x in out.read_text(encoding="utf-8").splitlines() if x.strip().startswith("dob:"))
    assert "# REVIEW" in line and "model feature" in line


def test_check_refuses_review_placeholders_in_the_intended_use_file(tmp_path):
    spec = write_spec(tmp_path, base())
    (tmp_path / "intended_use.yaml").write_text("intended_use:\n  purpose: x\n  outcome: 'REVIEW: outcome'\n",
                                                encoding="utf-8")
    report = check_study(spec)
    texts = [str(p) for p in report.spec_problems]
    assert len(texts) == 1 and "intended_use.yaml still holds 1 REVIEW placeholder(s)" in texts[0]
    assert "keys intended_use.outcome; the first at line 3" in texts[0]
    (tmp_path / "intended_use.yaml").write_text("intended_use:\n  purpose: [x\n", encoding="utf-8")
    texts = [str(p) for p in check_study(spec).spec_problems]
    assert len(texts) == 1 and "intended_use.yaml:3 is not valid YAML" in texts[0]
    (tmp_path / "intended_use.yaml").write_text("intended_use:\n  purpose: x\n", encoding="utf-8")
    assert check_study(spec).ok
