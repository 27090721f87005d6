"""Which studies a deployment runs: the built-in studies plus studies registered from a spec folder.

A deployment resolves every study id (a Dagster partition key, a lakeFS folder, an MLflow model
name; ``layout.py``) to its validated spec through :class:`StudyRegistry`:

- **built-in studies**: ``studies/<study_id>/study.yaml`` of the package (``builtin.py``);
- **registered studies**: :meth:`StudyRegistry.register` validates a spec (the same loader as
  ``study check``), then copies ``study.yaml``, its intended-use file and a ``README.md`` if present
  into ``<data dir>/studies/<study_id>/spec/`` and records ``registration.json``: study id, spec
  SHA-256 (of ``study.yaml``, the hash recorded in de-identification reports and lakeFS commit
  metadata), SHA-256 of each copied file, source path and time. Data files are never copied.

Fail closed: a study id that is neither built in nor registered, a registered copy whose files no
longer match their recorded hashes (edited after registration), a built-in id reused
for another spec, or a second registration of a different spec under the same id (without
``replace=True``) raise :class:`StudyRegistryError` saying what is wrong and how to fix it.
Messages name files and ids, never data. No Dagster import.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from clinical_pipelines.study.builtin import (
    BuiltinStudyError, builtin_study_ids, builtin_study_path, load_builtin_study,
)
from clinical_pipelines.study.layout import require_study_id
from clinical_pipelines.study.spec import Study, load_study

REGISTRY_FOLDER = "studies"  # under the project data dir (CLINICAL_PIPELINES_HOME)
RECORD = "registration.json"
SPEC_FOLDER = "spec"
BUILTIN, REGISTERED = "builtin", "registered"


class StudyRegistryError(LookupError):
    """A study cannot be registered or resolved (the message says why and what to do)."""


@dataclass(frozen=True)
class StudyEntry:
    """One study the deployment knows: where its spec is and the SHA-256 of ``study.yaml``."""

    study_id: str
    origin: str  # BUILTIN | REGISTERED
    spec_path: Path
    spec_sha256: str
    files: dict[str, str] = field(default_factory=dict)  # copied file (relative) -> SHA-256; registered only
    source: str | None = None  # the folder it was registered from
    registered_at: str | None = None

    def to_dict(self) -> dict:
        return {**asdict(self), "spec_path": str(self.spec_path)}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def spec_sha256(study: Study) -> str:
    """SHA-256 of the study's ``study.yaml`` bytes (``deid.study_rules.study_sha256``: one definition)."""
    from clinical_pipelines.deid.study_rules import study_sha256

    return study_sha256(study)


def _spec_file(path: str | Path) -> Path:
    path = Path(path)
    spec = path / "study.yaml" if path.is_dir() else path
    if not spec.is_file():
        raise StudyRegistryError(f"no study spec at {spec}: give a study.yaml or the folder holding it")
    return spec.resolve()


def _files_to_copy(study: Study) -> list[str]:
    """``study.yaml``, the intended-use file and README.md (relative to the spec folder)."""
    rel = PurePosixPath(study.intended_use)
    if rel.is_absolute() or ".." in rel.parts:
        raise StudyRegistryError(f"{study.path}: intended_use must be a file inside the study folder "
                                 "(a relative path without '..')")
    names = [study.path.name, rel.as_posix()]
    if (study.folder / "README.md").is_file():
        names.append("README.md")
    for name in names:
        if not (study.folder / name).is_file():
            raise StudyRegistryError(f"{study.path}: {name} (named by the spec) does not exist in {study.folder}")
    return names


