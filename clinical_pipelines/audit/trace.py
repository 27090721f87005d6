"""``trace_model``: what made this model? Walks the audit graph from ``model:<name>/<version>``.

Breadth-first over the ``inputs`` links of the subjects' events (one indexed ``subject IN (...)``
query per level, each subject visited once), collecting the lakeFS snapshot commits (and merges),
training datasets, label sets and their raters and tools, source batches with their file hashes
and row counts, transform hashes, policy hashes, code versions, environment digests and Dagster
runs. Cross-checks what the model registration claims against what the graph reaches and reports
disagreements as warnings.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from clinical_pipelines.audit import events as ev
from clinical_pipelines.audit.store import AuditEvent, AuditLog
from clinical_pipelines.provenance import canonical_json, source_system_label

__all__ = ["Trace", "trace_model", "ModelNotInAuditLog"]

MAX_DEPTH = 32


class ModelNotInAuditLog(LookupError):
    pass


@dataclass
class Trace:
    model_subject: str
    model_name: str
    model_version: str
    registrations: list[dict[str, Any]] = field(default_factory=list)
    aliases: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    datasets: list[dict[str, Any]] = field(default_factory=list)
    label_sets: list[dict[str, Any]] = field(default_factory=list)
    snapshots: list[dict[str, Any]] = field(default_factory=list)
    source_batches: list[dict[str, Any]] = field(default_factory=list)
    labelers: list[str] = field(default_factory=list)
    labeling_tools: list[str] = field(default_factory=list)
    transform_hashes: list[str] = field(default_factory=list)
    policy_hashes: list[str] = field(default_factory=list)
    # identities of the policies in force (policy_approval.PolicyIdentity dicts from event payloads)
    policies: list[dict[str, Any]] = field(default_factory=list)
    code_versions: list[str] = field(default_factory=list)
    environment_digests: list[Any] = field(default_factory=list)
    dagster_runs: list[str] = field(default_factory=list)
    other: list[dict[str, Any]] = field(default_factory=list)
    edges: list[list[str]] = field(default_factory=list)
    missing_subjects: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    n_subjects: int = 0
    n_events: int = 0
    elapsed_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, sort_keys=True, ensure_ascii=False)

    def to_text(self) -> str:
        out: list[str] = []
        w = out.append
        w(f"Model {self.model_name} version {self.model_version}  ({self.model_subject})")
        for r in self.registrations:
            p = r["payload"]
            w(f"  registered seq {r['seq']} at {r['occurred_at']} by {r['actor']}: MLflow run "
              f"{p.get('run_id', '?')}")
            w(f"    claims lakeFS {p.get('lakefs_repository', '?')}@{p.get('lakefs_commit', '?')}, "
              f"transform {p.get('transform_hash', '?')}, code {p.get('code_version', '?')}")
        for a in self.aliases:
            gates = a["payload"].get("gates")
            w(f"  alias '{a['payload'].get('alias', '?')}' set seq {a['seq']} at {a['occurred_at']}"
              + (f" (gates: {', '.join(map(str, gates))})" if gates else ""))
        for d in self.decisions:
            w(f"  {d['event_type']} seq {d['seq']} by {d['actor']} on {d['subject']}")
        w("")
        w(f"Training datasets ({len(self.datasets)}):")
        for d in self.datasets:
            p = {k: v for k, v in d["payload"].items()}
            w(f"  {d['subject']}  <- {', '.join(d['inputs']) or '-'}")
            if p:
                w(f"    {json.dumps(p, sort_keys=True)}")
        w(f"Label sets ({len(self.label_sets)}):")
        for ls in self.label_sets:
            w(label_set_line(ls))
        w(f"lakeFS snapshots ({len(self.snapshots)}):")
        for s in self.snapshots:
            kind = "merge" if s["event_type"] == ev.LAKEFS_MERGE else (
                "tag" if s["event_type"] == ev.LAKEFS_TAG else "commit")
            line = f"  [{kind}] {s.get('repository', '?')}@{s.get('commit_id', '?')}"
            if s.get("branch"):
                line += f" branch {s['branch']}"
            if s.get("into"):
                line += f" into {s['into']}"
            if s.get("tag"):
                line += f" tag {s['tag']}"
            if s.get("dagster_run_id"):
                line += f" (dagster run {s['dagster_run_id']})"
            w(line)
            if s.get("merged_from"):
                w(f"    merged from {', '.join(s['merged_from'])}")
        w(f"Source batches ({len(self.source_batches)}):")
        for b in self.source_batches:
            w(f"  {b['batch_id']} from {source_system_label(b.get('source_system'))} (in {b.get('snapshot', '?')})")
            for name, digest in sorted((b.get("files") or {}).items()):
                w(f"    {name}  sha256 {digest}")
            if b.get("row_counts"):
                w(f"    rows {json.dumps(b['row_counts'], sort_keys=True)}")
        w("")
        w(f"Labelers:          {', '.join(self.labelers) or '-'}")
        w(f"Labeling tools:    {', '.join(self.labeling_tools) or '-'}")
        w(f"Transform hashes:  {', '.join(self.transform_hashes) or '-'}")
        w(f"Policy hashes:     {', '.join(self.policy_hashes) or '-'}")
        for p in self.policies:
            w(f"Policy:            {p.get('kind')} {p.get('name')} version {p.get('version')} sha256 "
              f"{p.get('sha256')} ({'default' if p.get('is_default') else 'NOT DEFAULT'}; {p.get('approval')})")
        w(f"Code versions:     {', '.join(self.code_versions) or '-'}")
        w("Environments:      " + (", ".join(
            f"{e.get('kind', '?')}:{e.get('digest', '?')}" if isinstance(e, dict) else str(e)
            for e in self.environment_digests) or "-"))
        w(f"Dagster runs:      {', '.join(self.dagster_runs) or '-'}")
        if self.missing_subjects:
            w(f"Referenced without audit events: {', '.join(self.missing_subjects)}")
        if self.warnings:
            w("")
            w("WARNINGS:")
            for msg in self.warnings:
                w(f"  - {msg}")
        w("")
        w(f"[{self.n_events} events over {self.n_subjects} subjects, {self.elapsed_ms:.1f} ms]")
        return "\n".join(out)


NOT_APPLICABLE = "not_applicable"  # the label_agreement gate status of a study with a single outcome source
OUTCOME_FROM_COLUMN = "column"


def label_set_line(ls: dict[str, Any]) -> str:
    """One label set of :attr:`Trace.label_sets`: its label count and agreement (kappa, raters, tools), or
    "label agreement not applicable: <reason>" when its ``label_agreement`` gate was not applicable (the
    reason the study spec gives; label sets logged without it: the outcome's source)."""
    head = f"  {ls['subject']}: {ls.get('n_labels', '?')} labels, "
    if ls.get("label_gate") == NOT_APPLICABLE or (
            ls.get("outcome_source") == OUTCOME_FROM_COLUMN and not ls.get("raters")):
        reason = ls.get("label_gate_reason") or (
            "outcome taken from a column of the extract (one source, no raters)"
            if ls.get("outcome_source") == OUTCOME_FROM_COLUMN else "no reason recorded")
        return head + f"label agreement not applicable: {reason}"
    kappa = ls.get("kappa")
    return (head + f"kappa {'?' if kappa is None else kappa}, raters {', '.join(ls.get('raters') or []) or '?'}, "
            f"tools {', '.join(ls.get('labeling_tools') or []) or '?'}")


def _add(lst: list[Any], value: Any) -> None:
    if value is None or value == "" or value in lst:
        return
    lst.append(value)


def _add_env(lst: list[Any], value: Any) -> None:
    if not value:
        return
    key = canonical_json(value)
    if all(canonical_json(v) != key for v in lst):
        lst.append(value)


def _add_policies(trace: Trace, policies: Any) -> None:
    """Collect policy identities (once per kind and hash); a non-default policy adds its warning."""
    for p in policies if isinstance(policies, list) else []:
        if not isinstance(p, dict) or any(q.get("kind") == p.get("kind") and q.get("sha256") == p.get("sha256")
                                          for q in trace.policies):
            continue
        trace.policies.append(p)
        _add(trace.policy_hashes, p.get("sha256"))
        if p.get("warning"):
            _add(trace.warnings, f"policy: {p['warning']}")


def _evrec(e: AuditEvent) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "event_id": e.event_id,
        "occurred_at": e.occurred_at,
        "event_type": e.event_type,
        "actor": e.actor,
        "subject": e.subject,
        "inputs": list(e.inputs),
        "payload": dict(e.payload),
    }


