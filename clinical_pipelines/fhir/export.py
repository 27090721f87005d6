"""Reading a FHIR Bulk Data export folder: the manifest, its NDJSON files, one line at a time.

A ``$export`` (HL7 FHIR Bulk Data Access IG, v2.0.0) ends with a manifest (JSON: ``transactionTime``,
``request``, ``output: [{type, url, count?}]``, ``error: [{type: OperationOutcome, url}]``,
``deleted?``) and NDJSON files, one resource per line, one resource type per file. Downloaded to a
folder, the files keep the last segment of their URL as name. This module finds them:

- with ``manifest.json`` in the folder: every ``output`` entry names its file (last URL segment) and
  type; a listed file that is missing, a local ``*.ndjson`` that is not listed, and a line count
  different from a declared ``count`` are problems; ``error`` files are read as OperationOutcomes;
- without a manifest: every ``*.ndjson`` / ``*.ndjson.gz`` file, typed by the first name token
  that is a FHIR resource type (``Patient.ndjson``, ``1.Observation.ndjson``,
  ``Observation.002.ndjson``), else by the ``resourceType`` of its first line.

Lines are streamed from disk (``gzip`` transparently); nothing holds a whole file in memory.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

MANIFEST_NAME = "manifest.json"
NDJSON_SUFFIXES = (".ndjson", ".ndjson.gz")
from clinical_pipelines.fhir.resources import TYPE_NAME, is_known_type


class ExportError(ValueError):
    """The export folder cannot be read at all (message names the path and the fix)."""


@dataclass
class ExportFile:
    path: Path
    declared_type: str | None  # from the manifest or the file name; None until known
    declared_count: int | None = None
    is_error_file: bool = False

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class Manifest:
    found: bool
    transaction_time: str | None = None
    output_entries: int = 0
    error_entries: int = 0
    deleted_entries: int = 0


@dataclass
class FileProblem:
    file: str
    problem: str


@dataclass
class ExportListing:
    manifest: Manifest
    files: list[ExportFile] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    unread_lines: dict[str, int] = field(default_factory=dict)  # file not read -> its line count


def is_ndjson(path: Path) -> bool:
    return path.is_file() and path.name.endswith(NDJSON_SUFFIXES)


def _open(path: Path):
    return gzip.open(path, "rb") if path.name.endswith(".gz") else path.open("rb")


def iter_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line_number, line_without_newline)`` for every line, 1-based, ``\\n``-separated."""
    with _open(path) as handle:
        for number, raw in enumerate(handle, start=1):
            yield number, raw.rstrip(b"\n").rstrip(b"\r")


def count_lines(path: Path) -> int:
    return sum(1 for _n, line in iter_lines(path) if line.strip())


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def type_from_name(name: str, is_known: Callable[[str], bool] = is_known_type) -> str | None:
    """The first token of a file name that is a FHIR resource type (``1.Observation.000.ndjson``)."""
    stem = name.removesuffix(".gz").removesuffix(".ndjson")
    for token in re.split(r"[._\-]", stem):
        if is_known(token):
            return token
    return None


def _peek_type(path: Path) -> str | None:
    for _n, line in iter_lines(path):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            return None
        rtype = obj.get("resourceType") if isinstance(obj, dict) else None
        return rtype if isinstance(rtype, str) and TYPE_NAME.match(rtype) else None
    return None


def _url_name(url: object) -> str | None:
    if not isinstance(url, str) or not url:
        return None
    name = urlparse(url).path.rsplit("/", 1)[-1]
    return name or None


def _read_manifest(path: Path) -> dict:
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, ValueError):
        raise ExportError(f"{path}: is not a readable JSON manifest; fix it or remove it to read every "
                          "*.ndjson file of the folder") from None
    if not isinstance(data, dict) or not isinstance(data.get("output"), list):
        raise ExportError(f"{path}: is not a Bulk Data manifest (needs an 'output' list of {{type, url}})")
    return data


def list_export(folder: Path) -> ExportListing:
    """Find the export's files (see the module docstring). Raises :class:`ExportError`."""
    if not folder.is_dir():
        raise ExportError(f"{folder}: is not a folder; give the folder holding the export's NDJSON files")
    local = sorted(p for p in folder.iterdir() if is_ndjson(p))
    manifest_path = folder / MANIFEST_NAME
    if not manifest_path.is_file():
        listing = ExportListing(manifest=Manifest(found=False))
        for path in local:
            rtype = type_from_name(path.name) or _peek_type(path)
            listing.files.append(ExportFile(path, rtype, is_error_file=rtype == "OperationOutcome"))
        if not local:
            raise ExportError(f"{folder}: holds no *.ndjson file and no {MANIFEST_NAME}")
        return listing
    return _from_manifest(folder, _read_manifest(manifest_path), local)


def _from_manifest(folder: Path, data: dict, local: list[Path]) -> ExportListing:
    errors = data.get("error") if isinstance(data.get("error"), list) else []
    deleted = data.get("deleted") if isinstance(data.get("deleted"), list) else []
    tt = data.get("transactionTime")
    listing = ExportListing(manifest=Manifest(
        found=True, transaction_time=tt if isinstance(tt, str) else None,
        output_entries=len(data["output"]), error_entries=len(errors), deleted_entries=len(deleted)))
    listed: set[str] = set()
    for index, (entry, is_error) in enumerate([(e, False) for e in data["output"]] + [(e, True) for e in errors]):
        key = f"{MANIFEST_NAME} {'error' if is_error else 'output'}[{index if not is_error else index - len(data['output'])}]"
        name = _url_name(entry.get("url")) if isinstance(entry, dict) else None
        rtype = entry.get("type") if isinstance(entry, dict) else None
        if name is None or not isinstance(rtype, str) or not TYPE_NAME.match(rtype):
            listing.problems.append(FileProblem(key, "has no usable url and type"))
            continue
        listed.add(name)
        path = folder / name
        if not path.is_file():
            listing.problems.append(FileProblem(name, f"is listed in {MANIFEST_NAME} but missing from the folder"))
            continue
        count = entry.get("count")
        listing.files.append(ExportFile(path, rtype, count if isinstance(count, int) else None,
                                        is_error_file=is_error))
    if deleted:
        listing.problems.append(FileProblem(MANIFEST_NAME, f"declares {len(deleted)} 'deleted' bundle(s); "
                                            "deletions are not applied by this import"))
    for path in local:
        if path.name not in listed:
            listing.problems.append(FileProblem(path.name, f"is not listed in {MANIFEST_NAME}: not read "
                                                "(remove it or export again)"))
            listing.unread_lines[path.name] = count_lines(path)
    return listing
