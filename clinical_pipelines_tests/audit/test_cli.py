"""`clinical-pipelines audit trace|verify` end to end on a SQLite store."""

from __future__ import annotations

import json

import pytest

from clinical_pipelines.audit import events as ev
from clinical_pipelines.audit.anchor import DirectoryAnchorStore, build_next_anchor
from clinical_pipelines.audit.cli import audit_main, default_db_url
from clinical_pipelines.audit.store import AuditLog


@pytest.fixture
def url(tmp_path) -> str:
    u = f"sqlite:///{tmp_path / 'audit.db'}"
    with AuditLog(u) as lg:
        lg.append(ev.LAKEFS_COMMIT, "lakefs:clinical-deid@c1", actor="t", inputs=["batch:b1"],
                  payload={"repository": "clinical-deid", "commit_id": "c1", "transform_hash": "7" * 64,
                           "source_manifests": [{"batch_id": "b1", "source_system": "emr",
                                                 "files": {"encounters.csv": "f" * 64}}]})
        lg.append(ev.ASSET_MATERIALIZED, "labels:" + "a" * 64, actor="t",
                  inputs=["lakefs:clinical-deid@c1"], payload={"raters": ["r1", "r2"]})
        lg.append(ev.ASSET_MATERIALIZED, "dataset:" + "d" * 64, actor="t",
                  inputs=["lakefs:clinical-deid@c1", "labels:" + "a" * 64])
        lg.append(ev.MLFLOW_MODEL_VERSION_REGISTERED, "model:risk/1", actor="t",
                  inputs=["dataset:" + "d" * 64], payload={"lakefs_commit": "c1"})
    return u


