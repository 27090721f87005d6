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
