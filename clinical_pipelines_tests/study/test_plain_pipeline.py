"""Every domain step of the graph on studies unlike the built-in cohort, without Dagster or services.

- heart-disease (UCI, built in): one table, no dates, no notes, outcome from a column, four sites;
- a one-site study the test makes from the Cleveland rows: no dates, one site, outcome column, no descriptor;
  the same study cut to 90 rows has too few units for the gates' minimum n;
- fhir-template: a synthetic FHIR Bulk Data export imported into its tables (notes, dates, no external site).

Gates a study cannot evaluate are "not applicable: <reason from its spec>" in the gate results, the gate
decisions and the evidence checklist; gates with too few rows fail with n and the minimum; the documents
describe each study from its spec and data. Assertions use counts, names and reasons, never a record.
"""

from __future__ import annotations

import csv
import io
import re
import shutil

import pandas as pd
import pytest
import yaml

from clinical_pipelines.labels.outcome import LABEL_AGREEMENT_GATE
from clinical_pipelines.study import builtin_data as B
from clinical_pipelines.study.builtin import load_builtin_study
from clinical_pipelines.study.spec import load_study
from clinical_pipelines.training import split as splitting
from clinical_pipelines.validation.gates import (
    ALL_GATES, GATE_DISCRIMINATION_EXTERNAL, GATE_DISCRIMINATION_EXTERNAL_SITE, GATE_DISCRIMINATION_INTERNAL,
    GATE_DISCRIMINATION_TEMPORAL, NOT_APPLICABLE, load_gate_policy,
)
from clinical_pipelines_tests.study.plain_pipeline import decisions, gate_rows, one_site_spec, run_study

EVERY_GATE = (LABEL_AGREEMENT_GATE, *ALL_GATES)
INTENDED_USE = {
    "intended_use": {"purpose": "Test the pipeline on a one-site extract.", "intended_users": "Testers",
                     "setting": "Test", "population": "Adults referred for angiography",
                     "output_meaning": "A probability.", "out_of_scope": ["Patient care"]},
    "human_ai_team": {"decision_maker": "none"}, "limitations": ["A test study."], "how_to_use": ["Do not."],
    "contact": "The test.", "modifications": [],
}
TINY_COLUMNS = ("id", "age", "sex", "dataset", "cp", "thalch", "oldpeak", "exang", "num")


@pytest.fixture(scope="module")
def hd_folders(tmp_path_factory):
    out = tmp_path_factory.mktemp("heart-disease-batches")
    return [b.folder for b in B.write_heart_disease(out)]


def make_one_site(tmp_path_factory, hd_folders, study_id: str, title: str, rows: int | None):
    """A study folder with its spec and one batch of the Cleveland rows (``rows`` first rows; all when None)."""
    root = tmp_path_factory.mktemp(study_id)
    (root / "study").mkdir()
    (root / "study" / "study.yaml").write_text(yaml.safe_dump(one_site_spec(study_id, title), sort_keys=False))
    (root / "study" / "intended_use.yaml").write_text(yaml.safe_dump(INTENDED_USE, sort_keys=False))
    source = next(f for f in hd_folders if f.name.startswith("cleveland"))
    reader = csv.DictReader(io.StringIO((source / "heart_disease_uci.csv").read_text(encoding="utf-8")))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["hospital" if c == "dataset" else c for c in TINY_COLUMNS])
    for i, row in enumerate(reader):
        if rows is not None and i >= rows:
            break
        writer.writerow([row[c] for c in TINY_COLUMNS])
    batch = root / "batches" / "cleveland-1"
    batch.mkdir(parents=True)
    (batch / "patients.csv").write_text(out.getvalue(), encoding="utf-8")
    return load_study(root / "study" / "study.yaml"), [batch]


@pytest.fixture(scope="module")
def hd_run(hd_folders, tmp_path_factory):
    return run_study(load_builtin_study("heart-disease"), hd_folders, tmp_path_factory.mktemp("hd-run"))


@pytest.fixture(scope="module")
def one_site_run(hd_folders, tmp_path_factory):
    study, folders = make_one_site(tmp_path_factory, hd_folders, "one-site", "Severe disease at one hospital", None)
    return run_study(study, folders, tmp_path_factory.mktemp("one-site-run"))


def checklist(run) -> str:
    return (run.bundle / "checklist.md").read_text(encoding="utf-8")


