"""`clinical-pipelines demo`: start the stack and run the whole graph on the built-in synthetic cohort.

1. starts lakeFS, MLflow and Dagster (webserver + daemon) on 127.0.0.1, building lakeFS once;
2. creates the secrets a first run needs (pseudonym key, linkage-vault key) under the data dir;
3. writes a synthetic cohort into the landing zone (lakeFS S3 gateway, through boto3);
4. launches, through the running Dagster webserver, one snapshot run per batch and then the model
   lifecycle run, and waits for them;
5. prints where to look.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timezone

from clinical_pipelines import services
from clinical_pipelines.settings import (
    CHAMPION_ALIAS, DEID_REPOSITORY, EVIDENCE_REPOSITORY, LANDING_REPOSITORY, REGISTERED_MODEL_NAME, Settings,
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="clinical-pipelines demo", description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=3000, help="synthetic cohort size (default 3000)")
    args = parser.parse_args(argv)

    from dagster import DagsterInstance
    from dagster_graphql import DagsterGraphQLClient

    from clinical_pipelines.defs.jobs import MODEL_JOB
    from clinical_pipelines.defs.ingest.sensors import SNAPSHOT_JOB
    from clinical_pipelines.defs.ingest.assets import ingest_batches
    from clinical_pipelines.defs.resources import resources_for

    t0 = time.monotonic()
    settings = Settings.from_env()
    try:
        services.up(settings, ("lakefs", "mlflow"))
        settings.ensure_local_secrets()
        services.up(settings, ("dagster",))
    except services.ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    env = settings.service_env()
    import os

    os.environ.update(env)
    lakefs = resources_for(settings)["lakefs"]

    say(f"generating a synthetic cohort of {args.patients} patients")
    from clinical_pipelines.synthetic.cohort import CohortSpec, generate_cohort, write_batches

    batches = generate_cohort(CohortSpec(n_patients=args.patients))
    batch_ids = [b.batch_id for b in batches]
    instance = DagsterInstance.get()
    # Register the partitions before the files land, so the landing-zone sensor does not start
    # a second run for the same batch.
    new = [b for b in batch_ids if not instance.has_dynamic_partition(ingest_batches.name, b)]
    instance.add_dynamic_partitions(ingest_batches.name, new)
    lakefs.repository(LANDING_REPOSITORY)
    write_batches(batches, lakefs.s3(), LANDING_REPOSITORY, prefix="main")
    say(f"landed {len(batch_ids)} batches in lakefs://{LANDING_REPOSITORY}/main: {', '.join(batch_ids)}")

    client = DagsterGraphQLClient("127.0.0.1", port_number=settings.dagster_port)
    statuses = {}
    for batch_id in batch_ids:
        run_id = client.submit_job_execution(
            SNAPSHOT_JOB, repository_location_name=LOCATION, tags={"dagster/partition": batch_id}
        )
        statuses[batch_id] = _wait(client, run_id, f"snapshot run for {batch_id}")
    failed = [b for b, s in statuses.items() if s != "SUCCESS"]
    if failed:
        say(f"snapshot runs failed for {failed}: open {settings.dagster_url}/runs to see which gate stopped them")
        return 1
    model_run = client.submit_job_execution(MODEL_JOB, repository_location_name=LOCATION)
    model_status = _wait(client, model_run, "model lifecycle run")

    # Where to look.
    from mlflow import MlflowClient

    ml = MlflowClient(tracking_uri=settings.mlflow_uri, registry_uri=settings.mlflow_uri)
    try:
        champion = ml.get_model_version_by_alias(REGISTERED_MODEL_NAME, CHAMPION_ALIAS).version
    except Exception:
        champion = None
    deid_head = lakefs.head_commit(DEID_REPOSITORY, "main")
    evidence_tags = [t.id for t in lakefs.repository(EVIDENCE_REPOSITORY).tags()]
    summary = {
        "dagster_ui": f"{settings.dagster_url}/asset-groups",
        "dagster_model_run": f"{settings.dagster_url}/runs/{model_run}",
        "model_run_status": model_status,
        "lakefs_ui": f"{settings.lakefs_endpoint} (key id in {settings.secrets_dir / 'lakefs-admin.json'})",
        "deidentified_snapshot_main_commit": deid_head,
        "mlflow_ui": settings.mlflow_uri,
        "mlflow_model": f"{REGISTERED_MODEL_NAME} version {champion} (alias '{CHAMPION_ALIAS}')" if champion else "no champion",
        "evidence_bundle": str(settings.evidence_dir),
        "evidence_tags": evidence_tags,
        "audit_log": settings.audit_db_url,
        "wall_time_s": round(time.monotonic() - t0, 1),
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    print(json.dumps(summary, indent=2))
    print(
        "\nWhere to look:\n"
        f"  Dagster UI (asset lineage, checks, runs): {summary['dagster_ui']}\n"
        f"  lakeFS (snapshots, tags, commit metadata): {settings.lakefs_endpoint}  main @ {deid_head[:12]}\n"
        f"  MLflow (model registry): {settings.mlflow_uri}/#/models/{REGISTERED_MODEL_NAME}  {summary['mlflow_model']}\n"
        f"  Evidence bundles: {settings.evidence_dir}  (verify: clinical-pipelines evidence verify DIR)\n"
        f"  Audit: clinical-pipelines audit trace {REGISTERED_MODEL_NAME} {champion}   |   clinical-pipelines audit verify\n"
        "  Stop everything: make down"
    )
    return 0 if model_status == "SUCCESS" else 1
