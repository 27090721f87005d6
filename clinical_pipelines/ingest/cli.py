"""``clinical-pipelines ingest check DIR``: the extract contract checks, without any service.

    clinical-pipelines ingest check DIR [--study STUDY.yaml] [--json]

``DIR`` is one batch folder (the files of one delivery, folder name = batch id) or a landing folder
holding batch folders. A batch already received under the same id is recognised, as in the landing
zone, from ``_manifests/<batch_id>.json`` or ``_quarantine/<batch_id>.json`` next to the batch folder.
The contract is the study spec given by ``--study`` (default: the built-in study; the output then
says so, and suggests ``--study`` when the folder holds files that study does not declare).
A folder whose sub-folders hold none of the study's files is not a landing folder: one message,
no per-file problems. At most ``MAX_SAME_KIND`` problems of one kind are printed, then
``... and M more`` (``--json`` lists them all).

Output: one line per problem, ``<batch>/<file>, row N, column C: problem`` (never a value), or one
``OK`` line per valid batch. Exit codes: 0 every batch valid; 1 a problem or an unreadable path;
2 usage error. No traceback reaches the terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from clinical_pipelines.ingest.contract import check_batch, required_files
from clinical_pipelines.ingest.problems import Problem, capped_lines
from clinical_pipelines.study.builtin import study_or_default
from clinical_pipelines.study.spec import Study, StudySpecError, load_study

MAX_FILE_BYTES = 2 * 1024**3  # a single extract file larger than this is refused, not read into memory


@dataclass(frozen=True)
class BatchCheck:
    batch_id: str
    path: str
    problems: list[Problem]


def _read_files(folder: Path) -> tuple[dict[str, bytes], list[Problem]]:
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        try:
            if not entry.is_file():
                problems.append(Problem(file=entry.name, problem="is not a regular file (a folder inside a batch?)"))
                continue
            if entry.stat().st_size > MAX_FILE_BYTES:
                problems.append(Problem(file=entry.name, problem="is larger than 2 GiB: split the extract"))
                continue
            files[entry.name] = entry.read_bytes()
        except OSError as exc:
            problems.append(Problem(file=entry.name, problem=f"cannot be read ({_os_reason(exc)})"))
    return files, problems


def _os_reason(exc: OSError) -> str:
    return exc.strerror.lower() if exc.strerror else type(exc).__name__


def _previous(folder: Path) -> dict[str, str] | None:
    for sub in ("_manifests", "_quarantine"):
        record_path = folder.parent / sub / f"{folder.name}.json"
        try:
            if record_path.is_file():
                record = json.loads(record_path.read_bytes())
                if isinstance(record, dict) and isinstance(record.get("files"), dict):
                    return {str(k): str(v) for k, v in record["files"].items()}
        except (OSError, ValueError):
            return {"(previous record unreadable)": ""}  # compare against something that never matches
    return None


def check_folder(folder: Path, study: Study | None = None) -> BatchCheck:
    """Check one batch folder (folder name = batch id) against ``study`` (default: the built-in study)."""
    files, problems = _read_files(folder)
    problems += check_batch(folder.name, files, previous_files=_previous(folder), study=study)
    return BatchCheck(batch_id=folder.name, path=str(folder), problems=problems)


def _is_batch_folder(folder: Path, study: Study | None = None) -> bool:
    try:
        return any((folder / name).exists() for name in required_files(study))
    except OSError:
        return False


def batch_folders(root: Path, study: Study | None = None) -> list[Path]:
    """``root`` itself when it is a batch folder, else its sub-folders (not ``_*``, not hidden) when at
    least one of them is a batch folder, else none (``/tmp`` is not a landing folder)."""
    if _is_batch_folder(root, study):
        return [root]
    subs = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    return subs if any(_is_batch_folder(p, study) for p in subs) else []


def _other_files(root: Path, study: Study | None) -> int:
    """Files in ``root`` and its sub-folders (one level, not hidden) that ``study`` does not declare."""
    declared = set(required_files(study))
    n = 0
    for folder in [root, *(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))]:
        n += sum(1 for p in folder.iterdir() if p.is_file() and not p.name.startswith(".") and p.name not in declared)
    return n


def study_hint(study: Study, given: bool, root: Path) -> str | None:
    """With the default study and files it does not declare: which study was used, and ``--study``."""
    if given:
        return None
    try:
        other = _other_files(root, study) if root.is_dir() else 0
    except OSError:
        other = 0
    if not other:
        return None
    return (f"checked against the built-in study {study.study_id} (the default); {other} file(s) here are not part "
            "of it: for another study's extract give its spec with --study STUDY.yaml (draft one with "
            f"`clinical-pipelines study init {root}`)")


def _check_root(root: Path, study: Study | None = None) -> tuple[list[BatchCheck], str | None]:
    try:
        if not root.exists():
            return [], f"{root}: no such file or directory"
        if not root.is_dir():
            return [], f"{root}: not a directory (give the batch folder, not one of its files)"
        folders = batch_folders(root, study)
    except OSError as exc:
        return [], f"{root}: cannot be read ({_os_reason(exc)})"
    if not folders:
        name = study_or_default(study).study_id
        return [], (f"{root}: no batch folder of study {name} found: neither this folder nor any sub-folder holds "
                    f"a file the study declares ({', '.join(required_files(study))})")
    checks = []
    for folder in folders:
        try:
            checks.append(check_folder(folder, study))
        except OSError as exc:
            checks.append(BatchCheck(folder.name, str(folder), [Problem(file=".", problem=f"cannot be read ({_os_reason(exc)})")]))
    return checks, None


def ingest_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="clinical-pipelines ingest", description="Raw extract checks.")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="check batch folders against the extract contract (no services needed)")
    check.add_argument("dir", help="a batch folder, or a folder of batch folders")
    check.add_argument("--study", help="the study spec (study.yaml) the batches follow (default: the built-in study)")
    check.add_argument("--json", action="store_true", help="print the problems as JSON")
    args = parser.parse_args(argv)
    hint = None
    try:
        study = study_or_default(load_study(args.study) if args.study else None)
        checks, error = _check_root(Path(args.dir), study)
        if error or any(c.problems for c in checks):
            hint = study_hint(study, args.study is not None, Path(args.dir))
    except StudySpecError as exc:
        checks, error = [], f"{args.study}: {exc}"
    except BrokenPipeError:
        raise
    except Exception as exc:  # noqa: BLE001 - never a traceback for a user of the CLI
        checks, error = [], f"{args.dir}: could not be checked ({type(exc).__name__})"
    if error:
        if args.json:
            print(json.dumps({"error": error, **({"hint": hint} if hint else {})}))
        else:
            print(f"error: {error}" + (f"\nhint: {hint}" if hint else ""))
        return 1
    if args.json:
        print(json.dumps([{"batch_id": c.batch_id, "valid": not c.problems,
                           "problems": [p.to_dict() for p in c.problems]} for c in checks], indent=2))
    else:
        _print_checks(checks, hint)
    return 1 if any(c.problems for c in checks) else 0


def _print_checks(checks: list[BatchCheck], hint: str | None) -> None:
    found = [(c.batch_id, p) for c in checks for p in c.problems]
    for line in capped_lines(found, kind=lambda bp: bp[1].problem, line=lambda bp: f"{bp[0]}/{bp[1]}"):
        print(line)
    for c in checks:
        if not c.problems:
            print(f"OK {c.batch_id}: meets the extract contract")
    if hint:
        print(f"hint: {hint}")


main = ingest_main
