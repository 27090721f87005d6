"""Evidence bundle: a folder of evidence files that can be verified offline.

Layout of a bundle directory::

    <files...>          the evidence (documents, reports, plots, JSON)
    checklist.md        artefact -> GMLP / PCCP / TRIPOD+AI / HIPAA / AI Act Annex IV items, with the files,
                        and every gate decision of ``gate_decisions.json`` (PASS / FAIL / NOT APPLICABLE with
                        the study's reason) when the bundle has that file
    manifest.json       every file (checklist.md included) with sha256 and size, bundle id, created_at,
                        context, and the signer (algorithm Ed25519, key id, raw public key, base64)
    MANIFEST.sha256     sha256 of manifest.json ("<hex>  manifest.json", the `sha256sum -c` format)
    MANIFEST.sig        the 64-byte Ed25519 signature (RFC 8032) of the exact bytes of manifest.json

The bundle id is derived from the content: ``bundle-`` + SHA-256 over the canonical JSON of
``{"context": ..., "files": [[path, sha256, size], ...]}`` (files sorted by path). It is computed
at build and recomputed from the files on disk at verify, so changed content can never be shown
under its original id.

``verify_bundle`` needs nothing but the folder and a trusted public key, and answers two separate
questions: *intact* (every listed file present with the same hash and size, no unlisted files,
``MANIFEST.sha256`` matching, the recorded bundle id equal to the recomputed one) and *authentic*
(``MANIFEST.sig`` verifies over ``manifest.json`` under a trusted key). A consistent rewrite (file,
manifest entry and ``MANIFEST.sha256`` changed together) can be made intact by whoever edits it,
never authentic without the signing key. See docs/EVIDENCE_TRUST.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from clinical_pipelines.audit.signing import (
    ALGORITHM,
    KeyFileError,
    PublicKey,
    SigningKey,
    check_signature,
    load_public_key,
    public_key_path,
)
from clinical_pipelines.evidence.checklist import ARTEFACTS, FRAMEWORKS, GATE_DECISIONS, artefact_for, gate_lines
from clinical_pipelines.provenance import canonical_json

MANIFEST_NAME = "manifest.json"
MANIFEST_HASH_NAME = "MANIFEST.sha256"
SIGNATURE_NAME = "MANIFEST.sig"
CHECKLIST_NAME = "checklist.md"
RESERVED = {MANIFEST_NAME, MANIFEST_HASH_NAME, SIGNATURE_NAME, CHECKLIST_NAME}
SCHEMA = "clinical-pipelines/evidence-bundle/v2"


class BundleError(ValueError):
    """The bundle cannot be built as asked (bad path, existing output, non-JSON context)."""


@dataclass(frozen=True)
class BundleVerification:
    """Result of :func:`verify_bundle`; ``ok`` only when intact AND authentic.

    ``authentic`` is None when no trusted public key was available (not checked: not ok).
    ``bundle_id`` is the id recorded in the manifest, ``computed_bundle_id`` the one recomputed
    from the files on disk; ``manifest_sha256`` is computed from the manifest's bytes, to compare
    with the lakeFS commit metadata / audit event of the bundle.
    """

    intact: bool
    authentic: bool | None
    integrity_problems: list[str] = field(default_factory=list)
    authenticity_problems: list[str] = field(default_factory=list)
    bundle_id: str | None = None
    computed_bundle_id: str | None = None
    manifest_sha256: str | None = None
    signer_key_id: str | None = None
    n_files: int = 0

    @property
    def ok(self) -> bool:
        return self.intact and self.authentic is True

    @property
    def problems(self) -> list[str]:
        return self.integrity_problems + self.authenticity_problems


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _safe_relpath(path: str) -> str | None:
    """Normalised POSIX relative path, or None if absolute / escaping / empty."""
    if not isinstance(path, str) or not path or "\\" in path or path.startswith("/"):
        return None
    if any(part in ("", ".", "..") for part in path.split("/")):
        return None
    return PurePosixPath(path).as_posix()


def checklist_markdown(paths: list[str], context: dict, gates: list[dict] | None = None) -> str:
    """The checklist index: which bundle file is evidence for which checklist item, then every gate decision
    (``gates``: dicts with name, stage, status, reason, message) when given."""
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
    if gates is not None:
        lines += ["", "## Gates", "",
                  f"Every gate of this model's lineage (from `{GATE_DECISIONS}`). A gate the study cannot evaluate is "
                  "NOT APPLICABLE with the reason its study spec gives; it is never left out.", ""] + gate_lines(gates)
    return "\n".join(lines) + "\n"


def _gate_decisions(files: dict[str, bytes]) -> list[dict] | None:
    data = files.get(GATE_DECISIONS)
    if data is None:
        return None
    try:
        gates = json.loads(data)
    except ValueError:
        raise BundleError(f"{GATE_DECISIONS} is not JSON: it must list the gate decisions") from None
    if not isinstance(gates, list) or not all(isinstance(g, dict) and g.get("name") for g in gates):
        raise BundleError(f"{GATE_DECISIONS} must be a list of gate decisions, each with a name")
    return gates


def bundle_content_id(entries: Sequence[tuple[str, str, int]], context: dict) -> str:
    """``bundle-`` + SHA-256 over canonical JSON of the context and the (path, sha256, size) list."""
    files = sorted([str(p), str(h), int(n)] for p, h, n in entries)
    return "bundle-" + _sha256(canonical_json({"context": context, "files": files}))


def build_bundle(
    out_dir,
    files: dict[str, bytes],
    context: dict,
    *,
    signing_key: SigningKey,
    created_at: str | None = None,
) -> dict:
    """Write ``files`` + checklist.md + manifest.json + MANIFEST.sha256 + MANIFEST.sig into ``out_dir``.

    ``out_dir`` must not exist yet (bundles are never overwritten); the bundle is assembled in a
    temporary sibling folder and renamed into place, so a half-written bundle never appears.
    The manifest is signed with ``signing_key`` (Ed25519). Returns the manifest dict plus
    ``manifest_sha256`` (hex SHA-256 of manifest.json, the bundle digest to record elsewhere).
    """
    out = Path(out_dir)
    if out.exists():
        raise BundleError(f"bundle folder {out} already exists; evidence bundles are write-once, choose a new folder")
    try:
        context_json = json.loads(canonical_json(context))
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
    clean[CHECKLIST_NAME] = checklist_markdown(list(clean), context_json, _gate_decisions(clean)).encode("utf-8")

    entries = [{"path": p, "sha256": _sha256(d), "size": len(d), "artefact": artefact_for(p)}
               for p, d in sorted(clean.items())]
    public = signing_key.public_key
    manifest = {
        "schema": SCHEMA,
        "bundle_id": bundle_content_id([(e["path"], e["sha256"], e["size"]) for e in entries], context_json),
        "created_at": created_at or datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "context": context_json,
        "files": entries,
        "signer": {"algorithm": ALGORITHM, "key_id": public.key_id, "public_key": public.b64,
                   "signature_file": SIGNATURE_NAME},
    }
    manifest_bytes = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
    manifest_sha = _sha256(manifest_bytes)
    signature = signing_key.sign(manifest_bytes)

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for rel, data in clean.items():
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (tmp / MANIFEST_NAME).write_bytes(manifest_bytes)
        (tmp / MANIFEST_HASH_NAME).write_text(f"{manifest_sha}  {MANIFEST_NAME}\n")
        (tmp / SIGNATURE_NAME).write_bytes(signature)
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {**manifest, "manifest_sha256": manifest_sha}


def published_public_key() -> tuple[PublicKey | None, str]:
    """The project's published evidence public key (``<evidence signing key>.pub`` of the settings).

    Returns (key or None, where it was looked for). Raises ``KeyFileError`` if the file exists
    but is not an Ed25519 public key.
    """
    from clinical_pipelines.settings import Settings

    path = public_key_path(Settings.from_env().evidence_signing_key_file)
    return (load_public_key(path) if path.is_file() else None), str(path)


def _check_files(root: Path, entries: list, problems: list[str]) -> tuple[set[str], list[tuple[str, str, int]]]:
    """Compare listed files with the disk; return (listed paths, (path, sha256, size) on disk)."""
    listed: set[str] = set()
    on_disk: list[tuple[str, str, int]] = []
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
        on_disk.append((rel, _sha256(data), len(data)))
        if len(data) != e.get("size"):
            problems.append(f"size mismatch: {rel} ({len(data)} bytes, manifest says {e.get('size')})")
        if _sha256(data) != e.get("sha256"):
            problems.append(f"hash mismatch: {rel} (file changed after the bundle was built)")
    for f in sorted(root.rglob("*")):
        if f.is_dir() and not f.is_symlink():
            continue
        rel = f.relative_to(root).as_posix()
        if rel not in listed and rel not in (MANIFEST_NAME, MANIFEST_HASH_NAME, SIGNATURE_NAME):
            problems.append(f"unlisted file: {rel}")
    return listed, on_disk


def _check_signature(root: Path, manifest: dict, manifest_bytes: bytes,
                     trusted: Sequence[PublicKey]) -> tuple[bool | None, list[str], str | None]:
    signer = manifest.get("signer") if isinstance(manifest.get("signer"), dict) else {}
    claimed = None
    if signer.get("algorithm") == ALGORITHM:
        try:
            claimed = PublicKey.from_b64(str(signer.get("public_key", "")))
        except KeyFileError:
            claimed = None
    sig_path = root / SIGNATURE_NAME
    if not sig_path.is_file():
        return False, [f"{SIGNATURE_NAME} is missing: the bundle is not signed"], None
    if not trusted:
        return None, ["no trusted public key to check the signature with: pass --public-key FILE "
                      "(the pipeline's published evidence key)"], claimed.key_id if claimed else None
    res = check_signature(sig_path.read_bytes(), manifest_bytes, claimed, trusted)
    return res.ok, ([] if res.ok else [f"{SIGNATURE_NAME}: {res.problem}"]), res.key_id


def verify_bundle(bundle_dir, trusted_keys: Sequence[PublicKey] | None = None) -> BundleVerification:
    """Offline check of integrity and authenticity; ``ok`` only if both hold.

    ``trusted_keys`` None: the project's published evidence public key (see
    :func:`published_public_key`); an empty list: authenticity is not checked (``authentic`` None).
    """
    root = Path(bundle_dir)
    if not root.is_dir():
        return BundleVerification(False, None, [f"bundle folder {root} does not exist"])
    manifest_path, hash_path = root / MANIFEST_NAME, root / MANIFEST_HASH_NAME
    if not manifest_path.is_file():
        return BundleVerification(False, None, [f"{MANIFEST_NAME} is missing"])
    if trusted_keys is None:
        key, _ = published_public_key()
        trusted_keys = [key] if key else []
    manifest_bytes = manifest_path.read_bytes()
    manifest_sha = _sha256(manifest_bytes)
    problems: list[str] = []
    if not hash_path.is_file():
        problems.append(f"{MANIFEST_HASH_NAME} is missing")
    else:
        recorded = hash_path.read_text().split()
        if not recorded or recorded[0].lower() != manifest_sha:
            problems.append(f"{MANIFEST_NAME} does not match the hash in {MANIFEST_HASH_NAME} (manifest edited?)")
    try:
        manifest = json.loads(manifest_bytes)
        entries = manifest["files"]
        assert isinstance(entries, list) and isinstance(manifest.get("context"), dict)
    except (ValueError, KeyError, AssertionError, TypeError):
        return BundleVerification(False, None, problems + [f"{MANIFEST_NAME} is not a valid bundle manifest"],
                                  manifest_sha256=manifest_sha)
    listed, on_disk = _check_files(root, entries, problems)
    if CHECKLIST_NAME not in listed:
        problems.append(f"{CHECKLIST_NAME} is not listed in the manifest")
    recorded_id = manifest.get("bundle_id")
    computed_id = bundle_content_id(on_disk, manifest["context"])
    if recorded_id != computed_id:
        problems.append(f"bundle id {recorded_id} does not match the content: the files and context "
                        f"of this folder give {computed_id}")
    authentic, auth_problems, key_id = _check_signature(root, manifest, manifest_bytes, trusted_keys)
    return BundleVerification(not problems, authentic, problems, auth_problems, recorded_id, computed_id,
                              manifest_sha, key_id, len(listed))
