"""The de-identification report names the batch's source system, or says that none was declared."""

from __future__ import annotations

from clinical_pipelines.deid.report import build_report, render_markdown
from clinical_pipelines.provenance import SOURCE_SYSTEM_NOT_DECLARED, source_system_label


def _report(policy, source_system: str) -> str:
    return render_markdown(build_report(policy=policy, code_hash="c", model_identity={}, batch_id="batch-2025-01",
                                        source_system=source_system, structured_counts={}, text_counts={},
                                        risk_before={}, risk_after={}))


def test_source_system_is_shown_or_declared_missing(policy):
    assert "- Source system: emr-a\n" in _report(policy, "emr-a")
    text = _report(policy, "")
    assert f"- Source system: {SOURCE_SYSTEM_NOT_DECLARED}\n" in text
    assert "- Source system: \n" not in text
    assert source_system_label(None) == source_system_label("  ") == "not declared (no batch descriptor)"
