"""Provenance primitives: content hashes, canonical JSON, code/environment identity.

No Dagster import: used by the de-identification, training and audit modules and by the CLI.

- ``sha256_bytes`` / ``sha256_file``: lowercase hex SHA-256.
- ``canonical_json``: the one byte encoding used for every hash over structured data
  (sorted keys, no whitespace, UTF-8, NaN/Infinity refused).
- ``transform_code_hash``: identity of the transform code and the policies in force.
- ``environment_digest``: container image digest, or a hash of the installed distributions.
- ``code_version``: git commit of the repository (+ ``-dirty``), or a configured fallback.
- ``source_system_label``: a batch's source system as reports show it ("not declared (no batch
  descriptor)" when the batch came without a descriptor naming one).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = [
    "IMAGE_DIGEST_ENV",
    "CODE_VERSION_ENV",
    "sha256_bytes",
    "sha256_file",
    "canonical_json",
    "transform_code_hash",
    "environment_digest",
    "code_version",
    "SOURCE_SYSTEM_NOT_DECLARED",
    "source_system_label",
]

IMAGE_DIGEST_ENV = "CLINICAL_PIPELINES_IMAGE_DIGEST"
CODE_VERSION_ENV = "CLINICAL_PIPELINES_CODE_VERSION"

_CHUNK = 1 << 20
_REPO_ROOT = Path(__file__).resolve().parent.parent


def sha256_bytes(data: bytes) -> str:
    """Lowercase hex SHA-256 of ``data``."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"sha256_bytes expects bytes, got {type(data).__name__}")
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Lowercase hex SHA-256 of a file's bytes, read in 1 MiB chunks."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"cannot hash {p}: not a file (check the path)")
    h = hashlib.sha256()
    with p.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def canonical_json(obj: Any) -> bytes:
    """Canonical JSON bytes: sorted keys, no whitespace, UTF-8, no NaN/Infinity.

    Tuples encode as lists. Non-JSON types (sets, datetimes, bytes, ...) raise ``TypeError``
    so that a hash never depends on an implicit conversion.
    """
    try:
        text = json.dumps(
            obj,
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            allow_nan=False,
        )
    except ValueError as exc:  # NaN / Infinity
        raise ValueError(f"canonical_json refuses non-finite floats: {exc}") from None
    return text.encode("utf-8")


