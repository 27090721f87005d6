"""Is the published state what the gated steps made? lakeFS ``main`` heads and the MLflow alias vs the audit log.

Every pipeline step that changes published state records it in the hash-chained audit log:
``lakefs.merge`` (into ``main``), ``lakefs.commit`` (on ``main``: ingest, hook set-up),
``anchor.written`` (anchors repository) and ``mlflow.alias.set``. :func:`check_published_state`
compares, for each watched repository and the model's alias:

- the head of ``main`` with the commit of the latest such event (for anchors: the anchor commit
  the head merged); no event yet means ``main`` must still be the repository's initial commit;
- branch protection on ``main`` and the gate-attestation hook file (``lakefs_protection``);
- the version the alias points at with the version of the latest ``mlflow.alias.set`` event.

Any difference is a :class:`Finding`: a hand merge, a hard reset, a write past protection, a removed
hook or a direct alias move that no gated step made. Findings carry repository names, commit ids,
model versions and counts only. To resolve one, restore the state the audit log records (reset
``main`` / move the alias back) or publish through the pipeline. No Dagster import.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable, Mapping

from clinical_pipelines.audit import events as ev
from clinical_pipelines.lakefs_protection import PROTECTED_BRANCH, protection_for, status

HEAD, PROTECTION, HOOK, ALIAS, UNREADABLE = (
    "lakefs_main_head", "branch_protection", "gate_hook", "model_alias", "unreadable")


@dataclass(frozen=True)
class Finding:
    kind: str  # HEAD | PROTECTION | HOOK | ALIAS | UNREADABLE
    subject: str  # audit subject of what changed: lakefs:<repo>@<commit> or model:<name>/<version>
    expected: str | None
    actual: str | None
    detail: str

    def key(self) -> tuple:
        return (self.kind, self.subject, self.expected, self.actual)


@dataclass(frozen=True)
class PublishedStateReport:
    checked: tuple[str, ...]
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def digest(self) -> str:
        """Stable hash of the findings (equal reports -> equal digest)."""
        keys = sorted(json.dumps(f.key()) for f in self.findings)
        return hashlib.sha256("\n".join(keys).encode()).hexdigest()

    def summary(self) -> str:
        if self.ok:
            return f"published state matches the audit log ({', '.join(self.checked)})"
        return f"{len(self.findings)} change(s) no gated step made: " + "; ".join(f.detail for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {"checked": list(self.checked), "ok": self.ok, "digest": self.digest,
                "findings": [asdict(f) for f in self.findings]}


# ------------------------------------------------------------------------------ audit side
def _repo_of(subject: str) -> str:
    return subject.split(":", 1)[1].partition("@")[0]


def _commit_of(subject: str) -> str:
    return subject.partition("@")[2]


def recorded_main_head(log: Any, repository: str, branch: str = PROTECTED_BRANCH) -> tuple[str, int] | None:
    """(commit id, seq) of the latest audited change of ``branch`` of ``repository`` by a pipeline step."""
    best: tuple[str, int] | None = None
    for event in log.query(event_type=ev.LAKEFS_MERGE, descending=True):
        p = event.payload
        if p.get("into") == branch and p.get("repository", _repo_of(event.subject)) == repository:
            best = (_commit_of(event.subject), event.seq)
            break
    for event in log.query(event_type=ev.LAKEFS_COMMIT, descending=True):
        if best is not None and event.seq < best[1]:
            break
        p = event.payload
        if p.get("branch") == branch and p.get("repository", _repo_of(event.subject)) == repository:
            best = (p.get("commit_id") or _commit_of(event.subject), event.seq)
            break
    return best


def recorded_anchor_commit(log: Any, repository: str) -> tuple[str, int] | None:
    """(anchor commit id, seq) of the latest ``anchor.written`` into ``repository``."""
    for event in log.query(event_type=ev.ANCHOR_WRITTEN, descending=True):
        if event.payload.get("repository") == repository and event.payload.get("commit_id"):
            return str(event.payload["commit_id"]), event.seq
    return None


def recorded_alias(log: Any, model_name: str, alias: str) -> tuple[str, int] | None:
    """(version, seq) of the latest ``mlflow.alias.set`` of ``alias`` on ``model_name``."""
    prefix = ev.model_subject(model_name, "")
    for event in log.query(event_type=ev.MLFLOW_ALIAS_SET, descending=True):
        if event.subject.startswith(prefix) and event.payload.get("alias") == alias:
            return event.subject[len(prefix):], event.seq
    return None


# ------------------------------------------------------------------------------ comparisons
def check_repository(repo: Any, log: Any, *, anchors: bool = False, mode: str | None = None) -> list[Finding]:
    """Findings for one lakeFS repository (``repo``: ``lakefs.Repository`` that exists; ``mode``: its
    protection, default ``protection_for(repo.id)``)."""
    name = repo.id
    head = repo.ref(PROTECTED_BRANCH).get_commit()
    found: list[Finding] = []
    recorded = recorded_anchor_commit(log, name) if anchors else recorded_main_head(log, name)
    if recorded is None:
        if head.parents:
            found.append(Finding(HEAD, f"lakefs:{name}@{head.id}", None, head.id,
                                 f"{name}/main is at {head.id[:12]} but the audit log records no pipeline change "
                                 "of it"))
    else:
        commit, seq = recorded
        explained = commit in head.parents if anchors else head.id == commit
        if not explained and head.id != commit:
            found.append(Finding(HEAD, f"lakefs:{name}@{head.id}", commit, head.id,
                                 f"{name}/main is at {head.id[:12]}, the last gated step recorded {commit[:12]} "
                                 f"(audit seq {seq})"))
    mode = mode or protection_for(name)
    if mode != "none":
        st = status(repo)
        if not st.main_protected:
            found.append(Finding(PROTECTION, f"lakefs:{name}@{head.id}", "protected", "unprotected",
                                 f"{name}/main is not branch-protected"))
        if mode == "hook" and not st.hook_intact:
            found.append(Finding(HOOK, f"lakefs:{name}@{head.id}", "intact", "missing" if st.hook_sha256 is None
                                 else "changed", f"{name}/main gate-attestation hook is "
                                 + ("missing" if st.hook_sha256 is None else "changed")))
    return found


def check_alias(client: Any, log: Any, model_name: str, alias: str) -> list[Finding]:
    """Findings for an MLflow registered-model alias (``client``: ``mlflow.MlflowClient``)."""
    from mlflow.exceptions import MlflowException

    try:
        actual = str(client.get_model_version_by_alias(model_name, alias).version)
    except MlflowException:
        actual = None
    recorded = recorded_alias(log, model_name, alias)
    expected = recorded[0] if recorded else None
    if actual == expected:
        return []
    subject = ev.model_subject(model_name, actual or expected or "none")
    where = f"audit seq {recorded[1]}" if recorded else "no alias.set in the audit log"
    return [Finding(ALIAS, subject, expected, actual,
                    f"alias '{alias}' of {model_name} points at {actual or 'nothing'}, the last promotion recorded "
                    f"{expected or 'none'} ({where})")]


def _once(lakefs_client: Any, mlflow_client: Any, log: Any, repositories: Iterable[str],
          anchor_repositories: Iterable[str], model_name: str | Iterable[str], alias: str,
          modes: Mapping[str, str]) -> PublishedStateReport:
    import lakefs
    from lakefs.exceptions import NotFoundException

    checked, findings = [], []
    anchor_set = set(anchor_repositories)
    for name in [*repositories, *anchor_set]:
        repo = lakefs.Repository(name, client=lakefs_client)
        try:
            repo.properties  # noqa: B018 - raises NotFoundException before the repository is created
        except NotFoundException:
            continue
        checked.append(f"lakefs:{name}")
        findings.extend(check_repository(repo, log, anchors=name in anchor_set, mode=modes.get(name)))
    for name in [model_name] if isinstance(model_name, str) else model_name:  # one model per study
        checked.append(f"mlflow:{name}@{alias}")
        findings.extend(check_alias(mlflow_client, log, name, alias))
    return PublishedStateReport(tuple(checked), tuple(findings))


def check_published_state(lakefs_client: Any, mlflow_client: Any, log: Any, *, repositories: Iterable[str],
                          anchor_repositories: Iterable[str] = (), model_name: str | Iterable[str], alias: str,
                          modes: Mapping[str, str] | None = None, settle_seconds: float = 2.0,
                          sleep: Callable[[float], None] = time.sleep) -> PublishedStateReport:
    """Compare the published state with the audit log; differences are re-read once after
    ``settle_seconds`` (a step records its audit event right after it publishes). ``model_name``: one
    registered model or several (one per study), each checked for ``alias``. ``modes``:
    protection per repository where it differs from ``protection_for``. Repositories not created
    yet are skipped."""
    models = model_name if isinstance(model_name, str) else list(model_name)
    args = (lakefs_client, mlflow_client, log, list(repositories), list(anchor_repositories), models, alias,
            dict(modes or {}))
    report = _once(*args)
    if report.ok or settle_seconds <= 0:
        return report
    sleep(settle_seconds)
    return _once(*args)


def record_findings(log: Any, report: PublishedStateReport, *, actor: str,
                    append: Callable[..., Any] | None = None) -> list[Any]:
    """Append one ``published_state.diverged`` event per finding unless the latest event of that kind
    on that subject records the same expected and actual state; returns the new events.
    ``append`` defaults to ``log.append``."""
    write = append or (lambda *a, **k: log.append(*a, actor=actor, **k))
    new = []
    for f in report.findings:
        previous = log.query(event_type=ev.PUBLISHED_STATE_DIVERGED, subject=f.subject, descending=True)
        last = next((e.payload for e in previous if e.payload.get("kind") == f.kind), None)
        if last is not None and (last.get("expected"), last.get("actual")) == (f.expected, f.actual):
            continue
        new.append(write(ev.PUBLISHED_STATE_DIVERGED, f.subject,
                         payload={"kind": f.kind, "expected": f.expected, "actual": f.actual, "detail": f.detail,
                                  "report_digest": report.digest}))
    return new
