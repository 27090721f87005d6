"""The pseudonym -> identifier linkage map, kept apart from the de-identified outputs.

A SQLite file in its own directory, opened with its own credential: identifier values are encrypted with a Fernet
key read from the vault's own secret file (never the pseudonymisation key, never the repository). Every read is
reported to ``on_access(event)`` with accessor, purpose and counts (no identifier values).
"""
from __future__ import annotations

import datetime as _dt
import os
import sqlite3
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd
from cryptography.fernet import Fernet, InvalidToken

from .errors import DeidError, KeyMaterialError

ENV_VAULT_KEY_FILE = "CLINICAL_PIPELINES_LINKAGE_KEY_FILE"


def create_vault_key(path: str | Path) -> Path:
    """Write a new Fernet key to ``path`` (mode 600). Refuses to overwrite."""
    p = Path(path)
    if p.exists():
        raise KeyMaterialError(f"linkage vault key file already exists: {p}")
    p.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(Fernet.generate_key())
    return p


def _load_key(key_file: str | Path | None) -> bytes:
    path = key_file or os.environ.get(ENV_VAULT_KEY_FILE)
    if not path:
        raise KeyMaterialError(
            f"no linkage vault key: pass key_file or set {ENV_VAULT_KEY_FILE}. Create one with "
            "clinical_pipelines.deid.linkage.create_vault_key('/secure/dir/linkage.key') (outside the repository).")
    p = Path(path)
    if not p.is_file():
        raise KeyMaterialError(f"linkage vault key file not found: {p}")
    key = p.read_bytes().strip()
    try:
        Fernet(key)
    except (ValueError, TypeError):
        raise KeyMaterialError(f"linkage vault key file {p} does not hold a valid Fernet key") from None
    return key


class LinkageVault:
    """Encrypted pseudonym -> identifier store with access recording."""

    def __init__(self, directory: str | Path, *, key_file: str | Path | None = None,
                 on_access: Callable[[dict], None] | None = None, accessor: str = "unknown"):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._fernet = Fernet(_load_key(key_file))
        self.path = self.directory / "linkage.sqlite"
        self._on_access = on_access or (lambda event: None)
        self.accessor = accessor
        with self._conn() as c:
            c.execute("CREATE TABLE IF NOT EXISTS linkage (namespace TEXT NOT NULL, pseudonym TEXT NOT NULL, "
                      "source_table TEXT, source_column TEXT, identifier BLOB NOT NULL, batch_id TEXT, created_at TEXT,"
                      " PRIMARY KEY (namespace, pseudonym, source_column))")
            c.execute("CREATE TABLE IF NOT EXISTS canary (v BLOB)")
            row = c.execute("SELECT v FROM canary").fetchone()
            if row is None:
                c.execute("INSERT INTO canary VALUES (?)", (self._fernet.encrypt(b"linkage-vault"),))
            else:
                try:
                    self._fernet.decrypt(row[0])
                except InvalidToken:
                    raise KeyMaterialError("linkage vault key does not match this vault (wrong credential)") from None

    def _conn(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path)

    def _record(self, action: str, purpose: str, accessor: str | None, **counts) -> None:
        self._on_access({"action": action, "accessor": accessor or self.accessor, "purpose": purpose,
                         "vault": str(self.path), "at": _dt.datetime.now(_dt.timezone.utc).isoformat(), **counts})

    def store(self, rows: pd.DataFrame, *, batch_id: str, purpose: str = "deidentification",
              accessor: str | None = None) -> int:
        """Insert (or keep) linkage rows; returns the number written."""
        need = {"namespace", "pseudonym", "source_table", "source_column", "identifier"}
        missing = need - set(rows.columns)
        if missing:
            raise DeidError(f"linkage rows lack column(s) {sorted(missing)}")
        now = _dt.datetime.now(_dt.timezone.utc).isoformat()
        data = [(r.namespace, r.pseudonym, r.source_table, r.source_column,
                 self._fernet.encrypt(str(r.identifier).encode()), batch_id, now)
                for r in rows.itertuples(index=False)]
        with self._conn() as c:
            before = c.total_changes
            c.executemany("INSERT OR IGNORE INTO linkage VALUES (?,?,?,?,?,?,?)", data)
            written = c.total_changes - before
        self._record("write", purpose, accessor, rows_offered=len(data), rows_written=written, batch_id=batch_id)
        return written

    def lookup(self, pseudonyms: Iterable[str], *, namespace: str, purpose: str, accessor: str) -> dict[str, list[str]]:
        """Re-identify pseudonyms (e.g. for a safety recall). Every call is recorded (counts only)."""
        if not purpose or not accessor:
            raise DeidError("linkage lookup needs an accessor and a purpose")
        ps = list(dict.fromkeys(pseudonyms))
        out: dict[str, list[str]] = {}
        with self._conn() as c:
            for i in range(0, len(ps), 500):
                chunk = ps[i:i + 500]
                q = f"SELECT pseudonym, identifier FROM linkage WHERE namespace=? AND pseudonym IN ({','.join('?' * len(chunk))})"
                for p, blob in c.execute(q, [namespace, *chunk]):
                    out.setdefault(p, []).append(self._fernet.decrypt(blob).decode())
        self._record("read", purpose, accessor, namespace=namespace, pseudonyms_requested=len(ps),
                     pseudonyms_found=len(out))
        return out

    def count(self, *, purpose: str = "inventory", accessor: str | None = None) -> int:
        with self._conn() as c:
            n = int(c.execute("SELECT COUNT(*) FROM linkage").fetchone()[0])
        self._record("count", purpose, accessor, rows=n)
        return n