def trace_model(log: AuditLog, model_name: str, version: str | int) -> Trace:
    """Trace ``model:<model_name>/<version>`` back through its inputs. Raises if it is not logged."""
    t0 = time.perf_counter()
    start = ev.model_subject(model_name, version)
    trace = Trace(model_subject=start, model_name=model_name, model_version=str(version))
    seen: set[str] = {start}
    frontier = [start]
    by_subject: dict[str, list[AuditEvent]] = {}
    depth = 0
    while frontier and depth < MAX_DEPTH:
        found = log.events_for_subjects(frontier)
        nxt: list[str] = []
        for e in found:
            by_subject.setdefault(e.subject, []).append(e)
            for inp in e.inputs:
                edge = [e.subject, inp]
                if edge not in trace.edges:
                    trace.edges.append(edge)
                if inp not in seen:
                    seen.add(inp)
                    nxt.append(inp)
        for s in frontier:
            if s not in by_subject:
                trace.missing_subjects.append(s)
        frontier = nxt
        depth += 1
    if frontier:
        trace.warnings.append(f"trace stopped at depth {MAX_DEPTH}; {len(frontier)} subjects not expanded")
    if start not in by_subject:
        raise ModelNotInAuditLog(
            f"no audit events for {start}; check the model name and version "
            "(registrations are logged as mlflow.model_version.registered)"
        )

    all_events = sorted((e for es in by_subject.values() for e in es), key=lambda e: e.seq)
    trace.n_events = len(all_events)
    trace.n_subjects = len(by_subject)
    manifests_batches: set[str] = set()

    for e in all_events:
        kind = ev.subject_kind(e.subject)
        p = dict(e.payload)
        rec = _evrec(e)
        _add_policies(trace, p.get("policies"))
        if e.event_type == ev.MLFLOW_MODEL_VERSION_REGISTERED:
            trace.registrations.append(rec)
            _add(trace.transform_hashes, p.get("transform_hash"))
            _add(trace.code_versions, p.get("code_version"))
            _add_env(trace.environment_digests, p.get("environment_digest"))
        elif e.event_type == ev.MLFLOW_ALIAS_SET:
            trace.aliases.append(rec)
        elif e.event_type in (ev.APPROVAL_RECORDED, ev.OVERRIDE_RECORDED, ev.GATE_BLOCKED):
            trace.decisions.append(rec)
        elif e.event_type in (ev.LAKEFS_COMMIT, ev.LAKEFS_MERGE, ev.LAKEFS_TAG) or kind == "lakefs":
            repo_commit = e.subject.split(":", 1)[1]
            repo, _, commit = repo_commit.partition("@")
            snap = {
                "subject": e.subject,
                "event_type": e.event_type,
                "seq": e.seq,
                "occurred_at": e.occurred_at,
                "repository": p.get("repository", repo),
                "commit_id": p.get("commit_id", commit),
                "branch": p.get("branch"),
                "into": p.get("into"),
                "tag": p.get("tag"),
                "transform_hash": p.get("transform_hash"),
                "policy_sha256": p.get("policy_sha256"),
                "environment_digest": p.get("environment_digest"),
                "code_version": p.get("code_version"),
                "dagster_run_id": p.get("dagster_run_id"),
                "merged_from": [i for i in e.inputs if i.startswith("lakefs:")],
            }
            trace.snapshots.append(snap)
            _add(trace.transform_hashes, p.get("transform_hash"))
            _add(trace.policy_hashes, p.get("policy_sha256"))
            _add(trace.code_versions, p.get("code_version"))
            _add_env(trace.environment_digests, p.get("environment_digest"))
            _add(trace.dagster_runs, p.get("dagster_run_id"))
            for m in p.get("source_manifests") or []:
                if not isinstance(m, dict):
                    continue
                bid = m.get("batch_id")
                manifests_batches.add(ev.batch_subject(str(bid)))
                trace.source_batches.append(
                    {
                        "batch_id": bid,
                        "source_system": m.get("source_system"),
                        "files": m.get("files") or {},
                        "row_counts": m.get("row_counts"),
                        "snapshot": e.subject,
                    }
                )
        elif kind == "labels":
            trace.label_sets.append(
                {
                    "subject": e.subject,
                    "seq": e.seq,
                    "inputs": list(e.inputs),
                    "raters": list(p.get("raters") or []),
                    "n_labels": p.get("n_labels"),
                    "kappa": p.get("kappa"),
                    "labeling_tools": list(p.get("labeling_tools") or []),
                    "outcome_source": p.get("outcome_source"),
                    "label_gate": p.get("label_gate"),
                    "label_gate_reason": p.get("label_gate_reason"),
                }
            )
            for r in p.get("raters") or []:
                _add(trace.labelers, str(r))
            for tool in p.get("labeling_tools") or []:
                _add(trace.labeling_tools, str(tool))
            _add(trace.dagster_runs, p.get("dagster_run_id"))
        elif kind == "dataset":
            trace.datasets.append(rec)
            _add(trace.dagster_runs, p.get("dagster_run_id"))
        else:
            trace.other.append(rec)

    trace.missing_subjects = sorted(
        s for s in trace.missing_subjects if s not in manifests_batches
    )
    for lst in (trace.labelers, trace.labeling_tools, trace.transform_hashes,
                trace.policy_hashes, trace.code_versions, trace.dagster_runs):
        lst.sort()
    _cross_check(trace, manifests_batches)
    trace.elapsed_ms = (time.perf_counter() - t0) * 1000
    return trace


