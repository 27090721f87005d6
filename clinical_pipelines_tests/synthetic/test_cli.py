"""CLI entry points write the expected files and print counts only."""

from __future__ import annotations

import csv
import io
import json

from clinical_pipelines.synthetic import cli


def test_generate_notes(tmp_path, capsys):
    inp, gold = tmp_path / "x.jsonl", tmp_path / "y.jsonl"
    assert cli.generate_notes_main(["--out-input", str(inp), "--out-gold", str(gold), "--n", "20", "--seed", "3"]) == 0
    rows = [json.loads(l) for l in inp.read_text().splitlines()]
    golds = [json.loads(l) for l in gold.read_text().splitlines()]
    assert len(rows) == len(golds) == 20
    for r, g in zip(rows, golds):
        assert r["id"] == g["id"] and g["spans"]
        assert all(0 <= s["start"] < s["end"] <= len(r["text"]) for s in g["spans"])
    out = capsys.readouterr().out
    assert "20 notes" in out
    assert not any(r["known_identifiers"]["name"][0] in out for r in rows)


def test_generate_cohort_via_dispatcher(tmp_path, capsys):
    assert cli.main(["generate-cohort", "--out", str(tmp_path / "land"), "--patients", "40", "--seed", "5",
                     "--gold-out", str(tmp_path / "gold.jsonl")]) == 0
    folders = sorted(p.name for p in (tmp_path / "land").iterdir())
    assert folders == sorted(f"{s}-2024-01-extract" for s in ("northgate", "riverside", "lakeshore"))
    names = []
    for folder in (tmp_path / "land").iterdir():
        assert sorted(p.name for p in folder.iterdir()) == sorted(["encounters.csv", "notes.jsonl", "labels.csv",
                                                                   "extract.json"])
        names += [r["patient_name"] for r in csv.DictReader(io.StringIO((folder / "encounters.csv").read_text()))]
    n_notes = sum(len((f / "notes.jsonl").read_text().splitlines()) for f in (tmp_path / "land").iterdir())
    assert len((tmp_path / "gold.jsonl").read_text().splitlines()) == n_notes
    out = capsys.readouterr().out
    assert "3 batches" in out and not any(n in out for n in names)
    assert cli.main(["nope"]) == 2
