"""Cross-run gate verification for publishing steps (lakeFS merge, MLflow alias).

Dagster's blocking checks stop downstream steps only inside the run that evaluated them; a later
run of a downstream asset would happily read a value whose checks failed. So every publishing
step calls :func:`require_gates_passed` with the run id of the exact upstream materialization it
is about to publish, and refuses unless every named check has a passing result from that run.
"""

from __future__ import annotations

from typing import Iterable

import dagster as dg
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

HISTORY_DEPTH = 50


class GateNotPassed(dg.Failure):
    pass


def gate_problems(
    instance: dg.DagsterInstance,
    asset_key: dg.AssetKey,
    check_names: Iterable[str],
    run_id: str,
) -> list[str]:
    """One line per gate that did not pass for the materialization made in ``run_id``."""
    problems: list[str] = []
    for name in check_names:
        check_key = dg.AssetCheckKey(asset_key, name)
        records = instance.event_log_storage.get_asset_check_execution_history(check_key, limit=HISTORY_DEPTH)
        record = next((r for r in records if r.run_id == run_id), None)
        if record is None:
            problems.append(f"gate '{name}' has no result for the materialization of run {run_id}")
            continue
        evaluation = record.event.dagster_event.event_specific_data if record.event and record.event.dagster_event else None
        passed = bool(getattr(evaluation, "passed", False))
        if record.status != AssetCheckExecutionRecordStatus.SUCCEEDED or not passed:
            problems.append(f"gate '{name}' failed for the materialization of run {run_id}")
    return problems


def require_gates_passed(
    context: dg.AssetExecutionContext,
    asset_key: dg.AssetKey,
    check_names: Iterable[str],
    run_id: str,
    *,
    what: str,
) -> None:
    names = list(check_names)
    if not names:
        raise GateNotPassed(description=f"Refusing to publish {what}: no gates are defined (fail closed).")
    problems = gate_problems(context.instance, asset_key, names, run_id)
    if problems:
        raise GateNotPassed(
            description=(
                f"Refusing to publish {what}: " + "; ".join(problems) + ". Fix the cause and "
                f"re-materialize {asset_key.to_user_string()}; publication only follows a run whose gates all passed."
            ),
            metadata={"failed_gates": len(problems), "upstream_run_id": run_id},
        )
