"""Anchor the audit log at once after every publish, promotion and gate decision.

``anchor_after(log, events)`` is called on the audit recording path (the Dagster audit resource,
the event-log sensor, ``audit approve|override``): when one of the new events is a decision
(``ANCHOR_TRIGGER_EVENT_TYPES``) it writes a signed anchor over every event not yet anchored and
records an ``anchor.written`` event (covered by the next anchor). The hourly ``audit_anchor``
schedule remains as a backstop for the other events.

Configuration (environment, set for the code location by ``Settings.service_env``):

- ``CLINICAL_PIPELINES_ANCHOR_SIGNING_KEY_FILE``: the Ed25519 anchor key (default
  ``<home>/signing/anchor-signing.key``); it must not live with the audit DB or the lakeFS admin key;
- lakeFS: ``LAKEFS_ENDPOINT`` / ``LAKEFS_ACCESS_KEY_ID`` / ``LAKEFS_SECRET_ACCESS_KEY`` (else the
  local services' endpoint and credentials), repository ``$CLINICAL_PIPELINES_ANCHOR_REPOSITORY``
  (default ``clinical-audit-anchors``), or ``$CLINICAL_PIPELINES_ANCHOR_DIR`` to write anchors as
  files instead (offline installations, tests);
- ``CLINICAL_PIPELINES_TSA_URL`` / ``CLINICAL_PIPELINES_TSA_CA_FILE``: RFC 3161 time-stamps.

Every failure raises: a decision that cannot be anchored fails the step that made it.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clinical_pipelines.audit import events as ev
from clinical_pipelines.audit.anchor import (
    ANCHOR_REPOSITORY,
    Anchor,
    AnchorAlreadyWritten,
    DirectoryAnchorStore,
    anchor_object_path,
    anchor_tag,
    build_next_anchor,
    check_anchor_signature,
    latest_anchor,
)
from clinical_pipelines.audit.signing import SigningKey, load_signing_key
from clinical_pipelines.audit.store import AuditEvent, AuditIntegrityError, AuditLog
from clinical_pipelines.audit.timestamp import TSA_CA_ENV, TSA_URL_ENV, load_tsa_roots

if TYPE_CHECKING:
    from cryptography import x509

__all__ = [
    "ANCHOR_TRIGGER_EVENT_TYPES",
    "ANCHOR_DIR_ENV",
    "AnchoringConfig",
    "AnchorOutcome",
    "anchor_now",
    "anchor_after",
    "lakefs_client_from_env",
]

# Publish (lakeFS merge and tag), promotion (MLflow alias), gate decisions (check evaluations,
# blocked publications) and human decisions: each is anchored as soon as it is recorded.
ANCHOR_TRIGGER_EVENT_TYPES: frozenset[str] = frozenset({
    ev.LAKEFS_MERGE, ev.LAKEFS_TAG, ev.MLFLOW_ALIAS_SET, ev.CHECK_EVALUATED, ev.GATE_BLOCKED,
    ev.APPROVAL_RECORDED, ev.OVERRIDE_RECORDED, ev.PUBLISHED_STATE_DIVERGED,
})
ANCHOR_DIR_ENV = "CLINICAL_PIPELINES_ANCHOR_DIR"
ANCHOR_REPOSITORY_ENV = "CLINICAL_PIPELINES_ANCHOR_REPOSITORY"
ANCHOR_ACTOR = "clinical-pipelines:audit-anchoring"


@functools.lru_cache(maxsize=4)
def _lakefs_client(endpoint: str, key: str, secret: str) -> Any:
    import lakefs

    return lakefs.Client(username=key, password=secret, host=endpoint)


def lakefs_client_from_env() -> Any:
    """A lakeFS client from ``LAKEFS_*``, else the local services' endpoint and credentials."""
    endpoint = os.environ.get("LAKEFS_ENDPOINT")
    key = os.environ.get("LAKEFS_ACCESS_KEY_ID")
    secret = os.environ.get("LAKEFS_SECRET_ACCESS_KEY")
    if not (endpoint and key and secret):
        from clinical_pipelines.settings import Settings

        settings = Settings.from_env()
        endpoint = endpoint or settings.lakefs_endpoint
        if not (key and secret):
            key, secret = settings.lakefs_credentials()
    return _lakefs_client(endpoint, key, secret)


@functools.lru_cache(maxsize=8)
def _ensured_repository(client: Any, name: str) -> Any:
    import lakefs

    from clinical_pipelines.lakefs_protection import protect_repository

    repo = lakefs.Repository(name, client=client)
    repo.create(storage_namespace=f"local://{name}", default_branch="main", exist_ok=True)
    protect_repository(repo, install_hook=False)  # main takes anchor merges only
    return repo


