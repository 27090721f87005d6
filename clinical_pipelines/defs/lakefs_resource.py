"""The lakeFS resource: lakeFS through its maintained high-level SDK (``lakefs``), plus its S3 gateway through boto3.

Every commit, merge and tag goes through here and appends the matching audit event itself (through the
:class:`~clinical_pipelines.defs.resources.AuditLogResource` it is given), so no asset can forget it; the
release logic (gated commit, fingerprints, quarantine) lives in :mod:`clinical_pipelines.lakefs_branches`.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Iterable, Mapping

import boto3
import dagster as dg
import lakefs
import pandas as pd
import urllib3
from botocore.config import Config as BotoConfig

from clinical_pipelines.audit import events as audit_events
from clinical_pipelines.defs.audit_resource import ACTOR, AuditLogResource

_PROTECTED: set[tuple[str, str]] = set()  # (endpoint, repository) whose main protection was ensured
# Errors of a lakeFS request that got no answer (server down, connection reset).
_UNREACHABLE: tuple[type[BaseException], ...] = (OSError, urllib3.exceptions.HTTPError)


class LakeFSResource(dg.ConfigurableResource):
    """lakeFS through its maintained high-level SDK, plus its S3 gateway through boto3."""

    endpoint: str = dg.EnvVar("LAKEFS_ENDPOINT")
    access_key_id: str = dg.EnvVar("LAKEFS_ACCESS_KEY_ID")
    secret_access_key: str = dg.EnvVar("LAKEFS_SECRET_ACCESS_KEY")
    audit_log: AuditLogResource
    # Where commit metadata links back to (the Dagster UI that shows the run).
    dagster_ui_url: str = dg.EnvVar("DAGSTER_UI_URL")
    # HMAC key for gate attestations on merges into main (None: Settings.gate_attestation_key_file).
    gate_key_file: str | None = None

    def setup_for_execution(self, context) -> None:
        """Tag the run with the worker process that makes its branches, so a branch whose run
        crashed (worker gone, run still 'started') is known for an orphan (``lakefs_branches``)."""
        from clinical_pipelines.lakefs_branches import RUN_PREFIX_TAG, RUN_PREFIX_CHARS, WORKER_TAG, worker_identity

        run, instance = getattr(context, "run", None), getattr(context, "instance", None)
        if run is not None and instance is not None and instance.get_run_by_id(run.run_id) is not None:
            instance.add_run_tags(run.run_id, {WORKER_TAG: worker_identity(),
                                               RUN_PREFIX_TAG: run.run_id[:RUN_PREFIX_CHARS]})

    def dagster_run_url(self, run_id: str) -> str:
        return f"{self.dagster_ui_url.rstrip('/')}/runs/{run_id}"

    def client(self) -> lakefs.Client:
        return lakefs.Client(username=self.access_key_id, password=self.secret_access_key, host=self.endpoint)

    def repository(self, name: str, *, create: bool = True, protection: str | None = None) -> lakefs.Repository:
        """The repository; with ``create``, created if missing and its ``main`` protected once per process
        (``protection``: "hook", "protect" or "none"; default ``lakefs_protection.protection_for(name)``)."""
        repo = lakefs.Repository(name, client=self.client())
        if create:
            repo.create(storage_namespace=f"local://{name}", default_branch="main", exist_ok=True)
            self._protect(repo, protection)
        return repo

    def gate_key(self) -> str:
        from clinical_pipelines.lakefs_protection import load_gate_key
        from clinical_pipelines.settings import Settings

        return load_gate_key(self.gate_key_file or Settings.from_env().gate_attestation_key_file)

    def _protect(self, repo: lakefs.Repository, protection: str | None) -> None:
        from clinical_pipelines.lakefs_protection import GateKeyError, protect_repository, protection_for

        done = (self.endpoint, repo.id)
        if done in _PROTECTED:
            return
        mode = protection or protection_for(repo.id)
        if mode != "none":
            try:
                key = self.gate_key()
            except GateKeyError:
                key = None  # only needed to repair a hook behind protection; that path says so
            setup_commit = protect_repository(repo, install_hook=mode == "hook", gate_key=key)
            if setup_commit:
                self.audit_log.append(
                    audit_events.LAKEFS_COMMIT, audit_events.lakefs_subject(repo.id, setup_commit),
                    payload={"repository": repo.id, "branch": "main", "commit_id": setup_commit,
                             "purpose": "gate-attestation hook installed"},
                )
        _PROTECTED.add(done)

    def s3(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
            region_name="us-east-1",
            config=BotoConfig(
                s3={"addressing_style": "path"},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )

    def ui_url(self, repository: str, ref: str) -> str:
        return f"{self.endpoint}/repositories/{repository}/objects?ref={ref}"

    # --- reading and writing ---------------------------------------------------------------
    def read_bytes(self, repository: str, ref: str, path: str) -> bytes:
        with self.repository(repository, create=False).ref(ref).object(path).reader(mode="rb") as fh:
            return fh.read()

    def read_parquet(self, repository: str, ref: str, path: str) -> pd.DataFrame:
        return pd.read_parquet(io.BytesIO(self.read_bytes(repository, ref, path)))

    def write_bytes(self, repository: str, branch: str, path: str, data: bytes) -> None:
        self.repository(repository, create=False).branch(branch).object(path).upload(data, mode="wb")

    def download_file(self, repository: str, ref: str, path: str, dest: Path) -> Path:
        """Stream object ``path`` at ``ref`` to the local file ``dest`` (S3 gateway, in parts; never held whole)."""
        self.s3().download_file(repository, f"{ref}/{path}", str(dest))
        return Path(dest)

    def upload_file(self, repository: str, branch: str, path: str, source: Path) -> None:
        """Stream the local file ``source`` to ``path`` on ``branch`` (S3 gateway, multipart above 8 MiB)."""
        self.s3().upload_file(str(source), repository, f"{branch}/{path}")

    def write_parquet(self, repository: str, branch: str, path: str, df: pd.DataFrame) -> None:
        buf = io.BytesIO()
        df.to_parquet(buf, index=False)
        self.write_bytes(repository, branch, path, buf.getvalue())

    def list_paths(self, repository: str, ref: str, prefix: str = "") -> list[str]:
        return [o.path for o in self.repository(repository, create=False).ref(ref).objects(prefix=prefix)]

    def head_commit(self, repository: str, ref: str = "main") -> str:
        return self.repository(repository, create=False).ref(ref).get_commit().id

    def create_branch(self, repository: str, branch: str, source: str = "main") -> None:
        self.repository(repository).branch(branch).create(source_reference=source, exist_ok=True)

    # --- audited version-control operations ---------------------------------------------------
    def commit(
        self,
        repository: str,
        branch: str,
        message: str,
        *,
        metadata: Mapping[str, str],
        inputs: Iterable[str] = (),
        audit_payload: Mapping[str, Any] | None = None,
    ) -> str:
        """Commit a branch; the metadata must hold ids, hashes and counts only (it is not PHI-safe)."""
        from clinical_pipelines.lakefs_branches import fault_point

        self.audit_log.require_available(f"commit branch {branch} of {repository}")
        # allow_empty: a re-run over identical data still leaves its own commit, carrying its run id.
        ref = self.repository(repository, create=False).branch(branch).commit(
            message, metadata={str(k): str(v) for k, v in metadata.items()}, allow_empty=True
        )
        commit_id = ref.get_commit().id
        fault_point(f"lakefs.commit:{repository}")
        self.audit_log.append(
            audit_events.LAKEFS_COMMIT,
            audit_events.lakefs_subject(repository, commit_id),
            inputs=inputs,
            payload={"repository": repository, "branch": branch, "commit_id": commit_id, **(audit_payload or {})},
        )
        return commit_id

    def merge(
        self,
        repository: str,
        source_branch: str,
        *,
        into: str = "main",
        message: str,
        metadata: Mapping[str, str],
        audit_payload: Mapping[str, Any] | None = None,
        gates: Iterable[str] | None = None,
        gates_run_id: str | None = None,
        gated_commit: str | None = None,
    ) -> str:
        """Merge into ``into`` the commit whose gates were verified.

        With ``gated_commit`` (the commit the gates checked), exactly that commit is merged, and
        only while ``source_branch`` still points at it with nothing uncommitted: otherwise
        ``lakefs_branches.BranchMoved`` (or ``BranchMissing``) is raised and nothing is merged.
        Without it, the commit ``source_branch`` (a branch, tag or commit id) points at now.
        The merge carries the pipeline's gate attestation for exactly that commit (``gates``: the
        gates the caller verified, default the ``gates``/``gate`` metadata; ``gates_run_id``: the run
        that evaluated them, default ``gates_run_id``/``dagster_run_id``); lakeFS's pre-merge hook
        refuses the merge without it (``lakefs_protection``).
        """
        from clinical_pipelines.lakefs_branches import fault_point, require_unmoved
        from clinical_pipelines.lakefs_protection import attest

        repo = self.repository(repository, create=False)
        if gated_commit is not None:
            require_unmoved(repo, source_branch, gated_commit)
            source_commit = gated_commit
        else:
            source_commit = repo.ref(source_branch).get_commit().id
        md = {str(k): str(v) for k, v in metadata.items()}
        gate_names = list(gates) if gates is not None else [g for g in (md.get("gates") or md.get("gate") or "").split(",") if g]
        run_id = gates_run_id or md.get("gates_run_id") or md.get("dagster_run_id", "")
        md.update(attest(self.gate_key(), repository=repository, branch=into, source_commit=source_commit,
                         gates=gate_names, gates_run_id=run_id))
        fault_point("lakefs.merge.before")
        self.audit_log.require_available(f"merge commit {source_commit[:12]} into {into} of {repository}")
        try:
            merge_commit = repo.ref(source_commit).merge_into(repo.branch(into), message=message, metadata=md,
                                                              allow_empty=True)
        except _UNREACHABLE as exc:
            raise dg.Failure(description=(
                f"lakeFS did not answer the merge of commit {source_commit[:12]} into {into} of {repository} "
                f"({type(exc).__name__}); the merge may not have been made. Start lakeFS and re-run the step: a "
                "merge lakeFS made without an answer is found by its gate attestation and recorded, not repeated."),
                allow_retries=False) from None
        fault_point("lakefs.merge.after")
        try:
            self.record_merge(repository, into, merge_commit, source_commit, gate_names, audit_payload)
        except Exception as exc:  # noqa: BLE001 - the merge is made; say so and how it gets recorded
            raise dg.Failure(description=(
                f"lakeFS merged commit {source_commit[:12]} into {into} of {repository} (merge {merge_commit[:12]}) "
                f"but its audit event could not be written ({type(exc).__name__}). Start the audit database and "
                "re-run the step: it records this attested merge instead of merging again. Until then the "
                "published-state check reports the change."), allow_retries=False) from None
        return merge_commit

    def record_merge(self, repository: str, into: str, merge_commit: str, source_commit: str,
                     gate_names: Iterable[str], audit_payload: Mapping[str, Any] | None = None) -> None:
        """Append the ``lakefs.merge`` audit event of a merge (also of one made by an interrupted run)."""
        self.audit_log.append(
            audit_events.LAKEFS_MERGE,
            audit_events.lakefs_subject(repository, merge_commit),
            inputs=[audit_events.lakefs_subject(repository, source_commit)],
            payload={"repository": repository, "into": into, "source_commit": source_commit,
                     "gates": list(gate_names), **(audit_payload or {})},
        )

    def tag(self, repository: str, tag: str, ref: str) -> str:
        repo = self.repository(repository, create=False)
        commit_id = repo.ref(ref).get_commit().id
        repo.tag(tag).create(commit_id, exist_ok=False)
        self.audit_log.append(
            audit_events.LAKEFS_TAG,
            audit_events.lakefs_subject(repository, commit_id),
            payload={"repository": repository, "tag": tag, "commit_id": commit_id},
        )
        return commit_id

    def delete_branch(self, repository: str, branch: str) -> None:
        self.repository(repository, create=False).branch(branch).delete()

    def quarantine_branch(self, repository: str, branch: str, *, reason, recorded_by: str,
                          gated_commit: str | None = None, failed_gates: Iterable[str] = ()):
        """Record why a run branch goes (``_quarantine/branches/<branch>.json``, ids and counts), delete
        it, and append a ``lakefs.branch.quarantined`` audit event. Returns the record, or None when
        the branch no longer exists (``lakefs_branches.quarantine_branch``)."""
        from clinical_pipelines.lakefs_branches import quarantine_branch

        record = quarantine_branch(self.repository(repository, create=False), branch, reason=reason,
                                   recorded_by=recorded_by, gated_commit=gated_commit, failed_gates=failed_gates)
        if record is not None:
            self.audit_log.append(audit_events.LAKEFS_BRANCH_QUARANTINED,
                                  audit_events.lakefs_subject(repository, record.head_commit),
                                  payload=record.audit_payload())
        return record
