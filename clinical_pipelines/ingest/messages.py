"""The wording of data problems that both ``ingest check`` and ``study check --data`` report.

One source for each message: the contract checks (:mod:`clinical_pipelines.ingest.checks`,
:mod:`clinical_pipelines.ingest.tables`, :mod:`clinical_pipelines.ingest.rules`) and the study data
check (:mod:`clinical_pipelines.study.read`, :mod:`clinical_pipelines.study.values`,
:mod:`clinical_pipelines.study.check`) word the same problem the same way, and each message says
how to fix it. A message names keys, file names, header positions and spec values only, never a
value of the data.
"""

from __future__ import annotations

UNDECLARED_FILE = ("is not a file the study spec declares (an interrupted or misplaced upload? declare its table "
                   "under tables, or move the file out of the batch folder)")
MISSING_FILE = "is missing from the batch (the study spec declares this file in every batch)"
REPEATED_COLUMN = "appears more than once in the header"
MISSING_COLUMN = "is declared in the study spec but missing from the file"
IDENTIFIER_SPACES = "leading or trailing spaces (identifiers are matched exactly across files)"


def undeclared_column(table: str | None, *, position: int | None = None, field: bool = False) -> str:
    """A column (``field`` of a JSON Lines table) of the file that the spec does not declare.

    ``table``: the table's name in the spec (``None`` when unknown); ``position``: 1-based header column.
    """
    where = f" (header column {position})" if position else ""
    under = f"tables.{table}.columns" if table else "the table's columns"
    word = "field" if field else "column"
    return (f"is not declared in the study spec{where}: every {word} needs a role; add it under {under} with a "
            "role (e.g. `{role: drop}` to leave it out)")


def renamed_column(position: int) -> str:
    """A declared column whose header differs only in case, spaces or punctuation (``position``: 1-based)."""
    return (f"is declared in the study spec, but header column {position} differs from it only in case, spaces or "
            "punctuation: rename the header or the column in the spec")


def date_not_in_format(fmt: str) -> str:
    """A value that is not a date written in the declared strftime ``format`` (or an impossible calendar day)."""
    return f"not a date in the declared format {fmt} (or no such calendar day)"


def header_mismatch(found: int, declared: int) -> str:
    """A header row where fewer than half of the declared columns appear."""
    return (f"header row does not match the study spec ({found} of {declared} declared columns found): is the "
            "header row missing, the delimiter wrong, or is this another extract?")


NOT_A_NUMBER = "not a number (a plain decimal with '.'; no units, no decimal comma; empty means missing)"


def out_of_range(low: float | None, high: float | None, unit: str | None = None) -> str:
    """A number outside the column's declared plausible ``range`` (``unit`` as declared)."""
    def fmt(x: float | None) -> str:
        return f"{x:g}" if x is not None else "?"
    return f"outside the declared range {fmt(low)} to {fmt(high)}{f' {unit}' if unit else ''}"


def not_allowed(choices) -> str:
    """A value outside the declared categories, consent values or rater labels (spec values, never data)."""
    return f"outside the declared values {{{', '.join(str(c) for c in choices)}}}"


MISSING_RATING = "missing rating (empty label): leave the row out when the rater gave no rating"
