"""Notice new batches in the landing zone (``studies/<study_id>/<batch_id>/``) and start their snapshot run."""


import dagster as dg

from clinical_pipelines.defs.partitions import SNAPSHOT_JOB, batch_key, ingest_batches, partition_requests
from clinical_pipelines.defs.partitions import studies as study_partitions
from clinical_pipelines.defs.resources import LakeFSResource, StudyRegistryResource
from clinical_pipelines.settings import LANDING_REPOSITORY
from clinical_pipelines.study import layout


def _folders(s3, prefix: str) -> list[str]:
    names, token = [], None
    while True:
        kwargs = {"Bucket": LANDING_REPOSITORY, "Prefix": prefix, "Delimiter": "/"}
        if token:
            kwargs["ContinuationToken"] = token
        resp = s3.list_objects_v2(**kwargs)
        names += [p["Prefix"][len(prefix):].rstrip("/") for p in resp.get("CommonPrefixes", [])]
        token = resp.get("NextContinuationToken")
        if not token:
            return names


def landed_batches(lakefs: LakeFSResource) -> dict[str, list[str]]:
    """study folder name -> batch folder names under ``main/studies/`` of the landing repository."""
    s3 = lakefs.s3()
    root = f"main/{layout.STUDIES_ROOT}/"
    return {study: sorted(b for b in _folders(s3, f"{root}{study}/") if layout.is_batch_folder_name(b))
            for study in sorted(_folders(s3, root))}


@dg.sensor(
    job_name=SNAPSHOT_JOB,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Registers each new batch folder studies/<study>/<batch>/ of the landing zone as a (study, batch) "
    "partition and requests its de-identified snapshot run (one run per study and batch). Folders of studies the "
    "registry does not know are reported, never ingested.",
)
def landing_zone_sensor(context: dg.SensorEvaluationContext, lakefs: LakeFSResource, studies: StudyRegistryResource):
    try:
        landed = landed_batches(lakefs)
    except Exception as exc:  # the service is down: say so, do not crash the daemon
        return dg.SkipReason(f"landing zone not reachable ({type(exc).__name__}); is lakeFS running?")
    known_studies = set(studies.registry().ids())
    unknown = sorted(s for s in landed if s not in known_studies)
    have_studies = set(context.instance.get_dynamic_partitions(study_partitions.name))
    have_batches = set(context.instance.get_dynamic_partitions(ingest_batches.name))
    new = [(s, b) for s, batches in landed.items() if s in known_studies for b in batches
           if not (s in have_studies and b in have_batches)]
    note = f"; {len(unknown)} study folder(s) not in the study registry: {', '.join(unknown)}" if unknown else ""
    if not new:
        return dg.SkipReason(f"no new batches ({sum(len(b) for b in landed.values())} known){note}")
    if note:
        context.log.warning(note.lstrip("; "))
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=batch_key(s, b), run_key=f"batch-{s}-{b}") for s, b in new],
        dynamic_partitions_requests=partition_requests({s for s, _ in new}, {b for _, b in new}),
    )
