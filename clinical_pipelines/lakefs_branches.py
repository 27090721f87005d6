"""Life cycle of the pipeline's per-run lakeFS branches: publish only the gated commit, leave no PHI behind.

Every publishing step works on a branch of its own run (``deid-<study>_<batch>-<run8>``, ``labels-<run8>``,
``training-<run8>``, ``model-link-<run8>``, ``evidence-<run8>``; ``run8`` = the first 8 characters
of the Dagster run id). This module holds the rules for those branches, without Dagster:

- **Publish exactly what was gated.** :func:`require_unmoved` refuses a release when the branch no
  longer points at the commit whose gates ran (a commit added after the gates) or holds uncommitted
  writes (an upload after the gates): the release merges the gated commit id, never the branch head.
- **No PHI left behind.** A branch that will never be released (gate failed, moved after its gates,
  its run crashed or finished without releasing it) is *quarantined* by :func:`quarantine_branch`:
  a record with ids and counts only is committed to ``_quarantine/branches/<branch>.json`` on the
  repository's ``quarantine-records`` branch, then the branch is deleted, so nothing of it is
  reachable from ``main`` or any branch. Its objects stay in the object store until lakeFS garbage
  collection removes them (``docs/DATA_RETENTION.md``).
- **Orphans.** :func:`orphan_reason` decides from the state of the owning run
  (:class:`RunActivity`) whether a branch is an orphan. A run's worker process is identified by
  :func:`worker_identity` (host, boot id, pid, process start time); :func:`worker_alive` tells a
  crashed (SIGKILLed) worker on this host from a live one.

Uses the ``lakefs`` high-level SDK; raises :class:`BranchMoved` / :class:`BranchMissing` (messages
name repository, branch and commit ids only).
"""

from __future__ import annotations

import json
import os
import re
import socket
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any, Iterable, Mapping

QUARANTINE_BRANCH = "quarantine-records"
QUARANTINE_PREFIX = "_quarantine/branches/"
RUN_PREFIX_CHARS = 8
# Dagster run tags set by the process that executes a run's lakeFS steps (see worker_identity).
WORKER_TAG = "clinical_pipelines/worker"
RUN_PREFIX_TAG = "clinical_pipelines/run8"
MAX_COUNTED_CHANGES = 100_000  # counting stops here (the record says ">=")

# kind -> branch-name prefix; a de-identification branch also names its study and batch
# (``deid-<study>_<batch>-<run8>``: a study id has no underscore; older branches name the batch only).
RUN_BRANCH_PREFIXES: dict[str, str] = {
    "deid": "deid-", "labels": "labels-", "training": "training-", "model-link": "model-link-", "evidence": "evidence-",
}
_RUN8 = rf"(?P<run>[0-9a-f]{{{RUN_PREFIX_CHARS}}})"
RUN_BRANCH_PATTERNS: dict[str, re.Pattern[str]] = {
    kind: re.compile(rf"^{re.escape(prefix)}" + (r"(?:(?P<study>[a-z][a-z0-9-]*)_)?(?P<batch>.+)-" if kind == "deid"
                                                 else "") + rf"{_RUN8}$")
    for kind, prefix in RUN_BRANCH_PREFIXES.items()
}


class DisposalReason(str, Enum):
    """Why a run branch was quarantined (recorded in the record and the audit event)."""

    GATE_FAILED = "gate_failed"  # a blocking gate failed for the branch's commit
    MOVED_AFTER_GATES = "moved_after_gates"  # a commit or upload reached the branch after its gates ran
    RUN_CRASHED = "run_crashed"  # its run is still 'started' but the worker process is gone
    RUN_FINISHED_UNRELEASED = "run_finished_unreleased"  # its run ended without releasing it
    RUN_STALE = "run_stale"  # its run has shown no sign of life for longer than the stale limit
    RUN_UNKNOWN = "run_unknown"  # the Dagster instance has no run with that id
    ALREADY_RELEASED = "already_released"  # identical content (same release fingerprint) is already on main


