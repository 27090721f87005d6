"""The release publishes exactly the commit whose gates passed, against real lakeFS and Dagster.

A snapshot's gates pass; then a raw ``encounters.csv`` reaches its run branch (committed, or only
uploaded). ``released_snapshot`` refuses in that run and in every later run: ``main`` unchanged,
``gate.blocked`` recorded, the branch quarantined. An edited stored step output is refused too (the
release reads the gated commit from the Dagster event log). A clean snapshot is released as its
gated commit, attested for that commit, and a re-run of the release makes no new commit.
"""

from __future__ import annotations

import io
import json
import pickle
import uuid
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from clinical_pipelines.audit import events as ev
from clinical_pipelines.defs.partitions import register_batches
from clinical_pipelines.settings import DEID_REPOSITORY, LANDING_REPOSITORY
from clinical_pipelines.study.layout import landing_batch_prefix, snapshot_prefix, snapshots_prefix
from clinical_pipelines_tests.governance_world import failure_text, plain_notes

pytestmark = pytest.mark.services

SEED = 5151
STUDY = "mace"  # batches of the built-in synthetic study


@pytest.fixture(scope="module")
def world(stack, tmp_path_factory):
    from clinical_pipelines.definitions import defs as lazy_defs
    from clinical_pipelines.defs.resources import resources_for
    from clinical_pipelines.synthetic.cohort import CohortSpec, generate_cohort

    res = resources_for(stack)
    batch = generate_cohort(CohortSpec(n_patients=60, sites=("northgate",), n_years=1, seed=SEED))[0]
    batch_id = f"release-{uuid.uuid4().hex[:6]}"
    files = plain_notes(dict(batch.files))
    extract = json.loads(files["extract.json"])
    extract["batch_id"] = batch_id
    files["extract.json"] = json.dumps(extract).encode()
    res["lakefs"].repository(LANDING_REPOSITORY)
    res["lakefs"].repository(DEID_REPOSITORY)
    s3 = res["lakefs"].s3()
    for name, data in files.items():
        s3.put_object(Bucket=LANDING_REPOSITORY, Key=f"main/{landing_batch_prefix(STUDY, batch_id)}{name}", Body=data)
    home = tmp_path_factory.mktemp("release-dagster")
    instance = dg.DagsterInstance.local_temp(str(home))
    (key,) = register_batches(instance, STUDY, [batch_id])
    return {"defs": lazy_defs(), "instance": instance, "batch_id": batch_id, "key": key, "lakefs": res["lakefs"],
            "audit": res["audit_log"].log(), "raw_encounters": batch.files["encounters.csv"]}


def _run(world, selection):
    from clinical_pipelines.defs.resources import default_resources

    return dg.materialize(list(world["defs"].assets), selection=selection, instance=world["instance"],
                          partition_key=world["key"], resources=default_resources(), raise_on_error=False)


def _snapshot(world) -> dict:
    result = _run(world, ["raw_extract", "deidentified_snapshot"])
    assert result.success, failure_text(result)[-2000:]
    return result.output_for_node("deidentified_snapshot")


def _repo(world):
    return world["lakefs"].repository(DEID_REPOSITORY, create=False)


def _branch_names(world) -> set[str]:
    return {b.id for b in _repo(world).branches()}


def _blocked(world, reason: str) -> list:
    return [e for e in world["audit"].query(event_type=ev.GATE_BLOCKED)
            if e.payload.get("stage") == "snapshot_release" and e.payload.get("reason") == reason
            and e.payload.get("batch_id") == world["batch_id"]]


def _identifier_values(raw_csv: bytes) -> list[str]:
    enc = pd.read_csv(io.BytesIO(raw_csv), dtype=str, keep_default_na=False)
    return [v for c in ("patient_name", "mrn", "phone", "ssn") for v in enc[c] if v]


