"""Studies of one's own through the whole graph on real lakeFS, MLflow and Dagster.

1. A FHIR R4 Bulk Data export (``fhir synthesize``) flattened by ``fhir import`` into the tables of a
   study written from ``studies/fhir-template``, checked (the code of ``study check``), registered
   (``study register``), landed, snapshotted per (study, batch) partition and run through the model
   lifecycle of its study partition: released snapshot on lakeFS main under the study's folder,
   MLflow model ``clinical-<study>-risk`` with a version (champion exactly when its gates passed),
   a signed evidence bundle that ``evidence verify`` accepts.
2. A study without dates and with one site (Cleveland rows of the UCI heart-disease data, spec
   written here): the gates it cannot evaluate are Dagster asset checks with status
   ``not_applicable`` and the spec's reason, and the bundle's ``checklist.md`` and
   ``gate_decisions.json`` show them NOT APPLICABLE with that reason; no gate is missing.
3. What a user is told: `audit trace` of that model (label agreement not applicable and why; source
   system not declared), and a run whose gate policy the model cannot meet (the failed gate with its
   threshold, read as `demo` reads it; a `gate.blocked` audit event; the champion unchanged).

One stack (``governance_world.own_stack``) and one Dagster instance for both. Assertion messages
hold names, ids and counts, never a record.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import time
from pathlib import Path

import dagster as dg
import pytest
import yaml

from clinical_pipelines.defs.monitoring.assets import DRIFT_CHECK
from clinical_pipelines.labels.outcome import LABEL_AGREEMENT_GATE
from clinical_pipelines.settings import CHAMPION_ALIAS, DEID_REPOSITORY
from clinical_pipelines.study import layout
from clinical_pipelines.validation.gates import (
    ALL_GATES, GATE_DISCRIMINATION_EXTERNAL, GATE_DISCRIMINATION_EXTERNAL_SITE, GATE_DISCRIMINATION_TEMPORAL,
    NOT_APPLICABLE,
)
from clinical_pipelines_tests.governance_world import (
    approve_policy, failure_text, gate_policy_for_small_cohort, lakefs_resource, own_stack,
)
from clinical_pipelines_tests.study.plain_pipeline import LABELS_REASON, NO_DATES, ONE_SITE, one_site_spec
from clinical_pipelines_tests.study_world import check_evaluations, cli, run_study_graph

pytestmark = pytest.mark.services

FHIR_STUDY = "fhir-ward"
ONE_SITE_STUDY = "one-site-nodates"
FHIR_PATIENTS = 80
EVERY_GATE = (LABEL_AGREEMENT_GATE, *ALL_GATES)
EXTERNAL_REASON = "one FHIR server, one hospital: no site held out"
SHOWN = {"pass": "PASS", "fail": "FAIL", NOT_APPLICABLE: "NOT APPLICABLE"}


# ---------------------------------------------------------------- building the two studies
def fhir_study_folder(root: Path) -> Path:
    """A copy of studies/fhir-template under a study id of its own, the external-site placeholder decided."""
    from clinical_pipelines.study.builtin import builtin_study_path

    template = builtin_study_path("fhir-template").parent
    folder = root / "study"
    folder.mkdir(parents=True)
    shutil.copy(template / "intended_use.yaml", folder / "intended_use.yaml")
    lines = []
    for line in (template / "study.yaml").read_text(encoding="utf-8").splitlines():
        if line.startswith("study_id:"):
            line = f"study_id: {FHIR_STUDY}"
        elif line.strip().startswith("external_sites:"):
            line = f'  external_sites: {{not_applicable: "{EXTERNAL_REASON}"}}'
        lines.append(line)
    (folder / "study.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def fhir_batches(root: Path) -> Path:
    """``fhir synthesize`` -> ``fhir import --out <batch folder>``; returns the folder of batch folders.

    The import's own report folder (``.fhir_import/``) stays beside the tables: ``study check`` and
    the landing take only the files the study declares."""
    export, batch = root / "export", root / "batches" / "fhir-export-1"
    synth = cli("fhir", "synthesize", "--out", str(export), "--patients", str(FHIR_PATIENTS), "--no-problems")
    assert synth.code == 0, synth.err
    imp = cli("fhir", "import", str(export), "--out", str(batch))
    assert imp.code == 0, imp.err
    assert (batch / ".fhir_import").is_dir()
    return root / "batches"


ONE_SITE_COLUMNS = ("id", "age", "sex", "dataset", "cp", "thalch", "oldpeak", "exang", "num")


def one_site_folder(root: Path) -> tuple[Path, Path]:
    """(study folder, folder of batch folders): the Cleveland rows of the packaged UCI file, one batch."""
    from clinical_pipelines.study.builtin import builtin_study_path, load_builtin_study
    from clinical_pipelines.study.builtin_data import heart_disease_rows

    study = root / "study"
    study.mkdir(parents=True)
    (study / "study.yaml").write_text(yaml.safe_dump(one_site_spec(ONE_SITE_STUDY, "Severe coronary disease at one hospital, no dates"), sort_keys=False), encoding="utf-8")
    shutil.copy(builtin_study_path("heart-disease").parent / "intended_use.yaml", study / "intended_use.yaml")
    header, rows = heart_disease_rows(load_builtin_study("heart-disease"))
    idx = [header.index(c) for c in ONE_SITE_COLUMNS]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["hospital" if c == "dataset" else c for c in ONE_SITE_COLUMNS])
    writer.writerows([r[i] for i in idx] for r in rows if r[header.index("dataset")] == "Cleveland")
    batch = root / "batches" / "cleveland-1"
    batch.mkdir(parents=True)
    (batch / "patients.csv").write_text(out.getvalue(), encoding="utf-8")
    return study, root / "batches"


def checked_and_registered(spec_folder: Path, data: Path, gate_policy: Path):
    """``study check`` (its code, sizes against the run's gate policy) on spec and data must pass; then
    ``study register``; returns the registered study."""
    from clinical_pipelines.settings import Settings
    from clinical_pipelines.study.check import check_study
    from clinical_pipelines.study.registry import StudyRegistry
    from clinical_pipelines.validation.gates import load_gate_policy

    report = check_study(spec_folder / "study.yaml", data, gate_policy=load_gate_policy(gate_policy))
    assert report.ok, [str(p) for p in report.spec_problems + report.data_problems]
    reg = cli("study", "register", str(spec_folder / "study.yaml"))
    assert reg.code == 0, reg.err
    return StudyRegistry(Settings.from_env().home).study(yaml.safe_load((spec_folder / "study.yaml").read_text())
                                                         ["study_id"])


# ---------------------------------------------------------------- the world
@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from clinical_pipelines.definitions import defs as lazy_defs
    from clinical_pipelines.defs.resources import resources_for

    root = tmp_path_factory.mktemp("study-e2e")
    with own_stack(root / "home") as settings:
        (root / "dagster_home").mkdir()
        instance = dg.DagsterInstance.local_temp(str(root / "dagster_home"))
        resources_for(settings)["audit_log"].log().head()  # the audit database, before the first approval
        policy = gate_policy_for_small_cohort(root)
        approve_policy("gate", policy, role="clinical-safety-officer")
        yield {"settings": settings, "instance": instance, "defs": lazy_defs(), "policy": policy, "root": root}


@pytest.fixture(scope="module")
def fhir_run(world):
    t0 = time.monotonic()
    data = fhir_batches(world["root"] / "fhir")
    study = checked_and_registered(fhir_study_folder(world["root"] / "fhir"), data, world["policy"])
    prepared = time.monotonic() - t0
    run = run_study_graph(world["settings"], world["defs"], world["instance"], study,
                          sorted(p for p in data.iterdir() if p.is_dir()), world["policy"])
    run.seconds["prepare"] = prepared
    print(f"\n{FHIR_STUDY}: " + ", ".join(f"{k} {v:.1f} s" for k, v in run.seconds.items()))
    return study, run


@pytest.fixture(scope="module")
def one_site_run(world):
    t0 = time.monotonic()
    spec_folder, data = one_site_folder(world["root"] / "one-site")
    study = checked_and_registered(spec_folder, data, world["policy"])
    prepared = time.monotonic() - t0
    run = run_study_graph(world["settings"], world["defs"], world["instance"], study,
                          sorted(p for p in data.iterdir() if p.is_dir()), world["policy"])
    run.seconds["prepare"] = prepared
    print(f"\n{ONE_SITE_STUDY}: " + ", ".join(f"{k} {v:.1f} s" for k, v in run.seconds.items()))
    return study, run


def bundle_of(result) -> Path:
    return Path(result.output_for_node("evidence_bundle")["path"])


def gate_rows(checklist: str) -> dict[str, str]:
    """Gate name -> its row of the checklist's Gates table."""
    rows = checklist.split("## Gates", 1)[1].splitlines()
    return {r.split("|")[1].strip(): r for r in rows if r.startswith("| ") and not r.startswith("| Gate ")}


# ---------------------------------------------------------------- 1. a FHIR export
def test_fhir_export_study_is_released_trained_registered_and_evidenced(world, fhir_run):
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    study, run = fhir_run
    result = run.lifecycle
    lakefs = lakefs_resource(world["settings"])
    # released snapshot on main under the study's folder, its commit naming the study
    main_paths = lakefs.list_paths(DEID_REPOSITORY, "main", layout.study_prefix(study.study_id))
    assert layout.snapshot_batch_ids(study.study_id, main_paths) == run.batches
    for batch_id in run.batches:
        prefix = layout.snapshot_prefix(study.study_id, batch_id)
        assert {f"{prefix}{t}.parquet" for t in study.tables} | {f"{prefix}manifest.json"} <= set(main_paths)
        snap = run.snapshots[batch_id].output_for_node("deidentified_snapshot")
        md = lakefs.repository(DEID_REPOSITORY, create=False).commit(snap["commit_id"]).get_commit().metadata
        assert (md["study_id"], md["batch_id"]) == (study.study_id, batch_id)
    # the study's registered model with a version; champion exactly when every gate passed
    trained = result.output_for_node("trained_model")
    name = layout.registered_model_name(study.study_id)
    assert trained["model_name"] == name == f"clinical-{FHIR_STUDY}-risk"
    client = MlflowClient()
    assert client.get_model_version(name, trained["version"]).tags["study_id"] == study.study_id
    checks = check_evaluations(result)
    assert set(EVERY_GATE) <= set(checks), sorted(set(EVERY_GATE) - set(checks))
    failed = sorted(g for g in EVERY_GATE if not checks[g].passed)
    try:
        champion = client.get_model_version_by_alias(name, CHAMPION_ALIAS).version
    except MlflowException:
        champion = None
    assert (champion == trained["version"]) == (not failed), f"champion {champion}, failed gates {failed}"
    assert result.success == (not failed), failure_text(result)[-3000:]
    assert not failed, f"gates failed under the small-cohort policy: {failed}"
    # what the study cannot evaluate is declared with the spec's reason, the rest evaluated
    bundle = bundle_of(result)
    recorded = {g["name"]: g for g in json.loads((bundle / "gate_decisions.json").read_text())}
    assert set(recorded) == set(EVERY_GATE) and all(g["passed"] for g in recorded.values())
    assert recorded[GATE_DISCRIMINATION_EXTERNAL]["status"] == NOT_APPLICABLE
    assert recorded[GATE_DISCRIMINATION_EXTERNAL]["reason"] == EXTERNAL_REASON
    assert recorded[GATE_DISCRIMINATION_TEMPORAL]["status"] == "pass"
    # the evidence bundle is written and verifies (the command a reviewer runs)
    verify = cli("evidence", "verify", str(bundle))
    assert verify.code == 0, verify.out + verify.err


# ---------------------------------------------------------------- 2. no dates, one site
def test_study_without_dates_and_one_site_declares_its_gates_not_applicable(world, one_site_run):
    study, run = one_site_run
    result = run.lifecycle
    assert result.success, f"model lifecycle of {study.study_id} failed:\n{failure_text(result)[-3000:]}"
    reasons = study.not_applicable()
    assert reasons["evaluation.temporal"] == NO_DATES and reasons["evaluation.external_sites"] == ONE_SITE
    expected = {GATE_DISCRIMINATION_TEMPORAL: NO_DATES, GATE_DISCRIMINATION_EXTERNAL: ONE_SITE,
                GATE_DISCRIMINATION_EXTERNAL_SITE: ONE_SITE, LABEL_AGREEMENT_GATE: LABELS_REASON,
                DRIFT_CHECK: NO_DATES}
    checks = check_evaluations(result)
    assert set(EVERY_GATE) | {DRIFT_CHECK} <= set(checks), "every gate is a Dagster asset check of the run"
    for name, reason in expected.items():
        md = checks[name].metadata
        assert md["status"].value == NOT_APPLICABLE, name
        assert reason in md["reason"].value, name
        assert checks[name].passed, name
    assert all(checks[g].metadata["status"].value in ("pass", "fail", NOT_APPLICABLE) for g in EVERY_GATE)
    # the bundle: every gate in the checklist's Gates table and in gate_decisions.json, none missing
    bundle = bundle_of(result)
    assert cli("evidence", "verify", str(bundle)).code == 0
    checklist = (bundle / "checklist.md").read_text(encoding="utf-8")
    rows = gate_rows(checklist)
    recorded = {g["name"]: g for g in json.loads((bundle / "gate_decisions.json").read_text())}
    assert set(rows) == set(recorded) == set(EVERY_GATE), "no gate disappears"
    for name, g in recorded.items():
        assert f"| {SHOWN[g['status']]} |" in rows[name], name
    for name, reason in expected.items():
        if name == DRIFT_CHECK:
            continue
        assert recorded[name]["status"] == NOT_APPLICABLE and recorded[name]["reason"] == reason, name
        assert "| NOT APPLICABLE |" in rows[name] and reason in rows[name], name
    assert {n for n, g in recorded.items() if g["status"] == NOT_APPLICABLE} == set(expected) - {DRIFT_CHECK}
    for reason in reasons.values():
        assert reason in checklist
    # drift has no recent window to compare: declared in the bundle's drift summary, no retraining advised
    drift = json.loads((bundle / "drift_summary.json").read_text())
    assert drift["not_applicable"] == NO_DATES
    assert drift["decision"]["not_applicable"] and not drift["decision"]["recommended"]
    for document in ("model_card.md", "validation_report.md"):
        text = (bundle / document).read_text(encoding="utf-8")
        assert f"not applicable: {ONE_SITE}" in text and f"not applicable: {NO_DATES}" in text, document


def test_study_without_dates_is_released_and_registered_under_its_own_names(world, one_site_run):
    from mlflow import MlflowClient

    study, run = one_site_run
    lakefs = lakefs_resource(world["settings"])
    main_paths = lakefs.list_paths(DEID_REPOSITORY, "main", layout.study_prefix(study.study_id))
    assert layout.snapshot_batch_ids(study.study_id, main_paths) == run.batches == ["cleveland-1"]
    released = {p.rsplit("/", 1)[-1] for p in main_paths if p.startswith(layout.snapshots_prefix(study.study_id))}
    assert "patients.parquet" in released and "notes.parquet" not in released
    trained = run.lifecycle.output_for_node("trained_model")
    assert trained["model_name"] == f"clinical-{ONE_SITE_STUDY}-risk"
    client = MlflowClient()
    assert client.get_model_version_by_alias(trained["model_name"], CHAMPION_ALIAS).version == trained["version"]
    assert client.get_model_version(trained["model_name"], trained["version"]).tags["study_id"] == ONE_SITE_STUDY


# ---------------------------------------------------------------- 3. what a user is told
def test_trace_and_a_failed_gate_say_why_without_values(world, one_site_run):
    """``audit trace`` of the one-site model says why label agreement does not apply and that no batch
    descriptor declared a source system; a gate policy the model cannot meet fails the run, the demo's
    reader names the gate with its threshold, and the gate decision is in the audit log."""
    from mlflow import MlflowClient

    from clinical_pipelines.audit import events as ev
    from clinical_pipelines.defs.partitions import MODEL_JOB
    from clinical_pipelines.defs.resources import resources_for
    from clinical_pipelines.demo_report import check_line, read_run_failure
    from clinical_pipelines_tests.governance_world import gate_policy_run_config

    study, run = one_site_run
    trained = run.lifecycle.output_for_node("trained_model")
    name = trained["model_name"]
    trace = cli("audit", "trace", name, str(trained["version"]))
    assert trace.code == 0, trace.err
    assert f"label agreement not applicable: {LABELS_REASON}" in trace.out and "kappa None" not in trace.out
    assert "cleveland-1 from not declared (no batch descriptor)" in trace.out

    champion = MlflowClient().get_model_version_by_alias(name, CHAMPION_ALIAS).version
    strict = gate_policy_for_small_cohort(world["root"], min_auroc_internal=0.999)
    approve_policy("gate", strict, role="clinical-safety-officer")
    failed = world["defs"].resolve_job_def(MODEL_JOB).execute_in_process(
        instance=world["instance"], partition_key=study.study_id, run_config=gate_policy_run_config(strict),
        raise_on_error=False)
    assert not failed.success
    failure = read_run_failure(world["instance"], failed.run_id)
    gates = {c.check_name: c for c in failure.failed_checks}
    assert "discrimination_internal" in gates, sorted(gates)
    assert (gates["discrimination_internal"].threshold, gates["discrimination_internal"].comparison) == (0.999, ">=")
    assert "(required >= 0.999)" in check_line(gates["discrimination_internal"])
    assert "model_validation" in {s.step_key for s in failure.failed_steps}
    version = failed.output_for_node("trained_model")["version"]
    audit = resources_for(world["settings"])["audit_log"].log()
    blocked = audit.query(event_type=ev.GATE_BLOCKED, subject=ev.model_subject(name, version))
    assert blocked and blocked[-1].payload["stage"] == "model_validation"
    assert "discrimination_internal" in blocked[-1].payload["gates_failed"]
    assert blocked[-1].payload["thresholds"]["discrimination_internal"]["threshold"] == 0.999
    assert MlflowClient().get_model_version_by_alias(name, CHAMPION_ALIAS).version == champion
