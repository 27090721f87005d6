"""``audit_anchor``: write the Merkle root of the new audit events outside the database.

Computes the RFC 6962 Merkle root over every event since the last anchor (after verifying that
range of the chain and that it continues the previous anchor), writes ``anchors/<to_seq>.json``
to lakeFS repository ``clinical-audit-anchors`` on ``main``, commits, tags ``anchor-<to_seq>``
and appends an ``anchor.written`` event. With an RFC 3161 timestamp authority configured
(run config ``tsa_url`` or ``$CLINICAL_PIPELINES_TSA_URL``) the root is also timestamped.
"""


import os

import dagster as dg
from pydantic import Field

from clinical_pipelines.audit import events as ev
from clinical_pipelines.audit.anchor import (
    ANCHOR_REPOSITORY,
    TSA_URL_ENV,
    anchor_object_path,
    anchor_tag,
    build_next_anchor,
    latest_anchor,
)
from clinical_pipelines.audit.lakefs_anchors import LakeFSAnchorStore
from clinical_pipelines.defs.resources import AuditLogResource, LakeFSResource

ACTOR = "dagster-asset:audit_anchor"


class AuditAnchorConfig(dg.Config):
    repository: str = Field(
        default=ANCHOR_REPOSITORY,
        description="lakeFS repository holding the anchors (created with local://<name> if missing).",
    )
    tsa_url: str | None = Field(
        default=None,
        description="RFC 3161 timestamp authority URL. Empty: $CLINICAL_PIPELINES_TSA_URL if set, "
        "else no timestamp (the lakeFS tag is the anchor).",
    )


@dg.asset(
    group_name="audit",
    kinds={"lakefs"},
    owners=["team:clinical-ml-platform"],
    description="Merkle root of all audit events since the previous anchor, written as "
    "anchors/<to_seq>.json + tag anchor-<to_seq> in lakeFS repository clinical-audit-anchors, "
    "so audit history cannot be rewritten without detection (`clinical-pipelines audit verify "
    "--anchors`).",
)
def audit_anchor(
    context: dg.AssetExecutionContext,
    config: AuditAnchorConfig,
    audit_log: AuditLogResource,
    lakefs: LakeFSResource,
) -> dg.MaterializeResult:
    log = audit_log.log()
    store = LakeFSAnchorStore(lakefs.repository(config.repository))
    last = latest_anchor(store)
    if store.problems:
        raise dg.Failure(
            description="existing audit anchors are inconsistent; investigate before anchoring "
            "more: " + "; ".join(store.problems)
        )
    tsa_url = config.tsa_url or os.environ.get(TSA_URL_ENV) or None
    anchor = build_next_anchor(log, last, tsa_url=tsa_url)
    if anchor is None:
        covered = last.to_seq if last else 0
        context.log.info(f"no new audit events since seq {covered}; nothing to anchor")
        return dg.MaterializeResult(
            metadata={"status": "nothing new", "covered_to_seq": covered}
        )
    location = store.write_anchor(anchor)
    commit_id = store.last_commit_id
    written = log.append(
        ev.ANCHOR_WRITTEN,
        ev.lakefs_subject(config.repository, commit_id),
        actor=ACTOR,
        payload={
            "repository": config.repository,
            "commit_id": commit_id,
            "tag": anchor_tag(anchor),
            "path": anchor_object_path(anchor),
            "from_seq": anchor.from_seq,
            "to_seq": anchor.to_seq,
            "n_events": anchor.n_events,
            "merkle_root": anchor.root,
            "head_hash": anchor.head_hash,
            "tsa": bool(anchor.tsa),
            "dagster_run_id": context.run.run_id,
        },
    )
    return dg.MaterializeResult(
        metadata={
            "status": "anchored",
            "from_seq": anchor.from_seq,
            "to_seq": anchor.to_seq,
            "n_events": anchor.n_events,
            "merkle_root": anchor.root,
            "lakefs_commit": commit_id,
            "lakefs_tag": anchor_tag(anchor),
            "anchor_object": dg.MetadataValue.url(lakefs.ui_url(config.repository, anchor_tag(anchor))),
            "anchor_location": location,
            "anchor_event_seq": written.seq,
            "rfc3161_timestamp": bool(anchor.tsa),
        }
    )
