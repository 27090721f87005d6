"""A study of one's own, run through the whole graph on real lakeFS, MLflow and Dagster (test helpers).

The flow a new user follows: write or edit a study folder, check it with the code of ``study check``,
register it with ``clinical-pipelines study register``, land its batch folders under
``studies/<study_id>/<batch_id>/`` of the landing zone, run the snapshot job per (study, batch)
partition and the model lifecycle job (every model group, evidence included) for the study
partition: the code location's own jobs (``deidentified_snapshot_job``, ``model_lifecycle_job``)
with the resources its definitions bind. Services come from ``governance_world.own_stack``;
commands run in-process through the top-level CLI, their output captured and returned.
"""

from __future__ import annotations

import contextlib
import io
import time
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from clinical_pipelines.defs.partitions import MODEL_JOB, SNAPSHOT_JOB, batch_key, register_batches
from clinical_pipelines.settings import LANDING_REPOSITORY
from clinical_pipelines.study import layout
from clinical_pipelines_tests.governance_world import failure_text, gate_policy_run_config, lakefs_resource


@dataclass
class CliRun:
    code: int
    out: str
    err: str


def cli(*argv: str) -> CliRun:
    """``clinical-pipelines ARGV`` in this process: exit code, stdout, stderr."""
    from clinical_pipelines.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return CliRun(code, out.getvalue(), err.getvalue())


@dataclass
class StudyRun:
    """What one study's runs produced (Dagster results by batch, the lifecycle result, timings in seconds)."""

    study_id: str
    batches: list[str]
    snapshots: dict[str, dg.ExecuteInProcessResult] = field(default_factory=dict)
    lifecycle: dg.ExecuteInProcessResult | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def land_study(settings, instance: dg.DagsterInstance, study, folders: list[Path]) -> list[str]:
    """Put each batch folder's declared files into the landing zone; registers the (study, batch) partitions."""
    from clinical_pipelines.demo_plan import batch_files

    s3 = lakefs_resource(settings).s3()
    lakefs_resource(settings).repository(LANDING_REPOSITORY)
    batch_ids = [folder.name for folder in folders]
    register_batches(instance, study.study_id, batch_ids)
    for folder in folders:
        for name, data in batch_files(folder, study).items():
            key = f"main/{layout.landing_batch_prefix(study.study_id, folder.name)}{name}"
            s3.put_object(Bucket=LANDING_REPOSITORY, Key=key, Body=data)
    return batch_ids


def run_study_graph(settings, defs: dg.Definitions, instance: dg.DagsterInstance, study, folders: list[Path],
                    gate_policy: Path) -> StudyRun:
    """Land ``folders``, run every batch's snapshot job (each must succeed), then the model lifecycle job.

    The lifecycle result is returned whatever its outcome (``raise_on_error=False``): the caller asserts.
    """
    t0 = time.monotonic()
    run = StudyRun(study.study_id, land_study(settings, instance, study, folders))
    for batch_id in run.batches:
        result = defs.resolve_job_def(SNAPSHOT_JOB).execute_in_process(
            instance=instance, partition_key=batch_key(study.study_id, batch_id), raise_on_error=False)
        assert result.success, f"snapshot of {study.study_id}/{batch_id} failed:\n{failure_text(result)[-3000:]}"
        run.snapshots[batch_id] = result
    run.seconds["snapshots"] = time.monotonic() - t0
    t1 = time.monotonic()
    run.lifecycle = defs.resolve_job_def(MODEL_JOB).execute_in_process(
        instance=instance, partition_key=study.study_id, run_config=gate_policy_run_config(gate_policy),
        raise_on_error=False)
    run.seconds["lifecycle"] = time.monotonic() - t1
    return run


def check_evaluations(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    """Check name -> its evaluation in ``result`` (one per check in a single-partition run)."""
    return {e.check_name: e for e in result.get_asset_check_evaluations()}
