"""Thin Dagster resources around the real clients: lakeFS, MLflow, the audit log, de-identification.

Every lakeFS commit, merge and tag and every MLflow registration and alias change goes through
these resources, and they append the matching audit event themselves, so no asset can forget it.
Configuration comes from environment variables (``clinical-pipelines services up`` sets them for
the Dagster processes); a missing one stops the run with Dagster's "missing environment variable"
error naming it.
"""

from __future__ import annotations

import functools
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
from clinical_pipelines.audit.store import AuditLog

ACTOR = "dagster:clinical_pipelines"


class AuditLogResource(dg.ConfigurableResource):
    """The append-only, hash-chained audit log (SQLite by default, PostgreSQL when configured)."""

    url: str = dg.EnvVar("CLINICAL_PIPELINES_AUDIT_DB_URL")

    def log(self) -> AuditLog:
        return _audit_log(self.url)

    def append(
        self,
        event_type: str,
        subject: str,
        *,
        inputs: Iterable[str] = (),
        payload: Mapping[str, Any] | None = None,
        actor: str = ACTOR,
    ):
        """Append one event; a publish, promotion or gate decision is anchored at once (signed)."""
        from clinical_pipelines.audit.anchoring import anchor_after

        event = self.log().append(event_type, subject, actor=actor, inputs=tuple(inputs), payload=dict(payload or {}))
        anchor_after(self.log(), [event])
        return event

    def require_available(self, action: str) -> None:
        """Fail closed before ``action`` publishes anything when the audit database cannot be reached
        (a publish must never go unrecorded). Raises ``dagster.Failure`` naming the error type only."""
        try:
            self.log().head()
        except Exception as exc:  # noqa: BLE001 - any database error means: do not publish
            raise dg.Failure(description=(
                f"The audit log database is unreachable ({type(exc).__name__}); refusing to {action} before its "
                "audit event can be written. Nothing was published. Start the audit database "
                "(CLINICAL_PIPELINES_AUDIT_DB_URL) and re-run the step."), allow_retries=False) from None

    def require_available(self, action: str) -> None:
        """Fail closed before ``action`` publishes anything when the audit database cannot be reached
        (a publish must never go unrecorded). Raises ``dagster.Failure`` naming the error type only."""
        try:
            self.log().head()
        except Exception as exc:  # noqa: BLE001 - any database error means: do not publish
            raise dg.Failure(description=(
                f"The audit log database is unreachable ({type(exc).__name__}); refusing to {action} before its "
                "audit event can be written. Nothing was published. Start the audit database "
                "(CLINICAL_PIPELINES_AUDIT_DB_URL) and re-run the step."), allow_retries=False) from None


_PROTECTED: set[tuple[str, str]] = set()  # (endpoint, repository) whose main protection was ensured
# Errors of a lakeFS request that got no answer (server down, connection reset).
_UNREACHABLE: tuple[type[BaseException], ...] = (OSError, urllib3.exceptions.HTTPError)
# Errors of a lakeFS request that got no answer (server down, connection reset).
_UNREACHABLE: tuple[type[BaseException], ...] = (OSError, urllib3.exceptions.HTTPError)


@functools.lru_cache(maxsize=8)
def _audit_log(url: str) -> AuditLog:
    return AuditLog(url)


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
        from clinical_pipelines.lakefs_branches import fault_point

        self.audit_log.require_available(f"commit branch {branch} of {repository}")
        # allow_empty: a re-run over identical data still leaves its own commit, carrying its run id.
        ref = self.repository(repository, create=False).branch(branch).commit(
            message, metadata={str(k): str(v) for k, v in metadata.items()}, allow_empty=True
        )
        commit_id = ref.get_commit().id
        fault_point(f"lakefs.commit:{repository}")
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


