"""Shared fixtures: a real lakeFS server and a real MLflow tracking server for the whole session.

Both are started by the project's own services module in a throwaway project data directory on
free loopback ports, exactly as `clinical-pipelines services up` starts them for users. Nothing
here mocks lakeFS, MLflow or Dagster.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    from clinical_pipelines import services
    from clinical_pipelines.settings import Settings

    home = tmp_path_factory.mktemp("clinical-pipelines-home")
    settings = Settings(home=Path(home), lakefs_port=services.free_port(), mlflow_port=services.free_port())
    saved = dict(os.environ)
    os.environ["CLINICAL_PIPELINES_HOME"] = str(home)
    os.environ["CLINICAL_PIPELINES_LAKEFS_PORT"] = str(settings.lakefs_port)
    os.environ["CLINICAL_PIPELINES_MLFLOW_PORT"] = str(settings.mlflow_port)
    try:
        services.up(settings, ("lakefs", "mlflow"))
        # A fixed pseudonym key makes pseudonyms, and so the patient split, the same on every run.
        from clinical_pipelines.settings import write_secret

        write_secret(settings.pseudonym_key_file, hashlib.sha256(b"clinical-pipelines test key").hexdigest())
        settings.ensure_local_secrets()
        os.environ.update(settings.service_env())
        yield settings
    finally:
        services.down(settings, ("lakefs", "mlflow"))
        os.environ.clear()
        os.environ.update(saved)
