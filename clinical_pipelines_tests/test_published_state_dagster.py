"""``published_state_sensor`` and ``published_state_check`` on the project's own repositories and
model name, against real lakeFS and MLflow (own services, see ``governance_world``: this test
changes ``clinical-deid`` main and the ``champion`` alias by hand on purpose)."""

from __future__ import annotations

import dagster as dg
import pytest

from clinical_pipelines.audit import events as ev
from clinical_pipelines.lakefs_protection import ACTION_PATH
from clinical_pipelines.published_state import ALIAS, HEAD, HOOK
from clinical_pipelines.settings import CHAMPION_ALIAS, DEID_REPOSITORY, LANDING_REPOSITORY, REGISTERED_MODEL_NAME
from clinical_pipelines_tests.governance_world import own_stack
from clinical_pipelines_tests.test_published_state import _tiny_model_versions

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def res(tmp_path_factory):
    from clinical_pipelines.defs.resources import resources_for

    with own_stack(tmp_path_factory.mktemp("published-state") / "home") as settings:
        yield resources_for(settings)


def _tick(res, cursor=None):
    from clinical_pipelines.defs.published_state.sensors import published_state_sensor

    resources = {k: res[k] for k in ("lakefs", "mlflow", "audit_log", "studies")}
    with dg.build_sensor_context(cursor=cursor, resources=resources) as ctx:
        return published_state_sensor(ctx)


def _evaluation(result) -> dg.AssetCheckEvaluation:
    assert isinstance(result, dg.SensorResult), result
    (evaluation,) = result.asset_events
    assert evaluation.check_name == "published_state_check"
    return evaluation


def test_sensor_and_check_report_changes_no_gated_step_made(res, tmp_path):
    from clinical_pipelines.defs.audit.assets import audit_anchor
    from clinical_pipelines.defs.published_state.checks import published_state_check

    lakefs, mlflow, log = res["lakefs"], res["mlflow"], res["audit_log"].log()
    lakefs.repository(LANDING_REPOSITORY)
    repo = lakefs.repository(DEID_REPOSITORY)
    work = repo.branch("deid-b1")
    work.create(source_reference="main")
    work.object("batches/b1/manifest.json").upload(b"{}", mode="wb")
    gated = work.commit("snapshot").get_commit().id
    lakefs.merge(DEID_REPOSITORY, gated, message="release", metadata={"gates": "residual_phi_scan"},
                 gates_run_id="run-1")
    v1, v2 = _tiny_model_versions(mlflow.tracking_uri, REGISTERED_MODEL_NAME, 2)
    mlflow.set_alias(REGISTERED_MODEL_NAME, CHAMPION_ALIAS, v1, payload={"gates": ["all"]})

    first = _tick(res)
    assert _evaluation(first).passed, _evaluation(first).description
    assert isinstance(_tick(res, first.cursor), dg.SkipReason)  # unchanged: nothing re-emitted

    # past the hook (action file dropped on the merge source) and a direct alias move
    bypass = repo.branch("bypass")
    bypass.create(source_reference="main")
    bypass.object(ACTION_PATH).delete()
    bypass.object("batches/b2/manifest.json").upload(b"{}", mode="wb")
    bypass.commit("by hand")
    bypass.merge_into(repo.branch("main"), message="by hand")
    mlflow.client().set_registered_model_alias(REGISTERED_MODEL_NAME, CHAMPION_ALIAS, v2)

    failing = _evaluation(_tick(res, first.cursor))
    assert not failing.passed and failing.severity == dg.AssetCheckSeverity.ERROR
    findings = failing.metadata["details"].value
    assert {f["kind"] for f in findings} == {HEAD, HOOK, ALIAS}
    diverged = log.query(event_type=ev.PUBLISHED_STATE_DIVERGED)
    assert len(diverged) == 3 and all(e.actor == "dagster:published_state" for e in diverged)
    assert {e.payload["kind"] for e in diverged} == {HEAD, HOOK, ALIAS}

    # the same comparison as an asset check (on demand / in the hourly audit job): fails, records nothing new
    result = dg.materialize([audit_anchor, published_state_check],
                            selection=dg.AssetSelection.checks(published_state_check),
                            resources={k: res[k] for k in ("lakefs", "mlflow", "audit_log", "studies")}, raise_on_error=False)
    (check,) = result.get_asset_check_evaluations()
    assert not check.passed and check.metadata["findings"].value == 3
    assert len(log.query(event_type=ev.PUBLISHED_STATE_DIVERGED)) == 3
