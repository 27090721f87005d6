import json

import pandas as pd

from clinical_pipelines.deid.cli import deid_risk_main, deid_text_main


def test_deid_text_cli(tmp_path, engine, capsys):
    inp = tmp_path / "in.jsonl"
    inp.write_text(json.dumps({"id": "n1", "text": "Seen by Dr. Quimby on 03/04/2024.",
                               "known_identifiers": {"name": ["Ann Lee"]}}) + "\n")
    out = tmp_path / "out.jsonl"
    assert deid_text_main([str(inp), str(out), "--quiet"]) == 0
    rec = json.loads(out.read_text())
    assert rec["id"] == "n1" and "Quimby" not in rec["text"]
    assert {s["type"] for s in rec["phi_spans"]} == {"NAME", "DATE"}
    s = rec["phi_spans"][0]
    assert "Seen by Dr. Quimby on 03/04/2024."[s["start"]:s["end"]] == "Quimby"


def test_deid_risk_cli(tmp_path, capsys):
    p = tmp_path / "t.csv"
    pd.DataFrame({"a": ["x"] * 6 + ["y"], "b": ["1"] * 7, "s": list("ababab") + ["a"]}).to_csv(p, index=False)
    assert deid_risk_main([str(p), "--quasi-identifiers", "a", "b", "--sensitive", "s", "--k", "2"]) == 1
    out = capsys.readouterr().out
    assert "k-anonymity             1" in out and "distinct-l" in out