class StudyRegistry:
    """Built-in and registered studies of one project data dir (``home``: ``Settings.home``)."""

    def __init__(self, home: str | Path):
        self.root = Path(home) / REGISTRY_FOLDER

    # ---- listing
    def registered_ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.parent.name for p in self.root.glob(f"*/{RECORD}"))

    def ids(self) -> list[str]:
        """Every study id this deployment can run (built-in first, then registered), sorted."""
        return sorted(set(builtin_study_ids()) | set(self.registered_ids()))

    # ---- resolving
    def entry(self, study_id: str) -> StudyEntry:
        """The entry of ``study_id``; StudyRegistryError when unknown or its registered copy was edited."""
        require_study_id(study_id)
        if study_id in builtin_study_ids():
            study = load_builtin_study(study_id)
            return StudyEntry(study_id, BUILTIN, builtin_study_path(study_id), spec_sha256(study))
        record_path = self.root / study_id / RECORD
        if not record_path.is_file():
            raise StudyRegistryError(
                f"unknown study {study_id!r}: built-in studies are {', '.join(builtin_study_ids())}; registered "
                f"studies are {', '.join(self.registered_ids()) or 'none'}. Register it first "
                "(`clinical-pipelines demo --study STUDY.yaml` or `clinical-pipelines study register STUDY.yaml`).")
        data = json.loads(record_path.read_text())
        entry = StudyEntry(study_id, REGISTERED, self.root / study_id / SPEC_FOLDER / data["spec_file"],
                           data["spec_sha256"], dict(data["files"]), data.get("source"), data.get("registered_at"))
        folder = entry.spec_path.parent
        changed = [name for name, sha in sorted(entry.files.items())
                   if not (folder / name).is_file() or _sha256(folder / name) != sha]
        if changed:
            raise StudyRegistryError(
                f"the registered copy of study {study_id!r} in {folder} was changed after registration "
                f"({', '.join(changed)}): register the spec again (`--replace`) so its new hash is recorded")
        return entry

    def study(self, study_id: str) -> Study:
        """The validated spec of ``study_id`` (StudyRegistryError / StudySpecError when it cannot be used)."""
        entry = self.entry(study_id)
        if entry.origin == BUILTIN:
            return load_builtin_study(study_id)
        return load_study(entry.spec_path)

    # ---- registering
    def register(self, path: str | Path, *, replace: bool = False) -> StudyEntry:
        """Validate the spec at ``path`` (a study.yaml or its folder) and record it (see module doc).

        Returns the built-in entry when ``path`` is a built-in study's own spec; an identical earlier
        registration is returned unchanged. Raises StudySpecError (spec problems, each naming file,
        key and what is allowed) or StudyRegistryError.
        """
        spec = _spec_file(path)
        study = load_study(spec)
        sid = study.study_id
        if sid in builtin_study_ids():
            if builtin_study_path(sid).resolve() == spec:
                return self.entry(sid)
            raise StudyRegistryError(f"{spec}: study id {sid!r} is a built-in study; give your study another "
                                     "study_id")
        names = _files_to_copy(study)
        files = {name: _sha256(study.folder / name) for name in names}
        record_path = self.root / sid / RECORD
        if record_path.is_file():
            current = json.loads(record_path.read_text())
            if current.get("files") == files:
                return self.entry(sid)
            if not replace:
                raise StudyRegistryError(
                    f"{spec}: study {sid!r} is already registered with another spec (sha256 "
                    f"{current.get('spec_sha256', '?')[:12]}); give the changed study a new study_id, or replace "
                    "the registration (`--replace`) if no released data depends on the old spec")
        self._write(sid, study, names, files, spec)
        return self.entry(sid)

    def _write(self, sid: str, study: Study, names: list[str], files: dict[str, str], spec: Path) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{sid}-", dir=self.root))
        try:
            for name in names:
                target = tmp / SPEC_FOLDER / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(study.folder / name, target)
            record = {"study_id": sid, "spec_file": spec.name, "spec_sha256": files[spec.name], "files": files,
                      "source": str(study.folder), "registered_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
            (tmp / RECORD).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
            final = self.root / sid
            if final.exists():
                old = self.root / f".{sid}-replaced-{os.getpid()}"
                final.rename(old)
                tmp.rename(final)
                shutil.rmtree(old, ignore_errors=True)
            else:
                tmp.rename(final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)


def resolve_study(study_id: str, home: str | Path | None = None) -> Study:
    """study id -> validated Study, built-in or registered under ``home`` (default: ``Settings.from_env().home``)."""
    if home is None:
        from clinical_pipelines.settings import Settings

        home = Settings.from_env().home
    return StudyRegistry(home).study(study_id)


__all__ = ["BUILTIN", "REGISTERED", "BuiltinStudyError", "StudyEntry", "StudyRegistry", "StudyRegistryError",
           "resolve_study", "spec_sha256"]
