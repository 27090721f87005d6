"""The local services fail with messages that say what is wrong and what to do."""

import socket

import pytest

from clinical_pipelines import services
from clinical_pipelines.settings import Settings


def test_taken_port_is_reported_with_the_fix(tmp_path):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        settings = Settings(home=tmp_path, mlflow_port=port)
        with pytest.raises(services.ServiceError, match=rf"port {port} .*already taken.*CLINICAL_PIPELINES_MLFLOW_PORT"):
            services.start_mlflow(settings)


def test_missing_go_toolchain_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    monkeypatch.delenv("CLINICAL_PIPELINES_LAKEFS_BIN", raising=False)
    monkeypatch.setenv("CLINICAL_PIPELINES_GO", str(tmp_path / "no-such-go"))
    with pytest.raises(services.ServiceError, match="no Go toolchain found"):
        services.ensure_lakefs_binary()


def test_lakefs_and_mlflow_answer_health_checks(stack):
    status = services.status(stack)
    assert status["lakefs"]["healthy"] and status["mlflow"]["healthy"]
    assert status["lakefs"]["url"].startswith("http://127.0.0.1:")


def test_lakefs_config_stays_on_loopback_and_never_calls_home(stack):
    config = (stack.lakefs_dir / "config.yaml").read_text()
    assert f"listen_address: 127.0.0.1:{stack.lakefs_port}" in config
    assert "check_latest_version: false" in config and "enabled: false" in config
