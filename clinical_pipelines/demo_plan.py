"""What ``clinical-pipelines demo`` runs: which study, from which spec, on which batch folders (no services).

- no ``--study``: the built-in ``mace`` study on a freshly generated synthetic cohort (as ``make demo``);
- ``--study heart-disease`` (a built-in study id): its raw batches written by
  ``clinical_pipelines.study.builtin_data`` (one per site), unless ``--data`` gives them;
- ``--study STUDY.yaml`` (or its folder) or the id of a study registered before: ``--data DIR`` is
  required: a folder of batch folders, or one folder holding the table files (= one batch).

Before anything starts, the spec and the data get exactly the checks of ``clinical-pipelines study
check``; any problem stops the demo with that report (fail closed). A spec given by path is then
registered in the project data dir (``study.registry``). Messages name files, folders and ids,
never values.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from clinical_pipelines.study.builtin import DEFAULT_STUDY_ID, builtin_study_ids
from clinical_pipelines.study.layout import LayoutError, require_batch_id


class DemoPlanError(RuntimeError):
    """The demo cannot run on what was given (the message says what to fix); ``report`` when a check failed."""

    def __init__(self, message: str, report=None):
        super().__init__(message)
        self.report = report


@dataclass
class DemoPlan:
    study_id: str
    spec_path: Path
    synthetic_patients: int | None = None  # the mace cohort is generated at landing time
    batches: dict[str, Path] = field(default_factory=dict)  # batch id -> folder holding its files
    data_dir: Path | None = None
    register_from: Path | None = None  # a spec given by path: registered before the run

    def describe(self) -> str:
        if self.synthetic_patients is not None:
            return f"study {self.study_id}: synthetic cohort of {self.synthetic_patients} patients"
        return f"study {self.study_id}: {len(self.batches)} batch(es) from {self.data_dir}"


def _looks_like_path(value: str) -> bool:
    return "/" in value or value.endswith((".yaml", ".yml")) or Path(value).exists()


def _batches(study, data: Path) -> dict[str, Path]:
    from clinical_pipelines.study.check import batch_folders, no_batch_message

    if not data.is_dir():
        raise DemoPlanError(f"{data}: folder not found (give a folder of batch folders, or one batch folder)")
    folders = batch_folders(study, data)
    if not folders:
        raise DemoPlanError(f"{data}: {no_batch_message(study, data)}")
    out = {}
    for folder in folders:
        try:
            out[require_batch_id(folder.name)] = folder
        except LayoutError as exc:
            raise DemoPlanError(f"{folder}: the folder name is the batch id: {exc}") from None
    return out


def _check(spec: Path, data: Path | None) -> None:
    from clinical_pipelines.study.check import check_study

    report = check_study(spec, data)
    if not report.ok:
        raise DemoPlanError(f"{spec}: `study check` found problems; fix them and run the demo again", report)


def plan_demo(study: str | None, data: str | Path | None, *, patients: int, home: Path) -> DemoPlan:
    """The plan for ``demo [--study S] [--data D]`` (checks run here; DemoPlanError on any problem)."""
    from clinical_pipelines.study.registry import StudyRegistry, StudyRegistryError
    from clinical_pipelines.study.spec import parse_study

    registry = StudyRegistry(home)
    data_dir = Path(data).resolve() if data is not None else None
    study = study or DEFAULT_STUDY_ID
    if study == DEFAULT_STUDY_ID and data_dir is None:
        entry = registry.entry(DEFAULT_STUDY_ID)
        return DemoPlan(DEFAULT_STUDY_ID, entry.spec_path, synthetic_patients=patients)
    register_from = None
    if _looks_like_path(study):
        spec = Path(study) / "study.yaml" if Path(study).is_dir() else Path(study)
        if not spec.is_file():
            raise DemoPlanError(f"{spec}: no study spec there (give a study.yaml, its folder, or a study id: "
                                f"{', '.join(registry.ids())})")
        spec = spec.resolve()
        parsed, _ = parse_study(spec)
        if parsed is None:
            _check(spec, None)  # raises with the spec problems
        study_id, register_from = parsed.study_id, spec
    else:
        try:
            spec = registry.entry(study).spec_path
        except (StudyRegistryError, LayoutError) as exc:
            raise DemoPlanError(str(exc)) from None
        study_id = study
    if data_dir is None:
        if study_id not in builtin_study_ids() or register_from is not None:
            raise DemoPlanError(f"study {study_id!r}: give its batches with --data DIR (a folder of batch folders, "
                                "or one batch folder)")
        data_dir = _builtin_data(study_id)
    _check(spec, data_dir)
    parsed, _ = parse_study(spec)
    return DemoPlan(study_id, spec, batches=_batches(parsed, data_dir), data_dir=data_dir,
                    register_from=register_from)


def _builtin_data(study_id: str) -> Path:
    """The raw batches of a built-in study written into a fresh temporary folder."""
    from clinical_pipelines.study.builtin_data import BuiltinDataError, write_builtin_batches

    out = Path(tempfile.mkdtemp(prefix=f"clinical-pipelines-{study_id}-"))
    try:
        write_builtin_batches(study_id, out)
    except BuiltinDataError as exc:
        raise DemoPlanError(f"study {study_id!r}: {exc}; give its batches with --data DIR") from None
    return out


def batch_files(folder: Path, study) -> dict[str, bytes]:
    """The files of one batch folder that the study declares (tables and batch descriptor), descriptor last."""
    names = [t.file for t in study.tables.values()] + ([study.batch_descriptor] if study.batch_descriptor else [])
    return {name: (folder / name).read_bytes() for name in names if (folder / name).is_file()}
