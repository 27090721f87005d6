"""Surface formats of dates and phone numbers as written in US clinical notes, and lenient parsing of
encounter-row values (ISO dates, numbers; empty or NaN means missing)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def ordinal(n: int) -> str:
    """English ordinal of a day number: 1 -> '1st', 12 -> '12th', 22 -> '22nd'."""
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def format_date(d: _dt.date, style: int) -> str:
    """Clinical date formats; styles 0-8 carry the year, 9-12 do not."""
    m, dd, y = d.month, d.day, d.year
    mon = _MONTHS[m - 1]
    return (
        f"{y:04d}-{m:02d}-{dd:02d}",
        f"{m:02d}/{dd:02d}/{y:04d}",
        f"{m}/{dd}/{y % 100:02d}",
        f"{mon} {dd}, {y}",
        f"{dd}-{mon[:3]}-{y}",
        f"{mon[:3]} {dd}, {y}",
        f"{dd} {mon} {y}",
        f"{m}/{dd}/{y}",
        f"{m:02d}-{dd:02d}-{y:04d}",
        f"{mon[:3]} {dd}",
        f"{m}/{dd}",
        f"{mon} {ordinal(dd)}",
        f"{dd}-{mon[:3].upper()}-{y}",
    )[style]


def parse_date(value: Any) -> _dt.date | None:
    """A date from a date, datetime or ISO-8601 string (first 10 characters); ``None`` when empty or unparseable."""
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def to_number(value: Any) -> float | None:
    """A float from a number or numeric string; ``None`` when empty, non-numeric or NaN."""
    if value is None or value == "":
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if v != v else v  # NaN -> missing


def format_phone(number: str, style: int) -> str:
    """A US 10-digit number (NANP) in one of 7 written styles (``style`` taken modulo 7); other input is returned
    unchanged.
    """
    digits = "".join(c for c in number if c.isdigit())[-10:]
    if len(digits) != 10:
        return number
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return (f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"+1 {a} {b} {c}", f"{a}-{b}-{c}",
            f"({a}){b}-{c}", f"1-{a}-{b}-{c}")[style % 7]
