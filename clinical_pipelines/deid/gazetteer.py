"""Person-name gazetteers from the 1990 US Census name frequency lists (public domain, shipped by the pinned
``names`` package: ``dist.male.first``, ``dist.female.first``, ``dist.all.last``).

They are used only WITH context (capitalisation, a second name word, a title or a sign-off), never on a single
bare word: the lists hold many common words ("May", "Will", "Hope", "Bill", "Mark", "Young", "Brown").
Fails closed if the package or its files are missing (no silent drop in name recall).
"""
from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

from .errors import DeidError

GAZETTEER_PACKAGE = "names"
_FILES = {"male_first": "dist.male.first", "female_first": "dist.female.first", "last": "dist.all.last"}


def _data_dir() -> Path:
    spec = importlib.util.find_spec(GAZETTEER_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise DeidError(f"name gazetteer package '{GAZETTEER_PACKAGE}' is not installed; install the pinned version "
                        "from requirements.lock (`pip install names==0.3.0`)")
    return Path(list(spec.submodule_search_locations)[0])


def _read(path: Path) -> frozenset[str]:
    if not path.is_file():
        raise DeidError(f"name gazetteer file '{path.name}' is missing from package '{GAZETTEER_PACKAGE}'; "
                        "reinstall the pinned package")
    out = set()
    with path.open(encoding="ascii", errors="ignore") as fh:
        for line in fh:
            parts = line.split()
            if parts:
                out.add(parts[0].lower())
    if len(out) < 1000:
        raise DeidError(f"name gazetteer file '{path.name}' has {len(out)} entries (expected thousands); "
                        "reinstall the pinned package")
    return frozenset(out)


@functools.lru_cache(maxsize=1)
def load_gazetteers() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, surnames), lower-cased."""
    d = _data_dir()
    first = _read(d / _FILES["male_first"]) | _read(d / _FILES["female_first"])
    return frozenset(first), _read(d / _FILES["last"])


@functools.lru_cache(maxsize=1)
def name_shares() -> dict[str, float]:
    """Lower-cased census name -> its share of the US population as a name (first names: the list's percentage
    / 200, as each sex is about half the population; surnames: percentage / 100; the larger share wins)."""
    d = _data_dir()
    out: dict[str, float] = {}
    for key, scale in (("male_first", 200.0), ("female_first", 200.0), ("last", 100.0)):
        path = d / _FILES[key]
        _read(path)  # fails closed on a missing or truncated file
        with path.open(encoding="ascii", errors="ignore") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) >= 2:
                    w, share = parts[0].lower(), float(parts[1]) / scale
                    if share > out.get(w, 0.0):
                        out[w] = share
    return out


def gazetteer_identity() -> dict[str, str]:
    """Name and version of the gazetteer source, for the de-identification report."""
    from importlib.metadata import version

    first, last = load_gazetteers()
    return {"package": GAZETTEER_PACKAGE, "version": version(GAZETTEER_PACKAGE), "first_names": str(len(first)),
            "surnames": str(len(last)), "source": "1990 US Census name frequency lists"}
