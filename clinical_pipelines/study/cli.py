"""``clinical-pipelines study check|init``: validate a study spec (and its data), or draft one from files.

Exit codes: 0 valid / draft written, 1 problems found, 2 usage error. No service is needed, no
traceback reaches the user (an unexpected failure prints its type only: its message could quote
data), and nothing printed is a cell value: problems name file, row and column with counts.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

USAGE = """usage: clinical-pipelines study check STUDY.yaml [--data DIR] [--json]
       clinical-pipelines study init DATA [--out study.yaml] [--study-id ID] [--force]
       clinical-pipelines study register STUDY.yaml [--replace]
       clinical-pipelines study list"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors exit 2 without argparse's SystemExit traceback noise
        print(f"{self.prog}: {message}\n{USAGE}", file=sys.stderr)
        raise _Usage()


class _Usage(Exception):
    pass


def study_main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE + "\n\n  check  validate the spec, and with --data the spec against batch folders\n"
              "  init   profile a file or folder and write a draft spec (every guess flagged # REVIEW)\n"
              "  register  validate a spec and record it (copied, with its SHA-256) in the project data dir, so the\n"
              "         deployment runs it (partitions, lakeFS folder and MLflow model per study)\n"
              "  list   the studies this deployment can run (built-in and registered) with their spec SHA-256")
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    handler = {"check": check_main, "init": init_main, "register": register_main, "list": list_main}.get(command)
    if handler is None:
        print(f"unknown study command {command!r}\n{USAGE}", file=sys.stderr)
        return 2
    try:
        return handler(rest)
    except _Usage:
        return 2
    except BrokenPipeError:  # the reader went away (`... | head`): the dispatcher ends quietly
        raise
    except Exception as exc:  # noqa: BLE001 - fail closed without a traceback or a message that may quote data
        print(f"error: study {command} failed unexpectedly ({type(exc).__name__}); nothing was written. "
              "Please report it with the command you ran.", file=sys.stderr)
        return 1


# --------------------------------------------------------------------------- register / list
def register_main(argv: list[str]) -> int:
    from clinical_pipelines.settings import Settings
    from clinical_pipelines.study.registry import StudyRegistry, StudyRegistryError
    from clinical_pipelines.study.spec import StudySpecError

    parser = _Parser(prog="clinical-pipelines study register", add_help=True,
                     description="Validate a study spec and record it in the project data dir (CLINICAL_PIPELINES_HOME).")
    parser.add_argument("spec", type=Path, help="study.yaml or its folder")
    parser.add_argument("--replace", action="store_true", help="replace an earlier registration of a changed spec")
    args = parser.parse_args(argv)
    try:
        entry = StudyRegistry(Settings.from_env().home).register(args.spec, replace=args.replace)
    except (StudyRegistryError, StudySpecError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"study {entry.study_id} ({entry.origin}): spec sha256 {entry.spec_sha256}, {entry.spec_path}")
    return 0


def list_main(argv: list[str]) -> int:
    from clinical_pipelines.settings import Settings
    from clinical_pipelines.study.registry import StudyRegistry, StudyRegistryError

    if argv:
        print(f"study list takes no arguments\n{USAGE}", file=sys.stderr)
        return 2
    registry, status = StudyRegistry(Settings.from_env().home), 0
    for study_id in registry.ids():
        try:
            entry = registry.entry(study_id)
            print(f"{study_id:<24} {entry.origin:<10} {entry.spec_sha256[:12]}  {entry.spec_path}")
        except StudyRegistryError as exc:
            print(f"{study_id:<24} unusable: {exc}")
            status = 1
    return status


# --------------------------------------------------------------------------- check
def check_main(argv: list[str]) -> int:
    from clinical_pipelines.study.check import check_study

    parser = _Parser(prog="clinical-pipelines study check", add_help=True,
                     description="Validate a study spec; with --data, also the data of every batch against it.")
    parser.add_argument("spec", type=Path, help="study.yaml")
    parser.add_argument("--data", type=Path, default=None, help="a batch folder, or a folder of batch folders")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if not args.spec.is_file():
        print(f"{args.spec}: file not found (give the path of a study.yaml)", file=sys.stderr)
        return 2
    if args.data is not None and not args.data.exists():
        print(f"{args.data}: folder not found (give a batch folder or a folder of batch folders)", file=sys.stderr)
        return 2
    report = check_study(args.spec, args.data)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(render(report, data_checked=args.data is not None))
    return 0 if report.ok else 1


def _wrap(text: str, indent: int) -> str:
    return textwrap.fill(text, width=110, subsequent_indent=" " * indent, break_on_hyphens=False)


def render(report, *, data_checked: bool) -> str:
    out = []
    if report.roles:
        out.append(f"{report.spec_file}: spec is valid")
        w_table = max(len(r.table) for r in report.roles)
        w_role = max(len(r.role) for r in report.roles)
        out.append(f"  {'table'.ljust(w_table)}  {'role'.ljust(w_role)}  columns")
        for r in report.roles:
            head = f"  {r.table.ljust(w_table)}  {r.role.ljust(w_role)}  "
            out.append(_wrap(head + ", ".join(r.columns), len(head)))
        for part, reason in report.not_applicable.items():
            out.append(f"  not applicable: {part}: {reason}")
    if data_checked and report.roles:
        rows = ", ".join(f"{t} {n}" for t, n in report.rows.items())
        out.append(f"data: {len(report.batches)} batch(es); rows: {rows or 'none'}")
        if report.outcome is not None:
            o = report.outcome
            out.append(f"outcome: {o.units} units decided ({o.events} events, {o.non_events} non-events), "
                       f"{o.unknown} undecided")
        if report.years:
            out.append(f"event years: {report.years[0]}-{report.years[1]}")
        out += _size_lines(report)
    from clinical_pipelines.ingest.problems import capped_lines

    problems = [*report.spec_problems, *report.data_problems]
    if problems:
        out.append(f"{len(problems)} problem(s):")
        out += [_wrap(f"  - {line}", 4) for line in capped_lines(problems)]
        if report.spec_problems and data_checked:
            out.append("  (the data is checked once the spec is valid)")
    out.append("result: OK" if report.ok else "result: FAILED")
    return "\n".join(out)