def test_heart_disease_runs_every_domain_step(hd_run):
    study = hd_run.study
    assert all(c.passed for checks in hd_run.snapshot_checks.values() for c in checks), \
        {b: [c.name for c in cs if not c.passed] for b, cs in hd_run.snapshot_checks.items()}
    assert set(hd_run.tables) == {"patients"} and len(hd_run.tables["patients"]) == 920
    assert hd_run.labels.source == "column" and hd_run.labels.summary["n_labels"] == 920
    counts = hd_run.dataset[splitting.SPLIT_COL].value_counts().to_dict()
    assert splitting.TEMPORAL_TEST not in counts and counts[splitting.EXTERNAL_TEST] == 200  # VA Long Beach
    assert hd_run.split_problems == []
    gates = {g.name: g for g in hd_run.gates}
    assert list(gates) == list(ALL_GATES)
    temporal = gates[GATE_DISCRIMINATION_TEMPORAL]
    assert temporal.status == NOT_APPLICABLE and temporal.reason == study.not_applicable()["evaluation.temporal"]
    assert all(g.status in ("pass", "fail") for n, g in gates.items() if n != GATE_DISCRIMINATION_TEMPORAL)
    assert hd_run.labels.gate.status == NOT_APPLICABLE and hd_run.labels.gate.reason == study.labels.not_applicable
    assert hd_run.drift["decision"]["not_applicable"] and "no dates" in hd_run.drift["decision"]["reason"]


def test_not_applicable_gates_are_declared_in_the_bundle_with_the_spec_reasons(hd_run, one_site_run):
    for run in (hd_run, one_site_run):
        rows, recorded = gate_rows(checklist(run)), decisions(run)
        assert set(rows) == set(recorded) == set(EVERY_GATE), "no gate disappears"
        for part, reason in run.study.not_applicable().items():
            assert reason in checklist(run), part
        for name, g in recorded.items():
            shown = {"pass": "PASS", "fail": "FAIL", "not_applicable": "NOT APPLICABLE"}[g["status"]]
            assert f"| {shown} |" in rows[name], name
            if g["status"] == NOT_APPLICABLE:
                assert g["reason"] in rows[name] and g["passed"]
    one = decisions(one_site_run)
    assert {n for n, g in one.items() if g["status"] == NOT_APPLICABLE} == {
        LABEL_AGREEMENT_GATE, GATE_DISCRIMINATION_TEMPORAL, GATE_DISCRIMINATION_EXTERNAL,
        GATE_DISCRIMINATION_EXTERNAL_SITE}
    assert one[GATE_DISCRIMINATION_EXTERNAL]["reason"] == "one site only"
    assert one[GATE_DISCRIMINATION_TEMPORAL]["reason"] == "no dates in the extract"
    assert set(one_site_run.dataset[splitting.SPLIT_COL]) == {splitting.TRAIN, splitting.INTERNAL_TEST}
    report = one_site_run.files["validation_report.md"].decode()
    assert "not applicable: one site only" in report and "not applicable: no dates in the extract" in report


def test_too_few_rows_fail_the_gates_with_the_numbers(hd_folders, tmp_path_factory):
    study, folders = make_one_site(tmp_path_factory, hd_folders, "one-site-small", "Ninety patients", 90)
    run = run_study(study, folders, tmp_path_factory.mktemp("small-run"))
    policy = load_gate_policy()
    internal = {g.name: g for g in run.gates}[GATE_DISCRIMINATION_INTERNAL]
    n = int((run.dataset[splitting.SPLIT_COL] == splitting.INTERNAL_TEST).sum())
    assert n < policy.min_subgroup_n
    assert internal.status == "fail" and (internal.n, internal.min_n) == (n, policy.min_subgroup_n)
    assert f"n = {n} (" in internal.message and f"at least n = {policy.min_subgroup_n}" in internal.message
    row = gate_rows(checklist(run))[GATE_DISCRIMINATION_INTERNAL]
    assert "| FAIL |" in row and f"n = {n} (" in row
    assert "FAIL" in run.files["model_card.md"].decode()


