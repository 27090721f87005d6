"""Whole-system PHI leak scan: a cohort's identifiers searched for in every store outside the raw zone.

The identifiers are the direct-identifier columns (study spec role ``direct_identifier``, HIPAA Safe Harbor
45 CFR 164.514(b)(2)(i)) of the raw files in the landing zone. They are searched with the residual scan's
normalised known-identifier search (:class:`~clinical_pipelines.deid.residual.known.KnownIdentifiers`,
``name_parts="out_of_vocabulary"``), so other spellings, separators and accents match too.

All-digit values shorter than :data:`MIN_DIGITS_ALONE` digits (six-digit serials) are left out: across a
whole system's timestamps, sizes and metrics, some number matches one of them by chance.

Stores are read as text: SQLite databases by their text and blob columns (declared type with TEXT, CHAR
or CLOB, or BLOB or none: SQLite type affinity rules; timestamps and numbers are not read), Parquet by its cell values,
every other file decoded as UTF-8 (undecodable bytes replaced). Files over :data:`MAX_BINARY_BYTES` that
are not text-like are skipped and counted. Results are counts per (store, kind) only, never a value.
"""
from __future__ import annotations

import io
import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd

from clinical_pipelines.deid.residual.known import KnownIdentifiers
from clinical_pipelines.deid.residual.normalize import fold

MAX_BINARY_BYTES = 50 * 1024 * 1024
MIN_DIGITS_ALONE = 7
CHUNK_CHARS = 1_000_000
TEXT_SUFFIXES = {".txt", ".log", ".out", ".err", ".json", ".jsonl", ".md", ".csv", ".yaml", ".yml", ".html",
                 ".xml", ".sql", ".py", ".cfg", ".ini", ".toml", ".tsv", ".complete", ""}
_SQLITE_MAGIC = b"SQLite format 3\x00"
_PARQUET_MAGIC = b"PAR1"


def _jsonl_records(data: bytes) -> pd.DataFrame:
    """The JSON objects of a JSON Lines file (records split on "\\n" only); other lines (null, numbers, broken
    JSON in the bad-input test extracts) are skipped."""
    rows = []
    for line in data.decode("utf-8", errors="replace").split("\n"):
        try:
            rec = json.loads(line) if line.strip() else None
        except ValueError:
            continue
        if isinstance(rec, dict):
            rows.append(rec)
    return pd.DataFrame(rows)


def landing_identifiers(lakefs, repository: str, study) -> dict[str, list[str]]:
    """Direct-identifier values of every raw table file on ``repository``'s ``main``: column -> values.

    ``lakefs``: a LakeFSResource; ``study``: a Study whose tables name the raw files (csv or jsonl).
    """
    wanted: dict[str, list[str]] = {}
    for ident in study.direct_identifiers():
        wanted.setdefault(study.tables[ident.table].file, []).append(ident.column)
    values: dict[str, set[str]] = {}
    for path in lakefs.list_paths(repository, "main"):
        columns = wanted.get(path.rsplit("/", 1)[-1])
        if not columns:
            continue
        data = lakefs.read_bytes(repository, "main", path)
        try:
            frame = (_jsonl_records(data) if path.endswith(".jsonl") else pd.read_csv(io.BytesIO(data), dtype=str))
        except ValueError:
            continue  # a deliberately broken test extract; its well-formed siblings carry the identifiers
        for col in columns:
            if col in frame.columns:
                values.setdefault(col, set()).update(
                    str(v) for v in frame[col].dropna() if not _short_number(str(v)))
    return {k: sorted(v) for k, v in values.items()}


