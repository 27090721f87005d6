"""The whole graph against real lakeFS, MLflow and Dagster: what it publishes, and what its gates stop.

One module-scoped run lands a small synthetic cohort, materializes every batch's snapshot job and
the model lifecycle job on a real (temporary, SQLite-backed) Dagster instance, and the tests read
back what lakeFS, MLflow, the evidence folder and the audit log hold. The gate tests then break
one thing at a time and show that lakeFS main and the MLflow alias do not move.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
import yaml

from clinical_pipelines.defs.jobs import MODEL_GROUPS
from clinical_pipelines.defs.partitions import batch_key, register_batches
from clinical_pipelines.settings import (
    CHAMPION_ALIAS, DEID_REPOSITORY, EVIDENCE_REPOSITORY, LANDING_REPOSITORY, REGISTERED_MODEL_NAME,
)
from clinical_pipelines.study.layout import (
    landing_batch_prefix, landing_quarantine_path, snapshot_prefix, study_prefix,
)

pytestmark = pytest.mark.services

COHORT_PATIENTS = 3000  # the default cohort, as in `make demo`
SNAPSHOT_ASSETS = ("raw_extract", "deidentified_snapshot", "released_snapshot")
STUDY = "mace"  # the built-in study of the synthetic cohort


@pytest.fixture(scope="module")
def defs():
    from clinical_pipelines.definitions import defs as lazy

    return lazy()


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    return dg.DagsterInstance.local_temp(str(tmp_path_factory.mktemp("dagster_home")))


def resources(**overrides):
    from clinical_pipelines.defs.resources import default_resources

    return {**default_resources(), **overrides}


def lakefs_resource():
    from clinical_pipelines.defs.resources import resources_for
    from clinical_pipelines.settings import Settings

    return resources_for(Settings.from_env())["lakefs"]


def materialize_snapshot(defs, instance, batch_id, **resource_overrides):
    return dg.materialize(
        list(defs.assets), selection=list(SNAPSHOT_ASSETS), instance=instance, partition_key=batch_key(STUDY, batch_id),
        resources=resources(**resource_overrides), raise_on_error=False,
    )


def materialize_model(defs, instance, selection=None, **resource_overrides):
    return dg.materialize(
        list(defs.assets), selection=selection or dg.AssetSelection.groups(*MODEL_GROUPS), instance=instance,
        partition_key=STUDY, resources=resources(**resource_overrides), raise_on_error=False,
    )


def land(batches):
    from clinical_pipelines.synthetic.cohort import write_batches

    lakefs = lakefs_resource()
    lakefs.repository(LANDING_REPOSITORY)
    write_batches(batches, lakefs.s3(), LANDING_REPOSITORY, prefix=f"main/{study_prefix(STUDY).rstrip('/')}")


def failure_text(result) -> str:
    texts = []
    for event in result.all_events:
        if event.is_step_failure:
            texts.append(event.step_failure_data.error.to_string() if event.step_failure_data.error else "")
    return "\n".join(texts)


@pytest.fixture(scope="module")
def cohort():
    from clinical_pipelines.synthetic.cohort import CohortSpec, generate_cohort

    return generate_cohort(CohortSpec(n_patients=COHORT_PATIENTS))


@pytest.fixture(scope="module")
def full_run(stack, defs, instance, cohort):
    land(cohort)
    batch_ids = [b.batch_id for b in cohort]
    register_batches(instance, STUDY, batch_ids)
    snapshot_results = {b: materialize_snapshot(defs, instance, b) for b in batch_ids}
    for b, r in snapshot_results.items():
        assert r.success, f"snapshot run for {b} failed:\n{failure_text(r)}"
    model_result = materialize_model(defs, instance)
    assert model_result.success, f"model lifecycle run failed:\n{failure_text(model_result)}"
    return {"batches": batch_ids, "snapshots": snapshot_results, "model": model_result}


def output(result, asset):
    return result.output_for_node(asset)


# --------------------------------------------------------------------------------------------
def test_definitions_load_with_every_domain_group_and_gate(defs):
    specs = {s.key.to_user_string(): s for s in defs.resolve_all_asset_specs()}
    groups = {s.group_name for s in specs.values()}
    assert {"ingest", "deid", "labels", "training", "validation", "monitoring", "evidence", "audit"} <= groups
    for key, spec in specs.items():
        assert spec.owners, f"{key} has no owner"
        assert spec.kinds, f"{key} has no kinds"
        assert spec.description and len(spec.description) > 40, f"{key} lacks a description"
    check_keys = {k.name for k in defs.resolve_asset_graph().asset_check_keys}
    assert {"residual_phi_scan", "k_anonymity", "no_restricted_zip3", "no_age_over_89", "no_full_dates",
            "label_agreement", "patient_disjoint_split", "discrimination_internal", "discrimination_temporal",
            "discrimination_external_site", "calibration_slope", "subgroup_performance",
            "safety_sensitivity"} <= check_keys
    assert defs.resolve_job_def("deidentified_snapshot_job") and defs.resolve_job_def("model_lifecycle_job")
    assert defs.resolve_sensor_def("landing_zone_sensor").default_status == dg.DefaultSensorStatus.RUNNING
    assert defs.resolve_schedule_def("weekly_retraining_schedule").default_status == dg.DefaultScheduleStatus.RUNNING


def test_snapshots_are_released_to_main_tagged_with_provenance(full_run):
    lakefs = lakefs_resource()
    repo = lakefs.repository(DEID_REPOSITORY, create=False)
    tags = {t.id: t for t in repo.tags()}
    for batch_id, result in full_run["snapshots"].items():
        snap = output(result, "deidentified_snapshot")
        released = output(result, "released_snapshot")
        assert released["tag"] in tags
        commit = repo.commit(snap["commit_id"]).get_commit()
        for key in ("transform_hash", "policy_sha256", "source_manifest_sha256", "dagster_run_id", "raw_commit", "environment_digest"):
            assert commit.metadata.get(key), f"commit metadata lacks {key}"
        assert commit.metadata["transform_hash"] == snap["transform_hash"]
        folder = snapshot_prefix(STUDY, batch_id)
        paths = set(lakefs.list_paths(DEID_REPOSITORY, "main", folder))
        for name in ("encounters.parquet", "notes.parquet", "labels.parquet", "deid_report.json", "deid_report.md", "manifest.json"):
            assert f"{folder}{name}" in paths
        assert commit.metadata["study_id"] == STUDY and commit.metadata["study_spec_sha256"] == snap["study_spec_sha256"]
        rows = lakefs.read_parquet(DEID_REPOSITORY, "main", f"{folder}encounters.parquet")
        for col in ("lineage_source_system", "lineage_batch_id", "lineage_source_file_sha256", "lineage_transform_hash", "lineage_consent"):
            assert col in rows.columns and rows[col].notna().all()
        assert set(rows["lineage_batch_id"]) == {batch_id}


def test_released_data_and_metadata_hold_no_direct_identifiers(full_run, cohort):
    lakefs = lakefs_resource()
    raw = pd.read_csv(io.BytesIO(cohort[0].files["encounters.csv"]), dtype=str)
    batch_id = cohort[0].batch_id
    identifiers = {
        value for col in ("ssn", "mrn", "phone", "email", "patient_name", "street_address", "health_plan_id")
        for value in raw[col].dropna() if isinstance(value, str) and len(value) > 4
    }
    notes = lakefs.read_parquet(DEID_REPOSITORY, "main", f"{snapshot_prefix(STUDY, batch_id)}notes.parquet")
    encounters = lakefs.read_parquet(DEID_REPOSITORY, "main", f"{snapshot_prefix(STUDY, batch_id)}encounters.parquet")
    released_text = "\n".join(notes.astype(str).agg(" ".join, axis=1)) + "\n".join(encounters.astype(str).agg(" ".join, axis=1))
    leaked = sum(1 for i in identifiers if i in released_text)
    assert leaked == 0, f"{leaked} direct identifiers found in the released snapshot"
    # Commit metadata and Dagster metadata carry ids, hashes and counts only.
    repo = lakefs.repository(DEID_REPOSITORY, create=False)
    metadata_text = json.dumps([c.metadata for c in repo.ref("main").log(max_amount=50)])
    for result in full_run["snapshots"].values():
        for event in result.get_asset_materialization_events():
            metadata_text += json.dumps({k: str(v.value) for k, v in event.materialization.metadata.items()})
    leaked_in_metadata = sum(1 for i in identifiers if i in metadata_text)
    assert leaked_in_metadata == 0, f"{leaked_in_metadata} direct identifiers found in commit or Dagster metadata"


def test_model_is_registered_bound_to_its_data_and_promoted(full_run):
    from mlflow import MlflowClient

    trained = output(full_run["model"], "trained_model")
    dataset = output(full_run["model"], "training_dataset")
    client = MlflowClient()
    version = client.get_model_version(REGISTERED_MODEL_NAME, trained["version"])
    assert version.tags["lakefs_repository"] == DEID_REPOSITORY
    assert version.tags["lakefs_commit"] == dataset["commit_id"]
    assert version.tags["transform_hash"] and version.tags["code_version"] and version.tags["environment_digest"]
    assert version.tags["validation_status"] == "gates_passed"
    assert client.get_model_version_by_alias(REGISTERED_MODEL_NAME, CHAMPION_ALIAS).version == trained["version"]
    run = client.get_run(trained["mlflow_run_id"])
    assert run.inputs.dataset_inputs[0].dataset.source.endswith(dataset["path"]) or dataset["commit_id"] in run.inputs.dataset_inputs[0].dataset.source
    # The lakeFS side links back to the MLflow run and model version.
    lakefs = lakefs_resource()
    link = json.loads(lakefs.read_bytes(DEID_REPOSITORY, "main", f"models/{REGISTERED_MODEL_NAME}/v{trained['version']}.json"))
    assert link["mlflow_run_id"] == trained["mlflow_run_id"] and link["dataset_commit"] == dataset["commit_id"]
    repo = lakefs.repository(DEID_REPOSITORY, create=False)
    assert any(c.metadata.get("mlflow_model_version") == trained["version"] for c in repo.ref("main").log(max_amount=20))


def test_every_gate_passed_and_is_recorded_as_a_check(full_run):
    evaluations = full_run["model"].get_asset_check_evaluations()
    names = {e.check_name for e in evaluations}
    from clinical_pipelines.validation.gates import ALL_GATES

    assert set(ALL_GATES) <= names
    assert all(e.passed for e in evaluations if e.check_name in ALL_GATES)


def test_evidence_bundle_verifies_offline_and_detects_tampering(full_run, tmp_path):
    from clinical_pipelines.evidence.bundle import verify_bundle

    bundle = output(full_run["model"], "evidence_bundle")
    path = Path(bundle["path"])
    assert verify_bundle(path).ok
    for name in ("model_card.md", "datasheet.md", "clinician_summary.md", "validation_report.md",
                 "label_quality_report.md", "provenance_manifest.json", "audit_trace.json", "checklist.md"):
        assert (path / name).is_file(), name
    tags = {t.id for t in lakefs_resource().repository(EVIDENCE_REPOSITORY, create=False).tags()}
    assert bundle["lakefs_tag"] in tags
    copy = tmp_path / "bundle"
    shutil.copytree(path, copy)
    (copy / "model_card.md").write_text((copy / "model_card.md").read_text() + "\nedited")
    result = verify_bundle(copy)
    assert not result.ok and any("model_card.md" in p for p in result.problems)


def test_audit_log_verifies_and_traces_the_model_to_its_sources(full_run, cohort):
    from clinical_pipelines.audit.store import AuditLog
    from clinical_pipelines.audit.trace import trace_model
    from clinical_pipelines.audit.verify import verify_chain
    from clinical_pipelines.settings import Settings

    log = AuditLog(Settings.from_env().audit_db_url)
    assert verify_chain(log).ok
    trained = output(full_run["model"], "trained_model")
    dataset = output(full_run["model"], "training_dataset")
    trace = trace_model(log, REGISTERED_MODEL_NAME, trained["version"]).to_dict()
    text = json.dumps(trace)
    assert dataset["commit_id"] in text
    for batch in cohort:
        assert batch.batch_id in text
        from clinical_pipelines.provenance import sha256_bytes

        assert sha256_bytes(batch.files["encounters.csv"]) in text, "trace lacks the source file hash"


# ---------------------------------------------------------------------------------- gates stop
def _weakened_deid_policy(tmp_path: Path) -> str:
    from clinical_pipelines.deid.policy import DEFAULT_POLICY_PATH

    policy = yaml.safe_load(DEFAULT_POLICY_PATH.read_text())
    policy["version"] = policy["version"] + "-misconfigured"
    policy["text"]["score_threshold"] = 1.01  # the text engine keeps every finding below a score it never gives
    policy["text"]["token_tagger"]["enabled"] = False  # and its learned tagger is switched off
    path = tmp_path / "weak_policy.yaml"
    path.write_text(yaml.safe_dump(policy))
    return str(path)


def approve_policy(kind: str, path) -> None:
    """A test policy is change-controlled like any other: approved by a named role before a run uses it."""
    from clinical_pipelines.audit.cli import audit_main
    from clinical_pipelines.policy_approval import file_sha256, load_approved_record, policy_subject

    role = load_approved_record().approver_roles[kind][0]
    assert audit_main(["approve", policy_subject(kind, file_sha256(path)), "--by", "test-reviewer", "--role", role,
                       "--reference", "CR-TEST"]) == 0


def land_small_batch(instance, batch_id: str, seed: int) -> None:
    """A small extra batch under a new batch id, registered as a partition."""
    from clinical_pipelines.synthetic.cohort import CohortSpec, generate_cohort

    files = dict(generate_cohort(CohortSpec(n_patients=60, seed=seed))[0].files)
    extract = json.loads(files["extract.json"])
    extract["batch_id"] = batch_id
    files["extract.json"] = json.dumps(extract).encode()
    s3 = lakefs_resource().s3()
    for name, data in files.items():
        s3.put_object(Bucket=LANDING_REPOSITORY, Key=f"main/{landing_batch_prefix(STUDY, batch_id)}{name}", Body=data)
    register_batches(instance, STUDY, [batch_id])


def test_residual_phi_gate_keeps_main_unchanged_within_and_across_runs(full_run, defs, instance, tmp_path):
    from clinical_pipelines.defs.resources import DeidentificationResource

    lakefs = lakefs_resource()
    land_small_batch(instance, "phi-leak-test", seed=99)
    main_before = lakefs.head_commit(DEID_REPOSITORY, "main")

    weak_path = _weakened_deid_policy(tmp_path)
    approve_policy("deid", weak_path)
    weak = DeidentificationResource(policy_path=weak_path)
    result = materialize_snapshot(defs, instance, "phi-leak-test", deid=weak)
    assert not result.success
    assert "residual_phi_scan" in failure_text(result)
    assert lakefs.head_commit(DEID_REPOSITORY, "main") == main_before

    # A later run of only the publishing step must refuse too (Dagster's blocking is per run).
    retry = dg.materialize(list(defs.assets), selection=["released_snapshot"], instance=instance,
                           partition_key=batch_key(STUDY, "phi-leak-test"), resources=resources(), raise_on_error=False)
    assert not retry.success
    assert "residual_phi_scan" in failure_text(retry) and "Refusing to publish" in failure_text(retry)
    assert lakefs.head_commit(DEID_REPOSITORY, "main") == main_before


def test_k_anonymity_gate_blocks_a_snapshot_below_the_target_k(full_run, defs, instance, tmp_path):
    from clinical_pipelines.defs.resources import DeidentificationResource
    from clinical_pipelines.deid.policy import DEFAULT_POLICY_PATH

    lakefs = lakefs_resource()
    land_small_batch(instance, "small-k-test", seed=98)
    main_before = lakefs.head_commit(DEID_REPOSITORY, "main")
    policy = yaml.safe_load(DEFAULT_POLICY_PATH.read_text())
    policy["version"] = policy["version"] + "-k-test"
    policy["risk"]["target_k"] = 50          # more than a 60-patient batch can reach
    policy["risk"]["enforce_k"] = False      # measure only, do not generalise
    path = tmp_path / "k_policy.yaml"
    path.write_text(yaml.safe_dump(policy))
    approve_policy("deid", path)

    result = materialize_snapshot(defs, instance, "small-k-test", deid=DeidentificationResource(policy_path=str(path)))
    assert not result.success
    assert "k_anonymity" in failure_text(result)
    k_eval = next(e for e in result.get_asset_check_evaluations() if e.check_name == "k_anonymity")
    assert not k_eval.passed and k_eval.metadata["k"].value < 50
    assert lakefs.head_commit(DEID_REPOSITORY, "main") == main_before


def test_failed_validation_gate_keeps_the_champion_alias(full_run, defs, instance, tmp_path):
    from mlflow import MlflowClient

    from clinical_pipelines.defs.resources import ValidationPolicyResource
    from clinical_pipelines.validation.gates import DEFAULT_POLICY_PATH

    client = MlflowClient()
    champion_before = client.get_model_version_by_alias(REGISTERED_MODEL_NAME, CHAMPION_ALIAS).version
    strict = yaml.safe_load(DEFAULT_POLICY_PATH.read_text())
    strict["version"] = strict["version"] + "-strict"
    strict["thresholds"]["min_auroc_internal"] = 0.99
    path = tmp_path / "strict_gates.yaml"
    path.write_text(yaml.safe_dump(strict))
    approve_policy("gate", path)
    strict_policy = ValidationPolicyResource(gate_policy_path=str(path))

    result = materialize_model(defs, instance, validation_policy=strict_policy)
    assert not result.success
    assert "discrimination_internal" in failure_text(result)
    assert client.get_model_version_by_alias(REGISTERED_MODEL_NAME, CHAMPION_ALIAS).version == champion_before
    new_version = output(result, "trained_model")["version"]
    assert new_version != champion_before
    assert client.get_model_version(REGISTERED_MODEL_NAME, new_version).tags["validation_status"] == "gates_failed"

    # Promoting that version in a separate run is refused as well.
    retry = dg.materialize(list(defs.assets), selection=["model_promotion"], instance=instance,
                           partition_key=STUDY, resources=resources(), raise_on_error=False)
    assert not retry.success
    assert "discrimination_internal" in failure_text(retry)
    assert client.get_model_version_by_alias(REGISTERED_MODEL_NAME, CHAMPION_ALIAS).version == champion_before


def test_batch_breaking_the_contract_is_quarantined_and_kept(full_run, defs, instance, cohort):
    lakefs = lakefs_resource()
    files = dict(cohort[0].files)
    header, *rows = files["encounters.csv"].decode().splitlines()
    cols = header.split(",")
    drop = cols.index("ssn")
    files["encounters.csv"] = ("\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != drop)
                                         for line in [header, *rows[:5]]) + "\n").encode()
    extract = json.loads(files["extract.json"])
    extract["batch_id"] = "bad-extract-test"
    files["extract.json"] = json.dumps(extract).encode()
    s3 = lakefs.s3()
    for name, data in files.items():
        s3.put_object(Bucket=LANDING_REPOSITORY, Key=f"main/{landing_batch_prefix(STUDY, 'bad-extract-test')}{name}",
                      Body=data)
    register_batches(instance, STUDY, ["bad-extract-test"])
    main_before = lakefs.head_commit(DEID_REPOSITORY, "main")
    result = materialize_snapshot(defs, instance, "bad-extract-test")
    assert not result.success
    text = failure_text(result)
    assert "ssn" in text and "quarantined" in text
    record = json.loads(lakefs.read_bytes(LANDING_REPOSITORY, "main", landing_quarantine_path(STUDY, "bad-extract-test")))
    assert record["status"] == "quarantined" and record["study_id"] == STUDY
    assert lakefs.read_bytes(LANDING_REPOSITORY, "main", f"{landing_batch_prefix(STUDY, 'bad-extract-test')}encounters.csv") \
        == files["encounters.csv"]
    assert lakefs.head_commit(DEID_REPOSITORY, "main") == main_before


# ------------------------------------------------------------------------ whole-system leak scan
def test_no_store_outside_the_raw_zone_holds_a_cohort_identifier(full_run, instance, stack):
    """Last in the module, so it also sees what the gate tests above left behind. Every store but the
    landing zone's objects is searched for the landed cohort's direct identifiers; failures name the
    store and the kind with a count, never a value."""
    from clinical_pipelines.deid.residual.known import KnownIdentifiers
    from clinical_pipelines.study.builtin import load_builtin_study
    from clinical_pipelines_tests.leak_scan import LeakScan, landing_identifiers

    lakefs = lakefs_resource()
    values = landing_identifiers(lakefs, LANDING_REPOSITORY, load_builtin_study())
    assert sum(len(v) for v in values.values()) > COHORT_PATIENTS, "too few identifiers read from the landing zone"
    scan = LeakScan(KnownIdentifiers(values, name_parts="out_of_vocabulary"))
    scan.scan_tree("dagster", Path(instance.root_directory))
    # The lakeFS data folder holds the raw zone's objects (lakeFS is read through its API below instead);
    # the linkage vault holds identifiers by design, encrypted (its ciphertext matches short names by chance).
    scan.scan_tree("home", stack.home, exclude=("lakefs", "linkage-vault", "secrets", "signing"))
    scan.scan_lakefs(lakefs.client(), skip_objects_of=(LANDING_REPOSITORY,))
    for store in ("dagster:", "home:mlflow", "home:audit", "home:evidence", "lakefs-objects:"):
        assert any(s.startswith(store) for s in scan.scanned), f"the scan read nothing of {store}"
    report = scan.report()  # counts per store and kind only
    assert report == [], "identifiers found outside the raw zone: " + "; ".join(report)
