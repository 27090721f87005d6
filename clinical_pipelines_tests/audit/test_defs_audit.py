"""Dagster wiring of the audit trail: the event-log sensor (real SQLite Dagster instance) and the
anchor asset + CLI against the real local lakeFS server (``services``)."""

from __future__ import annotations

import json
import os
import uuid

import dagster as dg
import pytest
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from clinical_pipelines.audit import events as ev
from clinical_pipelines.audit.anchor import DirectoryAnchorStore, build_next_anchor
from clinical_pipelines.audit.cli import audit_main
from clinical_pipelines.audit.lakefs_anchors import LakeFSAnchorStore
from clinical_pipelines.audit.store import AuditLog, event_hash
from clinical_pipelines.audit.verify import AnchorTrust, verify_anchors, verify_chain
from clinical_pipelines.defs.audit.assets import audit_anchor
from clinical_pipelines.defs.audit.schedules import audit_anchor_hourly
from clinical_pipelines.defs.audit.sensors import ACTOR, audit_event_log_sensor
from clinical_pipelines.defs.resources import AuditLogResource, LakeFSResource


@dg.asset(
    check_specs=[
        dg.AssetCheckSpec("rows_positive", asset="numbers"),
        dg.AssetCheckSpec("always_warns", asset="numbers"),
    ]
)
def numbers() -> dg.MaterializeResult:
    return dg.MaterializeResult(
        metadata={"n_rows": 3, "lakefs_commit": "abc123", "note": "free text is not copied"},
        check_results=[
            dg.AssetCheckResult(check_name="rows_positive", passed=True),
            dg.AssetCheckResult(check_name="always_warns", passed=False,
                                severity=dg.AssetCheckSeverity.WARN),
        ],
    )


@dg.asset
def broken() -> None:
    raise RuntimeError("synthetic failure")


def _tick(instance, url, cursor=None):
    ctx = dg.build_sensor_context(instance=instance, cursor=cursor,
                                  resources={"audit_log": AuditLogResource(url=url)})
    result = audit_event_log_sensor(ctx)
    return ctx.cursor, result


