"""Start, stop and inspect the project's local services: lakeFS, MLflow and Dagster.

All of them listen on 127.0.0.1 only and keep their data under the project data directory
(see :mod:`clinical_pipelines.settings`). lakeFS is built once per machine from its Go module
(``tools/lakefs-server``) and cached. Every failure says what failed and what to do.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from clinical_pipelines.settings import REPO_ROOT, Settings

LAKEFS_VERSION = "v1.84.0"
LAKEFS_MODULE_DIR = REPO_ROOT / "tools" / "lakefs-server"
SERVICES = ("lakefs", "mlflow", "dagster")


class ServiceError(RuntimeError):
    """A service could not be built, started or reached. The message says what to do."""


def _say(msg: str) -> None:
    print(f"[services] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
# lakeFS binary: built from its Go module once per machine
# ---------------------------------------------------------------------------------------
def lakefs_cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "clinical-pipelines" / f"lakefs-{LAKEFS_VERSION}"


def lakefs_binary_path() -> Path:
    override = os.environ.get("CLINICAL_PIPELINES_LAKEFS_BIN")
    return Path(override) if override else lakefs_cache_dir() / "lakefs"


def find_go() -> str | None:
    """The Go toolchain: $CLINICAL_PIPELINES_GO if set, else `go` on PATH, else /usr/local/go."""
    explicit = os.environ.get("CLINICAL_PIPELINES_GO")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    default = Path("/usr/local/go/bin/go")
    return shutil.which("go") or (str(default) if default.is_file() else None)


def ensure_lakefs_binary() -> Path:
    """Return the cached lakeFS binary, building it from the pinned Go module if needed."""
    binary = lakefs_binary_path()
    if binary.exists():
        return binary
    go = find_go()
    if go is None:
        raise ServiceError(
            "Cannot build lakeFS: no Go toolchain found. Install Go >= 1.26.4 (https://go.dev/dl) "
            "and make sure `go` is on PATH, or point CLINICAL_PIPELINES_LAKEFS_BIN at a lakeFS "
            f"{LAKEFS_VERSION} binary."
        )
    binary.parent.mkdir(parents=True, exist_ok=True)
    log = binary.parent / "build.log"
    _say(
        f"building lakeFS {LAKEFS_VERSION} from its Go module (first time on this machine: "
        f"downloads ~1 GB of modules and compiles for several minutes; log: {log})"
    )
    env = dict(os.environ, CGO_ENABLED="0", GOFLAGS="-mod=readonly")
    # The pinned go.sum holds every hash, so the checksum database is not consulted for them.
    env.setdefault("GONOSUMDB", "github.com/treeverse")
    tmp = binary.with_suffix(".partial")
    started = time.monotonic()
    with open(log, "w") as fh:
        proc = subprocess.run(
            [go, "build", "-trimpath", "-o", str(tmp), "."],
            cwd=LAKEFS_MODULE_DIR,
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    if proc.returncode != 0:
        tail = log.read_text()[-2000:]
        raise ServiceError(
            f"Building lakeFS failed (exit {proc.returncode}). Last lines of {log}:\n{tail}\n"
            "Check that the Go module proxy is reachable and that Go >= 1.26.4 is installed."
        )
    tmp.rename(binary)
    _say(f"lakeFS built in {time.monotonic() - started:.0f} s: {binary}")
    return binary


# ---------------------------------------------------------------------------------------
# process helpers
# ---------------------------------------------------------------------------------------
def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return 200 <= resp.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    port: int
    health_url: str
    timeout_s: float


def _specs(settings: Settings) -> dict[str, ServiceSpec]:
    return {
        "lakefs": ServiceSpec("lakefs", settings.lakefs_port, f"{settings.lakefs_endpoint}/_health", 90),
        "mlflow": ServiceSpec("mlflow", settings.mlflow_port, f"{settings.mlflow_uri}/health", 120),
        "dagster": ServiceSpec("dagster", settings.dagster_port, f"{settings.dagster_url}/server_info", 240),
    }


def _pid_file(settings: Settings, name: str) -> Path:
    return settings.run_dir / f"{name}.pid"


def _read_pid(settings: Settings, name: str) -> int | None:
    path = _pid_file(settings, name)
    if not path.exists():
        return None
    try:
        pid = int(path.read_text().strip())
        os.kill(pid, 0)
        return pid
    except (ValueError, ProcessLookupError, PermissionError):
        return None


def _spawn(settings: Settings, name: str, argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen:
    spec = _specs(settings)[name]
    if not port_is_free(spec.port):
        raise ServiceError(
            f"Cannot start {name}: port {spec.port} on 127.0.0.1 is already taken. Stop whatever "
            f"listens there (`ss -ltnp 'sport = :{spec.port}'`) or choose another port with "
            f"CLINICAL_PIPELINES_{name.upper()}_PORT."
        )
    settings.logs_dir.mkdir(parents=True, exist_ok=True)
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    log = open(settings.logs_dir / f"{name}.log", "ab")
    # Restore default SIGINT/SIGTERM handling in the child (a background parent may have
    # set them to SIG_IGN, which `dagster dev` would inherit and then never stop).
    wrapped = [
        sys.executable,
        "-c",
        "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
        "signal.signal(signal.SIGTERM, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])",
        *argv,
    ]
    proc = subprocess.Popen(
        wrapped, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    _pid_file(settings, name).write_text(str(proc.pid))
    return proc


def _wait_healthy(settings: Settings, name: str, proc: subprocess.Popen) -> None:
    spec = _specs(settings)[name]
    deadline = time.monotonic() + spec.timeout_s
    while time.monotonic() < deadline:
        if _http_ok(spec.health_url):
            return
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    log = settings.logs_dir / f"{name}.log"
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    stop_service(settings, name)
    raise ServiceError(
        f"{name} did not become healthy at {spec.health_url} within {spec.timeout_s:.0f} s "
        f"(process {'exited with ' + str(proc.returncode) if proc.poll() is not None else 'still running'}). "
        f"Last lines of {log}:\n{tail}"
    )


# ---------------------------------------------------------------------------------------
# the three services
# ---------------------------------------------------------------------------------------
def lakefs_config(settings: Settings) -> str:
    key_id, secret = settings.lakefs_credentials(create=True)
    encrypt = settings.ensure_secret_file(settings.secrets_dir / "lakefs-encrypt.key").read_text().strip()
    d = settings.lakefs_dir
    return "\n".join(
        [
            f"listen_address: 127.0.0.1:{settings.lakefs_port}",
            "logging:",
            "  format: text",
            "  level: WARN",
            "database:",
            "  type: local",
            "  local:",
            f"    path: {d / 'metadata'}",
            "blockstore:",
            "  type: local",
            "  local:",
            f"    path: {d / 'data'}",
            "committed:",
            "  local_cache:",
            f"    dir: {d / 'cache'}",
            "auth:",
            "  encrypt:",
            f"    secret_key: {encrypt}",
            "installation:",
            "  user_name: clinical-pipelines-admin",
            f"  access_key_id: {key_id}",
            f"  secret_access_key: {secret}",
            "stats:",
            "  enabled: false",
            "security:",
            "  check_latest_version: false",
            "usage_report:",
            "  enabled: false",
            "",
        ]
    )


def start_lakefs(settings: Settings) -> None:
    binary = ensure_lakefs_binary()
    settings.lakefs_dir.mkdir(parents=True, exist_ok=True)
    config = settings.lakefs_dir / "config.yaml"
    config.write_text(lakefs_config(settings))
    os.chmod(config, 0o600)
    # The pre-merge gate hook reads its key from the server's environment (lakefs_protection).
    from clinical_pipelines.lakefs_protection import SERVER_KEY_ENV

    gate_key = settings.ensure_secret_file(settings.gate_attestation_key_file).read_text().strip()
    env = dict(os.environ, LAKEFS_STATS_ENABLED="false", **{SERVER_KEY_ENV: gate_key})
    proc = _spawn(settings, "lakefs", [str(binary), "run", "--config", str(config)], env, settings.lakefs_dir)
    _wait_healthy(settings, "lakefs", proc)


def start_mlflow(settings: Settings) -> None:
    d = settings.mlflow_dir
    (d / "artifacts").mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false",
        MLFLOW_DISABLE_TELEMETRY="true",
    )
    mlflow_bin = Path(sys.executable).parent / "mlflow"
    argv = [
        str(mlflow_bin) if mlflow_bin.exists() else "mlflow",
        "server",
        "--backend-store-uri", f"sqlite:///{d / 'mlflow.db'}",
        "--artifacts-destination", str(d / "artifacts"),
        "--host", "127.0.0.1",
        "--port", str(settings.mlflow_port),
        "--workers", "1",
    ]
    proc = _spawn(settings, "mlflow", argv, env, d)
    _wait_healthy(settings, "mlflow", proc)


def write_dagster_yaml(settings: Settings) -> None:
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    (settings.dagster_home / "dagster.yaml").write_text(
        "telemetry:\n  enabled: false\n"
        "run_coordinator:\n  module: dagster.core.run_coordinator\n  class: QueuedRunCoordinator\n"
        "  config:\n    max_concurrent_runs: 1\n"
    )


def start_dagster(settings: Settings) -> None:
    write_dagster_yaml(settings)
    env = dict(os.environ, **settings.service_env())
    dagster_bin = Path(sys.executable).parent / "dagster"
    argv = [
        str(dagster_bin) if dagster_bin.exists() else "dagster",
        "dev", "-w", str(REPO_ROOT / "workspace.yaml"),
        "-h", "127.0.0.1", "-p", str(settings.dagster_port),
    ]
    proc = _spawn(settings, "dagster", argv, env, REPO_ROOT)
    _wait_healthy(settings, "dagster", proc)


_STARTERS = {"lakefs": start_lakefs, "mlflow": start_mlflow, "dagster": start_dagster}


def is_running(settings: Settings, name: str) -> bool:
    return _read_pid(settings, name) is not None and _http_ok(_specs(settings)[name].health_url)


def start_service(settings: Settings, name: str) -> None:
    if is_running(settings, name):
        _say(f"{name} already running on port {_specs(settings)[name].port}")
        return
    started = time.monotonic()
    _say(f"starting {name} ...")
    _STARTERS[name](settings)
    _say(f"{name} ready on port {_specs(settings)[name].port} in {time.monotonic() - started:.1f} s")


def stop_service(settings: Settings, name: str, timeout_s: float = 20) -> bool:
    pid = _read_pid(settings, name)
    _pid_file(settings, name).unlink(missing_ok=True)
    if pid is None:
        return False
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:  # reap it if it is our own child, or it lingers as a zombie
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return True
        except ChildProcessError:
            pass
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return True


def up(settings: Settings, names: tuple[str, ...] = SERVICES) -> None:
    for name in names:
        start_service(settings, name)


def down(settings: Settings, names: tuple[str, ...] = SERVICES) -> None:
    for name in reversed(names):
        if stop_service(settings, name):
            _say(f"stopped {name}")


def status(settings: Settings) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for name, spec in _specs(settings).items():
        out[name] = {
            "pid": _read_pid(settings, name),
            "port": spec.port,
            "healthy": _http_ok(spec.health_url),
            "url": spec.health_url.rsplit("/", 1)[0],
        }
    return out
