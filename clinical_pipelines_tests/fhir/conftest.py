"""Fixtures: a synthetic FHIR R4 Bulk Data export written by the tests, and its import.

This folder has no ``__init__.py`` on purpose: as a package it would be imported as ``fhir`` and
shadow the ``fhir`` package of ``fhir.resources``. Test modules are therefore named ``test_fhir_*``.
"""

from __future__ import annotations

import pytest

from clinical_pipelines.fhir.importer import import_export
from clinical_pipelines.fhir.synthetic import write_export


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    root = tmp_path_factory.mktemp("fhir")
    truth = write_export(root / "export", patients=12, seed=11)
    result = import_export(root / "export", root / "out")
    return truth, result