class MLflowResource(dg.ConfigurableResource):
    """The MLflow tracking server and model registry (aliases and tags, never stages)."""

    tracking_uri: str = dg.EnvVar("MLFLOW_TRACKING_URI")
    audit_log: AuditLogResource

    def setup_for_execution(self, context) -> None:  # noqa: ARG002
        import mlflow

        mlflow.set_tracking_uri(self.tracking_uri)
        mlflow.set_registry_uri(self.tracking_uri)

    def client(self):
        from mlflow import MlflowClient

        return MlflowClient(tracking_uri=self.tracking_uri, registry_uri=self.tracking_uri)

    def run_url(self, experiment_id: str, run_id: str) -> str:
        return f"{self.tracking_uri}/#/experiments/{experiment_id}/runs/{run_id}"

    def model_version_url(self, name: str, version: str) -> str:
        return f"{self.tracking_uri}/#/models/{name}/versions/{version}"

    def record_registration(self, name: str, version: str, *, inputs: Iterable[str], payload: Mapping[str, Any]) -> None:
        self.audit_log.append(
            audit_events.MLFLOW_MODEL_VERSION_REGISTERED, audit_events.model_subject(name, version), inputs=inputs, payload=payload
        )

    def set_alias(self, name: str, alias: str, version: str, *, payload: Mapping[str, Any]) -> None:
        from clinical_pipelines.lakefs_branches import fault_point

        fault_point("mlflow.alias.before")
        self.audit_log.require_available(f"move alias '{alias}' of {name} to version {version}")
        previous = self.alias_version(name, alias)
        self.client().set_registered_model_alias(name, alias, version)
        fault_point("mlflow.alias.after")
        try:
            self.audit_log.append(audit_events.MLFLOW_ALIAS_SET, audit_events.model_subject(name, version),
                                  payload={"alias": alias, **payload})
        except Exception as exc:  # noqa: BLE001 - an unrecorded alias move is taken back
            self._restore_alias(name, alias, previous)
            raise dg.Failure(description=(
                f"The audit event of moving alias '{alias}' of {name} to version {version} could not be written "
                f"({type(exc).__name__}); the alias was moved back to {previous or 'nothing'}. Start the audit "
                "database and re-run the step."), allow_retries=False) from None

    def _restore_alias(self, name: str, alias: str, previous: str | None) -> None:
        if previous is None:
            self.client().delete_registered_model_alias(name, alias)
        else:
            self.client().set_registered_model_alias(name, alias, previous)

    def alias_version(self, name: str, alias: str) -> str | None:
        from mlflow.exceptions import MlflowException

        try:
            return self.client().get_model_version_by_alias(name, alias).version
        except MlflowException:
            return None


class StudyRegistryResource(dg.ConfigurableResource):
    """The studies this deployment runs: built-in ones and those registered under the project data dir
    (``clinical_pipelines.study.registry``). Every partitioned asset resolves its study here."""

    home: str | None = None  # project data dir; None: CLINICAL_PIPELINES_HOME (Settings.from_env())

    def registry(self):
        from clinical_pipelines.settings import Settings
        from clinical_pipelines.study.registry import StudyRegistry

        return StudyRegistry(self.home or Settings.from_env().home)

    def study(self, study_id: str):
        """The validated spec of ``study_id``; ``dg.Failure`` naming the problem when it cannot be used."""
        return self.resolve(study_id)[0]

    def resolve(self, study_id: str):
        """(Study, StudyEntry with its spec SHA-256); ``dg.Failure`` when unknown, edited or invalid."""
        from clinical_pipelines.study.layout import LayoutError
        from clinical_pipelines.study.registry import StudyRegistryError
        from clinical_pipelines.study.spec import StudySpecError

        try:
            registry = self.registry()
            return registry.study(study_id), registry.entry(study_id)
        except (StudyRegistryError, StudySpecError, LayoutError) as exc:
            raise dg.Failure(description=f"study {study_id!r} cannot be used: {exc}") from None


class DeidentificationResource(dg.ConfigurableResource):
    """Where the de-identification policy, the pseudonym key and the linkage vault are.

    ``policy_path`` may select only an approved policy (``policy_approval``); any other file stops
    the run when its resources are set up, before any step does work.
    """

    policy_path: str | None = None  # None: the packaged policy
    pseudonym_key_file: str = dg.EnvVar("CLINICAL_PIPELINES_PSEUDONYM_KEY_FILE")
    linkage_dir: str = dg.EnvVar("CLINICAL_PIPELINES_LINKAGE_DIR")
    linkage_key_file: str = dg.EnvVar("CLINICAL_PIPELINES_LINKAGE_KEY_FILE")
    audit_db_url: str = dg.EnvVar("CLINICAL_PIPELINES_AUDIT_DB_URL")  # where policy approvals are recorded

    def setup_for_execution(self, context) -> None:
        _require_approved_policy("deid", self._load, self.audit_db_url, _run_id(context))

    def _load(self):
        from clinical_pipelines.deid.policy import load_deid_policy

        return load_deid_policy(self.policy_path)

    def policy(self):
        return self.approved_policy()[0]

    def approved_policy(self):
        """(policy, PolicyIdentity); raises ``dg.Failure`` when the policy is not approved."""
        return _require_approved_policy("deid", self._load, self.audit_db_url, None)

    def key(self) -> bytes:
        from clinical_pipelines.deid.pseudonym import load_pseudonym_key

        return load_pseudonym_key(self.pseudonym_key_file)

    def text_engine(self):
        """The Presidio engine for this policy; loaded once per process (spaCy takes ~1 s)."""
        policy = self.policy()
        return _text_engine(policy.path, policy.sha256, self.key())


