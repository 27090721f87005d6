"""`clinical-pipelines demo [--study STUDY.yaml|STUDY_ID] [--data DIR]`: start the stack and run the whole graph on a study.

1. plans the run (``demo_plan``): the study and its batches; runs the checks of ``study check`` on the
   spec and the data first and stops on any problem; registers a spec given by path;
2. starts lakeFS, MLflow and Dagster (webserver + daemon) on 127.0.0.1, building lakeFS once, and
   creates the secrets a first run needs (pseudonym key, linkage-vault key, signing keys);
3. lands the batches in the landing zone (``studies/<study_id>/<batch_id>/``, lakeFS S3 gateway);
   without ``--study`` a synthetic MACE cohort is generated, as ``make demo`` does;
4. launches, through the running Dagster webserver, one snapshot run per (study, batch) partition
   and then the study's model lifecycle run, and waits for them;
5. on a failed model run, prints which gates and steps failed and why (``demo_report``); prints where to look.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime, timezone

from clinical_pipelines import services
from clinical_pipelines.settings import (
    CHAMPION_ALIAS, DEID_REPOSITORY, EVIDENCE_REPOSITORY, LANDING_REPOSITORY, REPO_ROOT, Settings,
)

LOCATION = "clinical_pipelines"


def say(msg: str) -> None:
    print(f"[demo {datetime.now().strftime('%H:%M:%S')}] {msg}", flush=True)


def _wait(client, run_id: str, what: str, timeout_s: float = 3600) -> str:
    from dagster import DagsterRunStatus

    started = time.monotonic()
    last = None
    while time.monotonic() - started < timeout_s:
        status = client.get_run_status(run_id)
        if status != last:
            say(f"{what}: {status.value} ({time.monotonic() - started:.0f} s)")
            last = status
        if status in (DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED):
            return status.value
        time.sleep(2)
    raise TimeoutError(f"{what} did not finish within {timeout_s:.0f} s (run {run_id})")


def _plan(args, settings: Settings):
    """The demo plan, or None after printing why it cannot run (the `study check` report when it failed)."""
    from clinical_pipelines.demo_plan import DemoPlanError, plan_demo
    from clinical_pipelines.study.registry import StudyRegistry, StudyRegistryError
    from clinical_pipelines.study.spec import StudySpecError

    try:
        plan = plan_demo(args.study, args.data, patients=args.patients, home=settings.home)
        if plan.register_from is not None:
            entry = StudyRegistry(settings.home).register(plan.register_from, replace=args.replace)
            say(f"registered study {entry.study_id} (spec sha256 {entry.spec_sha256[:12]}) in {entry.spec_path.parent}")
    except DemoPlanError as exc:
        if exc.report is not None:
            from clinical_pipelines.study.cli import render

            print(render(exc.report, data_checked=True), file=sys.stderr)
        print(f"error: {exc}", file=sys.stderr)
        return None
    except (StudyRegistryError, StudySpecError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    return plan


def _land(plan, lakefs, instance) -> list[str]:
    """Put the plan's batches into the landing zone (partitions registered first, so the landing-zone
    sensor does not start a second run for the same batch); returns the batch ids."""
    from clinical_pipelines.defs.partitions import register_batches
    from clinical_pipelines.study import layout

    s3 = lakefs.s3()
    lakefs.repository(LANDING_REPOSITORY)
    prefix = f"main/{layout.study_prefix(plan.study_id).rstrip('/')}"
    if plan.synthetic_patients is not None:
        from clinical_pipelines.synthetic.cohort import CohortSpec, generate_cohort, write_batches

        say(f"generating a synthetic cohort of {plan.synthetic_patients} patients")
        batches = generate_cohort(CohortSpec(n_patients=plan.synthetic_patients))
        batch_ids = [b.batch_id for b in batches]
        register_batches(instance, plan.study_id, batch_ids)
        write_batches(batches, s3, LANDING_REPOSITORY, prefix=prefix)
        return batch_ids
    from clinical_pipelines.demo_plan import batch_files
    from clinical_pipelines.study.spec import load_study

    study = load_study(plan.spec_path)
    register_batches(instance, plan.study_id, list(plan.batches))
    for batch_id, folder in plan.batches.items():
        for name, data in batch_files(folder, study).items():
            s3.put_object(Bucket=LANDING_REPOSITORY, Key=f"{prefix}/{batch_id}/{name}", Body=data)
    return list(plan.batches)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="clinical-pipelines demo", description=__doc__.splitlines()[0])
    parser.add_argument("--study", default=None,
                        help="a study.yaml (or its folder), or a study id (built in: mace, heart-disease; or registered "
                        "before); default: mace on a synthetic cohort")
    parser.add_argument("--data", default=None, help="the study's batches: a folder of batch folders, or one batch "
                        "folder (required for a study given by path)")
    parser.add_argument("--patients", type=int, default=3000, help="synthetic cohort size of the mace study (default 3000)")
    parser.add_argument("--replace", action="store_true", help="replace an earlier registration of a changed spec "
                        "under the same study id")
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    plan = _plan(args, settings)
    if plan is None:
        return 1
    say(f"plan: {plan.describe()}")

    from dagster import DagsterInstance
    from dagster_graphql import DagsterGraphQLClient

    from clinical_pipelines.defs.partitions import BATCH_DIM, MODEL_JOB, SNAPSHOT_JOB, STUDY_DIM, batch_key
    from clinical_pipelines.defs.resources import resources_for
    from clinical_pipelines.study.layout import registered_model_name

    t0 = time.monotonic()
    try:
        services.up(settings, ("lakefs", "mlflow"))
        settings.ensure_local_secrets()
        services.up(settings, ("dagster",))
    except services.ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    os.environ.update(settings.service_env())
    lakefs = resources_for(settings)["lakefs"]
    batch_ids = _land(plan, lakefs, DagsterInstance.get())
    say(f"landed {len(batch_ids)} batches of study {plan.study_id} in lakefs://{LANDING_REPOSITORY}/main/studies/"
        f"{plan.study_id}/: {', '.join(batch_ids)}")

    client = DagsterGraphQLClient("127.0.0.1", port_number=settings.dagster_port)
    statuses = {}
    for batch_id in batch_ids:
        key = batch_key(plan.study_id, batch_id)
        run_id = client.submit_job_execution(SNAPSHOT_JOB, repository_location_name=LOCATION, tags={
            "dagster/partition": str(key), f"dagster/partition/{STUDY_DIM}": plan.study_id,
            f"dagster/partition/{BATCH_DIM}": batch_id})
        what = f"snapshot run for {plan.study_id}/{batch_id}"
        statuses[batch_id] = _wait(client, run_id, what)
        if statuses[batch_id] != "SUCCESS":
            _explain_failure(DagsterInstance.get(), run_id, what, settings)
    failed = [b for b, s in statuses.items() if s != "SUCCESS"]
    if failed:
        say(f"snapshot runs failed for {failed} (reasons above); no model run was started. "
            f"Stop the services: {_stop_command(settings)}")
        return 1
    model_run = client.submit_job_execution(MODEL_JOB, repository_location_name=LOCATION,
                                            tags={"dagster/partition": plan.study_id})
    what = f"model lifecycle run for {plan.study_id}"
    model_status = _wait(client, model_run, what)
    if model_status != "SUCCESS":
        _explain_failure(DagsterInstance.get(), model_run, what, settings)
    _summary(settings, lakefs, plan.study_id, registered_model_name(plan.study_id), model_run, model_status, t0)
    return 0 if model_status == "SUCCESS" else 1


def _explain_failure(instance, run_id: str, what: str, settings: Settings) -> None:
    """Print (stderr) which gates and steps of the run failed and why, read from its Dagster event log."""
    from clinical_pipelines.demo_report import failure_lines, read_run_failure

    failure = read_run_failure(instance, run_id)
    print("\n".join(failure_lines(what, failure, f"{settings.dagster_url}/runs/{run_id}")), file=sys.stderr,
          flush=True)


def _registered_version(ml, model_name: str) -> str | None:
    from clinical_pipelines.demo_report import latest_version

    try:
        return latest_version(v.version for v in ml.search_model_versions(f"name='{model_name}'"))
    except Exception:  # noqa: BLE001 - no such registered model: said in the footer
        return None


def _stop_command(settings: Settings) -> str:
    from clinical_pipelines.demo_report import stop_command

    default = Settings(home=(REPO_ROOT / "var").resolve())
    env = {"CLINICAL_PIPELINES_HOME": str(settings.home), "CLINICAL_PIPELINES_LAKEFS_PORT": str(settings.lakefs_port),
           "CLINICAL_PIPELINES_MLFLOW_PORT": str(settings.mlflow_port),
           "CLINICAL_PIPELINES_DAGSTER_PORT": str(settings.dagster_port)}
    defaults = {"CLINICAL_PIPELINES_HOME": str(default.home), "CLINICAL_PIPELINES_LAKEFS_PORT": str(default.lakefs_port),
                "CLINICAL_PIPELINES_MLFLOW_PORT": str(default.mlflow_port),
                "CLINICAL_PIPELINES_DAGSTER_PORT": str(default.dagster_port)}
    return stop_command(env, defaults)


def _summary(settings: Settings, lakefs, study_id: str, model_name: str, model_run: str, model_status: str,
             t0: float) -> None:
    from mlflow import MlflowClient

    from clinical_pipelines.demo_report import audit_line, evidence_line

    ml = MlflowClient(tracking_uri=settings.mlflow_uri, registry_uri=settings.mlflow_uri)
    try:
        champion = ml.get_model_version_by_alias(model_name, CHAMPION_ALIAS).version
    except Exception:  # noqa: BLE001 - no champion yet: said below
        champion = None
    version = _registered_version(ml, model_name)
    deid_head = lakefs.head_commit(DEID_REPOSITORY, "main")
    evidence_tags = [t.id for t in lakefs.repository(EVIDENCE_REPOSITORY).tags() if model_name in t.id]
    local_bundles = sorted(settings.evidence_dir.glob(f"{model_name}-v*")) if settings.evidence_dir.is_dir() else []
    evidence_paths = [f"lakefs://{EVIDENCE_REPOSITORY}/{t}/bundles/{model_name}/" for t in evidence_tags]
    if champion:
        mlflow_model = f"{model_name} version {champion} (alias '{CHAMPION_ALIAS}')"
    elif version:
        mlflow_model = f"{model_name} version {version} registered, no champion (not promoted)"
    else:
        mlflow_model = f"no version of {model_name} registered"
    summary = {
        "study": study_id,
        "dagster_ui": f"{settings.dagster_url}/asset-groups",
        "dagster_model_run": f"{settings.dagster_url}/runs/{model_run}",
        "model_run_status": model_status,
        "lakefs_ui": f"{settings.lakefs_endpoint} (key id in {settings.secrets_dir / 'lakefs-admin.json'})",
        "deidentified_snapshot_main_commit": deid_head,
        "deidentified_snapshots": f"lakefs://{DEID_REPOSITORY}/main/studies/{study_id}/batches/",
        "mlflow_ui": settings.mlflow_uri,
        "mlflow_model": mlflow_model,
        "mlflow_latest_version": version,
        "evidence_bundles": [str(p) for p in local_bundles] or evidence_paths,
        "evidence_tags": evidence_tags,
        "audit_log": settings.audit_db_url,
        "wall_time_s": round(time.monotonic() - t0, 1),
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    print(json.dumps(summary, indent=2))
    print(
        "\nWhere to look:\n"
        f"  Dagster UI (asset lineage, checks, runs; partitions by study and batch): {summary['dagster_ui']}\n"
        f"  Model lifecycle run ({model_status}): {summary['dagster_model_run']}\n"
        f"  lakeFS (snapshots, tags, commit metadata): {settings.lakefs_endpoint}  main @ {deid_head[:12]}, "
        f"studies/{study_id}/\n"
        f"  MLflow (model registry): {settings.mlflow_uri}/#/models/{model_name}  {mlflow_model}\n"
        f"  {evidence_line(local_bundles, evidence_paths)}\n"
        f"  {audit_line(model_name, version)}\n"
        f"  Stop everything: {_stop_command(settings)}"
    )
