"""Shared fixtures: a real lakeFS server and a real MLflow tracking server for the whole session.

Both are started by the project's own services module in a throwaway project data directory on
free loopback ports, exactly as `clinical-pipelines services up` starts them for users. Nothing
here mocks lakeFS, MLflow or Dagster.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    from clinical_pipelines_tests.governance_world import own_stack

    with own_stack(Path(tmp_path_factory.mktemp("clinical-pipelines-home"))) as settings:
        yield settings
