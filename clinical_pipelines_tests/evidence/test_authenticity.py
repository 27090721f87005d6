"""Authentic evidence: Ed25519-signed manifests, content-derived bundle ids recomputed at verify,
and `clinical-pipelines evidence verify` reporting "intact" and "authentic" separately.

Covers the shared case evidence-consistent-rewrite.json: a file, its manifest entry and
MANIFEST.sha256 rewritten together must not verify under the original bundle id.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from clinical_pipelines.audit.signing import generate_key_pair, load_signing_key, public_key_path
from clinical_pipelines.evidence.bundle import build_bundle, verify_bundle
from clinical_pipelines.evidence.cli import evidence_main

FILES = {
    "model_card.md": b"# Model card\n\n| metric | value |\n|---|---|\n| AUROC (internal) | 0.81 |\n",
    "validation_report.md": b"# Validation\n",
    "plots/calibration.png": b"\x89PNG not really",
}
CONTEXT = {"model": "clinical-mace-risk", "version": "3", "dataset_commit": "c0ffee", "code_version": "abc"}


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    d = tmp_path_factory.mktemp("keys")
    generate_key_pair(d / "pipeline.key")
    generate_key_pair(d / "attacker.key")
    return {
        "pipeline": load_signing_key(d / "pipeline.key"),
        "attacker": load_signing_key(d / "attacker.key"),
        "pipeline_pub": public_key_path(d / "pipeline.key"),
    }


@pytest.fixture
def built(tmp_path, keys):
    out = tmp_path / "bundle"
    manifest = build_bundle(out, FILES, CONTEXT, signing_key=keys["pipeline"])
    return out, manifest


def _cli(capsys, *argv: str) -> tuple[int, str]:
    code = evidence_main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _rewrite_consistently(bundle: Path, *, update_bundle_id: bool = False, resign=None) -> str:
    """The case's steps: change a figure, update its manifest entry and MANIFEST.sha256."""
    card = bundle / "model_card.md"
    card.write_bytes(card.read_bytes().replace(b"0.81", b"0.91"))
    manifest = json.loads((bundle / "manifest.json").read_text())
    for entry in manifest["files"]:
        if entry["path"] == "model_card.md":
            entry["sha256"] = hashlib.sha256(card.read_bytes()).hexdigest()
            entry["size"] = card.stat().st_size
    if update_bundle_id:
        from clinical_pipelines.evidence.bundle import bundle_content_id

        manifest["bundle_id"] = bundle_content_id([(e["path"], e["sha256"], e["size"]) for e in manifest["files"]],
                                                  manifest["context"])
    if resign is not None:
        pub = resign.public_key
        manifest["signer"] = {**manifest["signer"], "key_id": pub.key_id, "public_key": pub.b64}
    data = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    (bundle / "manifest.json").write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    (bundle / "MANIFEST.sha256").write_text(f"{digest}  manifest.json\n")
    if resign is not None:
        (bundle / "MANIFEST.sig").write_bytes(resign.sign(data))
    return digest


def test_built_bundle_is_intact_and_authentic(built, keys, capsys):
    out, manifest = built
    assert manifest["bundle_id"].startswith("bundle-") and len(manifest["bundle_id"]) == 7 + 64
    assert manifest["signer"]["key_id"] == keys["pipeline"].public_key.key_id
    assert (out / "MANIFEST.sig").stat().st_size == 64
    code, text = _cli(capsys, "verify", str(out), "--public-key", str(keys["pipeline_pub"]))
    assert code == 0, text
    assert f"manifest sha256: {manifest['manifest_sha256']}" in text
    assert "intact:          yes" in text and "authentic:       yes" in text and text.rstrip().endswith("VERIFIED")
    assert manifest["bundle_id"] in text and "content gives" not in text


def test_consistent_rewrite_fails_and_shows_the_content_id(built, keys, tmp_path, capsys):
    original, manifest = built
    copy = tmp_path / "rewritten"
    shutil.copytree(original, copy)
    new_digest = _rewrite_consistently(copy)
    code, text = _cli(capsys, "verify", str(copy), "--public-key", str(keys["pipeline_pub"]))
    assert code == 1
    assert f"manifest sha256: {new_digest}" in text and new_digest != manifest["manifest_sha256"]
    result = verify_bundle(copy, [keys["pipeline"].public_key])
    assert not result.intact and result.authentic is False
    assert result.computed_bundle_id != manifest["bundle_id"]
    assert f"content gives {result.computed_bundle_id}" in text
    assert "intact:          NO" in text and "authentic:       NO" in text
    assert "VERIFIED" not in text and text.rstrip().endswith("FAILED")
    assert f"OK: bundle {manifest['bundle_id']}" not in text