class RunActivity(str, Enum):
    """State of the run owning a branch, as the orchestrator and this host see it."""

    ACTIVE = "active"
    FINISHED = "finished"
    CRASHED = "crashed"
    STALE = "stale"
    UNKNOWN = "unknown"


# ------------------------------------------------------------------------------ naming
@dataclass(frozen=True)
class RunBranch:
    """A branch made by one pipeline run: ``kind`` (key of ``RUN_BRANCH_PATTERNS``), the first
    ``RUN_PREFIX_CHARS`` characters of the run id, and the study and ingest batch for de-identification."""

    repository: str
    name: str
    kind: str
    run_prefix: str
    batch_id: str | None = None
    study_id: str | None = None


def deid_branch_name(batch_id: str, run_id: str, study_id: str | None = None) -> str:
    """``deid-<study>_<batch>-<run8>`` (``deid-<batch>-<run8>`` without a study)."""
    return f"deid-{study_id + '_' if study_id else ''}{batch_id}-{run_id[:RUN_PREFIX_CHARS]}"


def parse_run_branch(repository: str, name: str) -> RunBranch | None:
    """The run branch named ``name``, or None for any other branch (``main``, hand-made branches)."""
    for kind, pattern in RUN_BRANCH_PATTERNS.items():
        m = pattern.match(name)
        if m:
            return RunBranch(repository, name, kind, m.group("run"), m.groupdict().get("batch"),
                             m.groupdict().get("study"))
    return None


def run_branches(repo: Any, kinds: Iterable[str] | None = None) -> list[RunBranch]:
    """Every run branch of ``repo`` (a ``lakefs.Repository``), optionally of the given kinds only."""
    wanted = set(kinds) if kinds is not None else set(RUN_BRANCH_PREFIXES)
    found = []
    for kind in sorted(wanted):
        for branch in repo.branches(prefix=RUN_BRANCH_PREFIXES[kind]):
            parsed = parse_run_branch(repo.id, branch.id)
            if parsed is not None and parsed.kind == kind:
                found.append(parsed)
    return found


# ------------------------------------------------------------------------------ state of a branch
class BranchMissing(RuntimeError):
    """The branch does not exist (released and deleted, or quarantined)."""


class BranchMoved(RuntimeError):
    """The branch holds something its gates never saw: another head commit or uncommitted writes."""

    def __init__(self, repository: str, branch: str, gated_commit: str, head_commit: str, uncommitted: int):
        self.repository, self.branch = repository, branch
        self.gated_commit, self.head_commit, self.uncommitted = gated_commit, head_commit, uncommitted
        what = []
        if head_commit != gated_commit:
            what.append(f"its head is commit {head_commit[:12]}, not the gated commit {gated_commit[:12]}")
        if uncommitted:
            what.append(f"it holds {uncommitted} uncommitted change(s)")
        super().__init__(f"branch {branch} of {repository} moved after its gates ran: " + " and ".join(what))


@dataclass(frozen=True)
class BranchState:
    head_commit: str
    uncommitted: int  # number of uncommitted changes (objects), counted up to MAX_COUNTED_CHANGES


def branch_state(repo: Any, branch: str) -> BranchState | None:
    """Head commit and number of uncommitted changes of ``branch``; None when it does not exist."""
    from lakefs.exceptions import NotFoundException

    ref = repo.branch(branch)
    try:
        head = ref.get_commit().id
        uncommitted = sum(1 for _ in ref.uncommitted(max_amount=MAX_COUNTED_CHANGES))
    except NotFoundException:
        return None
    return BranchState(head, uncommitted)


