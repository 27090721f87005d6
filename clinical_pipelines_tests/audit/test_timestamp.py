"""RFC 3161 time-stamps on anchors, against a local time-stamping authority built with OpenSSL.

The fixture creates a throwaway root CA and a TSA certificate with the critical timeStamping
extended key usage, and serves ``openssl ts -reply`` over HTTP on 127.0.0.1 (the RFC 3161 HTTP
transport: POST application/timestamp-query, answer application/timestamp-reply).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from clinical_pipelines.audit import events as ev
from clinical_pipelines.audit.anchor import DirectoryAnchorStore, build_next_anchor
from clinical_pipelines.audit.cli import audit_main
from clinical_pipelines.audit.store import AuditLog
from clinical_pipelines.audit.timestamp import (
    TimestampError,
    load_tsa_roots,
    request_timestamp,
    verify_timestamp,
)
from clinical_pipelines.audit.verify import AnchorTrust, verify_anchors

TSA_CONFIG = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = {dir}/serial
signer_cert = {dir}/tsa.pem
signer_key = {dir}/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.4146.2.3
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
[ tsa_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


def _openssl(*args: str, cwd: Path) -> None:
    res = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if res.returncode != 0:
        pytest.fail(f"openssl {args[0]} failed: {res.stderr[-800:]}", pytrace=False)


def _make_ca(d: Path, name: str) -> None:
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2", "-subj", f"/CN={name}",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             cwd=d)


@pytest.fixture(scope="module")
def tsa():
    """A local RFC 3161 TSA: yields (url, root CA PEM path, a foreign CA PEM path)."""
    d = Path(tempfile.mkdtemp(prefix="tsa-"))
    (d / "tsa.cnf").write_text(TSA_CONFIG.format(dir=d))
    (d / "serial").write_text("01\n")
    _make_ca(d, "root-ca")
    _make_ca(d, "other-ca")
    _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "tsa.key",
             "-out", "tsa.csr", "-subj", "/CN=Local test TSA", cwd=d)
    _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "root-ca.pem", "-CAkey", "root-ca.key", "-CAcreateserial",
             "-out", "tsa.pem", "-days", "2", "-extfile", "tsa.cnf", "-extensions", "tsa_ext", cwd=d)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server API
            query = self.rfile.read(int(self.headers["Content-Length"]))
            with lock, tempfile.TemporaryDirectory(dir=d) as work:
                (Path(work) / "q.tsq").write_bytes(query)
                res = subprocess.run(["openssl", "ts", "-reply", "-config", str(d / "tsa.cnf"), "-queryfile",
                                      "q.tsq", "-out", "r.tsr"], cwd=work, capture_output=True, check=False)
                body = (Path(work) / "r.tsr").read_bytes() if res.returncode == 0 else b""
            self.send_response(200 if body else 500)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa", d / "root-ca.pem", d / "other-ca.pem"
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(d, ignore_errors=True)


def test_token_from_local_tsa_verifies_and_binds_the_data(tsa) -> None:
    url, root, other = tsa
    roots = load_tsa_roots(root)
    token = request_timestamp(url, b"anchor body", roots=roots)
    assert token["hash"] == "sha256" and token["gen_time"].endswith("Z")
    assert verify_timestamp(token, b"anchor body", roots).ok
    changed = verify_timestamp(token, b"anchor body, edited", roots)
    assert not changed.ok and "does not verify" in changed.problem
    foreign = verify_timestamp(token, b"anchor body", load_tsa_roots(other))
    assert not foreign.ok
    assert not verify_timestamp(token, b"anchor body", []).ok  # no trusted root: fails closed
    assert not verify_timestamp({**token, "nonce": str(int(token["nonce"]) + 1)}, b"anchor body", roots).ok
    with pytest.raises(TimestampError, match="does not verify"):
        request_timestamp(url, b"anchor body", roots=load_tsa_roots(other))


def test_unreachable_tsa_is_a_clear_error() -> None:
    with pytest.raises(TimestampError, match="unreachable"):
        request_timestamp("http://127.0.0.1:9/tsa", b"x", timeout=2)


def test_time_stamped_anchors_verify_and_detect_tampering(tsa, tmp_path, anchor_keys, capsys) -> None:
    url, root, other = tsa
    key, _, pub = anchor_keys
    db = f"sqlite:///{tmp_path / 'audit.db'}"
    store = DirectoryAnchorStore(tmp_path / "anchors")
    with AuditLog(db) as lg:
        for i in range(4):
            lg.append(ev.CHECK_EVALUATED, f"asset:a{i}", actor="t", payload={"passed": True})
        anchor = build_next_anchor(lg, None, signing_key=key, tsa_url=url, tsa_roots=load_tsa_roots(root))
        assert anchor.tsa and anchor.tsa["url"] == url
        store.write_anchor(anchor)
        trust = AnchorTrust([key.public_key], tsa_roots=load_tsa_roots(root), require_timestamp=True)
        res = verify_anchors(lg, store, trust)
        assert res.ok and res.n_timestamped == 1, res.summary()
        wrong_root = verify_anchors(lg, store, replace(trust, tsa_roots=load_tsa_roots(other)))
        assert not wrong_root.ok and "RFC 3161" in wrong_root.problems[0]
    base = ["verify", "--anchors-dir", str(tmp_path / "anchors"), "--anchor-public-key", str(pub), "--db-url", db]
    assert audit_main(base + ["--tsa-ca", str(root), "--require-timestamp"]) == 0
    assert "1 with a verified RFC 3161 time-stamp" in capsys.readouterr().out
    assert audit_main(base) == 1  # token present, no TSA root to check it against: fails closed
    assert "no trusted TSA root certificate" in capsys.readouterr().out
    # A token moved onto another anchor body (here: a re-dated anchor) no longer matches.
    redated = replace(anchor, created_at="2020-01-01T00:00:00.000000Z")
    with AuditLog(db) as lg:
        other_store = DirectoryAnchorStore(tmp_path / "redated")
        other_store.write_anchor(redated)
        res = verify_anchors(lg, other_store, AnchorTrust([key.public_key], tsa_roots=load_tsa_roots(root)))
        assert not res.ok
        assert any("RFC 3161" in p for p in res.problems) and any("signature" in p for p in res.problems)


def test_anchor_cli_time_stamps_when_configured(tsa, tmp_path, anchor_keys, monkeypatch, capsys) -> None:
    url, root, _ = tsa
    key, _, pub = anchor_keys
    monkeypatch.setenv("CLINICAL_PIPELINES_ANCHOR_SIGNING_KEY_FILE", str(key.path))
    monkeypatch.setenv("CLINICAL_PIPELINES_TSA_URL", url)
    monkeypatch.setenv("CLINICAL_PIPELINES_TSA_CA_FILE", str(root))
    db = f"sqlite:///{tmp_path / 'audit.db'}"
    with AuditLog(db) as lg:
        lg.append(ev.RUN_FAILED, "dagster-run:r1", actor="t")
    assert audit_main(["approve", "model:risk/1", "--by", "staff-7", "--role", "clinical-lead",
                       "--reference", "CR-1", "--anchors-dir", str(tmp_path / "a"), "--db-url", db]) == 0
    out = capsys.readouterr().out
    assert "anchored seq 1..2" in out
    assert audit_main(["anchor", "--anchors-dir", str(tmp_path / "a"), "--db-url", db]) == 0
    assert "RFC 3161 time" in capsys.readouterr().out  # covers the anchor.written event
    assert audit_main(["verify", "--anchors-dir", str(tmp_path / "a"), "--anchor-public-key", str(pub),
                       "--require-timestamp", "--db-url", db]) == 0
    assert "2 with a verified RFC 3161 time-stamp" in capsys.readouterr().out
