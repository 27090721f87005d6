"""Two studies side by side in one deployment: the built-in MACE cohort and the UCI heart-disease data.

One Dagster instance, one real lakeFS and MLflow (own services, ``governance_world.own_stack``). Each
study's batches land under ``studies/<study_id>/``, run as (study, batch) partitions of the same
snapshot job, and are released next to each other in ``clinical-deid`` main, each snapshot commit
naming its study and spec hash; each study's model lifecycle runs as its own study partition and
registers ``clinical-<study_id>-risk``.
"""

from __future__ import annotations

import json

import dagster as dg
import pytest

from clinical_pipelines.defs.partitions import STUDY_DIM, batch_key, register_batches
from clinical_pipelines.settings import CHAMPION_ALIAS, DEID_REPOSITORY, LANDING_REPOSITORY
from clinical_pipelines.study import layout
from clinical_pipelines_tests.governance_world import (
    SNAPSHOT_ASSETS, approve_policy, failure_text, gate_policy_for_small_cohort, gate_policy_run_config,
    lakefs_resource, own_stack, plain_notes, resources,
)

pytestmark = pytest.mark.services

MACE, HEART = "mace", "heart-disease"
MACE_PATIENTS = 450
MODEL_SELECTION = dg.AssetSelection.groups("labels", "training", "validation")


def _land(settings, study_id: str, batches: dict[str, dict[str, bytes]], instance) -> list[str]:
    s3 = lakefs_resource(settings).s3()
    for batch_id, files in batches.items():
        for name, data in files.items():
            s3.put_object(Bucket=LANDING_REPOSITORY, Key=f"main/{layout.landing_batch_prefix(study_id, batch_id)}{name}",
                          Body=data)
    register_batches(instance, study_id, list(batches))
    return sorted(batches)


def _snapshot(defs, instance, study_id: str, batch_id: str):
    result = dg.materialize(list(defs.assets), selection=list(SNAPSHOT_ASSETS), instance=instance,
                            partition_key=batch_key(study_id, batch_id), resources=resources(), raise_on_error=False)
    assert result.success, f"snapshot of {study_id}/{batch_id} failed:\n{failure_text(result)[-3000:]}"
    return result


def _lifecycle(defs, instance, study_id: str, policy):
    return dg.materialize(list(defs.assets), selection=MODEL_SELECTION, instance=instance, partition_key=study_id,
                          resources=resources(), run_config=gate_policy_run_config(policy), raise_on_error=False)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from clinical_pipelines.definitions import defs as lazy_defs
    from clinical_pipelines.study.builtin_data import write_builtin_batches
    from clinical_pipelines.synthetic.cohort import CohortSpec, generate_cohort

    root = tmp_path_factory.mktemp("two-studies")
    with own_stack(root / "home") as settings:
        (root / "dagster_home").mkdir()
        instance = dg.DagsterInstance.local_temp(str(root / "dagster_home"))
        defs = lazy_defs()
        lakefs_resource(settings).repository(LANDING_REPOSITORY)
        mace = {b.batch_id: plain_notes(dict(b.files)) for b in generate_cohort(CohortSpec(n_patients=MACE_PATIENTS))}
        heart = {}
        for written in write_builtin_batches(HEART, root / "heart-disease"):
            heart[written.batch_id] = {name: (written.folder / name).read_bytes() for name in written.files}
        batches = {MACE: _land(settings, MACE, mace, instance), HEART: _land(settings, HEART, heart, instance)}
        snapshots = {(s, b): _snapshot(defs, instance, s, b) for s, ids in batches.items() for b in ids}
        policy = gate_policy_for_small_cohort(root)
        approve_policy("gate", policy, role="clinical-safety-officer")
        models = {s: _lifecycle(defs, instance, s, policy) for s in (MACE, HEART)}
        yield {"settings": settings, "instance": instance, "defs": defs, "batches": batches,
               "snapshots": snapshots, "models": models}