def _module_files(module: str) -> list[tuple[str, Path]]:
    """(label, path) of every .py source file of a module or package, label is import-relative."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError) as exc:
        raise ModuleNotFoundError(
            f"transform_code_hash: module {module!r} cannot be found ({type(exc).__name__}); "
            "pass an importable module or package name such as 'clinical_pipelines.deid'"
        ) from None
    if spec is None:
        raise ModuleNotFoundError(
            f"transform_code_hash: module {module!r} cannot be found; pass an importable module "
            "or package name such as 'clinical_pipelines.deid'"
        )
    top = module.split(".")
    if spec.submodule_search_locations:  # package
        files: list[tuple[str, Path]] = []
        for loc in spec.submodule_search_locations:
            base = Path(loc)
            for f in base.rglob("*.py"):
                if "__pycache__" in f.parts:
                    continue
                rel = f.relative_to(base).as_posix()
                files.append(("/".join(top) + "/" + rel, f))
        if not files:
            raise ValueError(f"transform_code_hash: package {module!r} has no .py source files")
        return files
    if not spec.origin or not spec.origin.endswith(".py") or not Path(spec.origin).is_file():
        raise ValueError(
            f"transform_code_hash: module {module!r} has no Python source file "
            "(built-in or compiled modules cannot be hashed by source)"
        )
    return [("/".join(top) + ".py", Path(spec.origin))]


def transform_code_hash(modules: Iterable[str], extra_files: Iterable[Path] = ()) -> str:
    """Hash of the source bytes of ``modules`` (modules or whole packages) plus ``extra_files``.

    Every file contributes ``<label>\\0<sha256 of bytes>\\n``; labels are import-relative
    (``clinical_pipelines/deid/rules.py``) so the hash does not depend on where the code is
    installed, and entries are sorted by label. Extra files (policy YAML, config) are labelled
    ``extra/<file name>``. Any missing module or file raises: an identity of code that is not
    there would be meaningless.
    """
    if isinstance(modules, str):
        modules = [modules]
    mods = list(modules)
    if not mods:
        raise ValueError("transform_code_hash: no modules given")
    entries: dict[str, str] = {}
    for m in mods:
        for label, path in _module_files(m):
            entries[label] = sha256_file(path)
    extras: list[tuple[str, str]] = []
    for f in extra_files:
        p = Path(f)
        if not p.is_file():
            raise FileNotFoundError(
                f"transform_code_hash: extra file {p} does not exist (policy/config file in force "
                "must be present to be hashed)"
            )
        extras.append((f"extra/{p.name}", sha256_file(p)))
    lines = sorted(entries.items()) + sorted(extras)
    h = hashlib.sha256()
    for label, digest in lines:
        h.update(label.encode("utf-8") + b"\0" + digest.encode("ascii") + b"\n")
    return h.hexdigest()


_NORMALIZE = re.compile(r"[-_.]+")


@functools.lru_cache(maxsize=1)
def _distributions_digest() -> tuple[str, int]:
    from importlib import metadata

    seen: set[str] = set()
    for dist in metadata.distributions():
        name = dist.metadata["Name"] if dist.metadata else None
        if not name:
            continue
        seen.add(f"{_NORMALIZE.sub('-', name).lower()}=={dist.version}")
    listing = "\n".join(sorted(seen)).encode("utf-8")
    return hashlib.sha256(listing).hexdigest(), len(seen)


def environment_digest() -> dict[str, str]:
    """Identity of the runtime environment.

    ``{"kind": "image", "digest": <value>}`` when ``CLINICAL_PIPELINES_IMAGE_DIGEST`` is set
    (the container image digest, e.g. ``sha256:...``); otherwise
    ``{"kind": "python-distributions", "digest": <sha256 hex>}`` over the sorted, normalised
    ``name==version`` list of installed distributions.
    """
    image = os.environ.get(IMAGE_DIGEST_ENV, "").strip()
    if image:
        return {"kind": "image", "digest": image}
    digest, _ = _distributions_digest()
    return {"kind": "python-distributions", "digest": digest}


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    return out.stdout


def code_version(repo_dir: str | os.PathLike[str] | None = None) -> str:
    """Git commit of the code (``<sha>`` or ``<sha>-dirty``), else ``$CLINICAL_PIPELINES_CODE_VERSION``,
    else ``"unknown"``.

    "Dirty" means tracked files are modified or untracked, non-ignored files exist: the code that
    ran is then not exactly the commit.
    """
    cwd = Path(repo_dir) if repo_dir is not None else _REPO_ROOT
    sha = _git(["rev-parse", "--verify", "HEAD"], cwd)
    if sha and re.fullmatch(r"[0-9a-f]{40,64}", sha.strip()):
        status = _git(["status", "--porcelain"], cwd)
        dirty = status is None or status.strip() != ""
        return sha.strip() + ("-dirty" if dirty else "")
    env = os.environ.get(CODE_VERSION_ENV, "").strip()
    if env:
        return env
    return "unknown"


SOURCE_SYSTEM_NOT_DECLARED = "not declared (no batch descriptor)"


def source_system_label(value: object) -> str:
    """A source manifest's ``source_system`` for display: the declared id, else
    :data:`SOURCE_SYSTEM_NOT_DECLARED` (empty or missing: the batch had no descriptor declaring it)."""
    text = str(value).strip() if value is not None else ""
    return text or SOURCE_SYSTEM_NOT_DECLARED
