"""A small, safe expression language for outcome definitions (``num > 0``, ``status in ['died', 'mi']``).

Grammar (a subset of Python expressions, parsed with :mod:`ast`, never evaluated by Python):
column names, numbers, quoted text, lists of those, comparisons ``> >= < <= == !=`` (chains such
as ``0 < x <= 3`` too), ``in`` / ``not in`` a list, ``and``, ``or``, ``not`` and parentheses.
Nothing else: no calls, attributes, arithmetic or indexing.

Evaluation is vectorised over a pandas DataFrame of text columns. A column compared with a number
is read as a decimal number; a value that is not a number makes the result unknown (``<NA>``) for
that row and is counted (:class:`Evaluation`), never silently False. Missing values give ``<NA>``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

import pandas as pd

DECIMAL = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
_CMP = {ast.Gt: "gt", ast.GtE: "ge", ast.Lt: "lt", ast.LtE: "le", ast.Eq: "eq", ast.NotEq: "ne"}


class ExpressionError(ValueError):
    """The text is not an expression of the outcome language (message says what is allowed)."""


@dataclass(frozen=True)
class Expression:
    text: str
    tree: ast.expr
    columns: frozenset[str]

    def evaluate(self, frame: pd.DataFrame) -> Evaluation:
        """Boolean outcome per row (pandas nullable boolean) and counts of rows it could not decide."""
        bad: dict[str, pd.Series] = {}
        result = _eval(self.tree, frame, bad)
        not_numbers = {c: int(m.sum()) for c, m in bad.items() if int(m.sum())}
        return Evaluation(result.astype("boolean"), not_numbers)


@dataclass(frozen=True)
class Evaluation:
    values: pd.Series  # boolean with <NA> for undecidable rows
    not_numbers: dict[str, int]  # column -> rows whose value is not a number where one was compared

    @property
    def unknown(self) -> int:
        return int(self.values.isna().sum())


def parse(text: str, allowed_columns: set[str] | None = None) -> Expression:
    """Parse ``text``; :class:`ExpressionError` names what is not allowed (and unknown column names)."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise ExpressionError("is not a valid expression; write e.g. 'num > 0' or \"status in ['died', 'mi']\"") \
            from None
    columns: set[str] = set()
    _check(tree, columns)
    if allowed_columns is not None:
        unknown = sorted(columns - allowed_columns)
        if unknown:
            raise ExpressionError(f"names {', '.join(unknown)}, which the expression may not use (allowed: "
                                  f"{', '.join(sorted(allowed_columns)) or 'none'})")
    if not columns:
        raise ExpressionError("does not name any column")
    return Expression(text, tree, frozenset(columns))


def _check(node: ast.AST, columns: set[str]) -> None:
    if isinstance(node, ast.BoolOp):
        for v in node.values:
            _check(v, columns)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        _check(node.operand, columns)
    elif isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        for op, right in zip(node.ops, node.comparators):
            if isinstance(op, (ast.In, ast.NotIn)):
                if not isinstance(right, (ast.List, ast.Tuple)) or not all(_is_literal(e) for e in right.elts):
                    raise ExpressionError("'in' needs a list of numbers or quoted texts, e.g. x in [1, 2]")
            elif type(op) not in _CMP:
                raise ExpressionError("uses a comparison that is not allowed (use > >= < <= == != in, not in)")
        for o in operands:
            if isinstance(o, ast.Name):
                columns.add(o.id)
            elif not (_is_literal(o) or isinstance(o, (ast.List, ast.Tuple))):
                raise ExpressionError("compares something other than a column, a number or a quoted text")
        if not any(isinstance(o, ast.Name) for o in operands):
            raise ExpressionError("has a comparison without a column")
    elif isinstance(node, ast.Name):
        raise ExpressionError(f"uses column {node.id} without a comparison (write e.g. '{node.id} == 1')")
    else:
        raise ExpressionError("uses something the outcome language does not allow (only comparisons joined by "
                              "and / or / not, with columns, numbers, quoted texts and lists)")


def _is_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str)) \
        and not isinstance(node.value, bool)


def _literal(node: ast.AST):
    if isinstance(node, ast.UnaryOp):
        return -node.operand.value
    return node.value


def _operand(node: ast.AST, frame: pd.DataFrame, numeric: bool, bad: dict) -> object:
    if isinstance(node, ast.Name):
        col = frame[node.id]
        if not numeric:
            return col.astype("string")
        text = col.astype("string")
        ok = text.str.match(DECIMAL.pattern).fillna(False).astype(bool)
        mask = text.notna() & ~ok
        bad[node.id] = bad.get(node.id, mask) | mask
        return pd.to_numeric(text.where(ok), errors="coerce").astype("Float64")
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_literal(e) for e in node.elts]
    return _literal(node)


def _eval(node: ast.AST, frame: pd.DataFrame, bad: dict) -> pd.Series:
    if isinstance(node, ast.BoolOp):
        parts = [_eval(v, frame, bad) for v in node.values]
        out = parts[0]
        for p in parts[1:]:
            out = (out & p) if isinstance(node.op, ast.And) else (out | p)
        return out
    if isinstance(node, ast.UnaryOp):
        return ~_eval(node.operand, frame, bad)
    out = None
    left = node.left
    for op, right in zip(node.ops, node.comparators):
        out_part = _compare(left, op, right, frame, bad)
        out = out_part if out is None else (out & out_part)
        left = right
    return out


def _compare(left, op, right, frame, bad) -> pd.Series:
    literals = [n for n in (left, right) if _is_literal(n)]
    if isinstance(op, (ast.In, ast.NotIn)):
        values = [_literal(e) for e in right.elts]
        numeric = all(isinstance(v, (int, float)) for v in values)
        series = _operand(left, frame, numeric, bad)
        if not numeric:
            values = [str(v) for v in values]
        result = series.isin(values).astype("boolean").mask(series.isna())
        return ~result if isinstance(op, ast.NotIn) else result
    numeric = any(isinstance(_literal(n), (int, float)) for n in literals)
    a, b = _operand(left, frame, numeric, bad), _operand(right, frame, numeric, bad)
    result = getattr(pd.Series(a, index=frame.index) if not isinstance(a, pd.Series) else a, _CMP[type(op)])(b)
    return result.astype("boolean")
