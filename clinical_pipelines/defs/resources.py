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

from clinical_pipelines.defs.audit_resource import ACTOR, AuditLogResource, _audit_log  # noqa: F401 (re-exported)
from clinical_pipelines.defs.lakefs_resource import LakeFSResource  # noqa: F401 (re-exported)


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
