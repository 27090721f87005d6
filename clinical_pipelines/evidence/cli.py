"""`clinical-pipelines evidence ...` subcommands.

    clinical-pipelines evidence verify DIR [--public-key PEM ...] [--manifest-sha256 HEX] [--json]
    clinical-pipelines evidence public-key

``verify`` reports separately whether the bundle is *intact* (files, manifest, MANIFEST.sha256 and
the recomputed content-derived bundle id agree) and *authentic* (MANIFEST.sig is an Ed25519
signature of manifest.json by a trusted key), and prints the manifest SHA-256 to compare with the
bundle's lakeFS commit metadata and audit event (or pass it with ``--manifest-sha256``).
Trusted keys: every ``--public-key`` given, else the project's published evidence key
(``<CLINICAL_PIPELINES_HOME>/signing/evidence-signing.pub`` or
``$CLINICAL_PIPELINES_EVIDENCE_SIGNING_KEY_FILE`` with ``.pub``).

Exit codes:
  0  intact and authentic (and equal to --manifest-sha256 when given)
  1  not intact, not authentic, or a different manifest SHA-256 than expected (each problem printed)
  2  usage or configuration error: DIR is not a folder, a public key file is unreadable, or the
     bundle is intact but no trusted public key was found (authenticity cannot be decided)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from clinical_pipelines.audit.signing import KeyFileError, PublicKey, load_public_key
from clinical_pipelines.evidence.bundle import BundleVerification, published_public_key, verify_bundle


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clinical-pipelines evidence", description="Evidence bundle tools")
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("verify", help="verify an evidence bundle folder offline (integrity and signature)")
    v.add_argument("bundle_dir", metavar="DIR")
    v.add_argument("--public-key", action="append", default=[], metavar="PEM",
                   help="trusted Ed25519 public key (PEM); repeat for several. Default: the project's "
                        "published evidence key")
    v.add_argument("--manifest-sha256", default=None, metavar="HEX",
                   help="expected manifest SHA-256 (from the lakeFS tag's commit metadata or the audit log)")
    v.add_argument("--json", action="store_true", help="print the result as JSON")
    sub.add_parser("public-key", help="print the project's published evidence public key (PEM) and key id")
    return parser


def _trusted_keys(paths: list[str]) -> tuple[list[PublicKey], str]:
    if paths:
        return [load_public_key(p) for p in paths], ", ".join(paths)
    key, where = published_public_key()
    return ([key] if key else []), where


def _text(args: argparse.Namespace, r: BundleVerification, source: str, digest_ok: bool | None) -> str:
    id_line = f"  bundle id:       {r.bundle_id}"
    if r.computed_bundle_id and r.computed_bundle_id != r.bundle_id:
        id_line += f"  (content gives {r.computed_bundle_id})"
    lines = [f"bundle {args.bundle_dir}", f"  manifest sha256: {r.manifest_sha256}", id_line]
    if digest_ok is not None:
        lines.append(f"  expected sha256: {args.manifest_sha256.lower()} "
                     f"({'matches' if digest_ok else 'DIFFERS'})")
    lines.append("  intact:          " + (f"yes ({r.n_files} files, hashes match, no extra files, "
                                          "bundle id matches its content)" if r.intact else "NO"))
    if r.authentic is None:
        lines.append(f"  authentic:       NOT CHECKED (no trusted public key; looked in {source})")
    elif r.authentic:
        lines.append(f"  authentic:       yes (Ed25519 signature by trusted key {r.signer_key_id}, from {source})")
    else:
        lines.append("  authentic:       NO")
    lines += [f"    - {p}" for p in r.problems]
    if digest_ok is False:
        lines.append("    - the manifest is not the one recorded for this bundle (compare the lakeFS tag "
                     "and the audit event)")
    lines.append("VERIFIED" if r.ok and digest_ok is not False else "FAILED")
    return "\n".join(lines)


def _verify(args: argparse.Namespace) -> int:
    if not Path(args.bundle_dir).is_dir():
        print(f"evidence verify: {args.bundle_dir} is not a folder (give the bundle directory)", file=sys.stderr)
        return 2
    try:
        trusted, source = _trusted_keys(args.public_key)
    except KeyFileError as exc:
        print(f"evidence verify: {exc}", file=sys.stderr)
        return 2
    result = verify_bundle(args.bundle_dir, trusted)
    digest_ok = None
    if args.manifest_sha256:
        digest_ok = result.manifest_sha256 == args.manifest_sha256.strip().lower()
    if args.json:
        print(json.dumps({"ok": result.ok and digest_ok is not False, "intact": result.intact,
                          "authentic": result.authentic, "bundle_id": result.bundle_id,
                          "computed_bundle_id": result.computed_bundle_id,
                          "manifest_sha256": result.manifest_sha256, "expected_manifest_sha256_matches": digest_ok,
                          "signer_key_id": result.signer_key_id, "trusted_keys": source,
                          "n_files": result.n_files, "integrity_problems": result.integrity_problems,
                          "authenticity_problems": result.authenticity_problems}, indent=2))
    else:
        print(_text(args, result, source, digest_ok))
    if result.authentic is None and result.intact:
        return 2
    return 0 if result.ok and digest_ok is not False else 1


def _public_key() -> int:
    try:
        key, where = published_public_key()
    except KeyFileError as exc:
        print(f"evidence public-key: {exc}", file=sys.stderr)
        return 2
    if key is None:
        print(f"evidence public-key: no published evidence key at {where}; create the key pairs with "
              "`clinical-pipelines audit keygen`", file=sys.stderr)
        return 2
    sys.stdout.write(key.pem().decode("ascii"))
    print(f"# key id {key.key_id} ({where})")
    return 0


def evidence_main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if args.command == "verify":
            return _verify(args)
        if args.command == "public-key":
            return _public_key()
    except OSError as exc:  # unreadable files: say which, no traceback
        print(f"evidence {args.command}: cannot read {exc.filename or 'a file'} ({exc.strerror})", file=sys.stderr)
        return 2
    return 2  # pragma: no cover - argparse rejects unknown commands


main = evidence_main  # the top-level CLI dispatches to <domain>.cli.main(argv)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(evidence_main())
