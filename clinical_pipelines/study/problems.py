"""A bounded problem collector for streamed files (counts every occurrence, keeps the first rows).

Problems are :class:`clinical_pipelines.ingest.problems.Problem` objects (file, row, column, what is
wrong, count; never a value), the same type the ingest contract reports. Unlike
:class:`~clinical_pipelines.ingest.problems.ProblemLog`, which keeps every row, this collector keeps
at most ``MAX_LISTED_ROWS`` rows per problem, so a 1,000,000-row file with a bad column costs
constant memory, and it takes whole masks of a chunk at once.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from clinical_pipelines.ingest.problems import MAX_LISTED_ROWS, Problem, in_row_order


class ProblemCounter:
    """Problems merged by (file, column, problem) with a count and the first rows."""

    def __init__(self) -> None:
        self._groups: dict[tuple[str, str | None, str], list] = {}

    def add(self, file: str, problem: str, *, row: int | None = None, column: str | None = None,
            count: int = 1) -> None:
        group = self._groups.setdefault((file, column, problem), [0, []])
        group[0] += count
        if row is not None and len(group[1]) < MAX_LISTED_ROWS:
            group[1].append(int(row))

    def add_rows(self, file: str, problem: str, rows: Iterable[int] | np.ndarray, *, column: str | None = None) -> None:
        """One occurrence per row in ``rows`` (e.g. ``chunk.rows[mask]``)."""
        rows = np.asarray(rows)
        if rows.size == 0:
            return
        group = self._groups.setdefault((file, column, problem), [0, []])
        group[0] += int(rows.size)
        room = MAX_LISTED_ROWS - len(group[1])
        if room > 0:
            group[1].extend(int(r) for r in rows[:room])

    def extend(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            group = self._groups.setdefault((p.file, p.column, p.problem), [0, []])
            group[0] += p.count
            group[1].extend(list(p.rows or ([p.row] if p.row is not None else []))[:MAX_LISTED_ROWS - len(group[1])])

    def __bool__(self) -> bool:
        return bool(self._groups)

    def __len__(self) -> int:
        return len(self._groups)

    def has(self, file: str) -> bool:
        return any(f == file for f, _, _ in self._groups)

    def problems(self) -> list[Problem]:
        out = []
        for (file, column, problem), (count, rows) in self._groups.items():
            listed = tuple(sorted(rows))
            out.append(Problem(file=file, problem=problem, row=listed[0] if listed else None, column=column,
                               count=count, rows=listed if count > 1 else ()))
        return in_row_order(out)
