"""The study registry: built-in studies, registration by path (copied and hashed), fail-closed resolution."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from clinical_pipelines.study import layout
from clinical_pipelines.study.builtin import builtin_study_ids, builtin_study_path
from clinical_pipelines.study.registry import BUILTIN, REGISTERED, StudyRegistry, StudyRegistryError
from clinical_pipelines.study.spec import StudySpecError


def user_study(tmp_path: Path, study_id: str = "my-cohort") -> Path:
    """A user's study folder: the heart-disease spec under another study id, with a data file beside it."""
    folder = tmp_path / "source"
    shutil.copytree(builtin_study_path("heart-disease").parent, folder)
    spec = folder / "study.yaml"
    spec.write_text(re.sub(r"(?m)^study_id: .*$", f"study_id: {study_id}", spec.read_text()))
    (folder / "data.csv").write_text("not copied\n")
    return spec


def test_builtin_studies_resolve_with_their_spec_hash(tmp_path):
    registry = StudyRegistry(tmp_path)
    assert {"mace", "heart-disease"} <= set(registry.ids())
    entry = registry.entry("heart-disease")
    assert entry.origin == BUILTIN
    assert entry.spec_sha256 == hashlib.sha256(builtin_study_path("heart-disease").read_bytes()).hexdigest()
    assert registry.study("mace").study_id == "mace"


def test_register_copies_the_spec_folder_without_data_and_records_hashes(tmp_path):
    spec = user_study(tmp_path)
    registry = StudyRegistry(tmp_path / "home")
    entry = registry.register(spec)
    assert entry.origin == REGISTERED and entry.study_id == "my-cohort"
    assert entry.spec_sha256 == hashlib.sha256(spec.read_bytes()).hexdigest()
    copied = sorted(p.name for p in entry.spec_path.parent.iterdir())
    assert copied == ["README.md", "intended_use.yaml", "study.yaml"]
    assert "my-cohort" in registry.ids() and registry.registered_ids() == ["my-cohort"]
    assert registry.study("my-cohort").study_id == "my-cohort"
    record = json.loads((tmp_path / "home" / "studies" / "my-cohort" / "registration.json").read_text())
    assert record["spec_sha256"] == entry.spec_sha256 and set(record["files"]) == set(copied)
    # the registered copy, not the source, is what runs: the source may move on
    spec.write_text(spec.read_text() + "\n# edited\n")
    assert registry.study("my-cohort").path == entry.spec_path


def test_registering_the_same_spec_twice_is_idempotent_and_a_changed_one_needs_replace(tmp_path):
    spec = user_study(tmp_path)
    registry = StudyRegistry(tmp_path / "home")
    first = registry.register(spec)
    assert registry.register(spec.parent) == first
    spec.write_text(spec.read_text().replace('title: "', 'title: "Revised: '))
    with pytest.raises(StudyRegistryError, match="already registered with another spec"):
        registry.register(spec)
    replaced = registry.register(spec, replace=True)
    assert replaced.spec_sha256 != first.spec_sha256
    assert registry.study("my-cohort").title.startswith("Revised: ")


def test_an_edited_registered_copy_fails_closed(tmp_path):
    registry = StudyRegistry(tmp_path / "home")
    entry = registry.register(user_study(tmp_path))
    entry.spec_path.write_text(entry.spec_path.read_text() + "\n# edited in place\n")
    with pytest.raises(StudyRegistryError, match="changed after registration"):
        registry.study("my-cohort")


def test_unknown_builtin_reuse_draft_and_invalid_specs_are_refused(tmp_path):
    registry = StudyRegistry(tmp_path / "home")
    with pytest.raises(StudyRegistryError, match="unknown study 'nobody-here'"):
        registry.study("nobody-here")
    with pytest.raises(StudyRegistryError, match="is a built-in study"):
        registry.register(user_study(tmp_path, study_id="mace"))
    assert registry.register(builtin_study_path("heart-disease")).origin == BUILTIN
    spec = user_study(tmp_path / "draft", study_id="draft-study")
    spec.write_text(spec.read_text().replace("spec_version: 1", "spec_version: 1\ndraft: true"))
    with pytest.raises(StudySpecError, match="draft"):
        registry.register(spec)
    broken = user_study(tmp_path / "broken", study_id="broken-study")
    broken.write_text(broken.read_text().replace("outcome:\n", "outcomes:\n", 1))
    with pytest.raises(StudySpecError):
        registry.register(broken)
    with pytest.raises(StudyRegistryError, match="no study spec"):
        registry.register(tmp_path / "nowhere")
    assert registry.registered_ids() == []


def test_layout_paths_and_model_names_per_study():
    from clinical_pipelines.settings import REGISTERED_MODEL_NAME
    from clinical_pipelines.study.builtin import DEFAULT_STUDY_ID

    assert layout.registered_model_name(DEFAULT_STUDY_ID) == REGISTERED_MODEL_NAME == "clinical-mace-risk"
    assert layout.registered_model_name("heart-disease") == "clinical-heart-disease-risk"
    assert layout.study_of_model("clinical-heart-disease-risk") == "heart-disease"
    assert layout.landing_batch_prefix("mace", "b-1") == "studies/mace/b-1/"
    assert layout.snapshot_prefix("heart-disease", "va-long-beach") == "studies/heart-disease/batches/va-long-beach/"
    paths = ["studies/mace/batches/a/manifest.json", "studies/mace/batches/a/x.parquet",
             "studies/other/batches/b/manifest.json", "studies/mace/labels/consensus.parquet"]
    assert layout.snapshot_batch_ids("mace", paths) == ["a"]
    for bad in ("Mace", "x", "../etc", "a_b"):
        with pytest.raises(layout.LayoutError):
            layout.study_prefix(bad)
    for bad in ("", "../x", "a/b", "a|b", "_manifests"):
        with pytest.raises(layout.LayoutError):
            layout.landing_batch_prefix("mace", bad)
    assert set(builtin_study_ids()) >= {"mace", "heart-disease"}
