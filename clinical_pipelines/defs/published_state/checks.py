"""``published_state_check``: lakeFS main heads and every study's MLflow champion alias vs the audit log.

A failing check (and one ``published_state.diverged`` audit event per new finding) means the
published state holds a change no gated step made: a hand merge or reset of ``main``, a write past
lifted branch protection, a removed gate hook, or a direct move of the ``champion`` alias. The
comparison is ``clinical_pipelines.published_state``; ``published_state_sensor`` evaluates it every
minute and the hourly ``audit_anchor`` job runs this check as well.
"""


import dagster as dg

from clinical_pipelines.defs.resources import AuditLogResource, LakeFSResource, MLflowResource, StudyRegistryResource
from clinical_pipelines.published_state import PublishedStateReport, check_published_state, record_findings
from clinical_pipelines.settings import CHAMPION_ALIAS, DEID_REPOSITORY, EVIDENCE_REPOSITORY, LANDING_REPOSITORY
from clinical_pipelines.study.layout import registered_model_name

CHECK_NAME = "published_state_check"
CHECK_ASSET = dg.AssetKey("audit_anchor")
WATCHED_REPOSITORIES = (LANDING_REPOSITORY, DEID_REPOSITORY, EVIDENCE_REPOSITORY)
ACTOR = "dagster:published_state"
DESCRIPTION = (
    "lakeFS main of every repository (and the anchors repository) and the MLflow 'champion' alias of every study's "
    "model are "
    "exactly what the last gated step recorded in the audit log; main is branch-protected and carries the "
    "gate-attestation hook. Fails, and records an audit event, on any change no gated step made."
)


def anchor_repositories() -> tuple[str, ...]:
    from clinical_pipelines.audit.anchoring import AnchoringConfig

    cfg = AnchoringConfig.from_env()
    return () if cfg.directory is not None else (cfg.repository,)


def watched_models(studies: StudyRegistryResource) -> list[str]:
    """The registered model of every study the deployment knows (built-in and registered)."""
    return [registered_model_name(s) for s in studies.registry().ids()]


def evaluate(lakefs: LakeFSResource, mlflow: MLflowResource, audit_log: AuditLogResource,
             studies: StudyRegistryResource, *, settle_seconds: float = 2.0) -> tuple[PublishedStateReport, list]:
    """Compare and record: (report, the audit events appended for new findings)."""
    log = audit_log.log()
    report = check_published_state(
        lakefs.client(), mlflow.client(), log, repositories=WATCHED_REPOSITORIES,
        anchor_repositories=anchor_repositories(), model_name=watched_models(studies), alias=CHAMPION_ALIAS,
        settle_seconds=settle_seconds,
    )
    new = record_findings(log, report, actor=ACTOR,
                          append=lambda t, s, payload: audit_log.append(t, s, payload=payload, actor=ACTOR))
    return report, new


def result_fields(report: PublishedStateReport) -> dict:
    """passed / severity / description / metadata of the check (ids and hashes only)."""
    return {
        "passed": report.ok,
        "severity": dg.AssetCheckSeverity.ERROR,
        "description": report.summary(),
        "metadata": {
            "findings": len(report.findings),
            "checked": ", ".join(report.checked),
            "report_digest": report.digest,
            "details": dg.MetadataValue.json(report.to_dict()["findings"]),
        },
    }


@dg.asset_check(asset=CHECK_ASSET, name=CHECK_NAME, blocking=False, description=DESCRIPTION)
def published_state_check(
    lakefs: LakeFSResource, mlflow: MLflowResource, audit_log: AuditLogResource, studies: StudyRegistryResource,
) -> dg.AssetCheckResult:
    report, _ = evaluate(lakefs, mlflow, audit_log, studies)
    return dg.AssetCheckResult(**result_fields(report))