def test_rewrite_with_recomputed_id_is_intact_but_not_authentic(built, keys, tmp_path, capsys):
    copy = tmp_path / "rewritten"
    shutil.copytree(built[0], copy)
    _rewrite_consistently(copy, update_bundle_id=True)
    result = verify_bundle(copy, [keys["pipeline"].public_key])
    assert result.intact and result.authentic is False and not result.ok
    assert any("signature does not verify" in p for p in result.authenticity_problems)
    code, _ = _cli(capsys, "verify", str(copy), "--public-key", str(keys["pipeline_pub"]))
    assert code == 1


def test_rewrite_resigned_with_another_key_is_not_authentic(built, keys, tmp_path):
    copy = tmp_path / "rewritten"
    shutil.copytree(built[0], copy)
    _rewrite_consistently(copy, update_bundle_id=True, resign=keys["attacker"])
    result = verify_bundle(copy, [keys["pipeline"].public_key])
    assert result.intact and result.authentic is False
    assert any(keys["attacker"].public_key.key_id in p and "not a trusted key" in p
               for p in result.authenticity_problems)


def test_missing_signature_is_not_authentic(built, keys):
    (built[0] / "MANIFEST.sig").unlink()
    result = verify_bundle(built[0], [keys["pipeline"].public_key])
    assert result.intact and result.authentic is False and "MANIFEST.sig is missing" in result.problems[0]


def test_expected_manifest_digest(built, keys, capsys):
    out, manifest = built
    pub = str(keys["pipeline_pub"])
    assert _cli(capsys, "verify", str(out), "--public-key", pub, "--manifest-sha256", manifest["manifest_sha256"])[0] == 0
    code, text = _cli(capsys, "verify", str(out), "--public-key", pub, "--manifest-sha256", "0" * 64)
    assert code == 1 and "DIFFERS" in text


def test_trusted_key_from_project_settings(built, keys, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("CLINICAL_PIPELINES_EVIDENCE_SIGNING_KEY_FILE", str(keys["pipeline_pub"].with_suffix(".key")))
    code, text = _cli(capsys, "verify", str(built[0]))
    assert code == 0 and str(keys["pipeline_pub"]) in text
    # No key published where the settings point: authenticity cannot be decided -> exit 2.
    monkeypatch.delenv("CLINICAL_PIPELINES_EVIDENCE_SIGNING_KEY_FILE")
    monkeypatch.setenv("CLINICAL_PIPELINES_HOME", str(tmp_path / "empty-home"))
    code, text = _cli(capsys, "verify", str(built[0]))
    assert code == 2 and "NOT CHECKED" in text and "intact:          yes" in text


def test_json_output_and_usage_errors(built, keys, tmp_path, capsys):
    out, manifest = built
    code, text = _cli(capsys, "verify", str(out), "--public-key", str(keys["pipeline_pub"]), "--json")
    doc = json.loads(text)
    assert code == 0 and doc["intact"] is True and doc["authentic"] is True
    assert doc["manifest_sha256"] == manifest["manifest_sha256"] and doc["bundle_id"] == doc["computed_bundle_id"]
    (out / "extra.txt").write_text("x")
    code, text = _cli(capsys, "verify", str(out), "--public-key", str(keys["pipeline_pub"]), "--json")
    assert code == 1 and json.loads(text)["integrity_problems"] == ["unlisted file: extra.txt"]
    assert _cli(capsys, "verify", str(out / "nope"))[0] == 2
    not_a_key = tmp_path / "bad.pem"
    not_a_key.write_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    code, text = _cli(capsys, "verify", str(out), "--public-key", str(not_a_key))
    assert code == 2 and "not a PEM public key" in text and "Traceback" not in text
    with pytest.raises(SystemExit) as exc:
        evidence_main([])
    assert exc.value.code == 2


def test_signature_verifies_with_openssl(built, keys):
    """An auditor needs only OpenSSL and the published key to check the signature."""
    out, _ = built
    res = subprocess.run(
        ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(keys["pipeline_pub"]), "-rawin",
         "-in", str(out / "manifest.json"), "-sigfile", str(out / "MANIFEST.sig")],
        capture_output=True, text=True, check=False,
    )
    assert res.returncode == 0 and "Signature Verified Successfully" in res.stdout


def test_cli_entry_point_prints_no_traceback(built, tmp_path):
    copy = tmp_path / "rewritten"
    shutil.copytree(built[0], copy)
    _rewrite_consistently(copy)
    exe = Path(sys.executable).parent / "clinical-pipelines"
    res = subprocess.run([str(exe), "evidence", "verify", str(copy), "--public-key", str(tmp_path / "missing.pem")],
                         capture_output=True, text=True, check=False)
    assert res.returncode == 2 and "Traceback" not in res.stderr and "does not exist" in res.stderr
