"""Benchmark the audit trail on a 100,000-event store: trace (median), verify, anchor root.

    .venv/bin/python tools/bench/audit.py [--events 100000] [--models 500] [--no-postgres]

Builds a realistic graph per model version: two source batches -> lakeFS commit (with manifests)
-> merge into main -> label set -> training dataset (over the last three merged snapshots) ->
MLflow registration -> alias; the rest of the events are the sensor's asset/check/run events.
Runs on SQLite and, when the PostgreSQL server binaries are installed, on a throwaway cluster.
"""

from __future__ import annotations

import argparse
import glob
import os
import pwd
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from clinical_pipelines.audit import events as ev  # noqa: E402
from clinical_pipelines.audit.anchor import merkle_root_of_event_hashes  # noqa: E402
from clinical_pipelines.audit.store import AuditLog, NewEvent  # noqa: E402
from clinical_pipelines.audit.trace import trace_model  # noqa: E402
from clinical_pipelines.audit.verify import verify_chain  # noqa: E402

ACTOR = "bench"


def _h(rng: random.Random) -> str:
    return "%064x" % rng.getrandbits(256)


def build(log: AuditLog, n_events: int, n_models: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    per_model_core = 7
    noise_per_model = max(0, (n_events - n_models * per_model_core) // n_models)
    merges: list[str] = []
    buf: list[NewEvent] = []
    written = 0

    def emit(e: NewEvent) -> None:
        nonlocal written
        if written + len(buf) >= n_events:
            return
        buf.append(e)
        if len(buf) >= 2000:
            flush()

    def flush() -> None:
        nonlocal written
        if buf:
            log.append_many(buf)
            written += len(buf)
            buf.clear()

    env = {"kind": "python-distributions", "digest": _h(rng)}
    transform = _h(rng)
    for m in range(n_models):
        batches = [f"b{m:05d}-{k}" for k in range(2)]
        branch_commit, merge_commit = _h(rng)[:40], _h(rng)[:40]
        run_id = f"run-{m:05d}"
        emit(NewEvent(ev.LAKEFS_COMMIT, f"lakefs:clinical-deid@{branch_commit}", ACTOR,
                      [f"batch:{b}" for b in batches],
                      {"repository": "clinical-deid", "branch": f"deid-{run_id}",
                       "commit_id": branch_commit, "transform_hash": transform,
                       "policy_sha256": _h(rng), "environment_digest": env,
                       "code_version": _h(rng)[:40], "dagster_run_id": run_id,
                       "source_manifests": [
                           {"batch_id": b, "source_system": f"emr-{m % 5}",
                            "files": {f: _h(rng) for f in ("encounters.csv", "notes.jsonl",
                                                            "labels.csv", "extract.json")},
                            "row_counts": {"encounters": rng.randint(100, 5000)}}
                           for b in batches]}))
        emit(NewEvent(ev.LAKEFS_MERGE, f"lakefs:clinical-deid@{merge_commit}", ACTOR,
                      [f"lakefs:clinical-deid@{branch_commit}"],
                      {"repository": "clinical-deid", "into": "main", "tag": f"deid-{m}"}))
        merges.append(merge_commit)
        snaps = [f"lakefs:clinical-deid@{c}" for c in merges[-3:]]
        labels = f"labels:{_h(rng)}"
        emit(NewEvent(ev.ASSET_MATERIALIZED, labels, ACTOR, snaps[-1:],
                      {"raters": [f"rater-{rng.randint(1, 40):02d}" for _ in range(3)],
                       "n_labels": rng.randint(200, 9000), "kappa": round(rng.random(), 3),
                       "labeling_tools": ["chart-review-ui/2.3.1"]}))
        dataset = f"dataset:{_h(rng)}"
        emit(NewEvent(ev.ASSET_MATERIALIZED, dataset, ACTOR, [*snaps, labels],
                      {"split_counts": {"train": 800, "test": 200}, "lakefs_commit": merge_commit}))
        emit(NewEvent(ev.MLFLOW_MODEL_VERSION_REGISTERED, f"model:clinical-risk/{m + 1}", ACTOR,
                      [dataset],
                      {"run_id": _h(rng)[:32], "lakefs_repository": "clinical-deid",
                       "lakefs_commit": merge_commit, "transform_hash": transform,
                       "code_version": _h(rng)[:40], "environment_digest": env}))
        emit(NewEvent(ev.MLFLOW_ALIAS_SET, f"model:clinical-risk/{m + 1}", ACTOR, (),
                      {"alias": "challenger", "gates": ["auroc", "calibration"]}))
        emit(NewEvent(ev.RUN_FAILED, f"dagster-run:{run_id}-retry", ACTOR, (),
                      {"failure_reason": "STEP_FAILURE"}))
        for i in range(noise_per_model):
            et = ev.ASSET_MATERIALIZED if i % 3 else ev.CHECK_EVALUATED
            emit(NewEvent(et, f"asset:asset_{i % 40}", "dagster-sensor:bench",
                          [f"dagster-run:{run_id}"], {"storage_id": m * 1000 + i, "n_rows": i}))
    while written + len(buf) < n_events:  # top up to exactly n_events
        emit(NewEvent(ev.CHECK_EVALUATED, "asset:filler", ACTOR, (), {"i": written + len(buf)}))
    flush()


def bench(url: str, label: str, n_events: int, n_models: int) -> dict:
    t0 = time.perf_counter()
    with AuditLog(url) as log:
        build(log, n_events, n_models)
        t_build = time.perf_counter() - t0
        assert log.count() == n_events, log.count()
        rng = random.Random(1)
        times = []
        for v in [rng.randint(1, n_models) for _ in range(50)]:
            t = time.perf_counter()
            tr = trace_model(log, "clinical-risk", v)
            times.append(time.perf_counter() - t)
            assert tr.source_batches and tr.label_sets and not any(
                "does not reach" in w for w in tr.warnings), tr.warnings
        t = time.perf_counter()
        res = verify_chain(log)
        t_verify = time.perf_counter() - t
        assert res.ok and res.n_events == n_events, res.summary()
        t = time.perf_counter()
        root = merkle_root_of_event_hashes([h for _, h in log.hashes(1, n_events)])
        t_anchor = time.perf_counter() - t
    out = {
        "backend": label,
        "events": n_events,
        "build_s": t_build,
        "trace_median_ms": statistics.median(times) * 1000,
        "trace_p95_ms": sorted(times)[int(len(times) * 0.95) - 1] * 1000,
        "trace_max_ms": max(times) * 1000,
        "verify_s": t_verify,
        "anchor_root_s": t_anchor,
        "root": root[:16],
    }
    print(f"[{label}] {n_events} events built in {t_build:.1f} s | trace median "
          f"{out['trace_median_ms']:.1f} ms (p95 {out['trace_p95_ms']:.1f}, max "
          f"{out['trace_max_ms']:.1f}) over 50 models | verify {t_verify:.2f} s | Merkle root "
          f"over all events {t_anchor:.2f} s", flush=True)
    return out


def cli_trace_seconds(url: str) -> float:
    env = dict(os.environ, CLINICAL_PIPELINES_AUDIT_DB_URL=url)
    cmd = [sys.executable, "-m", "clinical_pipelines.audit.cli", "trace", "clinical-risk", "42"]
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env,
                   cwd=Path(__file__).resolve().parents[2])
    return time.perf_counter() - t


class PgCluster:
    """A throwaway PostgreSQL cluster (same approach as the test fixture)."""

    def __init__(self) -> None:
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not bins:
            raise FileNotFoundError("PostgreSQL server binaries not found (apt-get install -y postgresql)")
        self.bindir = Path(bins[-1]).parent
        self.tmp = Path(tempfile.mkdtemp(prefix="audit-bench-pg-"))
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            user = "postgres"
            try:
                pw = pwd.getpwnam(user)
            except KeyError:
                user, pw = "nobody", pwd.getpwnam("nobody")
            os.chown(self.tmp, pw.pw_uid, pw.pw_gid)
            self.prefix = [shutil.which("runuser") or "/usr/sbin/runuser", "-u", user, "--"]
        self.data = self.tmp / "data"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]

    def __enter__(self) -> str:
        subprocess.run(self.prefix + [str(self.bindir / "initdb"), "-D", str(self.data), "-U",
                                      "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "-N"],
                       check=True, capture_output=True)
        # durable settings (fsync on): the figures should reflect a real server
        subprocess.run(self.prefix + [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l",
                                      str(self.tmp / "log"), "-w", "-o",
                                      f"-p {self.port} -k {self.tmp} -c listen_addresses=127.0.0.1",
                                      "start"], check=True, capture_output=True)
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/postgres"

    def __exit__(self, *exc: object) -> None:
        subprocess.run(self.prefix + [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m",
                                      "fast", "-w", "stop"], capture_output=True)
        shutil.rmtree(self.tmp, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--models", type=int, default=500)
    ap.add_argument("--no-postgres", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="audit-bench-"))
    try:
        url = f"sqlite:///{tmp / 'audit.db'}"
        bench(url, "sqlite", args.events, args.models)
        print(f"[sqlite] `clinical-pipelines audit trace clinical-risk 42` as a new process: "
              f"{cli_trace_seconds(url):.2f} s wall (incl. interpreter start and imports)")
        if not args.no_postgres:
            try:
                with PgCluster() as pg_url:
                    bench(pg_url, "postgresql", args.events, args.models)
            except FileNotFoundError as exc:
                print(f"[postgresql] skipped: {exc}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
