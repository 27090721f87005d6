"""Where the built-in studies live: ``studies/<study_id>/`` of the source tree, or the installed copy.

The folder ``studies/`` at the top of the repository is the one source of the built-in studies
(users read and copy them there). An installed package (wheel, Docker image) carries a copy under
``<prefix>/share/clinical-pipelines/studies/`` (``[tool.setuptools.data-files]`` in pyproject.toml;
one line per built-in study). :func:`builtin_studies_dir` returns the source tree's folder when it
exists (editable install, checkout), else the installed one, else fails closed.
"""

from __future__ import annotations

import sysconfig
from pathlib import Path

SOURCE_DIR = Path(__file__).resolve().parents[2] / "studies"
INSTALLED_DIR = Path(sysconfig.get_path("data")) / "share" / "clinical-pipelines" / "studies"


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
