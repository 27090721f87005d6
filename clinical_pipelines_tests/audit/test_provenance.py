"""provenance: hashes, canonical JSON, transform code hash, environment digest, code version."""

from __future__ import annotations

import hashlib
import sys

import pytest

from clinical_pipelines import provenance as pv


def test_sha256_helpers(tmp_path) -> None:
    f = tmp_path / "x.bin"
    f.write_bytes(b"abc" * 1_000_000)
    assert pv.sha256_bytes(b"abc") == hashlib.sha256(b"abc").hexdigest()
    assert pv.sha256_file(f) == hashlib.sha256(b"abc" * 1_000_000).hexdigest()
    with pytest.raises(FileNotFoundError):
        pv.sha256_file(tmp_path / "missing")
    with pytest.raises(TypeError):
        pv.sha256_bytes("text")  # type: ignore[arg-type]


def test_canonical_json() -> None:
    assert pv.canonical_json({"b": 1, "a": [1, 2, {"d": None, "c": "é"}]}) == (
        '{"a":[1,2,{"c":"é","d":null}],"b":1}'.encode()
    )
    assert pv.canonical_json({"a": (1, 2)}) == b'{"a":[1,2]}'
    with pytest.raises(ValueError):
        pv.canonical_json({"x": float("nan")})
    with pytest.raises(TypeError):
        pv.canonical_json({"x": {1, 2}})


def _make_pkg(root, name: str, body: str) -> None:
    pkg = root / name
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "rules.py").write_text(body)
    (pkg / "sub" / "__init__.py").write_text("X = 1\n")
    (pkg / "__pycache__").mkdir()
    (pkg / "__pycache__" / "rules.cpython-311.pyc").write_bytes(b"noise")


@pytest.fixture
def two_copies(tmp_path, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    _make_pkg(a, "cp_pkg_a", "RULE = 1\n")
    _make_pkg(b, "cp_pkg_b", "RULE = 1\n")
    monkeypatch.syspath_prepend(str(a))
    monkeypatch.syspath_prepend(str(b))
    yield a, b
    for m in [m for m in sys.modules if m.startswith("cp_pkg_")]:
        sys.modules.pop(m, None)


def test_transform_code_hash_tracks_source_and_policy(two_copies, tmp_path) -> None:
    a, _ = two_copies
    policy = tmp_path / "deid.yaml"
    policy.write_text("k: 1\n")
    h1 = pv.transform_code_hash(["cp_pkg_a"], [policy])
    assert h1 == pv.transform_code_hash(["cp_pkg_a"], [policy])  # deterministic
    assert h1 != pv.transform_code_hash(["cp_pkg_a"])  # the policy counts
    (a / "cp_pkg_a" / "rules.py").write_text("RULE = 2\n")
    h2 = pv.transform_code_hash(["cp_pkg_a"], [policy])
    assert h2 != h1  # a source change counts
    policy.write_text("k: 2\n")
    assert pv.transform_code_hash(["cp_pkg_a"], [policy]) != h2
    # pyc noise does not count
    (a / "cp_pkg_a" / "__pycache__" / "rules.cpython-311.pyc").write_bytes(b"other")
    assert pv.transform_code_hash(["cp_pkg_a"]) == pv.transform_code_hash(["cp_pkg_a"])


def test_transform_code_hash_is_location_independent(tmp_path, monkeypatch) -> None:
    import importlib

    a, b = tmp_path / "loc_a", tmp_path / "loc_b"
    _make_pkg(a, "cp_pkg_same", "RULE = 1\n")
    _make_pkg(b, "cp_pkg_same", "RULE = 1\n")
    hashes = []
    for loc in (a, b):
        monkeypatch.setattr(sys, "path", [str(loc), *[p for p in sys.path if "loc_" not in p]])
        importlib.invalidate_caches()
        hashes.append(pv.transform_code_hash(["cp_pkg_same"]))
    assert hashes[0] == hashes[1]  # same code, installed elsewhere -> same identity


def test_transform_code_hash_depends_on_module_name(two_copies) -> None:
    assert pv.transform_code_hash(["cp_pkg_a"]) != pv.transform_code_hash(["cp_pkg_b"])
    assert pv.transform_code_hash(["cp_pkg_a.rules"]) == pv.transform_code_hash("cp_pkg_a.rules")


def test_transform_code_hash_fails_closed(tmp_path) -> None:
    with pytest.raises(ModuleNotFoundError, match="no_such_module_xyz"):
        pv.transform_code_hash(["no_such_module_xyz"])
    with pytest.raises(FileNotFoundError, match="policy"):
        pv.transform_code_hash(["clinical_pipelines.audit"], [tmp_path / "missing.yaml"])
    with pytest.raises(ValueError):
        pv.transform_code_hash([])
    assert len(pv.transform_code_hash(["clinical_pipelines.audit"])) == 64


def test_environment_digest(monkeypatch) -> None:
    monkeypatch.delenv(pv.IMAGE_DIGEST_ENV, raising=False)
    d = pv.environment_digest()
    assert d["kind"] == "python-distributions" and len(d["digest"]) == 64
    assert pv.environment_digest() == d
    monkeypatch.setenv(pv.IMAGE_DIGEST_ENV, "sha256:" + "ab" * 32)
    assert pv.environment_digest() == {"kind": "image", "digest": "sha256:" + "ab" * 32}


def test_code_version(monkeypatch, tmp_path) -> None:
    v = pv.code_version()
    assert v == "unknown" or v.split("-")[0].isalnum()
    monkeypatch.delenv(pv.CODE_VERSION_ENV, raising=False)
    assert pv.code_version(tmp_path) == "unknown"  # not a git repository, no fallback
    monkeypatch.setenv(pv.CODE_VERSION_ENV, "v1.2.3")
    assert pv.code_version(tmp_path) == "v1.2.3"


def test_code_version_reports_dirty(tmp_path, monkeypatch) -> None:
    import subprocess

    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c",
           "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "a.py").write_text("x = 1\n")
    subprocess.run(git + ["-C", str(tmp_path), "add", "a.py"], check=True)
    subprocess.run(git + ["-C", str(tmp_path), "commit", "-qm", "init"], check=True)
    sha = subprocess.run(["git", "-C", str(tmp_path), "rev-parse", "HEAD"], capture_output=True,
                         text=True, check=True).stdout.strip()
    assert pv.code_version(tmp_path) == sha
    (tmp_path / "a.py").write_text("x = 2\n")
    assert pv.code_version(tmp_path) == sha + "-dirty"