def test_documents_describe_each_study_from_its_spec_and_data(hd_run, one_site_run):
    hd_card, one_card = (r.files["model_card.md"].decode() for r in (hd_run, one_site_run))
    assert hd_run.study.title in hd_card and one_site_run.study.title in one_card
    assert one_site_run.study.title not in hd_card and hd_run.study.title not in one_card
    assert "4 sites: Cleveland (303), Hungary (294), Switzerland (123), VA Long Beach (200)" in hd_card
    assert "1 site: Cleveland (303)" in one_card and "4 sites" not in one_card
    assert "| outcome | num > 0 |" in hd_card and "| outcome | num >= 2 |" in one_card
    assert "| patients | 920 |" in hd_card and "| patients | 303 |" in one_card
    assert "no dates in the extract: UCI's processed files carry no examination dates" in hd_card
    assert "| period | no dates in the extract |" in one_card
    assert "three sites" not in hd_card + one_card
    for run in (hd_run, one_site_run):
        sheet = run.files["datasheet.md"].decode()
        summary = run.files["clinician_summary.md"].decode()
        events = int(run.dataset["label"].sum())
        assert f"| outcome events | {events} |" in sheet and f"{events} had the outcome" in summary
        assert run.study.outcome.description in sheet and run.study.labels.not_applicable in sheet
        sex = run.dataset["sex"].value_counts()
        assert f"| Male | {int(sex['Male'])} |" in sheet and f"| Female | {int(sex['Female'])} |" in sheet
        assert "**age band**" in sheet
        lq = run.files["label_quality_report.md"].decode()
        assert f"Not applicable: {run.study.labels.not_applicable}" in lq


@pytest.fixture(scope="module")
def fhir_run(tmp_path_factory):
    from clinical_pipelines.deid.policy import load_deid_policy
    from clinical_pipelines.deid.text import ClinicalTextDeidentifier
    from clinical_pipelines.fhir.importer import import_export
    from clinical_pipelines.fhir.synthetic import write_export

    study = load_builtin_study("fhir-template")
    tmp = tmp_path_factory.mktemp("fhir")
    write_export(tmp / "export", patients=120, seed=7, problems=False)
    import_export(tmp / "export", tmp / "imported")
    batch = tmp / "batches" / "fhir-export-1"
    batch.mkdir(parents=True)
    for table in study.tables.values():
        shutil.copy(tmp / "imported" / table.file, batch / table.file)
    return run_study(study, [batch], tmp / "run", text_engine=ClinicalTextDeidentifier(load_deid_policy()))


def test_fhir_template_export_runs_every_domain_step(fhir_run):
    assert all(c.passed for checks in fhir_run.snapshot_checks.values() for c in checks)
    assert set(fhir_run.tables) == {"encounters", "notes"} and fhir_run.labels.source == "column"
    assert splitting.TEMPORAL_TEST in set(fhir_run.dataset[splitting.SPLIT_COL])
    recorded = decisions(fhir_run)
    reason = fhir_run.study.not_applicable()["evaluation.external_sites"]
    assert recorded[GATE_DISCRIMINATION_EXTERNAL]["status"] == NOT_APPLICABLE
    assert recorded[GATE_DISCRIMINATION_EXTERNAL]["reason"] == reason
    assert recorded[GATE_DISCRIMINATION_TEMPORAL]["status"] in ("pass", "fail")
    card = fhir_run.files["model_card.md"].decode()
    years = sorted(fhir_run.dataset["admit_year"].dropna().astype(int).unique())
    period = str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
    assert f"| period | {period} |" in card and re.search(r"\| encounters \| \d+ \|", card)
    assert "decision" in fhir_run.drift and not fhir_run.drift["decision"].get("not_applicable")


def test_structured_deid_needs_no_text_engine_only_without_free_text(hd_folders, hd_run):
    from clinical_pipelines.deid import pipeline as deid
    from clinical_pipelines.deid.errors import DeidError
    from clinical_pipelines.deid.policy import load_deid_policy

    report = next(iter(hd_run.files[p] for p in sorted(hd_run.files) if p.endswith("deid_report.json")))
    assert b"none (the study has no free-text columns)" in report
    mace = load_builtin_study("mace")
    frames = {name: pd.DataFrame({c: [] for c in t.columns}) for name, t in mace.tables.items()}
    lineage = deid.RowLineage("s", "b", {t.file: "0" * 64 for t in mace.tables.values()}, "h")
    with pytest.raises(DeidError, match="free-text columns"):
        deid.deidentify_tables(frames, policy=load_deid_policy(), key=bytes(32), text_engine=None, lineage=lineage,
                               study=mace)
