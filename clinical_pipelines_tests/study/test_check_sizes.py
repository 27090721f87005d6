"""`study check` compares every external site and every subgroup with the validation gate minimums
(policies/validation_gates.yaml subgroups.min_n / min_events) and says, with the numbers, which gate will fail."""

from __future__ import annotations

from clinical_pipelines.cli import main
from clinical_pipelines.study.check import check_study
from clinical_pipelines.validation.gates import load_gate_policy

from .helpers import base, visits_csv, write_spec

POLICY = load_gate_policy()


def data_with(tmp_path, event, extra=None) -> tuple:
    """The BASE visits table (480 rows; west = every third row) with the outcome ``event(i)`` per row."""
    lines = visits_csv(480).splitlines()
    rows = [lines[0] + (",eth" if extra else "")]
    for i, line in enumerate(lines[1:]):
        rows.append(line.rsplit(",", 1)[0] + f",{event(i)}" + (f",{extra(i)}" if extra else ""))
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "visits.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return tmp_path / "d"


def usual(i: int) -> int:
    return int(i % 4 == 3 or i % 8 == 0)


def test_an_external_site_below_the_minimums_fails_with_the_numbers(tmp_path, capsys):
    west = [i for i in range(480) if i % 3 == 0]
    data = data_with(tmp_path, lambda i: (0 if i in west[:8] else 1) if i % 3 == 0 else usual(i))
    spec = write_spec(tmp_path / "s", base())
    report = check_study(spec, data)
    texts = [p.problem for p in report.data_problems]
    assert f"external site west: 8 non-events < min_events {POLICY.min_subgroup_events} -> " \
           f"discrimination_external_site will fail (160 units, 152 events, 8 non-events; minimums: " \
           "policies/validation_gates.yaml subgroups.min_n / min_events)" in texts, texts
    assert any(t.startswith("subgroup site: 1 of 2 group(s) reach") and "subgroup_performance cannot assess site"
               in t for t in texts), texts
    assert report.sizes["external_sites"] == {"west": {"units": 160, "events": 152}}
    assert any(n.startswith("subgroup site = west: 8 non-events") for n in report.notes), report.notes
    code = main(["study", "check", str(spec), "--data", str(data)])
    out = " ".join(capsys.readouterr().out.split())
    assert code == 1 and "external sites: west 160 units (152 events)" in out
    assert "subgroup sex: F 240" in out and "subgroup site: east 320" in out


def test_a_subgroup_with_one_evaluable_group_fails_and_small_groups_are_notes(tmp_path):
    spec = base()
    spec["tables"]["visits"]["columns"]["eth"] = {"role": "quasi_identifier", "generalization": ["suppress"]}
    spec["evaluation"]["subgroups"].append("eth")
    data = data_with(tmp_path, lambda i: int(i % 2 == 1 and i % 4 == 3), lambda i: ["alpha", "beta", "gamma"][
        0 if i % 10 else 1 + i % 20 // 10])
    report = check_study(write_spec(tmp_path / "s", spec), data)
    texts = [p.problem for p in report.data_problems]
    assert any(t.startswith("subgroup sex: 1 of 2 group(s)") for t in texts), texts  # no woman has an event
    # every attribute of evaluation.subgroups is gated (the spec is the one list): eth has one evaluable group
    assert any(t.startswith("subgroup eth: 1 of 3 group(s)") for t in texts), texts
    eth = report.sizes["subgroups"]["eth"]
    assert set(eth) == {"group 1", "group 2", "group 3"}, "undeclared values are never shown"
    assert {v["units"] for v in eth.values()} == {432, 24}
    shown = " ".join(report.notes + texts)
    assert "alpha" not in shown and "beta" not in shown and "gamma" not in shown
    assert any(n.startswith("subgroup eth = group 2: 24 units <") for n in report.notes), report.notes


def test_sizes_pass_when_every_site_and_subgroup_is_large_enough(tmp_path):
    report = check_study(write_spec(tmp_path / "s", base()), data_with(tmp_path, usual))
    assert report.ok, [str(p) for p in report.data_problems]
    assert report.sizes["subgroups"]["sex"] == {"F": {"units": 240, "events": 60}, "M": {"units": 240, "events": 120}}
    assert sum(v["units"] for v in report.sizes["subgroups"]["age_band"].values()) == 480