def require_unmoved(repo: Any, branch: str, gated_commit: str) -> BranchState:
    """Raise unless ``branch`` points at ``gated_commit`` with nothing uncommitted on it.

    Raises :class:`BranchMissing` when the branch is gone and :class:`BranchMoved` when it moved.
    """
    state = branch_state(repo, branch)
    if state is None:
        raise BranchMissing(f"branch {branch} of {repo.id} does not exist (already released and deleted, or "
                            "quarantined)")
    if state.head_commit != gated_commit or state.uncommitted:
        raise BranchMoved(repo.id, branch, gated_commit, state.head_commit, state.uncommitted)
    return state


# ------------------------------------------------------------------------------ run liveness
def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:8]
    except OSError:
        return "noboot"


def _process_start(pid: int) -> str | None:
    """Start time of ``pid`` in clock ticks since boot (Linux ``/proc/<pid>/stat`` field 22), else None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None


def worker_identity(pid: int | None = None) -> str:
    """``host:boot:pid:start`` of this process (or ``pid``): stable for its lifetime, never reused."""
    pid = os.getpid() if pid is None else pid
    return f"{socket.gethostname()}:{_boot_id()}:{pid}:{_process_start(pid) or 'unknown'}"


def worker_alive(identity: str) -> bool | None:
    """True/False when ``identity`` is a process of this host (and boot); None when it cannot be told."""
    try:
        host, boot, pid, start = identity.rsplit(":", 3)
        pid_int = int(pid)
    except ValueError:
        return None
    if host != socket.gethostname() or boot != _boot_id() or start == "unknown":
        return None
    return _process_start(pid_int) == start


def orphan_reason(activity: RunActivity, *, awaiting_release: bool) -> DisposalReason | None:
    """Why a run branch is an orphan, or None to keep it.

    Kept: branches of an active run, and a de-identified snapshot whose gates passed and which waits
    for its release (a later run may publish it; ``awaiting_release``). Everything else is an orphan.
    """
    if awaiting_release or activity is RunActivity.ACTIVE:
        return None
    return {
        RunActivity.FINISHED: DisposalReason.RUN_FINISHED_UNRELEASED,
        RunActivity.CRASHED: DisposalReason.RUN_CRASHED,
        RunActivity.STALE: DisposalReason.RUN_STALE,
        RunActivity.UNKNOWN: DisposalReason.RUN_UNKNOWN,
    }[activity]


# ------------------------------------------------------------------------------ quarantine
@dataclass(frozen=True)
class QuarantineRecord:
    """What is kept of a quarantined branch: ids and counts only (never object content or paths)."""

    repository: str
    branch: str
    reason: str
    head_commit: str
    changed_objects: int  # committed objects differing from main
    uncommitted_objects: int
    recorded_by: str  # e.g. "dagster-run:<id>" or "dagster-sensor:<name>"
    recorded_at: str
    run_prefix: str | None = None
    batch_id: str | None = None
    gated_commit: str | None = None
    failed_gates: tuple[str, ...] = field(default_factory=tuple)
    record_path: str = ""
    record_commit: str = ""

    def to_json(self) -> bytes:
        data = asdict(self)
        data.pop("record_commit")
        data["failed_gates"] = list(self.failed_gates)
        return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode()

    def audit_payload(self) -> dict[str, Any]:
        data = asdict(self)
        data["failed_gates"] = list(self.failed_gates)
        data["quarantined"] = True
        return data


def record_path(branch: str) -> str:
    return f"{QUARANTINE_PREFIX}{branch}.json"


def _count(items: Iterable[Any]) -> int:
    return sum(1 for _ in items)


def quarantine_branch(
    repo: Any,
    branch: str,
    *,
    reason: DisposalReason,
    recorded_by: str,
    gated_commit: str | None = None,
    failed_gates: Iterable[str] = (),
) -> QuarantineRecord | None:
    """Record why ``branch`` goes, then delete it. None when the branch no longer exists.

    The record (ids and counts) is committed to ``_quarantine/branches/<branch>.json`` on the
    ``quarantine-records`` branch (created from ``main`` when missing; ``main`` itself is protected).
    Idempotent: a crash between record and deletion is repaired by the next call.
    """
    from lakefs.exceptions import NotFoundException

    state = branch_state(repo, branch)
    if state is None:
        return None
    try:
        changed = _count(repo.ref("main").diff(branch, max_amount=MAX_COUNTED_CHANGES))
    except NotFoundException:
        changed = 0
    parsed = parse_run_branch(repo.id, branch)
    record = QuarantineRecord(
        repository=repo.id, branch=branch, reason=DisposalReason(reason).value, head_commit=state.head_commit,
        changed_objects=changed, uncommitted_objects=state.uncommitted, recorded_by=recorded_by,
        recorded_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        run_prefix=parsed.run_prefix if parsed else None, batch_id=parsed.batch_id if parsed else None,
        gated_commit=gated_commit, failed_gates=tuple(failed_gates), record_path=record_path(branch),
    )
    records = repo.branch(QUARANTINE_BRANCH)
    records.create(source_reference="main", exist_ok=True)
    records.object(record.record_path).upload(record.to_json(), mode="wb")
    commit = records.commit(f"Quarantine record: branch {branch} ({record.reason})",
                            metadata={"quarantined_branch": branch, "reason": record.reason,
                                      "head_commit": state.head_commit}, allow_empty=True).get_commit().id
    try:
        repo.branch(branch).delete()
    except NotFoundException:
        pass
    return QuarantineRecord(**{**asdict(record), "failed_gates": record.failed_gates, "record_commit": commit})


def read_quarantine_record(repo: Any, branch: str) -> dict[str, Any] | None:
    """The record of a quarantined ``branch`` (as committed), or None."""
    from lakefs.exceptions import NotFoundException

    try:
        with repo.ref(QUARANTINE_BRANCH).object(record_path(branch)).reader(mode="rb") as fh:
            return json.loads(fh.read())
    except NotFoundException:
        return None


# ------------------------------------------------------------------------------ fault injection (tests)
FAULT_POINT_ENV = "CLINICAL_PIPELINES_FAULT_POINT"  # "<point>=<signal file>"; unset in production
FAULT_POINTS = (
    "lakefs.commit:<repository>",  # a lakeFS commit was made, its audit event not yet written
    "lakefs.merge.before",  # a merge into main is about to start (before the audit log is checked)
    "lakefs.merge.after",  # lakeFS merged into main, the audit event not yet written
    "mlflow.register.after",  # MLflow registered the model version, before its tags and audit event
    "mlflow.alias.before",  # an alias move is about to start (before the audit log is checked)
    "mlflow.alias.after",  # MLflow moved the alias, its audit event not yet written
)
_FAULTS_FIRED: set[str] = set()


def fault_point(name: str) -> None:
    """Fault-injection point for the crash and outage tests (``clinical_pipelines_tests/test_faults.py``).

    Inert unless ``CLINICAL_PIPELINES_FAULT_POINT`` is ``<name>=<file>`` for this ``name`` (one of
    :data:`FAULT_POINTS`): then, the first time the process reaches it, the process writes its pid
    to ``<file>`` and waits while the file exists (at most 10 minutes), so a test can SIGKILL it or
    stop a server at exactly this moment, and delete the file to let it go on.
    """
    spec = os.environ.get(FAULT_POINT_ENV)
    if not spec or name in _FAULTS_FIRED:
        return
    point, _, signal_file = spec.partition("=")
    if point != name or not signal_file:
        return
    import time

    _FAULTS_FIRED.add(name)
    path = Path(signal_file)
    path.write_text(str(os.getpid()))
    deadline = time.monotonic() + 600
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.2)


def attested_merge_of(repo: Any, source_commit: str, verify: Any, *, branch: str = "main",
                      depth: int = 200) -> str | None:
    """The commit among the latest ``depth`` of ``branch`` that merged ``source_commit`` and whose metadata
    passes ``verify`` (a callable on the metadata mapping: the gate attestation), else None.

    Finds a release that lakeFS made but whose run died (or lost its audit database) before recording
    it, so the next run records that merge instead of merging again.
    """
    for commit in repo.ref(branch).log(max_amount=depth):
        if source_commit in (commit.parents or []) and verify(commit.metadata or {}):
            return commit.id
    return None


# ------------------------------------------------------------------------------ one release per content
RELEASE_FINGERPRINT = "release_fingerprint"  # lakeFS commit metadata key of a de-identified snapshot
CLAIM_PREFIX = "release-"
CLAIM_WAIT_SECONDS = 300.0


def release_fingerprint(*, batch_id: str, source_files: Mapping[str, str], transform_hash: str, policy_sha256: str,
                        study_id: str | None = None) -> str:
    """SHA-256 of what determines a de-identified snapshot's content: study, batch, the SHA-256 of each
    raw file, the transform code hash and the policy hash (not run ids, commit ids or ingest times)."""
    import hashlib

    identity = {"study_id": study_id or "", "batch_id": batch_id, "files": dict(sorted(source_files.items())),
                "transform_hash": transform_hash, "policy_sha256": policy_sha256}
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


def claim_tag(fingerprint: str) -> str:
    return f"{CLAIM_PREFIX}{fingerprint[:32]}"


class ReleaseBusy(RuntimeError):
    """Another live run holds the release claim of identical content and has not merged it in time."""


@dataclass(frozen=True)
class ReleaseClaim:
    """Outcome of :func:`claim_release`: this run holds the claim (``claimed``), or identical content is
    already released by the merge ``released_merge`` of the claimed commit ``claimed_commit``."""

    claimed: bool
    claimed_commit: str
    released_merge: str | None = None
    taken_over: str | None = None  # the stale claim's commit this run took over


def claim_release(repo: Any, fingerprint: str, gated_commit: str, *, create_tag: Any, merged: Any,
                  claimer_active: Any, wait_seconds: float = CLAIM_WAIT_SECONDS, poll_seconds: float = 2.0,
                  sleep: Any = None) -> ReleaseClaim:
    """Serialise releases of identical content (two runs of one batch): at most one merge per fingerprint.

    The claim is the lakeFS tag ``release-<fingerprint>`` on the gated commit, created atomically by
    ``create_tag(name, commit)`` (lakeFS refuses a tag that exists). If another commit's claim exists:
    when ``merged(commit)`` gives its merge on main, identical content is already released; when
    ``claimer_active(commit)`` is false (its run crashed or ended without merging) the stale claim is
    taken over; otherwise this waits up to ``wait_seconds`` and raises :class:`ReleaseBusy`.
    The tag stays after the release: a re-run of a released batch finds it and makes no new merge.
    """
    import time

    from lakefs.exceptions import ConflictException, NotFoundException

    sleep = sleep or time.sleep
    name = claim_tag(fingerprint)
    deadline = time.monotonic() + wait_seconds
    taken_over = None
    while True:
        try:
            create_tag(name, gated_commit)
            return ReleaseClaim(True, gated_commit, taken_over=taken_over)
        except ConflictException:
            pass
        try:
            held = repo.tag(name).get_commit().id
        except NotFoundException:
            continue  # a stale claim was just removed by another run: try again
        merge = merged(held)
        if merge is not None:
            return ReleaseClaim(False, held, released_merge=merge)
        if not claimer_active(held):
            try:
                repo.tag(name).delete()
            except NotFoundException:
                pass
            taken_over = held
            continue
        if time.monotonic() > deadline:
            raise ReleaseBusy(f"the release of identical content (claim {name}, commit {held[:12]}) is held by a "
                              f"live run that has not merged it within {wait_seconds:.0f} s")
        sleep(poll_seconds)
