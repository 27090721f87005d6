"""Notice new batches in the landing zone and start their snapshot run."""


import dagster as dg

from clinical_pipelines.defs.ingest.assets import ingest_batches
from clinical_pipelines.defs.resources import LakeFSResource
from clinical_pipelines.settings import LANDING_REPOSITORY

SNAPSHOT_JOB = "deidentified_snapshot_job"


def landed_batch_ids(lakefs: LakeFSResource) -> list[str]:
    s3 = lakefs.s3()
    resp = s3.list_objects_v2(Bucket=LANDING_REPOSITORY, Prefix="main/", Delimiter="/")
    ids = [p["Prefix"][len("main/"):].rstrip("/") for p in resp.get("CommonPrefixes", [])]
    return sorted(i for i in ids if i and not i.startswith("_"))


@dg.sensor(
    job_name=SNAPSHOT_JOB,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Registers each new batch folder in the landing zone as an ingest_batch partition and "
    "requests its de-identified snapshot run (one run per batch, keyed by batch id).",
)
def landing_zone_sensor(context: dg.SensorEvaluationContext, lakefs: LakeFSResource):
    try:
        landed = landed_batch_ids(lakefs)
    except Exception as exc:  # the service is down: say so, do not crash the daemon
        return dg.SkipReason(f"landing zone not reachable ({type(exc).__name__}); is lakeFS running?")
    known = set(context.instance.get_dynamic_partitions(ingest_batches.name))
    new = [b for b in landed if b not in known]
    if not new:
        return dg.SkipReason(f"no new batches ({len(landed)} known)")
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=b, run_key=f"batch-{b}") for b in new],
        dynamic_partitions_requests=[ingest_batches.build_add_request(new)],
    )