def test_trace_text_and_json(url: str, capsys) -> None:
    assert audit_main(["trace", "risk", "1", "--db-url", url]) == 0
    out = capsys.readouterr().out
    assert "lakefs" in out and "c1" in out and "f" * 64 in out and "r1, r2" in out
    assert audit_main(["trace", "risk", "1", "--json", "--db-url", url]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["source_batches"][0]["files"] == {"encounters.csv": "f" * 64}


def test_trace_unknown_model(url: str, capsys) -> None:
    assert audit_main(["trace", "risk", "2", "--db-url", url]) == 1
    assert "model:risk/2" in capsys.readouterr().err


def test_verify_ok_then_tampered(url: str, capsys, raw_sql) -> None:
    assert audit_main(["verify", "--db-url", url]) == 0
    assert "OK" in capsys.readouterr().out
    with AuditLog(url) as lg:
        eid = lg.query(subject="model:risk/1")[0].event_id
        raw_sql(lg, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 4")
    assert audit_main(["verify", "--db-url", url]) == 1
    out = capsys.readouterr().out
    assert "seq 4" in out and eid in out
    assert audit_main(["verify", "--json", "--db-url", url]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["chain"]["first_bad_seq"] == 4 and data["ok"] is False


def test_verify_with_anchor_dir(url: str, tmp_path, capsys, anchor_keys) -> None:
    key, forger, pub = anchor_keys
    store = DirectoryAnchorStore(tmp_path / "anchors")
    with AuditLog(url) as lg:
        store.write_anchor(build_next_anchor(lg, None, signing_key=key))
    args = ["verify", "--anchors-dir", str(tmp_path / "anchors"), "--db-url", url]
    assert audit_main(args + ["--anchor-public-key", str(pub)]) == 0
    assert f"1 anchors cover seq 1..4, signed by trusted key {key.public_key.key_id}" in capsys.readouterr().out
    forger_pub = forger.path.with_suffix(".pub")
    assert audit_main(args + ["--anchor-public-key", str(forger_pub)]) == 1
    assert "not a trusted key" in capsys.readouterr().out


def test_verify_anchors_needs_a_trusted_key(url: str, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("CLINICAL_PIPELINES_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CLINICAL_PIPELINES_ANCHOR_SIGNING_KEY_FILE", raising=False)
    assert audit_main(["verify", "--anchors-dir", str(tmp_path), "--db-url", url]) == 2
    assert "no trusted anchor public key" in capsys.readouterr().err
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    assert audit_main(["verify", "--anchors-dir", str(tmp_path), "--anchor-public-key", str(bad),
                       "--db-url", url]) == 2
    err = capsys.readouterr().err
    assert "not a PEM public key" in err and "Traceback" not in err


def test_keygen_creates_key_pairs_apart_from_secrets(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("CLINICAL_PIPELINES_HOME", str(tmp_path))
    monkeypatch.delenv("CLINICAL_PIPELINES_ANCHOR_SIGNING_KEY_FILE", raising=False)
    monkeypatch.delenv("CLINICAL_PIPELINES_EVIDENCE_SIGNING_KEY_FILE", raising=False)
    assert audit_main(["keygen"]) == 0
    assert capsys.readouterr().out.count("signing key created") == 2
    for name in ("evidence-signing", "anchor-signing"):
        key = tmp_path / "signing" / f"{name}.key"
        assert key.stat().st_mode & 0o077 == 0 and (tmp_path / "signing" / f"{name}.pub").is_file()
    assert (tmp_path / "signing").stat().st_mode & 0o077 == 0
    before = (tmp_path / "signing" / "anchor-signing.key").read_bytes()
    assert audit_main(["keygen"]) == 0  # never overwrites
    assert (tmp_path / "signing" / "anchor-signing.key").read_bytes() == before
    assert capsys.readouterr().out.count("signing key exists") == 2


def test_missing_database_is_a_clear_error(tmp_path, capsys) -> None:
    assert audit_main(["verify", "--db-url", f"sqlite:///{tmp_path / 'nope.db'}"]) == 2
    assert "no audit database" in capsys.readouterr().err
    assert not (tmp_path / "nope.db").exists()


def test_default_db_url(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CLINICAL_PIPELINES_AUDIT_DB_URL", "sqlite:////x/y.db")
    assert default_db_url() == "sqlite:////x/y.db"
    monkeypatch.delenv("CLINICAL_PIPELINES_AUDIT_DB_URL")
    monkeypatch.setenv("CLINICAL_PIPELINES_HOME", str(tmp_path))
    assert default_db_url() == f"sqlite:///{tmp_path.resolve() / 'audit' / 'audit.db'}"


def test_approval_and_override_are_recorded_in_the_chain_and_queryable(url: str, capsys, anchoring_env) -> None:
    assert audit_main(["approve", "model:risk/1", "--by", "staff-7", "--role", "clinical-lead",
                       "--reference", "CR-1", "--db-url", url]) == 0
    assert audit_main(["override", "model:risk/1", "--by", "staff-9", "--role", "safety-officer",
                       "--reference", "CR-2", "--db-url", url]) == 0
    capsys.readouterr()
    assert audit_main(["events", "--type", ev.APPROVAL_RECORDED, "--json", "--db-url", url]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [e["actor"] for e in found] == ["human:staff-7"]
    assert found[0]["payload"] == {"decision": "approve", "reference": "CR-1", "role": "clinical-lead"}
    assert audit_main(["events", "--subject", "model:risk/1", "--db-url", url]) == 0
    listing = capsys.readouterr().out
    assert ev.OVERRIDE_RECORDED in listing and ev.MLFLOW_MODEL_VERSION_REGISTERED in listing
    assert audit_main(["verify", "--db-url", url]) == 0
    # each decision was anchored at once (signed), so the anchors cover both
    assert len(DirectoryAnchorStore(anchoring_env).list_anchors()) == 2


def test_decision_that_cannot_be_anchored_exits_3(url: str, capsys, anchoring_env, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CLINICAL_PIPELINES_ANCHOR_SIGNING_KEY_FILE", str(tmp_path / "absent.key"))
    assert audit_main(["approve", "model:risk/1", "--by", "staff-7", "--role", "clinical-lead",
                       "--reference", "CR-1", "--db-url", url]) == 3
    captured = capsys.readouterr()
    assert "recorded approval.recorded" in captured.out and "audit anchor" in captured.err


def test_approval_needs_an_approver_role_and_reference(url: str) -> None:
    with pytest.raises(SystemExit):
        audit_main(["approve", "model:risk/1", "--by", "staff-7", "--db-url", url])


def test_a_decision_can_be_the_first_event_of_a_new_deployment(tmp_path, capsys, anchoring_env) -> None:
    """A policy is approved before the first pipeline run: approve creates the log; reading commands do not."""
    fresh = f"sqlite:///{tmp_path / 'new' / 'audit.db'}"
    assert audit_main(["verify", "--db-url", fresh]) == 2
    assert not (tmp_path / "new" / "audit.db").exists()
    assert audit_main(["approve", "policy:gate:" + "b" * 64, "--by", "staff-7", "--role", "clinical-lead",
                       "--reference", "CR-9", "--db-url", fresh]) == 0
    assert audit_main(["verify", "--db-url", fresh]) == 0
    capsys.readouterr()
    assert audit_main(["events", "--type", ev.APPROVAL_RECORDED, "--json", "--db-url", fresh]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1
