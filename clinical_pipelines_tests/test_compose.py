"""The production compose file stays consistent with the code (there is no Docker engine here to run it)."""

import yaml

from clinical_pipelines.settings import REPO_ROOT

COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_services():
    assert {"postgres", "minio", "lakefs", "mlflow", "dagster-webserver", "dagster-daemon", "code-location"} <= set(COMPOSE["services"])


def test_images_are_pinned_and_ports_bound_to_loopback():
    for name, svc in COMPOSE["services"].items():
        image = svc.get("image", "")
        assert "build" in svc or (":" in image and not image.endswith(":latest")), f"{name} image not pinned"
        for port in svc.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond loopback"


def test_lakefs_runs_on_postgres_and_minio():
    env = COMPOSE["services"]["lakefs"]["environment"]
    assert env["LAKEFS_DATABASE_TYPE"] == "postgres" and env["LAKEFS_BLOCKSTORE_TYPE"] == "s3"
    assert env["LAKEFS_STATS_ENABLED"] == "false"


def test_code_location_gets_every_environment_variable_its_resources_read():
    needed = {
        "LAKEFS_ENDPOINT", "LAKEFS_ACCESS_KEY_ID", "LAKEFS_SECRET_ACCESS_KEY", "MLFLOW_TRACKING_URI", "DAGSTER_UI_URL",
        "CLINICAL_PIPELINES_AUDIT_DB_URL", "CLINICAL_PIPELINES_PSEUDONYM_KEY_FILE",
        "CLINICAL_PIPELINES_LINKAGE_DIR", "CLINICAL_PIPELINES_LINKAGE_KEY_FILE",
    }
    for svc in ("code-location", "dagster-daemon"):
        assert needed <= set(COMPOSE["services"][svc]["environment"]), svc
    # The audit log uses PostgreSQL in production.
    assert COMPOSE["services"]["code-location"]["environment"]["CLINICAL_PIPELINES_AUDIT_DB_URL"].startswith("postgresql")


def test_dagster_instance_config_uses_postgres():
    config = yaml.safe_load((REPO_ROOT / "deploy" / "dagster.yaml").read_text())
    assert "postgres" in config["storage"]


def _secret_names(svc: dict) -> set[str]:
    return {s if isinstance(s, str) else s["source"] for s in svc.get("secrets", [])}


def _secret_targets(svc: dict) -> set[str]:
    return {s if isinstance(s, str) else s.get("target", s["source"]) for s in svc.get("secrets", [])}


def test_every_secret_a_service_mounts_is_declared_with_a_file_keygen_writes(tmp_path):
    from clinical_pipelines.settings import PRODUCTION_SECRET_FILES

    declared = COMPOSE["secrets"]
    for name, svc in COMPOSE["services"].items():
        assert _secret_names(svc) <= set(declared), f"{name} mounts an undeclared secret"
    written = set(PRODUCTION_SECRET_FILES.values())
    written |= {n.replace(".key", ".pub") for n in written if "signing" in n}
    for name, secret in declared.items():
        assert secret["file"].startswith("./secrets/"), name
        assert secret["file"].removeprefix("./secrets/") in written, f"keygen --dir does not write {name}"


def test_the_pipeline_reads_its_keys_from_the_mounted_secrets():
    env = COMPOSE["x-pipeline-env"]
    for svc in ("code-location", "dagster-daemon"):
        targets = _secret_targets(COMPOSE["services"][svc])
        for var in ("CLINICAL_PIPELINES_PSEUDONYM_KEY_FILE", "CLINICAL_PIPELINES_LINKAGE_KEY_FILE",
                    "CLINICAL_PIPELINES_GATE_KEY_FILE", "CLINICAL_PIPELINES_EVIDENCE_SIGNING_KEY_FILE",
                    "CLINICAL_PIPELINES_ANCHOR_SIGNING_KEY_FILE"):
            assert env[var].removeprefix("/run/secrets/") in targets, (svc, var)
        # the public key is published beside each signing key (signing.public_key_path)
        assert {"evidence-signing.pub", "anchor-signing.pub"} <= targets, svc


