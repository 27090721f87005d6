"""Shared failing cases: JSON Lines files ``deid-*.jsonl`` whose lines hold ``{"id", "text", "known_identifiers"?,
"expect": {"must_not_survive": [...]}}``. A case passes when none of its ``must_not_survive`` strings is left in
the de-identified text. Results are counts and case ids only (never the strings)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

from .corpus import CorpusFormatError


@dataclass(frozen=True)
class SharedCase:
    case_id: str
    source: str
    text: str
    known_identifiers: Mapping[str, Sequence[str]] | None
    must_not_survive: tuple[str, ...]


def load_cases(folder: str | Path, pattern: str = "deid-*.jsonl") -> list[SharedCase]:
    """Cases of every file matching ``pattern`` (sorted by file name). Lines without ``must_not_survive`` are
    skipped; unparseable lines fail closed with the file and line number."""
    out: list[SharedCase] = []
    for path in sorted(Path(folder).glob(pattern)):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                raise CorpusFormatError(f"{path}:{lineno}: not valid JSON") from None
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                raise CorpusFormatError(f"{path}:{lineno}: expected an object with a string 'text'")
            must = (obj.get("expect") or {}).get("must_not_survive") or []
            if not must:
                continue
            out.append(SharedCase(str(obj.get("id", f"{path.name}:{lineno}")), path.name, obj["text"],
                                  obj.get("known_identifiers"), tuple(str(m) for m in must)))
    return out


def case_passes(case: SharedCase, output_text: str) -> bool:
    return not any(m in output_text for m in case.must_not_survive)


def run_cases(cases: Sequence[SharedCase],
              deidentify: Callable[[list[str], list], list[str]]) -> tuple[int, list[str]]:
    """(number passing, ids of failing cases). ``deidentify(texts, known_identifiers)`` returns output texts."""
    outputs = deidentify([c.text for c in cases], [c.known_identifiers or {} for c in cases])
    failing = [c.case_id for c, out in zip(cases, outputs) if not case_passes(c, out)]
    return len(cases) - len(failing), failing