@functools.lru_cache(maxsize=4)
def _text_engine(policy_path: str, policy_sha256: str, key: bytes):  # noqa: ARG001 (cache key)
    from clinical_pipelines.deid.policy import load_deid_policy
    from clinical_pipelines.deid.text import ClinicalTextDeidentifier

    return ClinicalTextDeidentifier(load_deid_policy(policy_path), key=key)


class ValidationPolicyResource(dg.ConfigurableResource):
    """Which gate policy (thresholds) model validation and promotion use: approved policies only."""

    gate_policy_path: str | None = None  # None: the packaged policy
    audit_db_url: str = dg.EnvVar("CLINICAL_PIPELINES_AUDIT_DB_URL")  # where policy approvals are recorded

    def setup_for_execution(self, context) -> None:
        _require_approved_policy("gate", self._load, self.audit_db_url, _run_id(context))

    def _load(self):
        from clinical_pipelines.validation.gates import load_gate_policy

        return load_gate_policy(self.gate_policy_path)

    def policy(self):
        return self.approved_policy()[0]

    def approved_policy(self):
        """(policy, PolicyIdentity); raises ``dg.Failure`` when the policy is not approved."""
        return _require_approved_policy("gate", self._load, self.audit_db_url, None)


def _run_id(context) -> str:
    return context.run.run_id if context.run is not None else "no-run"


def _require_approved_policy(kind: str, load, audit_db_url: str, run_id: str | None):
    """Load a policy and check it is approved (``policy_approval``); at run set-up (``run_id`` given)
    a refusal is recorded as a ``gate.blocked`` audit event on ``policy:<kind>/<sha256>``."""
    from clinical_pipelines.deid.errors import PolicyError
    from clinical_pipelines.policy_approval import (
        ApprovedRecordError, PolicyNotApproved, load_approved_record, policy_subject, require_approved,
    )
    from clinical_pipelines.validation.gates import GatePolicyError

    try:
        policy = load()
        record = load_approved_record()
        log = None if record.entry_for(kind, policy.sha256) else _audit_log(audit_db_url)
        return policy, require_approved(kind, sha256=policy.sha256, version=policy.version, path=policy.path,
                                        log=log, record=record)
    except (PolicyError, GatePolicyError, ApprovedRecordError) as exc:
        raise dg.Failure(description=f"Refusing to run: {exc}") from None
    except PolicyNotApproved as exc:
        if run_id is not None:
            AuditLogResource(url=audit_db_url).append(
                audit_events.GATE_BLOCKED, policy_subject(kind, policy.sha256),
                payload={"stage": "policy_approval", "policy_kind": kind, "policy_version": policy.version,
                         "policy_sha256": policy.sha256, "dagster_run_id": run_id},
            )
        raise dg.Failure(description=f"Refusing to run: {exc}") from None


def default_resources() -> dict[str, Any]:
    audit = AuditLogResource()
    return {
        "audit_log": audit,
        "lakefs": LakeFSResource(audit_log=audit),
        "mlflow": MLflowResource(audit_log=audit),
        "deid": DeidentificationResource(),
        "validation_policy": ValidationPolicyResource(),
        "studies": StudyRegistryResource(),
    }


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources=default_resources())


def evidence_dir() -> Path:
    from clinical_pipelines.settings import Settings

    return Settings.from_env().evidence_dir


def resources_for(settings) -> dict[str, Any]:
    """The same resources with explicit values from a :class:`~clinical_pipelines.settings.Settings`.

    For code that talks to the services outside a Dagster run (the demo command, tests); inside
    runs the environment-variable configuration of :func:`default_resources` is used.
    """
    key_id, secret = settings.lakefs_credentials()
    audit = AuditLogResource(url=settings.audit_db_url)
    return {
        "audit_log": audit,
        "lakefs": LakeFSResource(
            endpoint=settings.lakefs_endpoint, access_key_id=key_id, secret_access_key=secret, audit_log=audit,
            dagster_ui_url=settings.dagster_url, gate_key_file=str(settings.gate_attestation_key_file),
        ),
        "mlflow": MLflowResource(tracking_uri=settings.mlflow_uri, audit_log=audit),
        "deid": DeidentificationResource(
            pseudonym_key_file=str(settings.pseudonym_key_file),
            linkage_dir=str(settings.linkage_dir),
            linkage_key_file=str(settings.linkage_key_file),
            audit_db_url=settings.audit_db_url,
        ),
        "validation_policy": ValidationPolicyResource(audit_db_url=settings.audit_db_url),
        "studies": StudyRegistryResource(home=str(settings.home)),
    }
