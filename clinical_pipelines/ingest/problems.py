"""Contract problems: where a raw batch breaks the extract contract, never with which value.

A :class:`Problem` names the file, the row (CSV: the line the record starts on, header = 1;
JSON Lines: the line number), the column or JSON field, and what is wrong, with how many rows
share the same problem. It never carries a cell value: raw extracts hold PHI, and problems go
into Dagster failures, the quarantine record, the audit log and the ``ingest check`` output.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

MAX_LISTED_ROWS = 5  # rows named per problem; the count covers all of them
MAX_SAME_KIND = 10  # problems of one kind (same text, other file or column) printed before "... and M more"


@dataclass(frozen=True)
class Problem:
    """One way a file breaks the contract (``rows`` lists the first rows, ``count`` all of them)."""

    file: str
    problem: str
    row: int | None = None
    column: str | None = None
    count: int = 1
    rows: tuple[int, ...] = ()

    @property
    def unit(self) -> str:
        return "line" if self.file.endswith(".jsonl") else "row"

    @property
    def column_word(self) -> str:
        return "field" if self.file.endswith((".jsonl", ".json")) else "column"

    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"{self.unit} {self.row}")
        if self.column is not None:
            parts.append(f"{self.column_word} {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        # "notes.jsonl, line 2 is not a JSON object" / "encounters.csv, row 3, column x: not a number"
        sep = " " if self.column is None and self.problem.startswith(("is ", "has ")) else ": "
        text = f"{self.location()}{sep}{self.problem}"
        if self.count > 1:
            listed = ", ".join(str(r) for r in self.rows[:MAX_LISTED_ROWS])
            more = ", ..." if self.count > len(self.rows[:MAX_LISTED_ROWS]) else ""
            text += f" ({self.count} {self.unit}s: {listed}{more})" if listed else f" ({self.count} times)"
        return text

    def to_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "column": self.column, "problem": self.problem,
                "count": self.count, "rows": list(self.rows[:MAX_LISTED_ROWS]), "message": str(self)}


@dataclass
class ProblemLog:
    """Collects problems and merges repeats of the same (file, column, problem) into one with a count."""

    _groups: dict[tuple[str, str | None, str], list[int | None]] = field(default_factory=dict)

    def add(self, file: str, problem: str, *, row: int | None = None, column: str | None = None) -> None:
        self._groups.setdefault((file, column, problem), []).append(row)

    def extend(self, problems: list[Problem]) -> None:
        for p in problems:
            rows = list(p.rows) or [p.row]
            self._groups.setdefault((p.file, p.column, p.problem), []).extend(rows)

    def __bool__(self) -> bool:
        return bool(self._groups)

    def files(self) -> set[str]:
        return {f for f, _, _ in self._groups}

    def problems(self) -> list[Problem]:
        """The merged problems, file by file (in the order files were first named), by ascending row."""
        out = []
        for (file, column, problem), rows in self._groups.items():
            listed = tuple(sorted(r for r in rows if r is not None))
            out.append(Problem(file=file, problem=problem, row=listed[0] if listed else None, column=column,
                               count=len(rows), rows=listed[:MAX_LISTED_ROWS]))
        return in_row_order(out)


def in_row_order(problems: Sequence[Problem]) -> list[Problem]:
    """``problems`` grouped by file (first-named file first), each file's problems by ascending row
    (problems of the whole file first); the order is otherwise kept."""
    order: dict[str, int] = {}
    for p in problems:
        order.setdefault(p.file, len(order))
    return sorted(problems, key=lambda p: (order[p.file], p.row if p.row is not None else 0))


def capped_lines(problems: Sequence, kind: Callable[[object], str] | None = None, *, limit: int = MAX_SAME_KIND,
                 line: Callable[[object], str] = str) -> list[str]:
    """One line per problem, but at most ``limit`` of one kind (``kind(p)``, default the problem text):
    the rest of that kind is one line ``... and M more: <problem>`` after the last one shown."""
    kind = kind or (lambda p: getattr(p, "problem", None) or getattr(p, "message", str(p)))
    seen: dict[str, int] = {}
    lines: list[str] = []
    hidden_at: dict[str, int] = {}
    for p in problems:
        k = kind(p)
        seen[k] = seen.get(k, 0) + 1
        if seen[k] <= limit:
            lines.append(line(p))
            if seen[k] == limit:
                hidden_at[k] = len(lines)
    for k, at in sorted(hidden_at.items(), key=lambda item: -item[1]):
        if seen[k] > limit:
            lines.insert(at, f"... and {seen[k] - limit} more: {k}")
    return lines
