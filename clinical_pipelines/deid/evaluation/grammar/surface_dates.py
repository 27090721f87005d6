"""Surface forms of dates, times and ages as clinicians and clinical systems write them.

Dates follow the written forms of US, ISO 8601 and European practice (m/d/yyyy, ISO yyyy-mm-dd, d.m.yyyy,
d-Mon-yyyy and its all-caps / compact system forms, spelled and ordinal days, apostrophe years, month + year,
month + day), with dashes as typed or auto-corrected (hyphen-minus, en dash, em dash, non-breaking hyphen
U+2011, minus sign U+2212) and a time of day attached in 24-hour, am/pm or "@" notation. Under Safe Harbor
(45 CFR 164.514(b)(2)(i)(C)) every date element except the year is an identifier, and so is every age over 89
and any date element revealing such an age; a time written with a date is treated as an element of it.

A phrase is a list of ``(text, type)`` segments; ``type`` is a HIPAA type or ``None`` for plain text.
"""
from __future__ import annotations

import datetime as dt
import random

Phrase = list[tuple[str, str | None]]

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DASHES = ("-", "-", "\u2013", "\u2014", "\u2011", "\u2212")
APOSTROPHES = ("'", "\u2019")
_UNITS = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty", 9: "ninety"}
_ORD_UNITS = {"one": "first", "two": "second", "three": "third", "four": "fourth", "five": "fifth", "six": "sixth",
              "seven": "seventh", "eight": "eighth", "nine": "ninth", "ten": "tenth", "eleven": "eleventh",
              "twelve": "twelfth", "thirteen": "thirteenth", "fourteen": "fourteenth", "fifteen": "fifteenth",
              "sixteen": "sixteenth", "seventeen": "seventeenth", "eighteen": "eighteenth",
              "nineteen": "nineteenth", "twenty": "twentieth", "thirty": "thirtieth"}


def number_words(n: int, hyphen: str = "-") -> str:
    """English words for 0 < n < 200 ("ninety-three", "one hundred and one")."""
    if n >= 100:
        rest = n - 100
        return "one hundred" + (f" and {number_words(rest, hyphen)}" if rest else "")
    if n < 20:
        return _UNITS[n]
    tens, unit = divmod(n, 10)
    return _TENS[tens] + (hyphen + _UNITS[unit] if unit else "")


def ordinal_words(n: int) -> str:
    """"first" ... "thirty-first"."""
    w = number_words(n)
    if "-" in w:
        head, tail = w.rsplit("-", 1)
        return f"{head}-{_ORD_UNITS[tail]}"
    return _ORD_UNITS[w]


def ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _mon(d: dt.date) -> str:
    return MONTHS[d.month - 1][:3]


# Each format: (weight, dashable, function(date, rng) -> (lead plain text, date text))
def _fmt_table():
    def yy(d):
        return f"{d.year % 100:02d}"
    return [
        (6, False, lambda d, r: ("", f"{d.month}/{d.day}/{d.year}")),
        (5, False, lambda d, r: ("", f"{d.month:02d}/{d.day:02d}/{d.year}")),
        (4, False, lambda d, r: ("", f"{d.month}/{d.day}/{yy(d)}")),
        (3, True, lambda d, r: ("", f"{d.month:02d}-{d.day:02d}-{d.year}")),
        (2, True, lambda d, r: ("", f"{d.month}-{d.day}-{yy(d)}")),
        (5, True, lambda d, r: ("", d.isoformat())),
        (1, False, lambda d, r: ("", f"{d.year}/{d.month:02d}/{d.day:02d}")),
        (3, False, lambda d, r: ("", f"{d.day}.{d.month}.{d.year}")),
        (2, False, lambda d, r: ("", f"{d.day:02d}.{d.month:02d}.{yy(d)}")),
        (3, True, lambda d, r: ("", f"{d.day}-{_mon(d)}-{d.year}")),
        (2, True, lambda d, r: ("", f"{d.day:02d}-{_mon(d).upper()}-{yy(d)}")),
        (1, False, lambda d, r: ("", f"{d.day:02d}{_mon(d).upper()}{d.year}")),
        (2, False, lambda d, r: ("", f"{d.day} {_mon(d)} {d.year}")),
        (4, False, lambda d, r: ("", f"{MONTHS[d.month - 1]} {d.day}, {d.year}")),
        (3, False, lambda d, r: ("", f"{_mon(d)} {d.day}, {d.year}")),
        (1, False, lambda d, r: ("", f"{_mon(d)}. {d.day}, {d.year}" if d.month != 5 else f"May {d.day} {d.year}")),
        (2, False, lambda d, r: ("", f"{MONTHS[d.month - 1]} {d.day}{ordinal_suffix(d.day)}, {d.year}")),
        (2, False, lambda d, r: ("", f"{d.day}{ordinal_suffix(d.day)} {MONTHS[d.month - 1]} {d.year}")),
        (2, False, lambda d, r: ("the ", f"{d.day}{ordinal_suffix(d.day)} of {MONTHS[d.month - 1]}")),
        (2, False, lambda d, r: ("the ", f"{ordinal_words(d.day)} of {MONTHS[d.month - 1]}, {d.year}")),
        (2, False, lambda d, r: ("the ", f"{ordinal_words(d.day)} of {MONTHS[d.month - 1]}")),
        (2, False, lambda d, r: ("", f"{MONTHS[d.month - 1]} {ordinal_words(d.day)}")),
        (2, False, lambda d, r: ("", f"{r.choice((MONTHS[d.month - 1], _mon(d)))} {r.choice(APOSTROPHES)}{yy(d)}")),
        (2, False, lambda d, r: ("", f"{MONTHS[d.month - 1]} {d.year}")),
        (1, False, lambda d, r: ("", f"{_mon(d)} {d.year}")),
        (1, False, lambda d, r: ("", f"{d.month}/{d.year}")),
        (2, False, lambda d, r: ("", f"{d.month}/{d.day}")),
        (1, False, lambda d, r: ("", f"{_mon(d)} {d.day}")),
        (1, False, lambda d, r: ("", f"{WEEKDAYS[d.weekday()]}, {MONTHS[d.month - 1]} {d.day}, {d.year}")),
        (1, False, lambda d, r: ("", f"{d.year}{d.month:02d}{d.day:02d}")),
    ]


