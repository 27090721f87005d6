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
    truth = write_export(root / "export", patients=120, seed=11)  # enough per site and age band for the gate minimums
    result = import_export(root / "export", root / "out")
    return truth, result


@pytest.fixture
def make_export(tmp_path):
    """``make_export({"Patient.ndjson": [resource or raw line, ...]}, manifest=None)`` -> (folder, out)."""
    import json

    def build(files, manifest=None, name="export"):
        folder = tmp_path / name
        folder.mkdir()
        for fname, lines in files.items():
            text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
            (folder / fname).write_text(text, encoding="utf-8")
        if manifest is not None:
            (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        return folder, tmp_path / f"{name}-out"

    return build