def test_sensor_audits_materializations_checks_and_failures(tmp_path, anchoring_env, anchor_keys) -> None:
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    assert audit_event_log_sensor.default_status == dg.DefaultSensorStatus.RUNNING
    (tmp_path / "dagster_home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "dagster_home")) as instance:
        # the default local storage: run-sharded SQLite (the hard case for cross-run cursors)
        assert isinstance(instance.event_log_storage, SqliteEventLogStorage)
        ok = dg.materialize([numbers], instance=instance)
        assert ok.success
        bad = dg.materialize([broken], instance=instance, raise_on_error=False)
        assert not bad.success

        cursor, result = _tick(instance, url)
        assert "audited 4" in result.skip_message
        with AuditLog(url) as lg:
            evs = lg.query()
            assert verify_chain(lg).ok
            # the check evaluations (gate decisions) were anchored at once, signed
            (anchor,) = DirectoryAnchorStore(anchoring_env).list_anchors()
            assert (anchor.from_seq, anchor.to_seq) == (1, 4)
            trust = AnchorTrust([anchor_keys[0].public_key], decision_grace_seconds=0)
            assert verify_anchors(lg, DirectoryAnchorStore(anchoring_env), trust).ok
            evs = [e for e in evs if e.event_type != ev.ANCHOR_WRITTEN]
        by_type = {}
        for e in evs:
            by_type.setdefault(e.event_type, []).append(e)
        assert all(e.actor == ACTOR for e in evs)
        (mat,) = by_type[ev.ASSET_MATERIALIZED]
        assert mat.subject == "asset:numbers" and mat.inputs == (f"dagster-run:{ok.run_id}",)
        assert mat.payload["metadata"] == {"n_rows": 3, "lakefs_commit": "abc123"}
        checks = {e.payload["check_name"]: e.payload for e in by_type[ev.CHECK_EVALUATED]}
        assert checks["rows_positive"]["passed"] is True
        assert checks["always_warns"]["passed"] is False and checks["always_warns"]["severity"] == "WARN"
        (fail,) = by_type[ev.RUN_FAILED]
        assert fail.subject == f"dagster-run:{bad.run_id}"
        assert "synthetic failure" not in json.dumps(fail.payload)  # no error messages copied

        # next tick: nothing new; a new run is picked up exactly once
        cursor, result = _tick(instance, url, cursor)
        assert "no new" in result.skip_message
        ok2 = dg.materialize([numbers], instance=instance)
        cursor, result = _tick(instance, url, cursor)
        assert "audited 3" in result.skip_message
        # a lost Dagster cursor does not duplicate events (resume point read from the audit log)
        _, result = _tick(instance, url, None)
        assert "no new" in result.skip_message
        with AuditLog(url) as lg:
            assert lg.count() == 7 + 2  # + one anchor.written per tick with check evaluations
            assert [e.inputs for e in lg.query(event_type=ev.ASSET_MATERIALIZED)][-1] == (
                f"dagster-run:{ok2.run_id}",)


def test_anchor_schedule_is_hourly_and_running() -> None:
    assert audit_anchor_hourly.default_status == dg.DefaultScheduleStatus.RUNNING
    assert audit_anchor_hourly.cron_schedule == "7 * * * *"
    spec = audit_anchor.specs_by_key[dg.AssetKey("audit_anchor")]
    assert spec.group_name == "audit" and "lakefs" in spec.kinds


@pytest.mark.services
def test_anchor_asset_writes_lakefs_anchors_and_verify_uses_them(stack, tmp_path, raw_sql,
                                                                  monkeypatch, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    repo = "audit-anchors-" + uuid.uuid4().hex[:8]
    with AuditLog(url) as lg:
        for i in range(5):
            lg.append(ev.RUN_FAILED, f"dagster-run:r{i}", actor="t")
    audit = AuditLogResource(url=url)
    lk = LakeFSResource(endpoint=os.environ["LAKEFS_ENDPOINT"],
                        access_key_id=os.environ["LAKEFS_ACCESS_KEY_ID"],
                        secret_access_key=os.environ["LAKEFS_SECRET_ACCESS_KEY"], audit_log=audit)
    resources = {"audit_log": audit, "lakefs": lk}
    run_config = {"ops": {"audit_anchor": {"config": {"repository": repo}}}}

    first = dg.materialize([audit_anchor], resources=resources, run_config=run_config)
    md = first.asset_materializations_for_node("audit_anchor")[0].metadata
    assert md["status"].value == "anchored" and md["to_seq"].value == 5
    second = dg.materialize([audit_anchor], resources=resources, run_config=run_config)
    md2 = second.asset_materializations_for_node("audit_anchor")[0].metadata
    assert (md2["from_seq"].value, md2["to_seq"].value) == (6, 6)  # the first anchor.written event

    store = LakeFSAnchorStore(lk.repository(repo, create=False))
    anchors = sorted(store.list_anchors(), key=lambda a: a.to_seq)
    assert [(a.from_seq, a.to_seq) for a in anchors] == [(1, 5), (6, 6)] and not store.problems
    with AuditLog(url) as lg:
        written = lg.query(event_type=ev.ANCHOR_WRITTEN)
        assert [e.payload["tag"] for e in written] == ["anchor-5", "anchor-6"]
        assert written[0].subject == f"lakefs:{repo}@{written[0].payload['commit_id']}"
        assert verify_anchors(lg, store, AnchorTrust([anchor_public_key()])).ok
        assert all(a.signature["key_id"] == anchor_public_key().key_id for a in anchors)

    assert audit_main(["verify", "--anchors", "--anchors-repository", repo, "--db-url", url]) == 0
    assert "2 anchors cover seq 1..6, signed by trusted key" in capsys.readouterr().out

    # rewrite seq 3 with a recomputed hash: the chain link breaks and the anchor root differs
    with AuditLog(url) as lg:
        e3 = lg.query(since_seq=2, limit=1)[0]
        fields = e3.hashed_fields()
        fields["actor"] = "mallory"
        forged = event_hash(e3.prev_hash, fields)
        raw_sql(lg, f"UPDATE audit_events SET actor = 'mallory', hash = '{forged}' WHERE seq = 3")
    assert audit_main(["verify", "--anchors", "--anchors-repository", repo, "--db-url", url]) == 1
    out = capsys.readouterr().out
    assert "seq 4" in out and "seq 3" in out  # chain: the link from seq 3 to seq 4 is broken
    assert "anchor-5 (seq 1..5): Merkle root" in out


def anchor_public_key():
    from clinical_pipelines.audit.signing import load_public_key, public_key_path
    from clinical_pipelines.settings import Settings

    return load_public_key(public_key_path(Settings.from_env().anchor_signing_key_file))


def _rewrite_chain(lg: AuditLog, raw_sql, seq: int, edit) -> None:
    """What an operator with the audit DB can do: edit event ``seq`` and recompute every later hash."""
    statements, prev = [], lg.hashes(seq - 1, seq - 1)[0][1]
    for e in lg.iter_events(seq):
        fields = e.hashed_fields()
        if e.seq == seq:
            fields = edit(fields)
        h = event_hash(prev, fields)
        payload = json.dumps(fields["payload"], sort_keys=True, separators=(",", ":")).replace("'", "''")
        statements.append(f"UPDATE audit_events SET payload = '{payload}', prev_hash = '{prev}', hash = '{h}' "
                          f"WHERE seq = {e.seq}")
        prev = h
    statements.append(f"UPDATE audit_chain_head SET hash = '{prev}'")
    raw_sql(lg, *statements)


@pytest.mark.services
def test_forged_anchors_over_a_tampered_log_fail_verify(stack, tmp_path, raw_sql, monkeypatch, capsys,
                                                        anchor_keys) -> None:
    """The forger holds the lakeFS admin key and the audit DB, not the anchor signing key."""
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    repo = "audit-anchors-" + uuid.uuid4().hex[:8]
    monkeypatch.setenv("CLINICAL_PIPELINES_ANCHOR_REPOSITORY", repo)
    audit = AuditLogResource(url=url)
    audit.append(ev.LAKEFS_COMMIT, "lakefs:clinical-deid@c1", payload={"commit_id": "c1"})
    blocked = audit.append(ev.GATE_BLOCKED, "asset:model_promotion", payload={"gate": "calibration_ece"})
    audit.append(ev.MLFLOW_ALIAS_SET, "model:risk/1", payload={"alias": "champion"})
    verify = ["verify", "--anchors", "--anchors-repository", repo, "--grace-seconds", "0", "--db-url", url]
    assert audit_main(verify) == 0, capsys.readouterr()
    capsys.readouterr()

    lk = LakeFSResource(endpoint=os.environ["LAKEFS_ENDPOINT"], access_key_id=os.environ["LAKEFS_ACCESS_KEY_ID"],
                        secret_access_key=os.environ["LAKEFS_SECRET_ACCESS_KEY"], audit_log=audit)
    lrepo = lk.repository(repo, create=False)
    with AuditLog(url) as lg:
        # 1. turn the blocked gate into something harmless, recomputing the chain
        _rewrite_chain(lg, raw_sql, blocked.seq, lambda f: {**f, "payload": {"gate": "none"}})
        assert verify_chain(lg).ok  # the chain alone cannot tell
        # 2. with the lakeFS admin key: delete every anchor, re-make them over the tampered log
        for tag in list(lrepo.tags(prefix="anchor-")):
            lrepo.tag(tag.id).delete()
        work = lrepo.branch("remove-anchors")  # main is branch-protected: delete on a branch, merge
        work.create(source_reference="main")
        for obj in list(work.objects(prefix="anchors/")):
            work.object(obj.path).delete()
        work.commit("remove anchors")
        work.merge_into(lrepo.branch("main"))
        store = LakeFSAnchorStore(lrepo)
        store.write_anchor(build_next_anchor(lg, None, signing_key=anchor_keys[1]))
    assert audit_main(verify) == 1
    out = capsys.readouterr().out
    assert "not a trusted key" in out and "not covered by any valid anchor" in out
    assert f"seq {blocked.seq}, gate.blocked" in out
