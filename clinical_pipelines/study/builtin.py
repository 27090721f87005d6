"""Where the built-in studies live: ``studies/<study_id>/`` of the source tree, or the installed copy.

The folder ``studies/`` at the top of the repository is the one source of the built-in studies
(users read and copy them there). An installed package (wheel, Docker image) carries a copy under
``<prefix>/share/clinical-pipelines/studies/`` (``[tool.setuptools.data-files]`` in pyproject.toml;
one line per built-in study). :func:`builtin_studies_dir` returns the source tree's folder when it
exists (editable install, checkout), else the installed one, else fails closed.
"""

from __future__ import annotations

import sysconfig
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from clinical_pipelines.study.spec import Study

SOURCE_DIR = Path(__file__).resolve().parents[2] / "studies"
INSTALLED_DIR = Path(sysconfig.get_path("data")) / "share" / "clinical-pipelines" / "studies"
DEFAULT_STUDY_ID = "mace"  # the study a consumer uses when it is given none (the synthetic MACE cohort)


class BuiltinStudyError(LookupError):
    """A built-in study (or the folder of built-in studies) cannot be found."""


def builtin_studies_dir() -> Path:
    for folder in (SOURCE_DIR, INSTALLED_DIR):
        if folder.is_dir() and any(folder.glob("*/study.yaml")):
            return folder
    raise BuiltinStudyError(f"no built-in studies found in {SOURCE_DIR} or {INSTALLED_DIR}: reinstall the package "
                            "(pip install clinical-pipelines) or run from a checkout of the repository")


def builtin_study_ids() -> list[str]:
    return sorted(p.parent.name for p in builtin_studies_dir().glob("*/study.yaml"))


def builtin_study_path(study_id: str) -> Path:
    """``.../studies/<study_id>/study.yaml`` of a built-in study (BuiltinStudyError naming the known ones)."""
    path = builtin_studies_dir() / study_id / "study.yaml"
    if not path.is_file():
        raise BuiltinStudyError(f"no built-in study {study_id!r}; built-in studies: {', '.join(builtin_study_ids())}")
    return path


@lru_cache(maxsize=None)
def load_builtin_study(study_id: str = DEFAULT_STUDY_ID) -> Study:
    """The validated spec of a built-in study (loaded once; :class:`~clinical_pipelines.study.spec.Study` is
    immutable). Raises BuiltinStudyError when absent, StudySpecError when the spec has problems."""
    from clinical_pipelines.study.spec import load_study

    return load_study(builtin_study_path(study_id))


def study_or_default(study: Study | None) -> Study:
    """``study``, or the default built-in study (:data:`DEFAULT_STUDY_ID`) when ``None``."""
    return load_builtin_study() if study is None else study