def test_both_studies_are_released_side_by_side_each_commit_naming_its_study(world):
    from clinical_pipelines.study.registry import StudyRegistry

    lakefs = lakefs_resource(world["settings"])
    registry = StudyRegistry(world["settings"].home)
    repo = lakefs.repository(DEID_REPOSITORY, create=False)
    main_paths = lakefs.list_paths(DEID_REPOSITORY, "main", "studies/")
    tags = {t.id for t in repo.tags()}
    for study_id, batch_ids in world["batches"].items():
        sha = registry.entry(study_id).spec_sha256
        assert layout.snapshot_batch_ids(study_id, main_paths) == batch_ids
        for batch_id in batch_ids:
            result = world["snapshots"][(study_id, batch_id)]
            snap = result.output_for_node("deidentified_snapshot")
            released = result.output_for_node("released_snapshot")
            assert released["tag"] in tags and released["tag"].startswith(f"snapshot-{study_id}-{batch_id}-")
            md = repo.commit(snap["commit_id"]).get_commit().metadata
            assert (md["study_id"], md["study_spec_sha256"], md["batch_id"]) == (study_id, sha, batch_id)
            manifest = json.loads(lakefs.read_bytes(DEID_REPOSITORY, "main",
                                                    f"{layout.snapshot_prefix(study_id, batch_id)}manifest.json"))
            assert manifest["study_id"] == study_id and manifest["study_spec_sha256"] == sha
            (event,) = [e for e in result.get_asset_materialization_events()
                        if e.asset_key == dg.AssetKey("released_snapshot")]
            mat_md = event.materialization.metadata
            assert mat_md["study_id"].value == study_id and mat_md["study_spec_sha256"].value == sha
            assert event.materialization.partition.keys_by_dimension[STUDY_DIM] == study_id
        # the landing zone keeps each study's raw batches in its own folder, with its manifests
        landing = lakefs.list_paths(LANDING_REPOSITORY, "main", layout.study_prefix(study_id))
        assert {p for p in landing if "/_manifests/" in p} == {
            layout.landing_manifest_path(study_id, b) for b in batch_ids}
    heart_files = {p.rsplit("/", 1)[-1] for p in main_paths if p.startswith(layout.snapshots_prefix(HEART))}
    assert "patients.parquet" in heart_files and "notes.parquet" not in heart_files


def test_each_study_has_its_own_partitions_in_one_instance(world):
    instance = world["instance"]
    assert sorted(instance.get_dynamic_partitions("studies")) == [HEART, MACE]
    for study_id, batch_ids in world["batches"].items():
        records = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dg.AssetKey("released_snapshot"),
                                  asset_partitions=[str(batch_key(study_id, b)) for b in batch_ids]), limit=50).records
        assert len(records) == len(batch_ids)


def test_the_mace_model_is_registered_and_promoted_under_its_study_name(world):
    from mlflow import MlflowClient

    result = world["models"][MACE]
    assert result.success, failure_text(result)[-3000:]
    trained = result.output_for_node("trained_model")
    assert trained["model_name"] == layout.registered_model_name(MACE) == "clinical-mace-risk"
    client = MlflowClient()
    version = client.get_model_version(trained["model_name"], trained["version"])
    assert version.tags["study_id"] == MACE
    assert client.get_model_version_by_alias(trained["model_name"], CHAMPION_ALIAS).version == trained["version"]
    dataset = result.output_for_node("training_dataset")
    assert dataset["path"].startswith(layout.training_prefix(MACE))
    assert client.get_experiment_by_name(layout.experiment_name(MACE)) is not None


def test_the_heart_disease_model_is_registered_beside_it(world):
    from mlflow import MlflowClient

    result = world["models"][HEART]
    assert result.success, failure_text(result)[-3000:]
    trained = result.output_for_node("trained_model")
    assert trained["model_name"] == "clinical-heart-disease-risk"
    names = {m.name for m in MlflowClient().search_registered_models()}
    assert {"clinical-mace-risk", "clinical-heart-disease-risk"} <= names


def test_the_published_state_check_watches_every_study_model(world):
    from clinical_pipelines.defs.published_state.checks import evaluate, watched_models
    from clinical_pipelines.defs.resources import resources_for

    res = resources_for(world["settings"])
    assert {"clinical-mace-risk", "clinical-heart-disease-risk"} <= set(watched_models(res["studies"]))
    report, _ = evaluate(res["lakefs"], res["mlflow"], res["audit_log"], res["studies"], settle_seconds=0)
    assert "mlflow:clinical-mace-risk@champion" in report.checked
    assert "mlflow:clinical-heart-disease-risk@champion" in report.checked
    assert report.ok, report.summary()


def test_the_landing_sensor_requests_one_run_per_new_study_batch_and_skips_unknown_studies(world):
    from clinical_pipelines.defs.ingest.sensors import landing_zone_sensor
    from clinical_pipelines.defs.resources import resources_for

    res = resources_for(world["settings"])
    s3 = res["lakefs"].s3()
    s3.put_object(Bucket=LANDING_REPOSITORY, Key=f"main/{layout.landing_batch_prefix(HEART, 'late-batch')}x.csv",
                  Body=b"a\n")
    s3.put_object(Bucket=LANDING_REPOSITORY, Key="main/studies/not-registered/b1/x.csv", Body=b"a\n")
    with dg.build_sensor_context(instance=world["instance"],
                                 resources={"lakefs": res["lakefs"], "studies": res["studies"]}) as ctx:
        result = landing_zone_sensor(ctx)
    assert isinstance(result, dg.SensorResult), result
    assert [(str(r.partition_key), r.run_key) for r in result.run_requests] == [
        (str(batch_key(HEART, "late-batch")), "batch-heart-disease-late-batch")]
    added = {name for req in result.dynamic_partitions_requests for name in req.partition_keys}
    assert added == {HEART, "late-batch"}, "only the registered study's new batch becomes a partition"
