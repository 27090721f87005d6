"""``audit_anchor``: the hourly backstop that anchors audit events outside the database.

Decisions (publish, promotion, gate) are anchored at once on the audit recording path
(``clinical_pipelines.audit.anchoring``); this asset anchors whatever else has accumulated since.
It computes the RFC 6962 Merkle root over every event since the last anchor (after verifying that
range of the chain and that it continues the previous anchor, which must carry this pipeline's
signature), signs it with the anchor key (``$CLINICAL_PIPELINES_ANCHOR_SIGNING_KEY_FILE``), writes
``anchors/<to_seq>.json`` + tag ``anchor-<to_seq>`` to lakeFS repository ``clinical-audit-anchors``
and appends an ``anchor.written`` event. With an RFC 3161 authority configured (run config
``tsa_url`` or ``$CLINICAL_PIPELINES_TSA_URL``) the anchor is also time-stamped.
"""


import dagster as dg
from pydantic import Field

from clinical_pipelines.audit.anchor import ANCHOR_REPOSITORY, anchor_object_path, anchor_tag
from clinical_pipelines.audit.anchoring import AnchoringConfig, anchor_now
from clinical_pipelines.audit.lakefs_anchors import LakeFSAnchorStore
from clinical_pipelines.audit.signing import KeyFileError
from clinical_pipelines.audit.store import AuditIntegrityError
from clinical_pipelines.audit.timestamp import TimestampError
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
        "else no time-stamp (the signed anchor and its lakeFS tag are the anchor).",
    )


@dg.asset(
    group_name="audit",
    kinds={"lakefs"},
    owners=["team:clinical-ml-platform"],
    description="Signed Merkle root of all audit events since the previous anchor, written as "
    "anchors/<to_seq>.json + tag anchor-<to_seq> in lakeFS repository clinical-audit-anchors, "
    "so audit history cannot be rewritten without detection (`clinical-pipelines audit verify "
    "--anchors`). Decisions are anchored at once when recorded; this is the hourly backstop.",
)
def audit_anchor(
    context: dg.AssetExecutionContext,
    config: AuditAnchorConfig,
    audit_log: AuditLogResource,
    lakefs: LakeFSResource,
) -> dg.MaterializeResult:
    log = audit_log.log()
    store = LakeFSAnchorStore(lakefs.repository(config.repository))
    cfg = AnchoringConfig.from_env()
    try:
        outcome = anchor_now(log, store, cfg.signing_key(), actor=ACTOR, repository=config.repository,
                             tsa_url=config.tsa_url or cfg.tsa_url, tsa_roots=cfg.tsa_roots())
    except (AuditIntegrityError, KeyFileError, TimestampError, ValueError) as exc:
        raise dg.Failure(description=f"audit anchor not written: {exc}") from None
    if outcome is None or not outcome.written:
        context.log.info("no new audit events since the last anchor; nothing to anchor")
        return dg.MaterializeResult(metadata={"status": "nothing new"})
    anchor = outcome.anchor
    return dg.MaterializeResult(
        metadata={
            "status": "anchored",
            "from_seq": anchor.from_seq,
            "to_seq": anchor.to_seq,
            "n_events": anchor.n_events,
            "merkle_root": anchor.root,
            "signing_key_id": str((anchor.signature or {}).get("key_id")),
            "lakefs_commit": store.last_commit_id,
            "lakefs_tag": anchor_tag(anchor),
            "anchor_path": anchor_object_path(anchor),
            "anchor_object": dg.MetadataValue.url(lakefs.ui_url(config.repository, anchor_tag(anchor))),
            "anchor_location": outcome.location,
            "anchor_event_seq": outcome.event.seq if outcome.event else 0,
            "rfc3161_timestamp": bool(anchor.tsa),
            "dagster_run_id": context.run.run_id,
        }
    )
