"""Cross-run gate verification for publishing steps (lakeFS merge, MLflow alias).

Dagster's blocking checks stop downstream steps only inside the run that evaluated them; a later
run of a downstream asset would happily read a value whose checks failed. So every publishing
step calls :func:`require_gates_passed` with the run id of the exact upstream materialization it
is about to publish, and refuses unless every named check has a passing result from that run.

The primitives read the Dagster event log of one run (unbounded by history depth):
:func:`run_check_results` (gate name -> passed) and :func:`materialization_in_run` (the
materialization whose metadata binds a run to a lakeFS commit or model version).
``model_promotion`` chains them over the whole lineage of a model version
(``defs/validation/lineage.py``).
"""

from __future__ import annotations

from typing import Any, Iterable

import dagster as dg
from dagster._core.events import DagsterEventType


class GateNotPassed(dg.Failure):
    pass


def run_check_results(instance: dg.DagsterInstance, asset_key: dg.AssetKey, run_id: str,
                      partition: str | None = None) -> dict[str, bool]:
    """Check name -> passed, for the checks on ``asset_key`` evaluated in ``run_id`` (last one wins)."""
    results: dict[str, bool] = {}
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.asset_check_evaluation
        if evaluation is None or evaluation.asset_key != asset_key:
            continue
        if partition is not None and evaluation.partition not in (None, partition):
            continue
        results[evaluation.check_name] = bool(evaluation.passed)
    return results


def gate_problems(
    instance: dg.DagsterInstance,
    asset_key: dg.AssetKey,
    check_names: Iterable[str],
    run_id: str,
    partition: str | None = None,
) -> list[str]:
    """One line per gate that did not pass for the materialization made in ``run_id``."""
    results = run_check_results(instance, asset_key, run_id, partition)
    problems: list[str] = []
    for name in check_names:
        if name not in results:
            problems.append(f"gate '{name}' has no result for the materialization of run {run_id}")
        elif not results[name]:
            problems.append(f"gate '{name}' failed for the materialization of run {run_id}")
    return problems


def materialization_in_run(instance: dg.DagsterInstance, asset_key: dg.AssetKey, run_id: str,
                           partition: str | None = None) -> dict[str, Any] | None:
    """Metadata (plain values) of the materialization of ``asset_key`` in ``run_id``, else None."""
    found = None
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION):
        mat = entry.asset_materialization
        if mat is not None and mat.asset_key == asset_key and (partition is None or mat.partition == partition):
            found = {k: getattr(v, "value", v) for k, v in mat.metadata.items()}
    return found


def latest_materialization(instance: dg.DagsterInstance, asset_key: dg.AssetKey,
                           partition: str | None = None) -> tuple[str, dict[str, Any]] | None:
    """(run id, metadata) of the most recent materialization of ``asset_key`` (of ``partition``, e.g. a
    study id, when given) in the event log."""
    flt = asset_key if partition is None else dg.AssetRecordsFilter(asset_key=asset_key, asset_partitions=[partition])
    records = instance.fetch_materializations(flt, limit=1).records
    if not records or records[0].asset_materialization is None:
        return None
    mat = records[0].asset_materialization
    return records[0].run_id, {k: getattr(v, "value", v) for k, v in mat.metadata.items()}


def require_gates_passed(
    context: dg.AssetExecutionContext,
    asset_key: dg.AssetKey,
    check_names: Iterable[str],
    run_id: str,
    *,
    what: str,
    partition: str | None = None,
) -> None:
    names = list(check_names)
    if not names:
        raise GateNotPassed(description=f"Refusing to publish {what}: no gates are defined (fail closed).")
    problems = gate_problems(context.instance, asset_key, names, run_id, partition)
    if problems:
        raise GateNotPassed(
            description=(
                f"Refusing to publish {what}: " + "; ".join(problems) + ". Fix the cause and "
                f"re-materialize {asset_key.to_user_string()}; publication only follows a run whose gates all passed."
            ),
            metadata={"failed_gates": len(problems), "upstream_run_id": run_id},
        )
