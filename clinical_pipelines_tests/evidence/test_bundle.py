import hashlib
import json

import pytest

from clinical_pipelines.audit.signing import generate_key_pair, load_signing_key
from clinical_pipelines.evidence.bundle import BundleError, build_bundle, verify_bundle

FILES = {
    "model_card.md": b"# Model card\n",
    "validation_report.md": b"# Validation\n",
    "plots/roc_internal_test.png": b"\x89PNG fake",
    "split_manifest.json": b'{"pairs_sha256": "x"}',
}
CONTEXT = {"model_name": "mace30-risk", "model_version": "3", "lakefs_commits": {"clinical-deid": "abc"},
           "code_version": "f14938b"}


@pytest.fixture
def key(tmp_path_factory):
    path = tmp_path_factory.mktemp("signing") / "evidence-signing.key"
    generate_key_pair(path)
    return load_signing_key(path)


@pytest.fixture
def bundle(tmp_path, key):
    out = tmp_path / "bundle"
    manifest = build_bundle(out, FILES, CONTEXT, signing_key=key, created_at="2025-01-01T00:00:00+00:00")
    return out, manifest


def test_build_writes_manifest_hash_and_checklist(bundle, key):
    out, manifest = bundle
    on_disk = (out / "manifest.json").read_bytes()
    assert manifest["manifest_sha256"] == hashlib.sha256(on_disk).hexdigest()
    assert (out / "MANIFEST.sha256").read_text() == f"{manifest['manifest_sha256']}  manifest.json\n"
    listed = {f["path"]: f for f in json.loads(on_disk)["files"]}
    assert set(listed) == set(FILES) | {"checklist.md"}
    assert listed["model_card.md"]["sha256"] == hashlib.sha256(FILES["model_card.md"]).hexdigest()
    assert listed["plots/roc_internal_test.png"]["size"] == len(FILES["plots/roc_internal_test.png"])
    assert json.loads(on_disk)["context"]["lakefs_commits"] == {"clinical-deid": "abc"}
    checklist = (out / "checklist.md").read_text()
    assert "`model_card.md`" in checklist and "**MISSING**" in checklist  # e.g. no datasheet given
    assert "164.312(b)" in checklist and "Model: mace30-risk 3" in checklist
    assert verify_bundle(out, [key.public_key]).ok


def test_bundle_id_is_content_derived(tmp_path, bundle, key):
    _, m1 = bundle
    m2 = build_bundle(tmp_path / "again", FILES, CONTEXT, signing_key=key)
    assert m1["bundle_id"] == m2["bundle_id"]
    m3 = build_bundle(tmp_path / "other", {**FILES, "model_card.md": b"changed"}, CONTEXT, signing_key=key)
    assert m3["bundle_id"] != m1["bundle_id"]


def test_verify_catches_edited_file(bundle):
    out, _ = bundle
    (out / "model_card.md").write_bytes(b"# Model card (edited)\n")
    res = verify_bundle(out, [])
    assert not res.ok and any("model_card.md" in p and "mismatch" in p for p in res.problems)


def test_verify_catches_missing_file(bundle):
    out, _ = bundle
    (out / "plots" / "roc_internal_test.png").unlink()
    res = verify_bundle(out, [])
    assert not res.ok and "missing file: plots/roc_internal_test.png" in res.integrity_problems


def test_verify_catches_extra_file(bundle):
    out, _ = bundle
    (out / "plots" / "sneaky.png").write_bytes(b"x")
    res = verify_bundle(out, [])
    assert not res.ok and res.integrity_problems == ["unlisted file: plots/sneaky.png"]


def test_verify_catches_manifest_edit(bundle):
    out, _ = bundle
    m = json.loads((out / "manifest.json").read_text())
    m["files"] = [f for f in m["files"] if f["path"] != "validation_report.md"]
    (out / "manifest.json").write_text(json.dumps(m))
    res = verify_bundle(out, [])
    assert not res.ok
    assert any("does not match the hash" in p for p in res.problems)
    assert "unlisted file: validation_report.md" in res.problems


def test_build_refuses_unsafe_inputs(tmp_path, bundle, key):
    out, _ = bundle
    with pytest.raises(BundleError, match="already exists"):
        build_bundle(out, FILES, CONTEXT, signing_key=key)
    for bad in ("../escape.md", "/abs.md", "manifest.json", "MANIFEST.sig", "a/./b.md"):
        with pytest.raises(BundleError):
            build_bundle(tmp_path / "x", {bad: b"1"}, CONTEXT, signing_key=key)
    with pytest.raises(BundleError, match="JSON"):
        build_bundle(tmp_path / "y", FILES, {"when": object()}, signing_key=key)
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


