"""Anchoring at once on the audit recording path: every publish, promotion and gate decision."""

from __future__ import annotations


import pytest

from clinical_pipelines.audit import events as ev
from clinical_pipelines.audit.anchor import DirectoryAnchorStore, build_next_anchor
from clinical_pipelines.audit.anchoring import (
    ANCHOR_TRIGGER_EVENT_TYPES,
    AnchoringConfig,
    anchor_after,
    anchor_now,
)
from clinical_pipelines.audit.signing import KeyFileError
from clinical_pipelines.audit.store import AuditIntegrityError, AuditLog
from clinical_pipelines.audit.verify import AnchorTrust, verify_anchors
from clinical_pipelines.defs.resources import AuditLogResource


def test_trigger_types_are_publish_promotion_and_gate_decisions() -> None:
    assert {ev.LAKEFS_MERGE, ev.LAKEFS_TAG, ev.MLFLOW_ALIAS_SET, ev.CHECK_EVALUATED, ev.GATE_BLOCKED,
            ev.APPROVAL_RECORDED, ev.OVERRIDE_RECORDED, ev.PUBLISHED_STATE_DIVERGED} == ANCHOR_TRIGGER_EVENT_TYPES
    assert ev.ANCHOR_WRITTEN not in ANCHOR_TRIGGER_EVENT_TYPES  # no anchor loop


def test_resource_anchors_each_decision_at_once(tmp_path, anchoring_env, anchor_keys) -> None:
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    audit = AuditLogResource(url=url)
    audit.append(ev.LAKEFS_COMMIT, "lakefs:clinical-deid@c1", payload={"commit_id": "c1"})
    assert not (anchoring_env / "anchors").exists()  # a commit is not a decision
    merge = audit.append(ev.LAKEFS_MERGE, "lakefs:clinical-deid@m1", payload={"into": "main"})
    store = DirectoryAnchorStore(anchoring_env)
    (a1,) = store.list_anchors()
    assert (a1.from_seq, a1.to_seq) == (1, merge.seq)
    audit.append(ev.MLFLOW_ALIAS_SET, "model:risk/1", payload={"alias": "champion"})
    with AuditLog(url) as lg:
        written = lg.query(event_type=ev.ANCHOR_WRITTEN)
        assert [e.payload["trigger_type"] for e in written] == [ev.LAKEFS_MERGE, ev.MLFLOW_ALIAS_SET]
        assert written[0].payload["signing_key_id"] == anchor_keys[0].public_key.key_id
        assert written[0].subject == f"anchor:anchor-{merge.seq}"
        res = verify_anchors(lg, store, AnchorTrust([anchor_keys[0].public_key], decision_grace_seconds=0))
        assert res.ok and res.n_anchors == 2, res.summary()
        # the second anchor starts with the first anchor.written event and ends at the alias event
        assert res.covered_to_seq == lg.head()[0] - 1


def test_decision_fails_closed_without_the_signing_key(tmp_path, anchoring_env, monkeypatch) -> None:
    monkeypatch.setenv("CLINICAL_PIPELINES_ANCHOR_SIGNING_KEY_FILE", str(tmp_path / "absent.key"))
    audit = AuditLogResource(url=f"sqlite:///{tmp_path / 'audit.db'}")
    with pytest.raises(KeyFileError, match="audit anchor signing key not found"):
        audit.append(ev.GATE_BLOCKED, "asset:released_snapshot", payload={"gate": "k_anonymity"})


def test_pipeline_never_continues_from_a_forged_anchor(tmp_path, anchor_keys) -> None:
    key, forger, _ = anchor_keys
    store = DirectoryAnchorStore(tmp_path / "anchors")
    with AuditLog(f"sqlite:///{tmp_path / 'audit.db'}") as lg:
        lg.append(ev.RUN_FAILED, "dagster-run:r1", actor="t")
        store.write_anchor(build_next_anchor(lg, None, signing_key=forger))
        lg.append(ev.GATE_BLOCKED, "asset:model_promotion", actor="t")
        with pytest.raises(AuditIntegrityError, match="not signed by this pipeline's anchor key"):
            anchor_now(lg, store, key)


class _StaleView(DirectoryAnchorStore):
    """A writer that read the store just before a concurrent writer's anchor landed."""

    def latest_anchor(self):
        return None


def test_concurrent_writer_already_anchored_the_range(tmp_path, anchor_keys) -> None:
    key = anchor_keys[0]
    d = tmp_path / "anchors"
    with AuditLog(f"sqlite:///{tmp_path / 'audit.db'}") as lg:
        lg.append(ev.LAKEFS_TAG, "lakefs:clinical-deid@c1", actor="t")
        # writer A has stored its anchor of seq 1..1 but not yet appended its anchor.written event
        DirectoryAnchorStore(d).write_anchor(build_next_anchor(lg, None, signing_key=key))
        n = lg.count()
        late = anchor_now(lg, _StaleView(d), key)  # writer B read the store just before
        assert late is not None and not late.written and late.event is None and lg.count() == n
        cfg = AnchoringConfig(signing_key_file=key.path, directory=d)
        assert anchor_after(lg, [], config=cfg) is None  # no decision among the events: nothing to do
        lg.append(ev.LAKEFS_MERGE, "lakefs:clinical-deid@m1", actor="t")
        outcome = anchor_after(lg, lg.query(since_seq=n), config=cfg)
        assert outcome.written and (outcome.anchor.from_seq, outcome.anchor.to_seq) == (2, 2)
        res = verify_anchors(lg, DirectoryAnchorStore(d), AnchorTrust([key.public_key]))
        assert res.ok and res.n_anchors == 2, res.summary()
