"""Crash and outage tests against the real servers: lakeFS, MLflow, Dagster and a PostgreSQL audit log.

Faults are injected at the real boundary: the run worker is a separate process that is SIGKILLed, or
the lakeFS / MLflow / PostgreSQL server process is stopped, at a moment reached deterministically
through the pipeline's fault-injection points (``lakefs_branches.fault_point``: inert unless
``CLINICAL_PIPELINES_FAULT_POINT`` names one; the worker then waits there). After each fault:
lakeFS ``main`` and the MLflow ``champion`` alias are unchanged (or, where the server had already
made the change, it is recorded and not repeated by the next run), no run branch of the failed run
is left after the next run, ``audit verify`` passes, the published-state check agrees with the
audit log, and a re-run succeeds. Plus: a re-run of a released batch makes no new commit, and two
concurrent runs of one batch leave one release. The table of faults: ``docs/FAULTS.md``.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from clinical_pipelines.audit import events as ev
from clinical_pipelines.lakefs_branches import FAULT_POINT_ENV, read_quarantine_record, run_branches
from clinical_pipelines.settings import CHAMPION_ALIAS, DEID_REPOSITORY, LANDING_REPOSITORY, REGISTERED_MODEL_NAME
from clinical_pipelines_tests.governance_world import (
    SNAPSHOT_ASSETS, STUDY, World, build_world, failure_text, lakefs_resource, own_stack, plain_notes,
)
from clinical_pipelines.study.layout import landing_batch_prefix

pytestmark = pytest.mark.services
REPO_ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------------------ a PostgreSQL audit database
class Postgres:
    """A throwaway PostgreSQL cluster (initdb/pg_ctl of the installed server) that tests stop and start."""

    def __init__(self, directory: Path):
        import glob

        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name.split(".")[0]))
        assert bins, "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"
        self.bin, self.dir = Path(bins[-1]), directory
        self.data, self.log = directory / "data", directory / "server.log"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.prefix: list[str] = []
        directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:  # initdb refuses root: run the cluster as an unprivileged user
            user = next(u for u in ("postgres", "nobody") if _user_exists(u))
            pw = pwd.getpwnam(user)
            os.chown(directory, pw.pw_uid, pw.pw_gid)
            self.prefix = [shutil.which("runuser") or "/usr/sbin/runuser", "-u", user, "--"]
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "-N")
        self.start()
        self._run("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-c", "CREATE DATABASE audit")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/audit"

    def _run(self, tool: str, *args: str) -> None:
        res = subprocess.run(self.prefix + [str(self.bin / tool), *args], capture_output=True, text=True,
                             timeout=120, check=False)
        assert res.returncode == 0, f"{tool} failed (exit {res.returncode}): {res.stderr[-1500:]}"

    def start(self) -> None:
        opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c max_connections=80")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", opts, "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


# ------------------------------------------------------------------------------ the world and its worker
@dataclass
class Faults:
    world: World
    settings: object
    pg: Postgres
    root: Path
    # one site batch of the world's cohort, landed again under new batch ids (never shown in test output)
    raw: dict[str, bytes] = field(repr=False)


@pytest.fixture(scope="module")
def faults(tmp_path_factory):
    import tempfile

    root = tmp_path_factory.mktemp("faults")
    pg_dir = Path(tempfile.mkdtemp(prefix="faults-pg-"))  # outside pytest's 0700 tree: the cluster's user reads it
    pg = Postgres(pg_dir)
    try:
        with own_stack(root / "home") as settings:
            os.environ["CLINICAL_PIPELINES_AUDIT_DB_URL"] = pg.url
            world = build_world(settings, root / "world", promote=True)
            first = world.batches[0]
            raw = {name: lakefs_resource(settings).read_bytes(LANDING_REPOSITORY, "main", f"{landing_batch_prefix(STUDY, first)}{name}")
                   for name in ("extract.json", "encounters.csv", "notes.jsonl", "labels.csv")}
            yield Faults(world, settings, pg, root, raw)
    finally:
        try:
            pg.stop()
        except AssertionError:
            pass
        shutil.rmtree(pg_dir, ignore_errors=True)


WORKER = r'''
import json, sys
from pathlib import Path
import dagster as dg
from dagster._core.instance.ref import InstanceRef
from clinical_pipelines.definitions import defs
from clinical_pipelines_tests.governance_world import World, failure_text

home, root, what, arg, out = sys.argv[1:6]
world = World(None, defs(), dg.DagsterInstance.from_ref(InstanceRef.from_dir(home)), Path(root))
result = world.snapshot(arg) if what == "snapshot" else world.lifecycle(Path(arg))
Path(out).write_text(json.dumps({"success": result.success, "run_id": result.run_id,
                                 "failure": failure_text(result)[-6000:]}))
'''


@dataclass
class WorkerOutcome:
    returncode: int
    fault_reached: bool
    success: bool | None = None
    run_id: str | None = None
    failure: str = ""


def run_worker(f: Faults, what: str, arg: str, *, fault: str | None = None,
               at_fault: Callable[[subprocess.Popen, Path], None] | None = None,
               env: dict[str, str] | None = None) -> WorkerOutcome:
    """Run ``World.snapshot(arg)`` or ``World.lifecycle(gate policy arg)`` in a worker process; with
    ``fault``, call ``at_fault(process, signal file)`` when the worker waits at that fault point."""
    tmp = f.root / f"worker-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    script, signal_file, out = tmp / "worker.py", tmp / "fault.signal", tmp / "outcome.json"
    script.write_text(WORKER)
    child_env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), **(env or {})}
    if fault:
        child_env[FAULT_POINT_ENV] = f"{fault}={signal_file}"
    child = subprocess.Popen([sys.executable, str(script), str(f.world.root / "dagster_home"), str(f.world.root),
                              what, arg, str(out)], env=child_env, cwd=REPO_ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    reached = False
    try:
        if fault:
            deadline = time.time() + 600
            while not signal_file.exists() and child.poll() is None and time.time() < deadline:
                time.sleep(0.3)
            reached = signal_file.exists()
            if reached and at_fault is not None:
                at_fault(child, signal_file)
        child.wait(timeout=900)
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
    outcome = WorkerOutcome(child.returncode, reached)
    if out.exists():
        data = json.loads(out.read_text())
        outcome.success, outcome.run_id, outcome.failure = data["success"], data["run_id"], data["failure"]
    return outcome


def kill(child: subprocess.Popen, _signal_file: Path) -> None:
    os.kill(child.pid, signal.SIGKILL)


def outage(stop: Callable[[], None]) -> Callable[[subprocess.Popen, Path], None]:
    """At the fault point: stop a server, then let the worker go on against it."""

    def at_fault(_child: subprocess.Popen, signal_file: Path) -> None:
        stop()
        signal_file.unlink()

    return at_fault


# ------------------------------------------------------------------------------ what must hold after a fault
def land(f: Faults, prefix: str) -> str:
    batch_id = f"{prefix}-{uuid.uuid4().hex[:6]}"
    f.world.land(plain_notes(f.raw), batch_id)
    return batch_id


def main_head(f: Faults) -> str:
    return lakefs_resource(f.settings).head_commit(DEID_REPOSITORY, "main")


def repo(f: Faults):
    return lakefs_resource(f.settings).repository(DEID_REPOSITORY, create=False)


def branches_of_run(f: Faults, run_id: str) -> list[str]:
    return [b.name for b in run_branches(repo(f)) if b.run_prefix == run_id[:8]]


def deid_branches_of(f: Faults, batch_id: str) -> list[str]:
    return [b.name for b in run_branches(repo(f), ["deid"]) if b.batch_id == batch_id]


def killed_run_id(f: Faults, before: set[str]) -> str:
    (run,) = [r for r in f.world.instance.get_runs() if r.run_id not in before]
    return run.run_id


def run_ids(f: Faults) -> set[str]:
    return {r.run_id for r in f.world.instance.get_runs()}


def audit_verifies() -> bool:
    from clinical_pipelines.audit.cli import audit_main

    return audit_main(["verify"]) == 0


def published_state(f: Faults):
    from clinical_pipelines.defs.resources import resources_for
    from clinical_pipelines.published_state import check_published_state

    res = resources_for(f.settings)
    return check_published_state(res["lakefs"].client(), res["mlflow"].client(), res["audit_log"].log(),
                                 repositories=[DEID_REPOSITORY], model_name=REGISTERED_MODEL_NAME,
                                 alias=CHAMPION_ALIAS, settle_seconds=0)


def audited_merges(f: Faults, merge_commit: str) -> int:
    from clinical_pipelines.defs.resources import resources_for

    log = resources_for(f.settings)["audit_log"].log()
    return len(log.query(event_type=ev.LAKEFS_MERGE, subject=ev.lakefs_subject(DEID_REPOSITORY, merge_commit)))


def rerun_snapshot(f: Faults, batch_id: str, selection=SNAPSHOT_ASSETS):
    result = f.world.snapshot(batch_id, selection=selection)
    assert result.success, failure_text(result)[-3000:]
    assert not deid_branches_of(f, batch_id), "a run branch of the batch is left after the re-run"
    return result


def assert_consistent(f: Faults) -> None:
    report = published_state(f)
    assert report.ok, report.summary()
    assert audit_verifies()


def assert_unchanged_then_rerun_releases(f: Faults, batch_id: str, *, before, head: str, champion) -> None:
    """After a failed snapshot run: main and champion unchanged and consistent with the audit log; the re-run
    succeeds and leaves no branch of the failed run."""
    killed = killed_run_id(f, before)
    assert main_head(f) == head and f.world.champion() == champion
    assert_consistent(f)
    rerun_snapshot(f, batch_id)
    assert not branches_of_run(f, killed)
    assert_consistent(f)


def snapshot_ready(f: Faults, prefix: str) -> str:
    """A landed batch with its raw extract ingested (the fault comes in the de-identification run)."""
    batch_id = land(f, prefix)
    result = f.world.snapshot(batch_id, selection=["raw_extract"])
    assert result.success, failure_text(result)[-3000:]
    return batch_id


# ------------------------------------------------------------------------------ MLflow down (first: the
# lifecycle trains on every released batch, the later tests land copies of one)
def _lifecycle_fault(f: Faults, fault: str, server: str):
    from clinical_pipelines import services

    champion, before = f.world.champion(), run_ids(f)
    try:
        outcome = run_worker(f, "lifecycle", str(f.world.gate_policy), fault=fault,
                             at_fault=outage(lambda: services.stop_service(f.settings, server)),
                             env={"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0", "MLFLOW_HTTP_REQUEST_TIMEOUT": "10"})
    finally:
        services.start_service(f.settings, server)
    assert outcome.fault_reached and outcome.success is False, outcome.failure[-2000:]
    assert f.world.champion() == champion
    return champion, killed_run_id(f, before)


def _latest_version(f: Faults) -> str:
    client = mlflow_client(f)
    return str(max(int(v.version) for v in client.search_model_versions(f"name='{REGISTERED_MODEL_NAME}'")))


def mlflow_client(f: Faults):
    from clinical_pipelines.defs.resources import resources_for

    return resources_for(f.settings)["mlflow"].client()


def test_mlflow_down_at_registration_champion_unchanged_rerun_promotes(faults):
    f = faults
    champion, failed = _lifecycle_fault(f, "mlflow.register.after", "mlflow")
    half = _latest_version(f)  # registered before MLflow went down, never tagged, audited or aliased
    client = mlflow_client(f)
    assert half != champion and "validation_status" not in client.get_model_version(REGISTERED_MODEL_NAME, half).tags
    assert_consistent(f)

    result = f.world.lifecycle()
    assert result.success, failure_text(result)[-3000:]
    assert f.world.champion() not in (champion, half)
    assert not branches_of_run(f, failed)
    assert_consistent(f)


def test_mlflow_down_at_the_alias_move_champion_unchanged_rerun_promotes(faults):
    f = faults
    champion, failed = _lifecycle_fault(f, "mlflow.alias.before", "mlflow")
    assert_consistent(f)

    result = f.world.lifecycle()
    assert result.success, failure_text(result)[-3000:]
    assert f.world.champion() != champion
    assert not branches_of_run(f, failed)
    assert_consistent(f)


@pytest.mark.parametrize("fault", ["mlflow.alias.before", "mlflow.alias.after"])
def test_audit_database_down_at_the_alias_move_champion_unchanged_rerun_promotes(faults, fault):
    """Before: refused before the alias moves. After MLflow moved it: the unrecorded move is taken back."""
    f = faults
    champion, before = f.world.champion(), run_ids(f)
    try:
        outcome = run_worker(f, "lifecycle", str(f.world.gate_policy), fault=fault, at_fault=outage(f.pg.stop))
    finally:
        f.pg.start()
    assert outcome.fault_reached and outcome.success is False
    expected = ("audit log database is unreachable" if fault.endswith("before")
                else f"the alias was moved back to {champion}")
    assert expected in outcome.failure
    assert f.world.champion() == champion
    assert_consistent(f)

    result = f.world.lifecycle()
    assert result.success, failure_text(result)[-3000:]
    assert f.world.champion() != champion
    assert not branches_of_run(f, killed_run_id(f, before | {result.run_id}))
    assert_consistent(f)


# ------------------------------------------------------------------------------ SIGKILL of the run worker
def test_killed_during_the_lakefs_commit_main_unchanged_orphan_quarantined_rerun_succeeds(faults):
    f = faults
    batch_id = snapshot_ready(f, "kill-commit")
    head, champion, before = main_head(f), f.world.champion(), run_ids(f)
    outcome = run_worker(f, "snapshot", batch_id, fault=f"lakefs.commit:{DEID_REPOSITORY}", at_fault=kill)
    assert outcome.fault_reached and outcome.returncode == -signal.SIGKILL
    killed = killed_run_id(f, before)
    (orphan,) = branches_of_run(f, killed)
    assert repo(f).branch(orphan).get_commit().id != head  # lakeFS made the commit, the worker died after
    assert main_head(f) == head and f.world.champion() == champion
    assert_consistent(f)

    rerun_snapshot(f, batch_id)
    assert orphan not in [b.id for b in repo(f).branches()]
    assert read_quarantine_record(repo(f), orphan)["reason"] == "run_crashed"
    assert f.world.champion() == champion
    assert_consistent(f)


def test_killed_before_the_merge_main_unchanged_rerun_releases_once(faults):
    f = faults
    batch_id = snapshot_ready(f, "kill-premerge")
    head, champion, before = main_head(f), f.world.champion(), run_ids(f)
    outcome = run_worker(f, "snapshot", batch_id, fault="lakefs.merge.before", at_fault=kill)
    assert outcome.fault_reached and outcome.returncode == -signal.SIGKILL
    killed = killed_run_id(f, before)
    assert branches_of_run(f, killed)  # the gated snapshot waits for its release
    assert main_head(f) == head and f.world.champion() == champion
    assert_consistent(f)

    rerun_snapshot(f, batch_id)
    assert not branches_of_run(f, killed)
    assert repo(f).ref("main").get_commit().parents[0] == head  # one merge: the re-run's release
    assert_consistent(f)


def test_killed_after_lakefs_merged_the_rerun_records_that_merge_and_makes_no_new_one(faults):
    f = faults
    batch_id = snapshot_ready(f, "kill-merge")
    head, champion, before = main_head(f), f.world.champion(), run_ids(f)
    outcome = run_worker(f, "snapshot", batch_id, fault="lakefs.merge.after", at_fault=kill)
    assert outcome.fault_reached and outcome.returncode == -signal.SIGKILL
    killed = killed_run_id(f, before)
    merged = main_head(f)
    assert merged != head and audited_merges(f, merged) == 0  # lakeFS merged; the worker died before recording
    report = published_state(f)
    assert [x.kind for x in report.findings] == ["lakefs_main_head"]  # the watch sees the unrecorded change
    assert f.world.champion() == champion

    rerun_snapshot(f, batch_id, selection=["released_snapshot"])
    assert main_head(f) == merged and audited_merges(f, merged) == 1  # recorded, not merged again
    assert not branches_of_run(f, killed)
    assert any(t.id.startswith(f"snapshot-{STUDY}-{batch_id}-") for t in repo(f).tags())
    assert_consistent(f)


# ------------------------------------------------------------------------------ servers down
def test_lakefs_down_at_the_merge_main_unchanged_rerun_succeeds(faults):
    from clinical_pipelines import services

    f = faults
    batch_id = snapshot_ready(f, "lakefs-down")
    head, champion, before = main_head(f), f.world.champion(), run_ids(f)
    try:
        outcome = run_worker(f, "snapshot", batch_id, fault="lakefs.merge.before",
                             at_fault=outage(lambda: services.stop_service(f.settings, "lakefs")))
    finally:
        services.start_service(f.settings, "lakefs")
    assert outcome.fault_reached and outcome.success is False
    assert "lakeFS did not answer the merge" in outcome.failure
    assert_unchanged_then_rerun_releases(f, batch_id, before=before, head=head, champion=champion)


def test_audit_database_down_at_the_merge_nothing_published_rerun_succeeds(faults):
    f = faults
    batch_id = snapshot_ready(f, "audit-down")
    head, champion, before = main_head(f), f.world.champion(), run_ids(f)
    try:
        outcome = run_worker(f, "snapshot", batch_id, fault="lakefs.merge.before", at_fault=outage(f.pg.stop))
    finally:
        f.pg.start()
    assert outcome.fault_reached and outcome.success is False
    assert "audit log database is unreachable" in outcome.failure and "Nothing was published" in outcome.failure
    assert "postgres@" not in outcome.failure  # no database URL in the message
    assert_unchanged_then_rerun_releases(f, batch_id, before=before, head=head, champion=champion)


def test_audit_database_lost_right_after_the_merge_the_rerun_records_it(faults):
    f = faults
    batch_id = snapshot_ready(f, "audit-lost")
    head = main_head(f)
    try:
        outcome = run_worker(f, "snapshot", batch_id, fault="lakefs.merge.after", at_fault=outage(f.pg.stop))
    finally:
        f.pg.start()
    assert outcome.fault_reached and outcome.success is False
    assert "its audit event could not be written" in outcome.failure
    merged = main_head(f)
    assert merged != head and audited_merges(f, merged) == 0
    assert not published_state(f).ok

    rerun_snapshot(f, batch_id, selection=["released_snapshot"])
    assert main_head(f) == merged and audited_merges(f, merged) == 1
    assert_consistent(f)


# ------------------------------------------------------------------------------ idempotence and concurrency
def test_rerunning_a_released_batch_makes_no_new_commit(faults):
    f = faults
    batch_id = land(f, "rerun")
    rerun_snapshot(f, batch_id)  # released (a re-run right after it: same code, so the same transform hash)
    head = main_head(f)
    result = rerun_snapshot(f, batch_id)
    assert result.output_for_node("released_snapshot").get("already_released") is True
    assert main_head(f) == head
    assert_consistent(f)


def test_two_concurrent_runs_of_one_batch_leave_one_release(faults):
    import concurrent.futures

    f = faults
    batch_id = snapshot_ready(f, "concurrent")
    head = main_head(f)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lambda _: run_worker(f, "snapshot", batch_id), range(2)))
    assert any(o.success for o in outcomes), [o.failure[-1500:] for o in outcomes]
    merges = [c for c in repo(f).ref("main").log(max_amount=20)
              if len(c.parents) == 2 and (c.metadata or {}).get("batch_id") == batch_id]
    assert len(merges) == 1 and merges[0].id == main_head(f) and merges[0].parents[0] == head
    assert len([t for t in repo(f).tags() if t.id.startswith(f"snapshot-{STUDY}-{batch_id}-")]) == 1
    assert_consistent(f)
    rerun_snapshot(f, batch_id)  # and the next run leaves no branch of either
    assert_consistent(f)
