"""End to end against real lakeFS and Dagster: a snapshot whose notes keep identifiers the redaction engine
missed is stopped by the independent residual gate, and lakeFS main does not move.

"Engine missed" is simulated by the text engine injected through the ``deid`` resource: a
``ClinicalTextDeidentifier`` whose analysis finds nothing, so every identifier in the notes survives
redaction. The engine's own re-run on the output then finds nothing either: only an independent detector
can stop the release.
"""
from __future__ import annotations

import io
import json

import dagster as dg
import pandas as pd
import pytest

from clinical_pipelines.settings import DEID_REPOSITORY, LANDING_REPOSITORY

pytestmark = pytest.mark.services

BATCH_SEED = 4242
SNAPSHOT_ASSETS = ("raw_extract", "deidentified_snapshot", "released_snapshot")


def _no_span_engine_class():
    from clinical_pipelines.deid.text import ClinicalTextDeidentifier, TextResult

    class NoSpanEngine(ClinicalTextDeidentifier):
        """The real engine class with an analysis that returns no span: it misses everything."""

        def analyze(self, texts, known_identifiers=None):
            return [[] for _ in texts]

        def deidentify(self, texts, known_identifiers=None):
            return [TextResult("" if t is None else str(t), []) for t in texts]

    return NoSpanEngine


@pytest.fixture(scope="module")
def no_span_deid():
    from clinical_pipelines.defs.resources import DeidentificationResource

    engine_cls = _no_span_engine_class()

    class NoSpanDeidentification(DeidentificationResource):
        def text_engine(self):
            return engine_cls(self.policy(), key=self.key())

    return NoSpanDeidentification()


@pytest.fixture(scope="module")
def landed_batch(stack):
    from clinical_pipelines.defs.resources import resources_for
    from clinical_pipelines.settings import Settings
    from clinical_pipelines.synthetic.cohort import CohortSpec, generate_cohort, write_batches

    lakefs = resources_for(Settings.from_env())["lakefs"]
    batch = generate_cohort(CohortSpec(n_patients=60, sites=("northgate",), n_years=1, seed=BATCH_SEED))[0]
    lakefs.repository(LANDING_REPOSITORY)
    write_batches([batch], lakefs.s3(), LANDING_REPOSITORY, prefix="main/studies/mace")
    lakefs.repository(DEID_REPOSITORY)  # main exists before the run, so "unchanged" is measurable
    return lakefs, batch.batch_id


def test_independent_gate_stops_a_snapshot_the_engine_let_through(landed_batch, no_span_deid, tmp_path):
    from clinical_pipelines.definitions import defs as lazy_defs
    from clinical_pipelines.defs.partitions import register_batches
    from clinical_pipelines.defs.resources import default_resources

    lakefs, batch_id = landed_batch
    defs = lazy_defs()
    (tmp_path / "dagster_home").mkdir()
    instance = dg.DagsterInstance.local_temp(str(tmp_path / "dagster_home"))
    (key,) = register_batches(instance, "mace", [batch_id])
    main_before = lakefs.head_commit(DEID_REPOSITORY, "main")

    result = dg.materialize(list(defs.assets), selection=list(SNAPSHOT_ASSETS), instance=instance,
                            partition_key=key, resources={**default_resources(), "deid": no_span_deid},
                            raise_on_error=False)
    assert not result.success
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    gate = evaluations["residual_phi_scan"]
    assert not gate.passed
    md = {k: v.value for k, v in gate.metadata.items()}
    # the engine's re-run found nothing: no review.engine:* count at all
    assert not [k for k in md if k.startswith("review.engine:")]
    # the independent detector's own format and policy findings block, not only the known-identifier search
    format_kinds = [k for k in md if k.startswith("text.") and not k.startswith("text.known.")]
    assert format_kinds and sum(md[k] for k in format_kinds) > 0
    assert md["notes_flagged"] > 0 and md["notes_flagged"] <= md["notes_scanned"]
    # the snapshot was committed on its own branch, never merged
    assert lakefs.head_commit(DEID_REPOSITORY, "main") == main_before
    assert not [e for e in result.all_events if e.is_step_success and "released_snapshot" in (e.step_key or "")]

    # metadata carries counts and ids only
    from clinical_pipelines.synthetic.cohort import CohortSpec, generate_cohort

    raw = generate_cohort(CohortSpec(n_patients=60, sites=("northgate",), n_years=1, seed=BATCH_SEED))[0]
    enc = pd.read_csv(io.BytesIO(raw.files["encounters.csv"]), dtype=str, keep_default_na=False)
    dumped = json.dumps(md, default=str)
    leaked = sum(v in dumped for c in ("patient_name", "mrn", "phone", "ssn") for v in enc[c] if v)
    assert leaked == 0, f"{leaked} identifier values in the gate metadata"

    # a later run of only the publishing step refuses too (Dagster's in-run blocking is not relied on)
    retry = dg.materialize(list(defs.assets), selection=["released_snapshot"], instance=instance,
                           partition_key=key, resources=default_resources(), raise_on_error=False)
    assert not retry.success
    assert lakefs.head_commit(DEID_REPOSITORY, "main") == main_before
