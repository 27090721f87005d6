"""The record's own known dates found in a note in every written form, by one set of precompiled scanners: each
scanner finds every date-shaped string (numbers in the forms below, month names, spelled ordinal days), the string
is read as a calendar date and kept when it is one of the known dates. No pattern is built or compiled per value.

Forms (HIPAA Safe Harbor 164.514(b)(2)(i)(C): all elements of dates except the year), for a known date D:
- numeric: m/d/yyyy, d/m/yyyy, yyyy/m/d with "/", "-", "." or a space as separator (the same one twice, leading
  zeros written or not), m/d/yy and d/m/yy with "/", "-" or ".", yyyymmdd, mmddyyyy, m/yyyy, yyyy-mm, and mm/dd
  in two digits each (not before "strength", "murmur", "power", "reflex", "pulse");
- named: "April 5", "April 5th, 2025", "Apr. the fifth of 2025", "the 5th of April", "5-Apr-2025", "5Apr2025",
  "April 2025", "April of 2025", "April '25"; month names and abbreviations in any case, except "May" which is a
  month only as "May" or "MAY" (not the verb "may"); days as digits with or without an ordinal suffix or spelled
  ("fifth", "twenty-first", "twenty first"); "05-APR-31" (day-month-year with hyphens, two-digit year); a year
  that is not D's leaves the month and day matched alone.
Input is the folded analysis view (``normalize``): ASCII dashes, spaces and quotes.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Collection

from .spans import Span

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
             "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
             "eighteenth", "nineteenth")
_SPELLED_DAY = {w: i + 1 for i, w in enumerate(_ORDINALS)}
_SPELLED_DAY.update({"twentieth": 20, "thirtieth": 30})
_SPELLED_DAY.update({f"twenty{w}": 20 + i + 1 for i, w in enumerate(_ORDINALS[:9])})
_SPELLED_DAY["thirtyfirst"] = 31
_DAY_WORDS = (r"(?:twenty[\s-]?(?:" + "|".join(_ORDINALS[:9]) + r")|thirty[\s-]?first|twentieth|thirtieth|"
              + "|".join(sorted(_ORDINALS, key=len, reverse=True)) + ")")
_DAY = rf"(?:(?P<dn>\d{{1,3}})(?i:st|nd|rd|th)?|(?P<dw>(?i:{_DAY_WORDS})))"
_MONTH_WORDS = ("january|february|march|april|june|july|august|september|october|november|december|"
                r"jan\.?|feb\.?|mar\.?|apr\.?|jun\.?|jul\.?|aug\.?|sept?\.?|oct\.?|nov\.?|dec\.?")
_MON = rf"(?P<mon>(?i:{_MONTH_WORDS})|(?-i:May|MAY))"
_ABBR = r"(?P<mon>(?i:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)|(?-i:May|MAY))"
_YEAR = r"(?:(?P<y4>\d{4})|'(?P<y2>\d{2}))"
_MONTH_KEYS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _scanner(body: str) -> re.Pattern:
    """``body`` tried at every start (a lookahead), so overlapping date strings are all read; group ``v``."""
    return re.compile(rf"(?=(?P<v>{body}))")


_NB, _NA = r"(?<![\w/.-])", r"(?![\w/]|[.-]\d)"  # numeric date boundaries
_NUM_3 = _scanner(_NB + r"(?P<a>\d{1,4})(?P<s1>[/.\- \t])(?P<b>\d{1,3})(?P<s2>[/.\- \t])(?P<c>\d{1,4})" + _NA)
_NUM_8 = _scanner(_NB + r"(?P<a>\d{8})" + _NA)
_NUM_MY = _scanner(_NB + r"(?P<a>\d{1,3})/(?P<c>\d{4})" + _NA)
_NUM_YM = _scanner(_NB + r"(?P<c>\d{4})-(?P<a>\d{2})(?!-\d)" + _NA)
_NUM_MD = _scanner(_NB + r"(?P<a>\d{2})/(?P<b>\d{2})" + _NA + r"(?!\s*(?i:strength|murmur|power|reflex|pulses?))")
_WB, _WA = r"(?<![\w'])", r"(?![\w'])"  # named date boundaries
_MON_DAY = _scanner(_WB + _MON + r"[\s,-]*(?:(?i:the)\s+)?(?P<day>" + _DAY + r")(?P<yr>[\s,-]+(?:(?i:of)\s+)?"
                    + _YEAR + ")?" + _WA)
_DAY_MON = _scanner(_WB + r"(?:(?i:the)\s+)?(?P<day>" + _DAY + r")(?:\s+(?i:of)|\s*-)?[\s,-]*" + _MON
                    + r"(?P<yr>[\s,-]*(?:(?P<y4>\d{4})|(?:'|(?<=[A-Za-z.]-))(?P<y2>\d{2})))?" + _WA)
_GLUED = _scanner(_WB + r"(?P<day>" + _DAY + ")" + _ABBR + r"(?P<y4>\d{4})" + _WA)
_MON_YEAR = _scanner(_WB + _MON + r"[\s,]+(?:(?i:of)\s+)?(?P<y4>\d{4})" + _WA)
_MON_Y2 = _scanner(_WB + _MON + r"\s*'(?P<y2>\d{2})" + _WA)


def _is(written: str | None, n: int) -> bool:
    """A date part as written ("05", "5") is ``n``, with at most one leading zero."""
    return written is not None and (written == str(n) or written == "0" + str(n))


def _numeric_hit(m: re.Match, day: dt.date) -> bool:
    g = m.groupdict()
    a, b, c = g["a"], g.get("b"), g.get("c")
    y4, y2, mo, d = f"{day.year:04d}", f"{day.year % 100:02d}", day.month, day.day
    if m.re is _NUM_3:
        s1, s2 = m.group("s1"), m.group("s2")
        if not (s1 == s2 or (s1 in " \t" and s2 in " \t")):
            return False
        if len(a) == 4 and a == y4:
            return _is(b, mo) and _is(c, d)
        md = (_is(a, mo) and _is(b, d)) or (_is(a, d) and _is(b, mo))
        return md and (c == y4 or (c == y2 and s1 not in " \t"))
    if m.re is _NUM_8:
        return a in (f"{y4}{mo:02d}{d:02d}", f"{mo:02d}{d:02d}{y4}")
    if m.re is _NUM_MY:
        return _is(a, mo) and c == y4
    if m.re is _NUM_YM:
        return c == y4 and a == f"{mo:02d}"
    return a == f"{mo:02d}" and b == f"{d:02d}"


def _day_of(m: re.Match) -> int | None:
    if m.group("dn") is not None:
        return int(m.group("dn"))
    return _SPELLED_DAY.get(re.sub(r"[\s-]", "", m.group("dw").lower()))


def _named_end(m: re.Match, day: dt.date, text: str) -> int | None:
    """End of the part of a named date string that is ``day`` (the whole string; without its year when only the
    year differs; None when it is not ``day``)."""
    if _MONTH_KEYS.index(m.group("mon").lower()[:3]) + 1 != day.month:
        return None
    y4, y2 = m.groupdict().get("y4"), m.groupdict().get("y2")
    year_ok = (y4 is None or y4 == f"{day.year:04d}") and (y2 is None or y2 == f"{day.year % 100:02d}")
    if m.re in (_MON_YEAR, _MON_Y2):
        return m.end("v") if year_ok else None
    dn = m.group("dn")
    if not (_day_of(m) == day.day and (dn is None or _is(dn, day.day))):
        return None
    if year_ok:
        return m.end("v")
    if m.re is _GLUED:
        return None
    cut = m.start("yr")  # "April 5, 2023" for a known April 5 of another year: "April 5" alone
    return cut if cut >= len(text) or not re.match(r"[\w']", text[cut]) else None


def find_known_dates(text: str, days: Collection[dt.date]) -> list[Span]:
    """DATE spans where ``text`` writes one of ``days`` in a form listed in the module docstring."""
    if not days:
        return []
    out: list[Span] = []
    if any(ch.isdigit() for ch in text):
        for rx in (_NUM_3, _NUM_8, _NUM_MY, _NUM_YM, _NUM_MD):
            for m in rx.finditer(text):
                if any(_numeric_hit(m, day) for day in days):
                    out.append(Span(m.start("v"), m.end("v"), "DATE"))
    low = text.lower()
    if any(_MONTH_KEYS[day.month - 1] in low for day in days):
        for rx in (_MON_DAY, _DAY_MON, _GLUED, _MON_YEAR, _MON_Y2):
            for m in rx.finditer(text):
                ends = [e for day in days if (e := _named_end(m, day, text)) is not None]
                if ends:
                    out.append(Span(m.start("v"), max(ends), "DATE"))
    return out