_FORMATS = _fmt_table()
_WEIGHTS = [w for w, _, _ in _FORMATS]


def dashify(s: str, rng: random.Random) -> str:
    """Replace every hyphen of ``s`` by one dash character drawn once (hyphen, en/em dash, U+2011, U+2212)."""
    dash = rng.choice(DASHES)
    return s.replace("-", dash)


def date_text(d: dt.date, rng: random.Random) -> tuple[str, str]:
    """(lead plain text, date text) in a random written form of ``d``."""
    _, dashable, fn = rng.choices(_FORMATS, weights=_WEIGHTS)[0]
    lead, text = fn(d, rng)
    if dashable:
        text = dashify(text, rng)
    return lead, text


def time_text(rng: random.Random, hour: int | None = None, minute: int | None = None) -> str:
    """A time of day: 0915, 09:15, 9:15 AM, 9:15pm, 14:05:33, 0915h."""
    h = rng.randint(0, 23) if hour is None else hour
    m = rng.choice((0, 5, 10, 15, 20, 30, 35, 40, 45, 50, 55, rng.randint(0, 59))) if minute is None else minute
    h12 = (h % 12) or 12
    ampm = "AM" if h < 12 else "PM"
    return rng.choice((
        f"{h:02d}{m:02d}", f"{h:02d}:{m:02d}", f"{h:02d}:{m:02d}", f"{h12}:{m:02d} {ampm}",
        f"{h12}:{m:02d}{ampm.lower()}", f"{h12}:{m:02d} {ampm[0].lower()}.m.", f"{h:02d}:{m:02d}:{rng.randint(0, 59):02d}",
        f"{h:02d}{m:02d}h", f"{h:02d}{m:02d} hrs"))


def date_phrase(d: dt.date, rng: random.Random, time_p: float = 0.25) -> Phrase:
    """A date (and, with probability ``time_p``, a time joined by space, "@", "at", "T" or a comma).
    Date and time are separate ``DATE`` segments; connectors are plain."""
    lead, text = date_text(d, rng)
    out: Phrase = [(lead, None)] if lead else []
    out.append((text, "DATE"))
    if rng.random() < time_p:
        joiner = rng.choice((" ", " ", " @ ", " @", " at ", ", ", "  ", "T"))
        if joiner == "T":
            out[-1] = (d.isoformat(), "DATE")
            out.append(("T", None))
            out.append((f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}", "DATE"))
        else:
            out.append((joiner, None))
            out.append((time_text(rng), "DATE"))
    return out


# ---------------------------------------------------------------------------------------------------------
# Ages
# ---------------------------------------------------------------------------------------------------------

def age_phrase(age: int, sex: str, rng: random.Random) -> Phrase:
    """An age in one of many clinical spellings. The number (digits or words) is an ``AGE`` segment when
    ``age > 89``; younger ages are plain text (not identifiers)."""
    typ = "AGE" if age > 89 else None
    sx = sex.upper()
    sexword = {"F": rng.choice(("female", "woman", "F")), "M": rng.choice(("male", "man", "M"))}[sx]
    a = str(age)
    forms: list[Phrase] = [
        [(a, typ), (f"YO{sx}", None)], [(a, typ), (f" YO{sx}", None)], [(a, typ), (f"yo {sx}", None)],
        [(a, typ), (f" y/o {sexword}", None)], [(a, typ), (f"-year-old {sexword}", None)],
        [(a, typ), (f" year old {sexword}", None)], [(a, typ), (f"/{sx}", None)], [(f"{sx}/", None), (a, typ)],
        [("(", None), (a, typ), (" y)", None)], [("(", None), (a, typ), ("y)", None)], [(a, typ), (" yrs", None)],
        [("aged ", None), (a, typ)], [("Age: ", None), (a, typ)], [(a, typ), (sx, None)], [(a, typ), (f" {sx}", None)],
        [(a, typ), (" y.o.", None)], [(a, typ), (f"{rng.choice(('yo', 'y'))}{sx.lower()}", None)],
    ]
    if age >= 60:
        words = number_words(age, rng.choice(("-", "-", " ")))
        cap = words[0].upper() + words[1:]
        forms += [
            [(words, typ), (" years of age", None)], [("aged ", None), (words, typ)],
            [(words, typ), (" year old", None)], [(cap, typ), ("-year-old", None)],
            [(a, typ), (ordinal_suffix(age), None), (rng.choice((" birthday", " bday", " b-day")), None)],
        ]
    return rng.choice(forms)


def birth_year_phrase(year: int, rng: random.Random, typ: str | None) -> Phrase:
    """A birth year written alone ("Born in 1931", "b. 1929", "YOB 1930"): an identifier (``typ`` "AGE") when it
    reveals an age over 89, plain otherwise."""
    lead = rng.choice(("Born in ", "born in ", "b. ", "YOB ", "Year of birth: ", "born ", "DOB (year only): "))
    return [(lead, None), (str(year), typ)]
