"""Fixtures: an audit log on SQLite and on a throwaway PostgreSQL cluster (initdb/pg_ctl).

The PostgreSQL server binaries come from the Debian package ``postgresql`` (``/usr/lib/postgresql/
<major>/bin``). If they are missing the PostgreSQL tests FAIL (not skip): the compose stack runs the
audit log on PostgreSQL, so an untested backend is a gap, not an option.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from clinical_pipelines.audit.store import AuditLog

PG_PACKAGE_HINT = (
    "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (initdb, pg_ctl). "
    "Install them with: apt-get update && apt-get install -y postgresql"
)


def _pg_bindir() -> Path:
    cands = []
    for p in glob.glob("/usr/lib/postgresql/*/bin"):
        if os.access(os.path.join(p, "initdb"), os.X_OK) and os.access(
            os.path.join(p, "pg_ctl"), os.X_OK
        ):
            try:
                cands.append((int(Path(p).parent.name.split(".")[0]), Path(p)))
            except ValueError:
                cands.append((0, Path(p)))
    if not cands:
        pytest.fail(PG_PACKAGE_HINT, pytrace=False)
    return max(cands)[1]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], what: str, log: Path | None = None) -> None:
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    if res.returncode != 0:
        tail = ""
        if log is not None and log.exists():
            tail = "\n--- server log ---\n" + "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        pytest.fail(
            f"{what} failed (exit {res.returncode}):\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}{tail}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A PostgreSQL cluster on a free loopback port; yields the server URL without database."""
    bindir = _pg_bindir()
    tmp = Path(tempfile.mkdtemp(prefix="audit-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root: run the cluster as an unprivileged user
        user = None
        for candidate in ("postgres", "nobody"):
            try:
                pw = pwd.getpwnam(candidate)
                user = candidate
                break
            except KeyError:
                continue
        if user is None:
            pytest.fail("running as root and neither a 'postgres' nor a 'nobody' user exists to "
                        "run the test PostgreSQL cluster", pytrace=False)
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"
        prefix = [runuser, "-u", user, "--"]
    data = tmp / "data"
    log = tmp / "server.log"
    _run(prefix + [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                   "-E", "UTF8", "--locale=C", "-N"], "initdb")
    port = _free_port()
    opts = (f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
    _run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
                   "-o", opts, "start"], "pg_ctl start", log)
    try:
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                 "-w", "stop"], capture_output=True, timeout=60, check=False)
        shutil.rmtree(tmp, ignore_errors=True)


def _pg_admin(server_url: str, sql: str) -> None:
    import psycopg2

    host_port = server_url.rsplit("@", 1)[1]
    host, port = host_port.split(":")
    conn = psycopg2.connect(host=host, port=int(port), user="postgres", dbname="postgres")
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


def _fresh_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'audit.db'}"
        return
    server = request.getfixturevalue("pg_server")
    name = "audit_" + uuid.uuid4().hex[:12]
    _pg_admin(server, f"CREATE DATABASE {name}")
    try:
        yield f"{server}/{name}"
    finally:
        for _ in range(3):
            try:
                _pg_admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                break
            except Exception:  # noqa: BLE001 - best-effort cleanup of a throwaway database
                time.sleep(0.2)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty audit database URL, once per backend."""
    yield from _fresh_url(request, request.param, tmp_path)


@pytest.fixture
def log(db_url: str) -> Iterator[AuditLog]:
    lg = AuditLog(db_url)
    try:
        yield lg
    finally:
        lg.close()


def tamper(lg: AuditLog, *statements: str) -> None:
    """Run raw SQL as a privileged attacker would: first remove the append-only triggers."""
    with lg.engine.begin() as conn:
        if lg.dialect == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_events_no_update")
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_events_no_delete")
        else:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_events_no_modify ON audit_events")
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        for s in statements:
            conn.exec_driver_sql(s)


@pytest.fixture
def raw_sql():
    """``raw_sql(log, *statements)``: tamper with the database directly (triggers removed first)."""
    return tamper


@pytest.fixture(scope="session")
def anchor_keys(tmp_path_factory):
    """The pipeline's anchor key and a forger's key (Ed25519), as (SigningKey, SigningKey, pub path)."""
    from clinical_pipelines.audit.signing import generate_key_pair, load_signing_key, public_key_path

    d = tmp_path_factory.mktemp("anchor-keys")
    generate_key_pair(d / "anchor-signing.key")
    generate_key_pair(d / "forger.key")
    return load_signing_key(d / "anchor-signing.key"), load_signing_key(d / "forger.key"), \
        public_key_path(d / "anchor-signing.key")


@pytest.fixture
def anchoring_env(monkeypatch, tmp_path, anchor_keys):
    """Anchor decisions into ``tmp_path/anchors`` with the pipeline's test key; yields that directory."""
    d = tmp_path / "anchor-store"
    monkeypatch.setenv("CLINICAL_PIPELINES_ANCHOR_DIR", str(d))
    monkeypatch.setenv("CLINICAL_PIPELINES_ANCHOR_SIGNING_KEY_FILE", str(anchor_keys[0].path))
    monkeypatch.delenv("CLINICAL_PIPELINES_TSA_URL", raising=False)
    monkeypatch.delenv("CLINICAL_PIPELINES_TSA_CA_FILE", raising=False)
    return d