def _cross_check(trace: Trace, manifest_batches: set[str]) -> None:
    w = trace.warnings
    if not trace.registrations:
        w.append(f"{trace.model_subject} has audit events but no mlflow.model_version.registered event")
    if len(trace.registrations) > 1:
        w.append(f"{trace.model_subject} was registered {len(trace.registrations)} times")
    commits = {s["commit_id"] for s in trace.snapshots}
    snap_transforms = {s["transform_hash"] for s in trace.snapshots if s.get("transform_hash")}
    for r in trace.registrations:
        p = r["payload"]
        lc = p.get("lakefs_commit")
        if lc and lc not in commits:
            w.append(f"registration claims lakeFS commit {lc}, which the lineage graph does not reach")
        th = p.get("transform_hash")
        if th and snap_transforms and th not in snap_transforms:
            w.append(f"registration claims transform hash {th}, which no reached snapshot carries")
        if not lc:
            w.append("registration payload lacks lakefs_commit")
    if not trace.datasets:
        w.append("no training dataset reached from the model")
    if not trace.label_sets:
        w.append("no label set reached from the model")
    if not any(s["event_type"] == ev.LAKEFS_COMMIT for s in trace.snapshots):
        w.append("no lakefs.commit snapshot reached from the model")
    if not trace.source_batches:
        w.append("no source batch manifests reached from the model")
    batch_inputs = {
        i for s in trace.snapshots for i in _inputs_of(trace, s["subject"]) if i.startswith("batch:")
    }
    for b in sorted(batch_inputs - manifest_batches):
        w.append(f"{b} is an input of a snapshot but has no source manifest in its payload")
    if len(trace.transform_hashes) > 1:
        w.append(f"{len(trace.transform_hashes)} different transform hashes in the lineage")


def _inputs_of(trace: Trace, subject: str) -> list[str]:
    return [i for s, i in trace.edges if s == subject]