@dataclass(frozen=True)
class AnchoringConfig:
    """Where anchors go, which key signs them, and the optional RFC 3161 authority."""

    signing_key_file: Path
    repository: str = ANCHOR_REPOSITORY
    directory: Path | None = None
    tsa_url: str | None = None
    tsa_ca_file: Path | None = None

    @classmethod
    def from_env(cls) -> AnchoringConfig:
        from clinical_pipelines.settings import Settings

        directory = os.environ.get(ANCHOR_DIR_ENV, "").strip()
        ca = os.environ.get(TSA_CA_ENV, "").strip()
        return cls(
            signing_key_file=Settings.from_env().anchor_signing_key_file,
            repository=os.environ.get(ANCHOR_REPOSITORY_ENV, "").strip() or ANCHOR_REPOSITORY,
            directory=Path(directory) if directory else None,
            tsa_url=os.environ.get(TSA_URL_ENV, "").strip() or None,
            tsa_ca_file=Path(ca) if ca else None,
        )

    def signing_key(self) -> SigningKey:
        return load_signing_key(self.signing_key_file, purpose="audit anchor signing")

    def tsa_roots(self) -> list[x509.Certificate]:
        return load_tsa_roots(self.tsa_ca_file) if self.tsa_ca_file else []

    def store(self) -> Any:
        """``DirectoryAnchorStore`` or ``LakeFSAnchorStore`` (repository created if missing)."""
        if self.directory is not None:
            return DirectoryAnchorStore(self.directory)
        from clinical_pipelines.audit.lakefs_anchors import LakeFSAnchorStore

        return LakeFSAnchorStore(_ensured_repository(lakefs_client_from_env(), self.repository))


@dataclass(frozen=True)
class AnchorOutcome:
    anchor: Anchor
    location: str
    written: bool  # False: an anchor of this range existed already (a concurrent writer made it)
    event: AuditEvent | None  # the anchor.written event (None when not written here)


def anchor_now(
    log: AuditLog,
    store: Any,
    signing_key: SigningKey,
    *,
    actor: str = ANCHOR_ACTOR,
    repository: str = ANCHOR_REPOSITORY,
    tsa_url: str | None = None,
    tsa_roots: Sequence[x509.Certificate] = (),
    trigger: AuditEvent | None = None,
) -> AnchorOutcome | None:
    """Anchor every event after the latest anchor; None when there is nothing new.

    Refuses (``AuditIntegrityError``) when the store reports problems or the latest anchor is not
    signed by ``signing_key``: the pipeline never continues from an anchor it did not write.
    """
    last = latest_anchor(store)
    if getattr(store, "problems", None):
        raise AuditIntegrityError("the anchor store is inconsistent: " + "; ".join(store.problems)
                                  + ". Run `clinical-pipelines audit verify --anchors` and investigate")
    if last is not None:
        check = check_anchor_signature(last, [signing_key.public_key])
        if not check.ok:
            raise AuditIntegrityError(
                f"the latest anchor (anchor-{last.to_seq}) is not signed by this pipeline's anchor key "
                f"{signing_key.public_key.key_id} ({check.problem}). Run `clinical-pipelines audit verify "
                "--anchors` and investigate before anchoring again"
            )
    anchor = build_next_anchor(log, last, signing_key=signing_key, tsa_url=tsa_url, tsa_roots=tsa_roots)
    if anchor is None:
        return None
    try:
        location = store.write_anchor(anchor)
    except AnchorAlreadyWritten as exc:
        return AnchorOutcome(anchor, exc.location, False, None)
    commit_id = getattr(store, "last_commit_id", None)
    subject = ev.lakefs_subject(repository, commit_id) if commit_id else f"anchor:{anchor_tag(anchor)}"
    payload = {
        "repository": repository if commit_id else None, "commit_id": commit_id, "location": location,
        "tag": anchor_tag(anchor), "object": anchor_object_path(anchor),
        "from_seq": anchor.from_seq, "to_seq": anchor.to_seq, "n_events": anchor.n_events,
        "merkle_root": anchor.root, "head_hash": anchor.head_hash,
        "signing_key_id": signing_key.public_key.key_id,
        "tsa": bool(anchor.tsa), "tsa_gen_time": (anchor.tsa or {}).get("gen_time"),
        "trigger_seq": trigger.seq if trigger else None, "trigger_type": trigger.event_type if trigger else None,
    }
    event = log.append(ev.ANCHOR_WRITTEN, subject, actor=actor, payload=payload)
    return AnchorOutcome(anchor, location, True, event)


def anchor_after(log: AuditLog, events: Iterable[AuditEvent], *, actor: str = ANCHOR_ACTOR,
                 config: AnchoringConfig | None = None) -> AnchorOutcome | None:
    """Anchor at once if any of ``events`` is a publish, promotion or gate decision."""
    decisions = [e for e in events if e.event_type in ANCHOR_TRIGGER_EVENT_TYPES]
    if not decisions:
        return None
    cfg = config or AnchoringConfig.from_env()
    return anchor_now(log, cfg.store(), cfg.signing_key(), actor=actor, repository=cfg.repository,
                      tsa_url=cfg.tsa_url, tsa_roots=cfg.tsa_roots(), trigger=decisions[-1])
