"""A small valid study spec as a dict, written with its intended-use file; tests break it one key at a time."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

BASE = {
    "spec_version": 1,
    "study_id": "demo-study",
    "title": "Demo study",
    "intended_use": "intended_use.yaml",
    "owners": ["team:demo"],
    "tables": {
        "visits": {
            "file": "visits.csv",
            "format": "csv",
            "primary_key": "visit_id",
            "columns": {
                "pid": {"role": "patient_id"},
                "visit_id": {"role": "encounter_id"},
                "full_name": {"role": "direct_identifier", "safe_harbor": "A"},
                "dob": {"role": "date", "handling": "birth_date", "format": "%d/%m/%Y"},
                "visit_date": {"role": "event_time", "handling": "year_only", "format": "%d/%m/%Y"},
                "sex": {"role": "quasi_identifier", "feature": {"type": "categorical", "categories": ["F", "M"]}},
                "site": {"role": "site"},
                "hr": {"role": "feature", "type": "numeric", "unit": "/min", "range": [20, 250]},
                "smoker": {"role": "feature", "type": "binary"},
                "num": {"role": "outcome"},
            },
        }
    },
    "outcome": {"name": "event", "source": "column", "table": "visits", "column": "num", "definition": "num > 0"},
    "labels": {"not_applicable": "outcome recorded in the extract, single source"},
    "evaluation": {
        "temporal": {"column": "visit_date", "holdout": "last_year"},
        "external_sites": ["west"],
        "subgroups": ["sex", "age_band", "site"],
    },
}


def base() -> dict:
    return copy.deepcopy(BASE)


def write_spec(folder: Path, spec: dict | str, name: str = "study.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "intended_use.yaml").write_text("intended_use: {purpose: test}\n", encoding="utf-8")
    path = folder / name
    path.write_text(spec if isinstance(spec, str) else yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def visits_csv(n: int = 480, *, first_year: int = 2021) -> str:
    """A synthetic visits table for BASE: two years, two sites (west: every third row), events in 3 of 8 rows
    (both sexes, every site)."""
    lines = ["pid,visit_id,full_name,dob,visit_date,sex,site,hr,smoker,num"]
    for i in range(n):
        year = first_year + (i % 2)
        lines.append(f"P{i:04d},V{i:05d},Person {i},{1 + i % 28:02d}/0{1 + i % 9}/19{40 + i % 50},"
                     f"{1 + i % 28:02d}/{1 + i % 12:02d}/{year},{'FM'[i % 2]},{['east', 'west'][i % 3 == 0]},"
                     f"{60 + i % 70},{i % 2},{(1 + i % 3) * (i % 4 == 3 or i % 8 == 0)}")
    return "\n".join(lines) + "\n"


def placeholders(value, path: str = "") -> list[str]:
    """Key paths of values that still say REVIEW (what `study check` refuses)."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in placeholders(v, f"{path}.{k}" if path else str(k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in placeholders(v, f"{path}[{i}]")]
    return [path] if isinstance(value, str) and "REVIEW" in value else []


def review(draft: Path, *, edit=None) -> dict:
    """The one review of a draft spec, as a person does it: fill in the title and owners, write the intended-use
    file, apply ``edit(spec)`` (e.g. set the outcome), delete ``draft: true``. Comments (the REVIEW notes on
    every guess) go; values are kept. Fails when any other REVIEW placeholder is left (then one review would
    not be enough)."""
    spec = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert spec.pop("draft") is True
    spec["title"], spec["owners"] = "Reviewed study", ["team:reviewers"]
    if edit is not None:
        edit(spec)
    left = placeholders(spec)
    assert not left, f"placeholders left after the review: {left}"
    (draft.parent / "intended_use.yaml").write_text("intended_use: {purpose: test}\n", encoding="utf-8")
    draft.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return spec
