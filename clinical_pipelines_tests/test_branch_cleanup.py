"""No PHI left behind: run branches that will never be released are quarantined (real lakeFS and Dagster).

- A snapshot whose gates fail leaves no branch holding its planted identifiers (they are in the
  gated commit, reachable by id only until lakeFS garbage collection; see docs/DATA_RETENTION.md).
- A run killed (SIGKILL) while writing its branch leaves an orphan; the next run quarantines it.
- The cleanup sensor quarantines branches of finished, crashed and unknown runs and keeps those of
  live runs and snapshots waiting for release.
Plus the naming and liveness rules of ``clinical_pipelines.lakefs_branches`` without services.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from clinical_pipelines.audit import events as ev
from clinical_pipelines.lakefs_branches import (
    RUN_PREFIX_TAG, WORKER_TAG, DisposalReason, RunActivity, deid_branch_name, orphan_reason, parse_run_branch,
    read_quarantine_record,
    worker_alive, worker_identity,
)
from clinical_pipelines.defs.partitions import batch_key, register_batches
from clinical_pipelines.settings import DEID_REPOSITORY, LANDING_REPOSITORY
from clinical_pipelines.study.layout import landing_batch_prefix, snapshot_prefix
from clinical_pipelines_tests.governance_world import failure_text, plain_notes

STUDY = "mace"  # batches of the built-in synthetic study


# ------------------------------------------------------------------------------ rules, no services
def test_run_branch_names_are_recognised_and_nothing_else():
    b = parse_run_branch("r", deid_branch_name("northgate-2020-01-extract", "0a1b2c3d-rest", study_id="heart-disease"))
    assert b.name == "deid-heart-disease_northgate-2020-01-extract-0a1b2c3d"
    assert (b.kind, b.study_id, b.batch_id, b.run_prefix) == ("deid", "heart-disease", "northgate-2020-01-extract",
                                                              "0a1b2c3d")
    old = parse_run_branch("r", "deid-northgate-2020-01-extract-0a1b2c3d")  # made before studies: no study
    assert (old.kind, old.study_id, old.batch_id) == ("deid", None, "northgate-2020-01-extract")
    assert parse_run_branch("r", "evidence-deadbeef").kind == "evidence"
    for name in ("main", "deid-b1", "quarantine-records", "admin-bypass", "labels-XYZ12345", "training-0a1b2c3"):
        assert parse_run_branch("r", name) is None


def test_only_live_runs_and_waiting_releases_keep_their_branch():
    assert orphan_reason(RunActivity.ACTIVE, awaiting_release=False) is None
    assert orphan_reason(RunActivity.FINISHED, awaiting_release=True) is None
    assert orphan_reason(RunActivity.FINISHED, awaiting_release=False) is DisposalReason.RUN_FINISHED_UNRELEASED
    assert orphan_reason(RunActivity.CRASHED, awaiting_release=False) is DisposalReason.RUN_CRASHED
    assert orphan_reason(RunActivity.UNKNOWN, awaiting_release=False) is DisposalReason.RUN_UNKNOWN


def test_a_dead_worker_is_told_from_a_live_one():
    assert worker_alive(worker_identity()) is True
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    identity = worker_identity(child.pid)
    assert worker_alive(identity) is True
    child.kill()
    child.wait()
    assert worker_alive(identity) is False
    host, boot, pid, start = worker_identity().rsplit(":", 3)
    assert worker_alive(f"another-host:{boot}:{pid}:{start}") is None  # cannot be told from here
    assert worker_alive("garbage") is None


# ------------------------------------------------------------------------------ against the services
SEED = 6262


def _land(lakefs, files: dict[str, bytes], prefix: str) -> str:
    batch_id = f"{prefix}-{uuid.uuid4().hex[:6]}"
    extract = json.loads(files["extract.json"])
    extract["batch_id"] = batch_id
    files = {**files, "extract.json": json.dumps(extract).encode()}
    s3 = lakefs.s3()
    for name, data in files.items():
        s3.put_object(Bucket=LANDING_REPOSITORY, Key=f"main/{landing_batch_prefix(STUDY, batch_id)}{name}", Body=data)
    return batch_id


@pytest.fixture(scope="module")
def env(stack, tmp_path_factory):
    from clinical_pipelines.definitions import defs as lazy_defs
    from clinical_pipelines.defs.resources import resources_for
    from clinical_pipelines.synthetic.cohort import CohortSpec, generate_cohort

    res = resources_for(stack)
    res["lakefs"].repository(LANDING_REPOSITORY)
    res["lakefs"].repository(DEID_REPOSITORY)
    raw = dict(generate_cohort(CohortSpec(n_patients=60, sites=("northgate",), n_years=1, seed=SEED))[0].files)
    home = tmp_path_factory.mktemp("cleanup-dagster")
    return {"defs": lazy_defs(), "instance": dg.DagsterInstance.local_temp(str(home)), "home": home,
            "lakefs": res["lakefs"], "audit": res["audit_log"].log(), "raw": raw}


def _materialize(env, batch_id, selection, **overrides):
    from clinical_pipelines.defs.resources import default_resources

    register_batches(env["instance"], STUDY, [batch_id])
    return dg.materialize(list(env["defs"].assets), selection=selection, instance=env["instance"],
                          partition_key=batch_key(STUDY, batch_id), resources={**default_resources(), **overrides},
                          raise_on_error=False)


def _repo(env):
    return env["lakefs"].repository(DEID_REPOSITORY, create=False)


def _branches(env) -> list[str]:
    return [b.id for b in _repo(env).branches()]


def _identifiers(raw: dict[str, bytes]) -> list[str]:
    enc = pd.read_csv(io.BytesIO(raw["encounters.csv"]), dtype=str, keep_default_na=False)
    return [v for c in ("patient_name", "mrn", "phone", "ssn") for v in enc[c] if len(v) > 3]


def _hits(text: str, values: list[str]) -> int:
    return sum(v in text for v in values)


@pytest.mark.services
def test_a_gate_failed_snapshot_leaves_no_branch_with_its_identifiers(env):
    from clinical_pipelines_tests.test_residual_gate_services import _no_span_engine_class
    from clinical_pipelines.defs.resources import DeidentificationResource

    engine_cls = _no_span_engine_class()

    class MissesEverything(DeidentificationResource):
        def text_engine(self):
            return engine_cls(self.policy(), key=self.key())

    batch_id = _land(env["lakefs"], env["raw"], "gatefail")
    result = _materialize(env, batch_id, ["raw_extract", "deidentified_snapshot", "released_snapshot"],
                          deid=MissesEverything())
    assert not result.success and "residual_phi_scan" in failure_text(result)
    snap = result.output_for_node("deidentified_snapshot")
    values = _identifiers(env["raw"])
    # positive control: the gated commit does hold planted identifiers in its notes
    notes = env["lakefs"].read_parquet(DEID_REPOSITORY, snap["commit_id"], f"{snapshot_prefix(STUDY, batch_id)}notes.parquet")
    assert _hits(" ".join(notes.astype(str).to_numpy().ravel()), values) > 0

    # ...but no branch does: the run branch is gone and no branch has the batch's folder
    assert snap["branch"] not in _branches(env)
    for name in _branches(env):
        assert not env["lakefs"].list_paths(DEID_REPOSITORY, name, snapshot_prefix(STUDY, batch_id)), f"branch {name}"
    record = read_quarantine_record(_repo(env), snap["branch"])
    assert record["reason"] == "gate_failed" and "residual_phi_scan" in record["failed_gates"]
    assert record["gated_commit"] == snap["commit_id"] and record["batch_id"] == batch_id
    assert _hits(json.dumps(record), values) == 0
    (event,) = [e for e in env["audit"].query(event_type=ev.LAKEFS_BRANCH_QUARANTINED)
                if e.payload["branch"] == snap["branch"]]
    assert event.payload["reason"] == "gate_failed" and _hits(json.dumps(event.payload), values) == 0


KILLED_RUN = r'''
import sys, time
from pathlib import Path
import dagster as dg
from dagster._core.instance.ref import InstanceRef
from clinical_pipelines.definitions import defs
from clinical_pipelines.defs.partitions import batch_key
from clinical_pipelines.defs.resources import AuditLogResource, LakeFSResource, default_resources
from clinical_pipelines.settings import DEID_REPOSITORY

home, batch_id, signal_file = sys.argv[1:4]


class StallsBeforeCommit(LakeFSResource):
    """The real resource; before committing the de-identified branch it signals and waits to be killed."""

    def commit(self, repository, branch, message, **kwargs):
        if repository == DEID_REPOSITORY:
            Path(signal_file).write_text(branch)
            time.sleep(600)
        return super().commit(repository, branch, message, **kwargs)


instance = dg.DagsterInstance.from_ref(InstanceRef.from_dir(home))
resources = {**default_resources(), "lakefs": StallsBeforeCommit(audit_log=AuditLogResource())}
dg.materialize(list(defs().assets), selection=["deidentified_snapshot"], instance=instance,
               partition_key=batch_key("mace", batch_id), resources=resources, raise_on_error=False)
'''


@pytest.mark.services
def test_the_orphan_of_a_killed_run_is_quarantined_by_the_next_run(env, tmp_path):
    batch_id = _land(env["lakefs"], plain_notes(env["raw"]), "killed")
    assert _materialize(env, batch_id, ["raw_extract"]).success
    script, signal_file = tmp_path / "killed_run.py", tmp_path / "branch.txt"
    script.write_text(KILLED_RUN)
    child = subprocess.Popen([sys.executable, str(script), str(env["home"]), batch_id, str(signal_file)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 300
        while not signal_file.exists() and child.poll() is None and time.time() < deadline:
            time.sleep(0.5)
        assert signal_file.exists(), "the run never reached its commit"
        time.sleep(0.5)
        orphan = signal_file.read_text()
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert orphan in _branches(env)
    assert len(list(_repo(env).branch(orphan).uncommitted())) >= 6  # the de-identified files were written
    (killed,) = env["instance"].get_runs(filters=dg.RunsFilter(tags={RUN_PREFIX_TAG: orphan[-8:]}))
    assert killed.status == dg.DagsterRunStatus.STARTED  # Dagster still thinks it runs

    result = _materialize(env, batch_id, ["deidentified_snapshot"])
    assert result.success, failure_text(result)[-2000:]
    assert orphan not in _branches(env)
    record = read_quarantine_record(_repo(env), orphan)
    assert record["reason"] == "run_crashed" and record["uncommitted_objects"] >= 6
    assert record["recorded_by"] == ev.run_subject(result.run_id)
    # the next run's own branch waits for its release; a sweep now keeps it
    from clinical_pipelines.defs.deid.assets import SNAPSHOT_GATES
    from clinical_pipelines.defs.deid.branches import sweep_run_branches

    mine = result.output_for_node("deidentified_snapshot")["branch"]
    swept = sweep_run_branches(env["instance"], env["lakefs"], repositories=[DEID_REPOSITORY],
                               gate_names=SNAPSHOT_GATES, recorded_by="test")
    assert mine in _branches(env) and not [r for r in swept.quarantined if r.branch == mine]


def _run_record(instance, status, *, worker: str | None) -> str:
    run_id = str(uuid.uuid4())
    tags = {RUN_PREFIX_TAG: run_id[:8], **({WORKER_TAG: worker} if worker else {})}
    instance.add_run(dg.DagsterRun(job_name="deidentified_snapshot_job", run_id=run_id, status=status, tags=tags))
    return run_id


@pytest.mark.services
def test_the_cleanup_sensor_quarantines_orphans_and_keeps_live_work(env):
    from clinical_pipelines.defs.deid.sensors import run_branch_cleanup_sensor
    from clinical_pipelines.defs.resources import default_resources

    instance = env["instance"]
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dead_worker = worker_identity(worker.pid)  # taken while it runs, then it is killed
    worker.kill()
    worker.wait()
    runs = {
        "live": _run_record(instance, dg.DagsterRunStatus.STARTED, worker=worker_identity()),
        "failed": _run_record(instance, dg.DagsterRunStatus.FAILURE, worker=worker_identity()),
        "crashed": _run_record(instance, dg.DagsterRunStatus.STARTED, worker=dead_worker),
        "unknown": str(uuid.uuid4()),  # in no run storage
    }
    repo = _repo(env)
    names = {kind: f"labels-{run_id[:8]}" for kind, run_id in runs.items()}
    for name in names.values():
        repo.branch(name).create(source_reference="main")
        repo.branch(name).object("labels/consensus.parquet").upload(b"not real labels", mode="wb")

    with dg.build_sensor_context(instance=instance, resources={"lakefs": default_resources()["lakefs"]}) as context:
        outcome = run_branch_cleanup_sensor(context)
    assert isinstance(outcome, dg.SkipReason) and "quarantined" in outcome.skip_message
    left = set(_branches(env))
    assert names["live"] in left
    for kind in ("failed", "crashed", "unknown"):
        assert names[kind] not in left, kind
        record = read_quarantine_record(repo, names[kind])
        assert record["uncommitted_objects"] == 1
    assert read_quarantine_record(repo, names["failed"])["reason"] == "run_finished_unreleased"
    assert read_quarantine_record(repo, names["crashed"])["reason"] == "run_crashed"
    assert read_quarantine_record(repo, names["unknown"])["reason"] == "run_unknown"
    assert json.loads(context.cursor)["swept_at"] > 0

    # with no run ended since, the next tick does not sweep; the live run's branch stays
    with dg.build_sensor_context(instance=instance, cursor=context.cursor,
                                 resources={"lakefs": default_resources()["lakefs"]}) as later:
        again = run_branch_cleanup_sensor(later)
    assert "no run ended" in again.skip_message and names["live"] in set(_branches(env))
    repo.branch(names["live"]).delete()
