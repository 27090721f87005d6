"""Evidence bundle: a folder of evidence files that can be verified offline.

Layout of a bundle directory::

    <files...>          the evidence (documents, reports, plots, JSON)
    checklist.md        artefact -> GMLP / PCCP / TRIPOD+AI / HIPAA / AI Act Annex IV items, with the files
    manifest.json       every file (checklist.md included) with sha256 and size, bundle id, created_at, context
    MANIFEST.sha256     sha256 of manifest.json ("<hex>  manifest.json", the `sha256sum -c` format)

``verify_bundle`` needs nothing but the folder: every listed file present with the same hash and
size, no unlisted files, manifest hash matching. The bundle id is derived from the content (file
hashes and context), so the same evidence always gets the same id.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from clinical_pipelines.evidence.checklist import ARTEFACTS, FRAMEWORKS, artefact_for

MANIFEST_NAME = "manifest.json"
MANIFEST_HASH_NAME = "MANIFEST.sha256"
CHECKLIST_NAME = "checklist.md"
RESERVED = {MANIFEST_NAME, MANIFEST_HASH_NAME, CHECKLIST_NAME}
SCHEMA = "clinical-pipelines/evidence-bundle/v1"


class BundleError(ValueError):
    """The bundle cannot be built as asked (bad path, existing output, non-JSON context)."""


@dataclass(frozen=True)
class BundleVerification:
    ok: bool
    problems: list[str] = field(default_factory=list)
    bundle_id: str | None = None
    n_files: int = 0


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _safe_relpath(path: str) -> str | None:
    """Normalised POSIX relative path, or None if absolute / escaping / empty."""
    if not isinstance(path, str) or not path or "\\" in path or path.startswith("/"):
        return None
    if any(part in ("", ".", "..") for part in path.split("/")):
        return None
    return PurePosixPath(path).as_posix()


def checklist_markdown(paths: list[str], context: dict) -> str:
    """The checklist index: which bundle file is evidence for which checklist item."""
    by_artefact: dict[str, list[str]] = {k: [] for k in ARTEFACTS}
    unmapped = []
    for p in sorted(paths):
        a = artefact_for(p)
        (by_artefact[a] if a else unmapped).append(p)
    header = ["Artefact"] + list(FRAMEWORKS) + ["Files in this bundle"]
    lines = [
        "# Evidence checklist index", "",
        f"Model: {context.get('model_name', context.get('model', 'n/a'))} "
        f"{context.get('model_version', context.get('version', ''))}".rstrip(), "",
        "Which regulatory checklist items each artefact in this bundle is evidence for "
        "(GMLP = Good Machine Learning Practice guiding principles; PCCP = FDA predetermined change control plan, "
        "DoM / MP-a..d / IA; TRIPOD+AI = reporting items; HIPAA = 45 CFR; AI Act Annex IV = technical documentation points). "
        "Artefacts marked **MISSING** have no file in this bundle.", "",
        "| " + " | ".join(header) + " |", "|" + "---|" * len(header),
    ]
    for key, (title, items) in ARTEFACTS.items():
        files = ", ".join(f"`{p}`" for p in by_artefact[key]) or "**MISSING**"
        lines.append("| " + " | ".join([title] + [items.get(fw, "-") for fw in FRAMEWORKS] + [files]) + " |")
    if unmapped:
        lines += ["", "Other files (no checklist mapping): " + ", ".join(f"`{p}`" for p in unmapped)]
    return "\n".join(lines) + "\n"


def build_bundle(out_dir, files: dict[str, bytes], context: dict, *, created_at: str | None = None) -> dict:
    """Write ``files`` + checklist.md + manifest.json + MANIFEST.sha256 into a new folder ``out_dir``.

    ``out_dir`` must not exist yet (bundles are never overwritten); the bundle is assembled in a
    temporary sibling folder and renamed into place, so a half-written bundle never appears.
    Returns the manifest dict plus ``manifest_sha256``.
    """
    out = Path(out_dir)
    if out.exists():
        raise BundleError(f"bundle folder {out} already exists; evidence bundles are write-once, choose a new folder")
    try:
        context_json = json.loads(json.dumps(context, sort_keys=True))
    except (TypeError, ValueError):
        raise BundleError("bundle context must be JSON-serialisable (strings, numbers, lists, dicts)") from None
    clean: dict[str, bytes] = {}
    for path, data in files.items():
        rel = _safe_relpath(path)
        if rel is None:
            raise BundleError(f"bundle file path {path!r} must be relative, without '..' or backslashes")
        if rel in RESERVED:
            raise BundleError(f"bundle file path {rel!r} is reserved for the bundle itself")
        if not isinstance(data, (bytes, bytearray)):
            raise BundleError(f"bundle file {rel!r} must be bytes")
        if rel in clean:
            raise BundleError(f"bundle file path {rel!r} given twice")
        clean[rel] = bytes(data)
    clean[CHECKLIST_NAME] = checklist_markdown(list(clean), context_json).encode("utf-8")

    entries = [{"path": p, "sha256": _sha256(d), "size": len(d), "artefact": artefact_for(p)}
               for p, d in sorted(clean.items())]
    content_id = _sha256(json.dumps({"files": [[e["path"], e["sha256"]] for e in entries], "context": context_json},
                                    sort_keys=True).encode())
    manifest = {
        "schema": SCHEMA,
        "bundle_id": f"bundle-{content_id[:24]}",
        "created_at": created_at or datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "context": context_json,
        "files": entries,
    }
    manifest_bytes = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
    manifest_sha = _sha256(manifest_bytes)

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for rel, data in clean.items():
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (tmp / MANIFEST_NAME).write_bytes(manifest_bytes)
        (tmp / MANIFEST_HASH_NAME).write_text(f"{manifest_sha}  {MANIFEST_NAME}\n")
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {**manifest, "manifest_sha256": manifest_sha}


def verify_bundle(bundle_dir) -> BundleVerification:
    """Offline integrity check. ``ok`` only if there are no problems at all."""
    root = Path(bundle_dir)
    if not root.is_dir():
        return BundleVerification(False, [f"bundle folder {root} does not exist"])
    problems: list[str] = []
    manifest_path, hash_path = root / MANIFEST_NAME, root / MANIFEST_HASH_NAME
    if not manifest_path.is_file():
        return BundleVerification(False, [f"{MANIFEST_NAME} is missing"])
    manifest_bytes = manifest_path.read_bytes()
    if not hash_path.is_file():
        problems.append(f"{MANIFEST_HASH_NAME} is missing")
    else:
        recorded = hash_path.read_text().split()
        if not recorded or recorded[0].lower() != _sha256(manifest_bytes):
            problems.append(f"{MANIFEST_NAME} does not match the hash in {MANIFEST_HASH_NAME} (manifest edited?)")
    try:
        manifest = json.loads(manifest_bytes)
        entries = manifest["files"]
        assert isinstance(entries, list)
    except (ValueError, KeyError, AssertionError, TypeError):
        return BundleVerification(False, problems + [f"{MANIFEST_NAME} is not a valid bundle manifest"])
    listed: set[str] = set()
    for e in entries:
        rel = _safe_relpath(e.get("path")) if isinstance(e, dict) else None
        if rel is None:
            problems.append("manifest lists an unsafe or empty file path")
            continue
        listed.add(rel)
        f = root / rel
        if f.is_symlink() or not f.is_file():
            problems.append(f"missing file: {rel}")
            continue
        data = f.read_bytes()
        if len(data) != e.get("size"):
            problems.append(f"size mismatch: {rel} ({len(data)} bytes, manifest says {e.get('size')})")
        if _sha256(data) != e.get("sha256"):
            problems.append(f"hash mismatch: {rel} (file changed after the bundle was built)")
    for f in sorted(root.rglob("*")):
        if f.is_dir() and not f.is_symlink():
            continue
        rel = f.relative_to(root).as_posix()
        if rel not in listed and rel not in (MANIFEST_NAME, MANIFEST_HASH_NAME):
            problems.append(f"unlisted file: {rel}")
    if CHECKLIST_NAME not in listed:
        problems.append(f"{CHECKLIST_NAME} is not listed in the manifest")
    return BundleVerification(not problems, problems, manifest.get("bundle_id"), len(listed))
