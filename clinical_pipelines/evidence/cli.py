"""`clinical-pipelines evidence ...` subcommands.

    clinical-pipelines evidence verify DIR [--json]

Exit codes: 0 bundle verified, 1 problems found (each printed), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys

from clinical_pipelines.evidence.bundle import verify_bundle


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clinical-pipelines evidence", description="Evidence bundle tools")
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("verify", help="verify an evidence bundle folder offline (hashes, missing/extra files)")
    v.add_argument("bundle_dir", metavar="DIR")
    v.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser


def evidence_main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "verify":
        result = verify_bundle(args.bundle_dir)
        if args.json:
            print(json.dumps({"ok": result.ok, "bundle_id": result.bundle_id, "n_files": result.n_files,
                              "problems": result.problems}, indent=2))
        elif result.ok:
            print(f"OK: bundle {result.bundle_id} verified ({result.n_files} files, hashes match, no extra files)")
        else:
            print(f"FAILED: {len(result.problems)} problem(s) in bundle {args.bundle_dir}")
            for p in result.problems:
                print(f"  - {p}")
        return 0 if result.ok else 1
    return 2  # pragma: no cover - argparse rejects unknown commands


main = evidence_main  # the top-level CLI dispatches to <domain>.cli.main(argv)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(evidence_main())
