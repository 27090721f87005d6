"""What the Dagster event log says about run branches: the gated snapshot of a batch, owning runs, the sweep.

The rules live in ``clinical_pipelines.lakefs_branches``; this module reads the facts they need from
the Dagster instance (never from stored step outputs, which anyone with file access could edit):

- :func:`recorded_snapshot`: for one (study, batch) partition, the latest ``deidentified_snapshot`` materialization,
  the lakeFS commit and branch it names, and the de-identification gate results recorded in that
  same run, each with the commit it checked (``gated_commit`` in the check's metadata);
- :func:`run_activity`: whether the run owning a branch is active, finished, crashed (its worker
  process on this host is gone), stale, or unknown to this instance;
- :func:`sweep_run_branches`: quarantine every run branch that will never be released.

One Dagster instance per lakeFS installation: a run branch whose run this instance does not know is
an orphan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterable

import dagster as dg
from dagster._core.events import DagsterEventType

from clinical_pipelines.lakefs_branches import (
    RUN_PREFIX_TAG, WORKER_TAG, DisposalReason, QuarantineRecord, RunActivity, RunBranch, branch_state,
    orphan_reason, run_branches, worker_alive,
)
from clinical_pipelines.lakefs_protection import GATED_COMMIT

SNAPSHOT_KEY = dg.AssetKey("deidentified_snapshot")
# A run in progress whose worker cannot be seen from here (another host) and whose record has not
# changed for this long is treated as dead.
STALE_AFTER = timedelta(hours=24)
_FINISHED = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}
_RECENT_RUNS_SCANNED = 1000


@dataclass(frozen=True)
class RecordedSnapshot:
    """The latest materialization of ``deidentified_snapshot`` for one partition (study x batch), from the event log."""

    batch_id: str  # the partition key (``<batch>|<study>``)
    run_id: str
    commit_id: str
    branch: str
    gates: dict[str, bool] = field(default_factory=dict)  # gate -> passed, as evaluated in run_id
    gate_commits: dict[str, str | None] = field(default_factory=dict)  # gate -> commit it checked

    def problems(self, gate_names: Iterable[str]) -> list[str]:
        """One line per gate that did not pass for exactly ``commit_id`` (empty: all passed)."""
        out = []
        for name in gate_names:
            if name not in self.gates:
                out.append(f"gate '{name}' has no result for the materialization of run {self.run_id}")
            elif not self.gates[name]:
                out.append(f"gate '{name}' failed for the materialization of run {self.run_id}")
            elif self.gate_commits.get(name) != self.commit_id:
                out.append(f"gate '{name}' of run {self.run_id} checked commit "
                           f"{(self.gate_commits.get(name) or 'none')[:12]}, not {self.commit_id[:12]}")
        return out

    def failed_gates(self, gate_names: Iterable[str]) -> list[str]:
        return [g for g in gate_names if not self.gates.get(g, False)]


def recorded_snapshot(instance: dg.DagsterInstance, batch_id: str) -> RecordedSnapshot | None:
    """The latest recorded ``deidentified_snapshot`` of the partition ``batch_id`` (a study x batch key,
    ``defs.partitions.batch_key``) with its gate results, or None."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=SNAPSHOT_KEY, asset_partitions=[batch_id]), limit=1).records
    if not records or records[0].asset_materialization is None:
        return None
    run_id = records[0].run_id
    md = {k: getattr(v, "value", v) for k, v in records[0].asset_materialization.metadata.items()}
    gates: dict[str, bool] = {}
    commits: dict[str, str | None] = {}
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.asset_check_evaluation
        if evaluation is None or evaluation.asset_key != SNAPSHOT_KEY:
            continue
        if evaluation.partition not in (None, batch_id):
            continue
        gates[evaluation.check_name] = bool(evaluation.passed)
        value = evaluation.metadata.get(GATED_COMMIT)
        commits[evaluation.check_name] = str(getattr(value, "value", value)) if value is not None else None
    return RecordedSnapshot(batch_id, run_id, str(md.get("lakefs_commit", "")), str(md.get("lakefs_branch", "")),
                            gates, commits)


# ------------------------------------------------------------------------------ owning runs
def _owner_records(instance: dg.DagsterInstance, run_prefix: str) -> list:
    records = list(instance.get_run_records(filters=dg.RunsFilter(tags={RUN_PREFIX_TAG: run_prefix}), limit=5))
    if records:
        return records
    # Runs that never set up the lakeFS resource carry no tag: look among the recent runs.
    return [r for r in instance.get_run_records(limit=_RECENT_RUNS_SCANNED)
            if r.dagster_run.run_id.startswith(run_prefix)]


