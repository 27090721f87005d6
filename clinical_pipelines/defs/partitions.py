"""Partitions and job names: the one place that says how runs are keyed by study and batch.

- ``study_batches``: ingest and de-identification assets (``raw_extract``, ``deidentified_snapshot``,
  ``released_snapshot``) are partitioned by study x ingest batch (two dynamic dimensions; a key
  reads ``<batch>|<study>`` in the UI, with the dimensions ``batch`` and ``study`` shown apart).
- ``studies``: the model lifecycle (labels, training, validation, promotion, monitoring, evidence)
  is partitioned by study; ``per_study`` maps every batch of a study to it.

A study partition is added only for a study the registry resolves (``StudyRegistryResource``);
each asset resolves its study from its partition key (:func:`study_batch`, :func:`study_of`).
"""

import warnings

import dagster as dg

from clinical_pipelines.study.layout import require_batch_id, require_study_id

STUDY_DIM = "study"
BATCH_DIM = "batch"
SNAPSHOT_JOB = "deidentified_snapshot_job"
MODEL_JOB = "model_lifecycle_job"

studies = dg.DynamicPartitionsDefinition(name="studies")
ingest_batches = dg.DynamicPartitionsDefinition(name="ingest_batch")
study_batches = dg.MultiPartitionsDefinition({STUDY_DIM: studies, BATCH_DIM: ingest_batches})
with warnings.catch_warnings():  # the mapping is marked beta in Dagster 1.13; its behaviour is tested here
    warnings.simplefilter("ignore", dg.BetaWarning)
    per_study = dg.MultiToSingleDimensionPartitionMapping(partition_dimension_name=STUDY_DIM)


def batch_key(study_id: str, batch_id: str) -> dg.MultiPartitionKey:
    """The partition key of one ingest batch of one study (``LayoutError`` for ids that cannot be keys)."""
    return dg.MultiPartitionKey({STUDY_DIM: require_study_id(study_id), BATCH_DIM: require_batch_id(batch_id)})


def study_batch(context) -> tuple[str, str]:
    """(study id, batch id) of a ``study_batches``-partitioned asset's run."""
    key = context.partition_key
    dims = key.keys_by_dimension if isinstance(key, dg.MultiPartitionKey) else \
        study_batches.get_partition_key_from_str(str(key)).keys_by_dimension
    return dims[STUDY_DIM], dims[BATCH_DIM]


def study_of(context) -> str:
    """The study id of a ``studies``-partitioned asset's run."""
    return str(context.partition_key)


def register_batches(instance: dg.DagsterInstance, study_id: str, batch_ids) -> list[dg.MultiPartitionKey]:
    """Add the study and its batches to the dynamic partitions (idempotent); returns their keys."""
    keys = [batch_key(study_id, b) for b in batch_ids]
    if not instance.has_dynamic_partition(studies.name, study_id):
        instance.add_dynamic_partitions(studies.name, [study_id])
    new = [b for b in batch_ids if not instance.has_dynamic_partition(ingest_batches.name, b)]
    if new:
        instance.add_dynamic_partitions(ingest_batches.name, new)
    return keys


def partition_requests(study_ids, batch_ids) -> list:
    """The ``dynamic_partitions_requests`` that add ``study_ids`` and ``batch_ids`` (for a sensor result)."""
    out = []
    if study_ids:
        out.append(studies.build_add_request(sorted(set(study_ids))))
    if batch_ids:
        out.append(ingest_batches.build_add_request(sorted(set(batch_ids))))
    return out