def _size_lines(report) -> list[str]:
    """Missing values per column, external-site and subgroup sizes, notes (counts and spec values only)."""
    out = []
    if report.missing:
        out.append(_wrap("missing values: " + ", ".join(f"{k} {n}" for k, n in report.missing.items()), 4))
    sites = report.sizes.get("external_sites", {})
    if sites:
        out.append(_wrap("external sites: " + ", ".join(f"{s} {v['units']} units ({v['events']} events)"
                                                       for s, v in sites.items()), 4))
    for attr, groups in report.sizes.get("subgroups", {}).items():
        out.append(_wrap(f"subgroup {attr}: " + ", ".join(f"{g} {v['units']} ({v['events']} events)"
                                                         for g, v in sorted(groups.items())), 4))
    sets = report.sizes.get("evaluation_sets", {})
    if sets:
        out.append(_wrap("expected evaluation sets: " + ", ".join(
            f"{name} ~{v['units']} units ({v['events']} events" + (
                f"; AUROC >= {v['required_auroc']:.3f} needed for the 95% CI lower bound to reach "
                f"{v['auroc_threshold']:.2f}" if v.get("required_auroc") else "") + ")"
            for name, v in sets.items()), 4))
    out += [_wrap(f"note: {n}", 4) for n in report.notes]
    return out


# --------------------------------------------------------------------------- init
def init_main(argv: list[str]) -> int:
    from clinical_pipelines.study.draft import draft_spec
    from clinical_pipelines.study.profile import profile_path

    parser = _Parser(prog="clinical-pipelines study init",
                     description="Profile a data file (or a folder of files) and write a draft study spec.")
    parser.add_argument("data", type=Path, help="a .csv/.tsv, .jsonl/.ndjson or .parquet file, or a folder of them")
    parser.add_argument("--out", type=Path, default=Path("study.yaml"), help="draft to write (default study.yaml)")
    parser.add_argument("--study-id", default="my-study", help="study id to put in the draft (default my-study)")
    parser.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"{args.data}: not found (give a data file or a folder of data files)", file=sys.stderr)
        return 2
    if args.out.exists() and not args.force:
        print(f"{args.out}: exists; choose another --out or add --force", file=sys.stderr)
        return 2
    profiles = profile_path(args.data)
    if not profiles:
        print(f"{args.data}: no .csv, .tsv, .jsonl, .ndjson or .parquet file in this folder", file=sys.stderr)
        return 1
    problems = [m for p in profiles for m in p.problems]
    usable = [p for p in profiles if p.columns]
    if not usable:
        print("no file could be profiled:\n" + "\n".join(f"  - {m}" for m in problems), file=sys.stderr)
        return 1
    text, guesses = draft_spec(usable, args.study_id)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(_summary(usable, guesses, args.out))
    print(_write_intended_use(args.out.parent / "intended_use.yaml"))
    if problems:
        print(f"{len(problems)} problem(s) while reading:\n" + "\n".join(f"  - {m}" for m in problems))
    return 0


def _write_intended_use(path: Path) -> str:
    """Write the intended-use skeleton next to the draft (never over an existing file); what was done."""
    import yaml

    from clinical_pipelines.study.builtin import BuiltinStudyError, DEFAULT_STUDY_ID, builtin_study_path
    from clinical_pipelines.study.draft import intended_use_skeleton

    if path.exists():
        return f"kept the existing {path} (not overwritten); `study check` refuses REVIEW placeholders in it"
    try:
        example = builtin_study_path(DEFAULT_STUDY_ID).parent / "intended_use.yaml"
        fields = yaml.safe_load(example.read_text(encoding="utf-8"))
    except (BuiltinStudyError, OSError, yaml.YAMLError):
        return f"write {path} with the intended-use statements (the built-in example was not found)"
    path.write_text(intended_use_skeleton(fields), encoding="utf-8")
    return f"wrote the intended-use skeleton {path}: replace every REVIEW placeholder (`study check` refuses them)"


def _summary(profiles, guesses, out: Path) -> str:
    lines = [f"profiled {len(profiles)} file(s): " + ", ".join(
        f"{p.path.name} ({p.rows}{'+' if p.truncated else ''} rows sampled, {len(p.columns)} columns)"
        for p in profiles)]
    w = max(len(g.column) for _, g in guesses)
    for t, g in guesses:
        flag = "  likely identifier" if g.identifier else ""
        lines.append(_wrap(f"  {t}.{g.column.ljust(w)}  {g.role:<19}{flag}  ({g.why})", 6))
    n_id = sum(g.identifier for _, g in guesses)
    lines.append(f"wrote the draft {out}: {len(guesses)} columns, {n_id} likely identifiers. Review every "
                 f"'# REVIEW' line, then delete `draft: true` and run: clinical-pipelines study check {out} --data DIR")
    return "\n".join(lines)