@dataclass
class LeakScan:
    """Counts known-identifier hits per (store, kind); ``skipped`` counts files too large to read."""

    known: KnownIdentifiers = field(repr=False)  # holds identifier values: never in a repr or a message
    hits: Counter = field(default_factory=Counter)
    scanned: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)

    # -- text -------------------------------------------------------------------------------------
    def scan_text(self, store: str, text: str) -> None:
        for chunk in _chunks(text):
            for hit in self.known.find(fold(chunk).text):
                self.hits[(store, hit.kind)] += 1

    def scan_bytes(self, store: str, name: str, data: bytes) -> None:
        self.scanned[store] += 1
        if data.startswith(_PARQUET_MAGIC) or name.endswith(".parquet"):
            try:
                frame = pd.read_parquet(io.BytesIO(data))
                self.scan_text(store, " ".join(map(str, frame.columns)) + "\n"
                               + frame.astype(str).to_csv(index=False, header=False))
                return
            except Exception:  # noqa: BLE001 - not Parquet after all: read its bytes as text
                pass
        self.scan_text(store, data.decode("utf-8", errors="replace"))

    # -- files ------------------------------------------------------------------------------------
    def scan_file(self, store: str, path: Path) -> None:
        with path.open("rb") as fh:
            head = fh.read(16)
        if head == _SQLITE_MAGIC:
            self.scan_sqlite(store + "-db", path)
            return
        if path.stat().st_size > MAX_BINARY_BYTES and path.suffix.lower() not in TEXT_SUFFIXES:
            self.skipped[store] += 1
            return
        self.scan_bytes(store, path.name, path.read_bytes())

    def scan_tree(self, store: str, root: Path, exclude: Iterable[str] = ()) -> None:
        """Every file under ``root``; ``exclude``: names of top-level entries not to enter."""
        skip = set(exclude)
        for top in sorted(Path(root).iterdir()) if Path(root).is_dir() else ():
            if top.name in skip:
                continue
            for path in [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file()):
                self.scan_file(store if top.is_file() else f"{store}:{top.name}", path)

    def scan_sqlite(self, store: str, path: Path) -> None:
        """Every text and blob value of every table (read-only connection)."""
        self.scanned[store] += 1
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            for table in tables:
                columns = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")') if _textual(r[2])]
                if not columns:
                    continue
                parts: list[str] = []
                size = 0
                for row in con.execute("SELECT " + ", ".join(f'"{c}"' for c in columns) + f' FROM "{table}"'):
                    for v in row:
                        if isinstance(v, bytes):
                            v = v.decode("utf-8", errors="replace")
                        if isinstance(v, str):
                            parts.append(v)
                            size += len(v)
                    if size > CHUNK_CHARS:
                        self.scan_text(store, "\n".join(parts))
                        parts, size = [], 0
                self.scan_text(store, "\n".join(parts))
        finally:
            con.close()

    # -- lakeFS -----------------------------------------------------------------------------------
    def scan_lakefs(self, client, skip_objects_of: Iterable[str] = ()) -> None:
        """Objects of every branch of every repository (except ``skip_objects_of``), deduplicated by
        checksum; commit messages and metadata of every repository's ``main`` log and of its tags."""
        import lakefs

        skip = set(skip_objects_of)
        for repo in lakefs.repositories(client=client):
            commits = [c for c in repo.ref("main").log()] + [t.get_commit() for t in repo.tags()]
            self.scan_text(f"lakefs-commits:{repo.id}", json.dumps(
                [{"message": c.message, "metadata": c.metadata, "committer": c.committer} for c in commits]))
            if repo.id in skip:
                continue
            seen: set[str] = set()
            for branch in repo.branches():
                for obj in branch.objects():
                    if obj.checksum in seen:
                        continue
                    seen.add(obj.checksum)
                    if (obj.size_bytes or 0) > MAX_BINARY_BYTES and not _text_like(obj.path):
                        self.skipped[f"lakefs-objects:{repo.id}"] += 1
                        continue
                    with branch.object(obj.path).reader(mode="rb") as fh:
                        self.scan_bytes(f"lakefs-objects:{repo.id}", obj.path, fh.read())

    # -- report -----------------------------------------------------------------------------------
    def report(self) -> list[str]:
        """One line per (store, kind) with hits: "<store>: known.<kind> xN" (no values)."""
        return [f"{store}: known.{kind} x{n}" for (store, kind), n in sorted(self.hits.items())]


def _short_number(value: str) -> bool:
    digits = "".join(ch for ch in value if ch.isalnum())
    return digits.isdigit() and len(digits) < MIN_DIGITS_ALONE


def _textual(declared_type: str) -> bool:
    """SQLite affinity (https://www.sqlite.org/datatype3.html 3.1): TEXT, or BLOB/none (may hold text); JSON."""
    t = (declared_type or "").upper()
    return any(s in t for s in ("CHAR", "CLOB", "TEXT", "BLOB", "JSON")) or not t


def _text_like(name: str) -> bool:
    return Path(name).suffix.lower() in TEXT_SUFFIXES


def _chunks(text: str) -> Iterator[str]:
    """Pieces of at most about CHUNK_CHARS characters, cut at line ends where there are any."""
    start = 0
    while start < len(text):
        end = start + CHUNK_CHARS
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        yield text[start:end]
        start = end