def test_a_commit_after_the_gates_is_never_released(world):
    from clinical_pipelines.lakefs_branches import read_quarantine_record

    snap = _snapshot(world)
    assert snap["gates_passed"]
    branch = _repo(world).branch(snap["branch"])
    # what the issue saw: a raw extract file added to the run branch after its gates passed
    branch.object(f"{snapshot_prefix(STUDY, world['batch_id'])}encounters.csv").upload(world["raw_encounters"], mode="wb")
    moved = branch.commit("added after the gates ran").get_commit().id
    main_before = world["lakefs"].head_commit(DEID_REPOSITORY, "main")

    result = _run(world, ["released_snapshot"])
    assert not result.success
    text = failure_text(result)
    assert "moved_after_gates" in text and snap["commit_id"][:12] in text
    assert world["lakefs"].head_commit(DEID_REPOSITORY, "main") == main_before
    assert not [p for p in world["lakefs"].list_paths(DEID_REPOSITORY, "main", snapshots_prefix(STUDY)) if p.endswith(".csv")]

    (event,) = _blocked(world, "moved_after_gates")
    assert event.payload["gated_commit"] == snap["commit_id"] and event.payload["head_commit"] == moved
    # the moved branch is quarantined: recorded with ids and counts, deleted, audited
    assert snap["branch"] not in _branch_names(world)
    record = read_quarantine_record(_repo(world), snap["branch"])
    assert record["reason"] == "moved_after_gates" and record["head_commit"] == moved
    assert record["gated_commit"] == snap["commit_id"] and record["changed_objects"] >= 7
    dumped = json.dumps(record)
    assert sum(v in dumped for v in _identifier_values(world["raw_encounters"])) == 0
    quarantined = world["audit"].query(event_type=ev.LAKEFS_BRANCH_QUARANTINED)
    assert [e for e in quarantined if e.payload["branch"] == snap["branch"]]

    # a later run of only the release refuses too, and records it again
    retry = _run(world, ["released_snapshot"])
    assert not retry.success and "branch_missing" in failure_text(retry)
    assert world["lakefs"].head_commit(DEID_REPOSITORY, "main") == main_before
    assert len(_blocked(world, "branch_missing")) == 1


def _stored_output_path(world) -> Path:
    # the filesystem IO manager keeps a (study, batch) partition's output at <asset>/<batch>/<study>
    return Path(world["instance"].storage_directory()) / "deidentified_snapshot" / world["batch_id"] / STUDY


def test_an_edited_stored_value_or_an_upload_after_the_gates_is_refused(world):
    snap = _snapshot(world)
    main_before = world["lakefs"].head_commit(DEID_REPOSITORY, "main")

    # someone with file access points the stored step output at another commit
    path = _stored_output_path(world)
    original = path.read_bytes()
    edited = dict(pickle.loads(original), commit_id=main_before)
    path.write_bytes(pickle.dumps(edited))
    result = _run(world, ["released_snapshot"])
    assert not result.success and "stored_value_mismatch" in failure_text(result)
    assert world["lakefs"].head_commit(DEID_REPOSITORY, "main") == main_before
    assert snap["branch"] in _branch_names(world)  # a refused edit does not touch the branch
    path.write_bytes(original)

    # an uncommitted upload: the head is still the gated commit, but the branch is not what was gated
    _repo(world).branch(snap["branch"]).object(f"{snapshot_prefix(STUDY, world['batch_id'])}encounters.csv").upload(
        world["raw_encounters"], mode="wb")
    result = _run(world, ["released_snapshot"])
    assert not result.success and "uncommitted" in failure_text(result)
    assert world["lakefs"].head_commit(DEID_REPOSITORY, "main") == main_before
    assert snap["branch"] not in _branch_names(world)
    assert [e for e in _blocked(world, "moved_after_gates") if e.payload["gated_commit"] == snap["commit_id"]]


def test_the_release_merges_the_gated_commit_once(world):
    from clinical_pipelines.lakefs_protection import GATED_COMMIT, verify_attestation

    snap = _snapshot(world)
    result = _run(world, ["released_snapshot"])
    assert result.success, failure_text(result)[-2000:]
    released = result.output_for_node("released_snapshot")
    merge = _repo(world).commit(released["merge_commit"]).get_commit()
    assert merge.metadata[GATED_COMMIT] == snap["commit_id"] and snap["commit_id"] in merge.parents
    assert verify_attestation(world["lakefs"].gate_key(), repository=DEID_REPOSITORY, branch="main",
                              source_commit=snap["commit_id"], metadata=merge.metadata)
    assert world["lakefs"].head_commit(DEID_REPOSITORY, "main") == released["merge_commit"]
    paths = world["lakefs"].list_paths(DEID_REPOSITORY, "main", snapshot_prefix(STUDY, world['batch_id']))
    assert f"{snapshot_prefix(STUDY, world['batch_id'])}manifest.json" in paths and not [p for p in paths if p.endswith(".csv")]
    assert snap["branch"] not in _branch_names(world)

    # re-running the release of a released batch makes no new commit
    again = _run(world, ["released_snapshot"])
    assert again.success, failure_text(again)[-2000:]
    assert again.output_for_node("released_snapshot")["merge_commit"] == released["merge_commit"]
    assert world["lakefs"].head_commit(DEID_REPOSITORY, "main") == released["merge_commit"]