def run_activity(instance: dg.DagsterInstance, run_prefix: str, *, now: datetime | None = None) -> RunActivity:
    """State of the run(s) whose id starts with ``run_prefix`` (ACTIVE if any of them is)."""
    records = _owner_records(instance, run_prefix)
    if not records:
        return RunActivity.UNKNOWN
    now = now or datetime.now(timezone.utc)
    states = []
    for record in records:
        run = record.dagster_run
        if run.status in _FINISHED:
            states.append(RunActivity.FINISHED)
            continue
        alive = worker_alive(run.tags.get(WORKER_TAG, ""))
        if alive is True:
            states.append(RunActivity.ACTIVE)
        elif alive is False:
            states.append(RunActivity.CRASHED)
        else:
            updated = record.update_timestamp
            if updated.tzinfo is None:
                updated = updated.replace(tzinfo=timezone.utc)
            states.append(RunActivity.STALE if now - updated > STALE_AFTER else RunActivity.ACTIVE)
    return RunActivity.ACTIVE if RunActivity.ACTIVE in states else states[0]


# ------------------------------------------------------------------------------ the sweep
def disposal(instance: dg.DagsterInstance, repo, branch: RunBranch, activity: RunActivity,
             gate_names: Iterable[str]) -> tuple[DisposalReason | None, RecordedSnapshot | None]:
    """(reason to quarantine ``branch`` or None to keep it, the recorded snapshot it belongs to)."""
    gate_names = list(gate_names)
    if branch.kind == "deid" and branch.batch_id is not None and branch.study_id is not None:
        from clinical_pipelines.defs.partitions import batch_key
        from clinical_pipelines.study.layout import LayoutError

        try:
            key = batch_key(branch.study_id, branch.batch_id)
        except LayoutError:
            return orphan_reason(activity, awaiting_release=False), None
        snap = recorded_snapshot(instance, key)
        if snap is not None and snap.branch == branch.name:
            if activity is RunActivity.ACTIVE:
                return None, snap
            if snap.problems(gate_names):
                return DisposalReason.GATE_FAILED, snap
            state = branch_state(repo, branch.name)
            if state is not None and (state.head_commit != snap.commit_id or state.uncommitted):
                return DisposalReason.MOVED_AFTER_GATES, snap
            return None, snap  # gates passed, unchanged: waits for its release
    return orphan_reason(activity, awaiting_release=False), None


@dataclass
class SweepResult:
    examined: int = 0
    kept: int = 0
    quarantined: list[QuarantineRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "<branch>: <exception type>"

    def summary(self) -> str:
        return (f"{self.examined} run branch(es) examined: {len(self.quarantined)} quarantined, {self.kept} kept"
                + (f", {len(self.errors)} could not be handled" if self.errors else ""))


def sweep_run_branches(
    instance: dg.DagsterInstance,
    lakefs,
    *,
    repositories: Iterable[str],
    recorded_by: str,
    gate_names: Iterable[str],
    kinds: Iterable[str] | None = None,
    skip_run_prefixes: Iterable[str] = (),
) -> SweepResult:
    """Quarantine every run branch of ``repositories`` that will never be released.

    ``lakefs``: the ``LakeFSResource`` (it records and audits each quarantine); ``skip_run_prefixes``:
    runs whose branches are left alone (the calling run). A branch that cannot be handled is counted
    in ``errors`` (branch name and exception type) and left for the next sweep.
    """
    result = SweepResult()
    skip = set(skip_run_prefixes)
    gate_names = list(gate_names)
    from lakefs.exceptions import NotFoundException

    for repository in repositories:
        repo = lakefs.repository(repository, create=False)
        try:
            branches = run_branches(repo, kinds)
        except NotFoundException:
            continue  # the repository does not exist yet: nothing to sweep
        for branch in branches:
            if branch.run_prefix in skip:
                continue
            result.examined += 1
            try:
                reason, snap = disposal(instance, repo, branch, run_activity(instance, branch.run_prefix), gate_names)
                if reason is None:
                    result.kept += 1
                    continue
                record = lakefs.quarantine_branch(
                    repository, branch.name, reason=reason, recorded_by=recorded_by,
                    gated_commit=snap.commit_id if snap else None,
                    failed_gates=snap.failed_gates(gate_names) if snap else (),
                )
                if record is not None:
                    result.quarantined.append(record)
            except Exception as exc:  # noqa: BLE001 - one bad branch must not stop the sweep
                result.errors.append(f"{branch.name}: {type(exc).__name__}")
    return result
