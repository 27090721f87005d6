"""``clinical-pipelines fhir``: import a FHIR R4 Bulk Data export into a study's tables.

    clinical-pipelines fhir import EXPORT_DIR --out DIR [--map MAP.yaml] [--accept-quarantine] [--json]
    clinical-pipelines fhir synthesize --out DIR [--patients N] [--seed S] [--no-problems]

``import`` writes ``DIR/encounters.csv``, ``DIR/notes.jsonl`` and ``DIR/.fhir_import/`` (report,
quarantine, the study ``tables:`` section) and prints counts per resource type and every problem
(file, line, FHIR element, reason; never a value). Exit codes: 0 imported with no problem (or with
quarantined resources accepted by ``--accept-quarantine``); 1 the export or map cannot be read, or
resources were quarantined / files are inconsistent with the manifest (tables written, the report
says what is missing); 2 usage error. No traceback reaches the terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from clinical_pipelines.fhir.export import ExportError
from clinical_pipelines.fhir.mapping import MapError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clinical-pipelines fhir", description="FHIR R4 Bulk Data import.")
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="flatten a Bulk Data export folder into study tables")
    imp.add_argument("export_dir", help="folder with the export's NDJSON files (and manifest.json)")
    imp.add_argument("--out", required=True, help="output folder (raw zone: tables hold identifiers)")
    imp.add_argument("--map", default=None, help="import map YAML (default: the built-in map)")
    imp.add_argument("--accept-quarantine", action="store_true",
                     help="exit 0 even when resources were quarantined (they stay in the report)")
    imp.add_argument("--json", action="store_true", help="print the report as JSON")
    syn = sub.add_parser("synthesize", help="write a synthetic Bulk Data export (fake PHI) for trials")
    syn.add_argument("--out", required=True)
    syn.add_argument("--patients", type=int, default=50)
    syn.add_argument("--seed", type=int, default=7)
    syn.add_argument("--no-problems", action="store_true", help="leave out the injected bad resources")
    return parser


def _summary(report: dict, out: Path, encounters: int, notes: int) -> list[str]:
    lines = [f"wrote {out / 'encounters.csv'} ({encounters} encounters) and {out / 'notes.jsonl'} ({notes} notes)"]
    for rtype, c in report["resources"].items():
        lines.append(f"  {rtype}: read {c['read']}, imported {c['imported']}, quarantined {c['quarantined']}, "
                     f"skipped {c['skipped']}")
        lines += [f"      skipped: {reason}: {n}" for reason, n in c["skipped_by_reason"].items()]
    lines += [f"  notice: {text}: {n}" for text, n in report["notices"].items()]
    return lines


def _import(args: argparse.Namespace) -> int:
    from clinical_pipelines.fhir.importer import import_export
    from clinical_pipelines.fhir.mapping import load_map

    try:
        result = import_export(Path(args.export_dir), Path(args.out), load_map(args.map))
    except (ExportError, MapError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.filename or args.out}: cannot be read or written "
              f"({(exc.strerror or type(exc).__name__).lower()})", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result.report, indent=2))
    else:
        print("\n".join(_summary(result.report, result.out_dir, result.encounters, result.notes)))
        for message in result.problems:
            print(f"problem: {message}")
        print(f"report: {result.report_path}")
    if result.report["unaccounted"]:
        print("error: some lines were not accounted for (a bug): see unaccounted in the report", file=sys.stderr)
        return 1
    if result.problems and not args.accept_quarantine:
        print(f"error: {len(result.problems)} problem(s), {result.quarantined} resource(s) quarantined "
              f"(kept in {result.quarantine_path}); fix the export, or rerun with --accept-quarantine to "
              "accept the tables without them", file=sys.stderr)
        return 1
    return 0


def _synthesize(args: argparse.Namespace) -> int:
    from clinical_pipelines.fhir.synthetic import write_export

    if args.patients < 1:
        print("error: --patients must be at least 1", file=sys.stderr)
        return 2
    truth = write_export(Path(args.out), patients=args.patients, seed=args.seed, problems=not args.no_problems)
    print(f"wrote a synthetic Bulk Data export to {truth.folder}: {sum(truth.lines.values())} resources in "
          f"{len(truth.lines)} files, {len(truth.encounters)} encounters")
    return 0


def fhir_main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors exit 2, --help exits 0
        return int(exc.code or 0)
    try:
        return _import(args) if args.command == "import" else _synthesize(args)
    except Exception as exc:  # noqa: BLE001 - never a traceback (nor a value) for a user of the CLI
        print(f"error: fhir {args.command} failed ({type(exc).__name__})", file=sys.stderr)
        return 1


main = fhir_main
