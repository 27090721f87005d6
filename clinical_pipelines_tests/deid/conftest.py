import pytest

from clinical_pipelines.deid.policy import load_deid_policy


@pytest.fixture(scope="session")
def policy():
    return load_deid_policy()


@pytest.fixture(scope="session")
def engine(policy):
    from clinical_pipelines.deid.text import ClinicalTextDeidentifier

    return ClinicalTextDeidentifier(policy)


@pytest.fixture()
def key():
    return bytes(range(32))
