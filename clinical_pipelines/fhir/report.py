"""The import report: every line of the export accounted for, per resource type and reason.

For each resource type, ``read = imported + quarantined + skipped`` holds (checked by
:meth:`ImportReport.unaccounted`):

- *imported*: the resource contributed to a row or a value of the output tables;
- *quarantined*: the line is a problem (not JSON, unknown type, FHIR validation error, a reference
  that does not resolve, a duplicate id, ...); the raw line is written to ``quarantine.ndjson`` in
  the (raw-zone) output folder so it can be fixed and imported again;
- *skipped*: valid, but outside what the map imports (a type the import does not read, a code not
  in the map, an excluded status, a unit the map does not declare, ...); counted only.

Problems and counts name the file, line numbers, the FHIR element and the reason, never a value
(no identifier, name, date or text from the export): the report may leave the raw zone.
"""

from __future__ import annotations

import base64
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

MAX_LISTED_LINES = 5


@dataclass
class TypeCounts:
    read: int = 0
    imported: int = 0
    quarantined: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {"read": self.read, "imported": self.imported,
                "quarantined": sum(self.quarantined.values()), "skipped": sum(self.skipped.values()),
                "quarantined_by_reason": dict(sorted(self.quarantined.items())),
                "skipped_by_reason": dict(sorted(self.skipped.items()))}


@dataclass
class ProblemEntry:
    file: str
    resource_type: str
    element: str | None
    reason: str
    count: int = 0
    lines: list[int] = field(default_factory=list)

    def message(self) -> str:
        where = f"{self.file}, line {self.lines[0]}" if self.lines else self.file
        element = f", {self.element}" if self.element else ""
        more = ""
        if self.count > 1:
            listed = ", ".join(map(str, self.lines[:MAX_LISTED_LINES]))
            more = f" ({self.count} lines: {listed}{', ...' if self.count > len(self.lines) else ''})"
        return f"{where}{element}: {self.resource_type}: {self.reason}{more}"


class ImportReport:
    """Counts, problems and the quarantine file of one import run."""

    def __init__(self, quarantine_path: Path | None = None) -> None:
        self.types: dict[str, TypeCounts] = defaultdict(TypeCounts)
        self.problems: dict[tuple, ProblemEntry] = {}
        self.file_problems: list[dict[str, str]] = []
        self.notices: Counter = Counter()
        self.files: list[dict[str, Any]] = []
        self.manifest: dict[str, Any] = {}
        self.tables: dict[str, Any] = {}
        self.values: dict[str, Any] = {}
        self._quarantine_path = quarantine_path
        self._quarantine: IO[str] | None = None

    # -- counting ---------------------------------------------------------------------------------
    def read(self, rtype: str) -> None:
        self.types[rtype].read += 1

    def imported(self, rtype: str) -> None:
        self.types[rtype].imported += 1

    def skip(self, rtype: str, reason: str, n: int = 1) -> None:
        self.types[rtype].skipped[reason] += n

    def notice(self, text: str, n: int = 1) -> None:
        """An informational count (e.g. values converted between units)."""
        self.notices[text] += n

    def file_problem(self, file: str, problem: str) -> None:
        self.file_problems.append({"file": file, "problem": problem})

    def quarantine(self, file: str, line: int, rtype: str, reason: str, raw: bytes,
                   element: str | None = None) -> None:
        """Count a quarantined line, record the problem, and keep the raw line in quarantine.ndjson."""
        self.types[rtype].quarantined[reason] += 1
        key = (file, rtype, element, reason)
        entry = self.problems.setdefault(key, ProblemEntry(file, rtype, element, reason))
        entry.count += 1
        if len(entry.lines) < MAX_LISTED_LINES:
            entry.lines.append(line)
        self._keep(file, line, rtype, reason, element, raw)

    def _keep(self, file: str, line: int, rtype: str, reason: str, element: str | None, raw: bytes) -> None:
        if self._quarantine_path is None:
            return
        if self._quarantine is None:
            self._quarantine_path.parent.mkdir(parents=True, exist_ok=True)
            self._quarantine = self._quarantine_path.open("w", encoding="utf-8")
        record: dict[str, Any] = {"file": file, "line": line, "resource_type": rtype, "element": element,
                                  "reason": reason}
        try:
            record["resource"] = raw.decode("utf-8")
        except UnicodeDecodeError:
            record["resource_base64"] = base64.b64encode(raw).decode("ascii")
        self._quarantine.write(json.dumps(record, ensure_ascii=False) + "\n")

    def close(self) -> None:
        if self._quarantine is not None:
            self._quarantine.close()
            self._quarantine = None

    # -- results ----------------------------------------------------------------------------------
    @property
    def quarantined_total(self) -> int:
        return sum(sum(c.quarantined.values()) for c in self.types.values())

    @property
    def problem_count(self) -> int:
        return self.quarantined_total + len(self.file_problems)

    def unaccounted(self) -> dict[str, int]:
        """Types whose read count differs from imported + quarantined + skipped (should be empty)."""
        out = {}
        for rtype, c in self.types.items():
            diff = c.read - c.imported - sum(c.quarantined.values()) - sum(c.skipped.values())
            if diff:
                out[rtype] = diff
        return out

    def problem_messages(self) -> list[str]:
        msgs = [f"{p['file']}: {p['problem']}" for p in self.file_problems]
        msgs += [entry.message() for entry in self.problems.values()]
        return msgs

    def to_dict(self) -> dict[str, Any]:
        return {
            "manifest": self.manifest,
            "files": self.files,
            "resources": {t: c.to_dict() for t, c in sorted(self.types.items())},
            "problems": [dict(file=e.file, resource_type=e.resource_type, element=e.element, reason=e.reason,
                              count=e.count, lines=e.lines, message=e.message()) for e in self.problems.values()],
            "file_problems": self.file_problems,
            "notices": dict(sorted(self.notices.items())),
            "values": self.values,
            "tables": self.tables,
            "quarantined": self.quarantined_total,
            "unaccounted": self.unaccounted(),
        }