def test_lakefs_gets_the_gate_attestation_key_its_pre_merge_hook_checks():
    from clinical_pipelines.lakefs_protection import SERVER_KEY_ENV

    lakefs = COMPOSE["services"]["lakefs"]
    assert "gate_attestation_key" in _secret_names(lakefs)
    command = " ".join(lakefs["command"])
    assert f"{SERVER_KEY_ENV}=" in command and "/run/secrets/gate_attestation_key" in command


def test_keygen_dir_writes_every_production_secret_once(tmp_path, capsys):
    from clinical_pipelines.audit.cli import audit_main
    from clinical_pipelines.audit.signing import load_signing_key

    assert audit_main(["keygen", "--dir", str(tmp_path)]) == 0
    files = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    for secret in COMPOSE["secrets"].values():
        assert secret["file"].removeprefix("./secrets/") in files
    assert all((tmp_path / n).stat().st_mode & 0o077 == 0 for n in files if not n.endswith(".pub"))
    load_signing_key(tmp_path / "evidence-signing.key")
    assert audit_main(["keygen", "--dir", str(tmp_path)]) == 0  # never overwrites
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == files


def _compose_check_binary(tmp_path_factory) -> str:
    """tools/compose-check built once per source version (cached beside the lakeFS binary)."""
    import hashlib
    import os
    import subprocess

    from clinical_pipelines.services import find_go, lakefs_binary_path

    source = REPO_ROOT / "tools" / "compose-check"
    digest = hashlib.sha256(b"".join((source / n).read_bytes() for n in ("go.mod", "go.sum", "main.go")))
    binary = lakefs_binary_path().parent.parent / f"compose-check-{digest.hexdigest()[:12]}"
    if not binary.exists():
        go = find_go()
        assert go is not None, "Go is needed to build tools/compose-check (the same toolchain that builds lakeFS)"
        binary.parent.mkdir(parents=True, exist_ok=True)
        tmp = tmp_path_factory.mktemp("compose-check") / "compose-check"
        subprocess.run([go, "build", "-trimpath", "-o", str(tmp), "."], cwd=source, check=True,
                       env=dict(os.environ, CGO_ENABLED="0", GOFLAGS="-mod=readonly"))
        tmp.replace(binary)
    return str(binary)


_DOTENV = {"POSTGRES_USER": "pipeline", "POSTGRES_PASSWORD": "pw", "MINIO_ROOT_USER": "minio",
           "MINIO_ROOT_PASSWORD": "minio-pw", "LAKEFS_ACCESS_KEY_ID": "AKIAEXAMPLE",
           "LAKEFS_SECRET_ACCESS_KEY": "secret", "LAKEFS_ENCRYPT_SECRET_KEY": "encrypt"}


def test_compose_file_loads_with_the_compose_spec_loader(tmp_path, tmp_path_factory):
    """compose-go (Docker Compose's own loader) accepts the file with a complete .env and refuses it,
    naming the variable, when one required secret is missing."""
    import os
    import shutil
    import subprocess

    binary = _compose_check_binary(tmp_path_factory)
    shutil.copy(REPO_ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    env = {k: v for k, v in os.environ.items() if k not in _DOTENV}
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in _DOTENV.items()))
    ok = subprocess.run([binary, str(tmp_path / "docker-compose.yml")], env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr[-2000:]
    assert set(ok.stdout.split()) == set(COMPOSE["services"])
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in _DOTENV.items() if k != "POSTGRES_PASSWORD"))
    bad = subprocess.run([binary, str(tmp_path / "docker-compose.yml")], env=env, capture_output=True, text=True)
    assert bad.returncode == 1 and "POSTGRES_PASSWORD" in bad.stderr
