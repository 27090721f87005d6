"""Hash chain: appends, tamper detection (edit/delete/insert/reorder), concurrency — SQLite and PostgreSQL."""

from __future__ import annotations

import json
import multiprocessing
import uuid

import pytest
import sqlalchemy as sa

from clinical_pipelines.audit import events as ev
from clinical_pipelines.audit.anchor import DirectoryAnchorStore, build_next_anchor
from clinical_pipelines.audit.store import (
    GENESIS_HASH,
    AuditIntegrityError,
    AuditLog,
    NewEvent,
    event_hash,
)
from clinical_pipelines.audit.verify import AnchorTrust, verify_anchors, verify_chain
from clinical_pipelines.provenance import canonical_json


def _fill(log: AuditLog, n: int = 10) -> list:
    out = []
    for i in range(1, n + 1):
        out.append(
            log.append(
                ev.LAKEFS_COMMIT,
                f"lakefs:clinical-deid@c{i:04d}",
                actor="test",
                inputs=[f"batch:b{i}"],
                payload={"n_rows": i, "transform_hash": "ab" * 32},
            )
        )
    return out


def _row(log: AuditLog, seq: int) -> dict:
    with log.engine.connect() as c:
        return dict(c.exec_driver_sql(f"SELECT * FROM audit_events WHERE seq = {seq}").mappings().one())


def _q(v: str) -> str:
    return "'" + v.replace("'", "''") + "'"


def test_appends_form_a_chain(log: AuditLog) -> None:
    evs = _fill(log, 5)
    assert [e.seq for e in evs] == [1, 2, 3, 4, 5]
    assert evs[0].prev_hash == GENESIS_HASH
    for a, b in zip(evs, evs[1:]):
        assert b.prev_hash == a.hash
    for e in evs:
        assert e.hash == event_hash(e.prev_hash, e.hashed_fields())
        stored = _row(log, e.seq)
        assert stored["hash"] == e.hash and stored["event_id"] == e.event_id
        assert stored["payload"] == canonical_json(dict(e.payload)).decode()
    assert log.head() == (5, evs[-1].hash) == log.recorded_head()
    res = verify_chain(log)
    assert res.ok, res.summary()
    assert res.n_events == 5 and res.last_seq == 5 and res.head_hash == evs[-1].hash


def test_query_filters(log: AuditLog) -> None:
    _fill(log, 4)
    log.append(ev.MLFLOW_ALIAS_SET, "model:m/1", actor="t", payload={"alias": "champion"})
    assert [e.seq for e in log.query(event_type=ev.LAKEFS_COMMIT)] == [1, 2, 3, 4]
    assert [e.seq for e in log.query(subject="lakefs:clinical-deid@c0002")] == [2]
    assert [e.seq for e in log.query(since_seq=3)] == [4, 5]
    assert [e.seq for e in log.query(limit=2, descending=True)] == [5, 4]
    assert log.query(subject="model:m/1")[0].payload == {"alias": "champion"}
    assert [e.seq for e in log.events_for_subjects(["model:m/1", "lakefs:clinical-deid@c0001"])] == [1, 5]


def test_untouched_empty_log_verifies(log: AuditLog) -> None:
    res = verify_chain(log)
    assert res.ok and res.n_events == 0


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"event_type": "made.up"}, "unknown audit event type"),
        ({"subject": "no kind here"}, "subject"),
        ({"actor": ""}, "actor"),
        ({"inputs": ["bad input"]}, "input #0"),
        ({"payload": {"batch": {"patient_name": "x"}}}, "batch.patient_name"),
        ({"payload": {"value": float("nan")}}, "non-finite"),
    ],
)
def test_append_refuses_bad_events(log: AuditLog, kwargs: dict, fragment: str) -> None:
    args = {"event_type": ev.RUN_FAILED, "subject": "dagster-run:r1", "actor": "t", "inputs": (),
            "payload": {}}
    args.update(kwargs)
    with pytest.raises((ValueError, TypeError)) as exc:
        log.append(args.pop("event_type"), args.pop("subject"), **args)
    assert fragment in str(exc.value)
    assert "'x'" not in str(exc.value)  # never echo payload values
    assert log.count() == 0


def test_triggers_refuse_update_and_delete(log: AuditLog) -> None:
    _fill(log, 2)
    for stmt in ("UPDATE audit_events SET actor = 'mallory' WHERE seq = 1",
                 "DELETE FROM audit_events WHERE seq = 2"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with log.engine.begin() as c:
                c.exec_driver_sql(stmt)
    assert verify_chain(log).ok


def test_edited_event_is_named(log: AuditLog, raw_sql) -> None:
    evs = _fill(log)
    raw_sql(log, "UPDATE audit_events SET payload = '{\"n_rows\":999,\"transform_hash\":\"x\"}' "
                 "WHERE seq = 5")
    res = verify_chain(log)
    assert not res.ok
    assert res.first_bad_seq == 5 and res.first_bad_event_id == evs[4].event_id
    assert "content" in res.problem
    assert evs[4].event_id in res.summary()


def test_edit_with_recomputed_hash_breaks_the_link(log: AuditLog, raw_sql) -> None:
    evs = _fill(log)
    r = _row(log, 5)
    fields = evs[4].hashed_fields()
    fields["payload"] = {"n_rows": 999}
    forged = event_hash(r["prev_hash"], fields)
    raw_sql(log, f"UPDATE audit_events SET payload = '{{\"n_rows\":999}}', hash = {_q(forged)} "
                 "WHERE seq = 5")
    res = verify_chain(log)
    assert not res.ok and res.first_bad_seq == 6
    assert evs[4].event_id in res.problem  # the link to seq 5 is named


def test_deleted_event_is_named(log: AuditLog, raw_sql) -> None:
    _fill(log)
    raw_sql(log, "DELETE FROM audit_events WHERE seq = 4")
    res = verify_chain(log)
    assert not res.ok and res.first_bad_seq == 4 and "missing" in res.problem


def test_deleted_and_renumbered_event_is_named(log: AuditLog, raw_sql) -> None:
    evs = _fill(log)
    raw_sql(
        log,
        "DELETE FROM audit_events WHERE seq = 4",
        "UPDATE audit_events SET seq = -(seq - 1) WHERE seq > 4",
        "UPDATE audit_events SET seq = -seq WHERE seq < 0",
        f"UPDATE audit_chain_head SET seq = 9, hash = {_q(evs[-1].hash)}",
    )
    res = verify_chain(log)
    assert not res.ok and res.first_bad_seq == 4
    assert res.first_bad_event_id == evs[4].event_id  # old seq 5, now stored as seq 4


def test_deleted_tail_is_detected(log: AuditLog, raw_sql) -> None:
    _fill(log)
    raw_sql(log, "DELETE FROM audit_events WHERE seq = 10")
    res = verify_chain(log)
    assert not res.ok and res.first_bad_seq == 10 and "tail" in res.problem
    with pytest.raises(AuditIntegrityError, match="refusing to append"):
        log.append(ev.RUN_FAILED, "dagster-run:r", actor="t")


def _insert_sql(seq: int, prev_hash: str, hash_: str | None = None, payload: dict | None = None) -> tuple[str, str]:
    eid = str(uuid.uuid4())
    fields = {"seq": seq, "event_id": eid, "occurred_at": "2026-01-01T00:00:00.000000Z",
              "event_type": ev.APPROVAL_RECORDED, "actor": "mallory", "subject": "model:m/1",
              "inputs": [], "payload": payload or {"approved": True}}
    h = hash_ or event_hash(prev_hash, fields)
    return eid, (
        "INSERT INTO audit_events (seq, event_id, occurred_at, event_type, actor, subject, inputs, "
        f"payload, prev_hash, hash) VALUES ({seq}, {_q(eid)}, {_q(fields['occurred_at'])}, "
        f"{_q(fields['event_type'])}, 'mallory', 'model:m/1', '[]', "
        f"{_q(json.dumps(fields['payload'], separators=(',', ':')))}, {_q(prev_hash)}, {_q(h)})"
    )


_SHIFT_UP_FROM_5 = (
    "UPDATE audit_events SET seq = -(seq + 1) WHERE seq >= 5",
    "UPDATE audit_events SET seq = -seq WHERE seq < 0",
)


def test_inserted_event_is_named(log: AuditLog, raw_sql) -> None:
    _fill(log)
    eid, ins = _insert_sql(5, "f" * 64, "e" * 64)
    raw_sql(log, *_SHIFT_UP_FROM_5, ins)
    res = verify_chain(log)
    assert not res.ok and res.first_bad_seq == 5 and res.first_bad_event_id == eid


def test_chain_consistent_insertion_is_detected(log: AuditLog, raw_sql) -> None:
    evs = _fill(log)
    eid, ins = _insert_sql(5, evs[3].hash)  # correctly chained to seq 4
    raw_sql(log, *_SHIFT_UP_FROM_5, ins)
    res = verify_chain(log)
    assert not res.ok
    # The forged row itself verifies; the first row that no longer does is the displaced original.
    assert res.first_bad_seq == 6 and res.first_bad_event_id == evs[4].event_id


def test_inserted_tail_event_is_detected(log: AuditLog, raw_sql) -> None:
    evs = _fill(log)
    eid, ins = _insert_sql(11, evs[-1].hash)  # perfectly chained, but not written via append
    raw_sql(log, ins)
    res = verify_chain(log)
    assert not res.ok and res.first_bad_seq == 11 and res.first_bad_event_id == eid


def test_reordered_events_are_named(log: AuditLog, raw_sql) -> None:
    evs = _fill(log)
    raw_sql(
        log,
        "UPDATE audit_events SET seq = -1 WHERE seq = 3",
        "UPDATE audit_events SET seq = 3 WHERE seq = 7",
        "UPDATE audit_events SET seq = 7 WHERE seq = -1",
    )
    res = verify_chain(log)
    assert not res.ok and res.first_bad_seq == 3
    assert res.first_bad_event_id == evs[6].event_id  # the event now sitting at seq 3


def test_full_rewrite_escapes_the_chain_but_not_the_anchor(log: AuditLog, raw_sql, tmp_path, anchor_keys) -> None:
    evs = _fill(log)
    store = DirectoryAnchorStore(tmp_path / "anchors")
    anchor = build_next_anchor(log, None, signing_key=anchor_keys[0])
    store.write_anchor(anchor)
    trust = AnchorTrust([anchor_keys[0].public_key])
    assert verify_anchors(log, store, trust).ok
    # Attacker edits seq 5 and recomputes every hash after it, and the chain head.
    stmts = []
    prev = evs[3].hash
    for e in evs[4:]:
        fields = e.hashed_fields()
        if e.seq == 5:
            fields["payload"] = {"n_rows": 0}
        h = event_hash(prev, fields)
        stmts.append(
            f"UPDATE audit_events SET payload = {_q(canonical_json(fields['payload']).decode())}, "
            f"prev_hash = {_q(prev)}, hash = {_q(h)} WHERE seq = {e.seq}"
        )
        prev = h
    stmts.append(f"UPDATE audit_chain_head SET hash = {_q(prev)}")
    raw_sql(log, *stmts)
    assert verify_chain(log).ok  # undetectable from inside the database alone ...
    res = verify_anchors(log, store, trust)  # ... but the external anchor catches it
    assert not res.ok and res.first_bad_seq == 1 and "Merkle root" in res.problems[0]


def _worker(url: str, worker: int, n: int) -> int:
    lg = AuditLog(url)
    try:
        for i in range(n):
            lg.append(ev.CHECK_EVALUATED, f"asset:w{worker}", actor=f"worker-{worker}",
                      payload={"i": i})
    finally:
        lg.close()
    return n


def test_concurrent_appends_keep_the_chain_valid(db_url: str) -> None:
    AuditLog(db_url).close()  # schema first
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(4) as pool:
        done = pool.starmap(_worker, [(db_url, w, 25) for w in range(4)])
    assert sum(done) == 100
    with AuditLog(db_url) as lg:
        res = verify_chain(lg)
        assert res.ok, res.summary()
        assert res.n_events == 100 and res.last_seq == 100
        for w in range(4):
            assert [e.payload["i"] for e in lg.query(subject=f"asset:w{w}")] == list(range(25))


def test_append_many_is_atomic(log: AuditLog) -> None:
    _fill(log, 2)
    with pytest.raises(ValueError):
        log.append_many([
            NewEvent(ev.RUN_FAILED, "dagster-run:a", "t"),
            NewEvent("bogus.type", "dagster-run:b", "t"),
        ])
    assert log.count() == 2
    out = log.append_many([NewEvent(ev.RUN_FAILED, f"dagster-run:{i}", "t") for i in range(3)])
    assert [e.seq for e in out] == [3, 4, 5]
    assert verify_chain(log).ok
