"""Known-identifier deny lists: the record's own structured identifiers (and the batch's clinicians, facilities and
places) searched for in its notes in every spelling they take in free text. Values are never logged.

Matching is after normalisation (both the values and the note are in the folded analysis view, ``normalize``):
- numbers (phone, fax, SSN, MRN, plan, account, licence, plate, serial, other ids): the value's letters and digits
  in order with up to three separators (space, line break, ".", "-", "/", parentheses) between two of them
  ("318406552" matches "318 406 552", "318-406-552", "318.406.552"; "987-65-4320" matches "987 65 4320" and
  "987.65.4320"), leading zeros written or dropped, case-insensitive, never inside a longer digit run; a NANP phone
  number without its "1"/"+1" and its 7-digit local part, an international one in its E.123 national form "0...";
  the last four digits of a known SSN after an SSN cue;
- dates: every written form of the date (numeric m/d/y, d/m/y, y-m-d with "/", "-" or "." and 2- or 4-digit years,
  yyyymmdd, month names and abbreviations, ordinal and spelled days "the fifth of April", apostrophe years
  "April 5 '31", month + year, day + month; read by the precompiled scanners of ``known_dates``) and, for a birth
  date implying an age over 89, the bare year (``ages.birth_year_deny_entries``, Safe Harbor (C));
- names: the whole name and each name token alone (case and accent folded, apostrophes optional, hyphenated
  parts alone), possessives;
- e-mail, URL, IP: the address as written and spelled out ("name at example dot com"), the username of the
  address alone, a URL with or without scheme and "www.", an IPv4 address zero-padded or not;
- ZIP codes with or without the +4 extension; street addresses with USPS suffix abbreviations (Publication 28)
  and without the unit designator.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Mapping, NamedTuple, Sequence

from ..vocab import NON_NAME_TERMS, NOT_NAME_WORDS, STATE_ABBR, US_STATES
from .ages import birth_year_deny_entries
from .normalize import fold_value
from .spans import PHI_TYPES


class DenyEntry(NamedTuple):
    """One deny pattern: ``pattern`` (regex; a named group ``v`` marks the part to redact), HIPAA ``type``, and a
    ``probe`` that must occur in the text for the pattern to be able to match: a lower-cased literal
    (``probe_kind`` "text"; "any-text": any of several joined by NUL; "all-text": all of several joined by NUL), or a string searched in the text's digits
    only ("digits", also ``True``). For
    ``probe_kind`` "seq-digits" / "seq-alnum" the pattern is a character sequence (``sequence_spans``). ``words``
    spells a pattern that is only literal words as ``(mode, parts)``: mode "any" (any part alone, possessive
    "'s" allowed), "seq" or "seq-usps" (the parts in order, separators between them, "seq-usps" allows a final
    "."); each part a tuple of lower-case alternatives; matched with ``str.find`` instead of a compiled regex."""

    pattern: str
    type: str
    probe: str
    probe_kind: str | bool = "text"
    words: tuple | None = None  # the same pattern as literal words (``deny_match.literal_spans``), or None


# kind names are matched on their words ("ip_address" -> IP, "zip" -> LOCATION, "relationship" -> nothing)
_KIND_TYPES = [
    ("email", "EMAIL"), ("fax", "FAX"), ("phone", "PHONE"), ("tel", "PHONE"), ("cell", "PHONE"),
    ("mobile", "PHONE"), ("pager", "PHONE"), ("ssn", "SSN"), ("social", "SSN"), ("mrn", "MRN"), ("record", "MRN"),
    ("health", "HEALTH_PLAN"), ("plan", "HEALTH_PLAN"), ("insurance", "HEALTH_PLAN"), ("member", "HEALTH_PLAN"),
    ("account", "ACCOUNT"), ("acct", "ACCOUNT"), ("licen", "LICENSE"), ("drivers", "LICENSE"), ("vehicle", "VEHICLE"),
    ("plate", "VEHICLE"), ("vin", "VEHICLE"), ("device", "DEVICE"), ("serial", "DEVICE"), ("url", "URL"),
    ("portal", "URL"), ("website", "URL"), ("ip", "IP"), ("zip", "LOCATION"), ("postal", "LOCATION"),
    ("address", "LOCATION"), ("street", "LOCATION"), ("city", "LOCATION"), ("town", "LOCATION"),
    ("county", "LOCATION"), ("facility", "ORGANIZATION"), ("hospital", "ORGANIZATION"),
    ("organization", "ORGANIZATION"), ("organisation", "ORGANIZATION"), ("employer", "ORGANIZATION"),
    ("date", "DATE"), ("dob", "DATE"), ("birth", "DATE"), ("name", "NAME"), ("clinician", "NAME"),
    ("author", "NAME"), ("provider", "NAME"), ("relative", "NAME"), ("person", "NAME"), ("staff", "NAME"),
    ("age", "AGE"),
]
BATCH_WIDE_CUES = ("clinician", "author", "provider", "staff", "facility", "hospital", "organization", "city",
                   "county")
NUMBER_TYPES = ("PHONE", "FAX", "SSN", "MRN", "HEALTH_PLAN", "ACCOUNT", "LICENSE", "VEHICLE", "DEVICE", "ID")


@functools.lru_cache(maxsize=1024)
def kind_to_type(kind: str) -> str:
    """The HIPAA type of a known-identifier kind ("phone", "ip_address", "birth_date", "MRN"); "ID" if unknown."""
    if kind.upper() in PHI_TYPES:
        return kind.upper()
    words = [w for w in re.split(r"[^a-z]+", kind.lower()) if w]
    for cue, t in _KIND_TYPES:
        if any(w.startswith(cue) for w in words):
            return t
    return "ID"


_ID_WORDS = ("id", "ids", "identifier", "number", "num", "no", "nr", "code", "key", "ref", "reference")


def kind_is_read(kind: str) -> bool:
    """True when the kind's words name an identifier type (``kind_to_type``), including a generic identifier
    ("other_id", "case_number"); False for a kind no word of which is read ("pateint_name", "favourite_colour")."""
    if kind.upper() in PHI_TYPES:
        return True
    words = [w for w in re.split(r"[^a-z]+", kind.lower()) if w]
    return kind_to_type(kind) != "ID" or any(w in _ID_WORDS for w in words)


# -- numbers ------------------------------------------------------------------------------------------------------
_SEQ_GAP = frozenset(" \t\n().-/")  # what may stand between two characters of a number: up to 3 of these


def number_entries(value: str, typ: str) -> list[DenyEntry]:
    """A number in any grouping: its letters and digits in order with up to three separators between two of them
    (``probe_kind`` "seq-digits" / "seq-alnum": matched by ``sequence_spans``, no regex to compile)."""
    alnum = re.sub(r"[^0-9A-Za-z]", "", value)
    digits = re.sub(r"\D", "", value)
    if len(alnum) < 4 or not digits:
        return []
    if digits != alnum:
        return [DenyEntry(alnum.lower(), typ, alnum.lower(), "seq-alnum")]
    core = digits.lstrip("0") or "0"
    out = [DenyEntry(core if len(core) >= 4 else digits, typ, core if len(core) >= 4 else digits, "seq-digits")]
    if typ in ("PHONE", "FAX"):
        out += _phone_entries(value, digits, typ)
    if typ == "SSN" and len(digits) == 9:
        out.append(DenyEntry(r"(?i:\bssn\b|social\s+security|\blast\s+(?:4|four)\b)[^\n\d]{0,24}(?<!\d)(?P<v>"
                             + digits[5:] + r")(?!\d)", typ, digits[5:], "digits"))
    return out


def _phone_entries(value: str, digits: str, typ: str) -> list[DenyEntry]:
    """Country-code variants of a phone number: a NANP number without its "1" and its 7-digit local part; an
    international "+CC..." number in its national form "0..." (country codes of 1-3 digits, E.164)."""
    v = value.strip()
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    if len(digits) == 10 and not v.startswith(("+", "00")) or v.startswith(("+1", "001")):
        nat = digits[-10:]
        return [DenyEntry(nat, typ, nat, "seq-digits"),
                DenyEntry(r"(?<![\d(])" + nat[3:6] + r"[ \t]?[-.][ \t]?" + nat[6:] + r"(?![\d-])", typ, nat[3:],
                          "digits")]
    if v.startswith(("+", "00")):
        intl = digits[2:] if v.startswith("00") else digits
        return [DenyEntry("0" + intl[cc:], typ, "0" + intl[cc:], "seq-digits") for cc in (1, 2, 3)
                if len(intl[cc:]) >= 8]
    return []


# -- dates --------------------------------------------------------------------------------------------------------
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
def parse_known_date(value: str) -> dt.date | None:
    """A known date value in ISO 8601 (optionally with a time), m/d/yyyy, or "Month d, yyyy"; None otherwise."""
    v = value.strip()
    m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", v) or re.match(r"(\d{4})/(\d{1,2})/(\d{1,2})$", v)
    try:
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", v)
        if m:
            return dt.date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
        m = re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})", v)
        if m:
            months = [x.lower()[:3] for x in _MONTHS]
            if m.group(1).lower()[:3] in months:
                return dt.date(int(m.group(3)), months.index(m.group(1).lower()[:3]) + 1, int(m.group(2)))
    except ValueError:
        return None
    return None


def date_entries(day: dt.date) -> tuple[DenyEntry, ...]:
    """``day`` in every written form (``known_dates``: read by precompiled scanners, nothing compiled per value)."""
    return (DenyEntry(day.isoformat(), "DATE", "", "known-date"),)


# -- contact details ------------------------------------------------------------------------------------------------
_AT = r"(?:\s*@\s*|\s*[\[({<]\s*at\s*[\])}>]\s*|\s+at\s+)"
_DOT = r"(?:\s*\.\s*|\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+)"


def email_entries(value: str) -> list[DenyEntry]:
    """An e-mail address as written or spelled out, and a username-like local part alone."""
    if "@" not in value:
        return []
    local, _, domain = value.strip().partition("@")
    labels = [lb for lb in domain.split(".") if lb]
    if not local or not labels:
        return []
    pat = re.escape(local) + _AT + _DOT.join(re.escape(lb) for lb in labels)
    out = [DenyEntry(r"(?<![\w.])" + pat + r"(?![\w])", "EMAIL", local.lower(), "text")]
    if len(local) >= 4 and (re.search(r"[\d._-]", local) or len(local) >= 6) and local.lower() not in NOT_NAME_WORDS:
        out.append(DenyEntry(r"(?<![\w.@])" + re.escape(local) + r"(?![\w@]|\.\w)", "EMAIL", local.lower(), "text"))
    return out


def url_entries(value: str) -> list[DenyEntry]:
    """A URL with or without its scheme and "www.", with or without a trailing slash."""
    core = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value.strip(), flags=re.I)
    core = re.sub(r"^www\.", "", core, flags=re.I).rstrip("/")
    if len(core) < 4:
        return []
    return [DenyEntry(r"(?<![\w.])(?:[a-z][a-z0-9+.-]*://)?(?:www\.)?" + re.escape(core) + r"/?(?![\w/])", "URL",
                      core.lower(), "text")]


def ip_entries(value: str) -> list[DenyEntry]:
    """An IPv4 address with or without zero padding; any other address as written."""
    m = re.fullmatch(r"\s*(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\s*", value)
    if not m:
        return [DenyEntry(r"(?<![\w:.])" + re.escape(value.strip()) + r"(?![\w:])", "IP", value.strip().lower())]
    octets = [str(int(g)) for g in m.groups()]
    pat = r"\.".join(r"0{0,2}" + o if o != "0" else r"0{1,3}" for o in octets)
    return [DenyEntry(r"(?<![\d.])" + pat + r"(?![\d]|\.\d)", "IP", octets[-1], "digits")]


# -- places and names --------------------------------------------------------------------------------------------
_USPS = {"street": "st", "avenue": "ave", "road": "rd", "boulevard": "blvd", "drive": "dr", "lane": "ln",
         "court": "ct", "place": "pl", "terrace": "ter", "circle": "cir", "parkway": "pkwy", "highway": "hwy",
         "square": "sq", "trail": "trl", "route": "rte", "north": "n", "south": "s", "east": "e", "west": "w",
         "apartment": "apt", "suite": "ste", "floor": "fl"}
# other spellings of a suffix that USPS Publication 28 (Appendix C1) lists as commonly used ("Terr", "Av", "Str")
_USPS_VARIANTS = {"avenue": ("av", "aven", "avenu", "avn", "avnue"), "boulevard": ("boul", "boulv"),
                  "circle": ("circ", "circl", "crcl", "crcle"), "court": ("crt",), "drive": ("driv", "drv"),
                  "highway": ("highwy", "hiway", "hiwy", "hway"), "parkway": ("parkwy", "pkway", "pky"),
                  "square": ("sqr", "sqre", "squ"), "street": ("str", "strt"), "terrace": ("terr",),
                  "trail": ("trails", "trls")}
_USPS_FORMS = {k: (k, v, *sorted(_USPS_VARIANTS.get(k, ()), key=len, reverse=True)) for k, v in _USPS.items()}
_USPS_FORMS_OF = {form: forms for forms in _USPS_FORMS.values() for form in forms}  # any spelling -> all of them
_UNIT_RE = re.compile(r"[\s,]+(?:apt|apartment|unit|suite|ste|fl|floor|rm|room|#)\b.*$", re.I)


NAME_PATTERN_HEAD = r"(?<!\w)(?:"  # a name entry's pattern is HEAD + "|".join(its words' spellings) + TAIL
NAME_PATTERN_TAIL = r")(?:'s)?(?!\w)"


def words_literal(value: str, usps: bool = False) -> tuple:
    """A value's words as ``DenyEntry.words`` ("seq" / "seq-usps"): its words in order, each a tuple of lower-case
    alternatives (a USPS suffix, direction or unit word in every spelling of ``_USPS_FORMS`` when ``usps``)."""
    parts = [p.lower() for p in re.split(r"[\s,.-]+", value) if p]
    alts = [_USPS_FORMS_OF[p] if usps and p in _USPS_FORMS_OF else (p,) for p in parts]
    return ("seq-usps" if usps else "seq", tuple(alts))


def words_pattern(words: tuple) -> str:
    r"""The regex of a ``DenyEntry.words`` spelling: any of the words alone, whole, with an optional possessive
    ("any"); or the words in order with separators ``[\s,.-]*`` between them ("seq"; "seq-usps" also takes a
    final ".")."""
    mode, parts = words
    if mode == "any":
        return NAME_PATTERN_HEAD + "|".join(re.escape(a) for alts in parts for a in alts) + NAME_PATTERN_TAIL
    alts = [re.escape(a[0]) if len(a) == 1 else "(?:" + "|".join(map(re.escape, a)) + ")" for a in parts]
    return r"(?<!\w)" + r"[\s,.-]*".join(alts) + (r"\.?(?!\w)" if mode == "seq-usps" else r"(?!\w)")


def words_probe(words: tuple) -> str:
    """The literals a "seq" / "seq-usps" spelling needs, all of them, in the lower-cased text (``probe_kind``
    "all-text": NUL-joined, longest first): each word with a single spelling, cut like ``_name_probe``."""
    return "\x00".join(sorted({_name_probe(a[0]) for a in words[1] if len(a) == 1}, key=len, reverse=True))


def _name_probe(part: str) -> str:
    """The literal a name part's pattern needs in the lower-cased text: the whole part, cut before the first
    letter that case-insensitive matching also pairs with a non-ASCII letter (i, k, s: dotless i, Kelvin sign,
    long s), and at least its first four letters, so the probe never rules out a text the pattern matches."""
    cut = next((i for i, c in enumerate(part) if c in "iks" and i >= 4), len(part))
    return part[:cut]


def name_entries(value: str) -> list[DenyEntry]:
    """Each name token alone (hyphenated parts too, apostrophes optional, possessive), one entry per name."""
    probes, spellings = [], []
    for tok in re.findall(r"[A-Za-z][A-Za-z'-]+", value):
        for part in dict.fromkeys([tok, *tok.split("-")]):
            low = part.lower()
            if len(part) < 2 or low in NOT_NAME_WORDS or low in NON_NAME_TERMS:
                continue
            probes.append(_name_probe(max(low.split("'"), key=len)))
            spellings.append(_apostrophes_optional(low))
    if not spellings:
        return []
    words = ("any", tuple(dict.fromkeys(spellings)))
    return [DenyEntry(words_pattern(words), "NAME", "\x00".join(dict.fromkeys(probes)), "any-text", words)]


def _apostrophes_optional(word: str) -> tuple[str, ...]:
    """Every spelling of ``word`` with each apostrophe written or left out ("o'brien" -> "o'brien", "obrien")."""
    pieces = word.split("'")
    out = [pieces[0]]
    for piece in pieces[1:]:
        out = [w + sep + piece for w in out for sep in ("'", "")]
    return tuple(out)


def deny_entries(known: Mapping[str, Sequence[str]] | None) -> list[DenyEntry]:
    """Deny entries for one record's known identifiers (``{kind: [values]}``; see the module docstring).
    Values are folded like the analysis view and never logged."""
    out: list[DenyEntry] = []
    for kind, values in (known or {}).items():
        t = kind_to_type(kind)
        if isinstance(values, str):
            values = [values]
        for raw in values or ():
            v = _folded(str(raw))
            if len(v) < 2:
                continue
            out.extend(_value_entries(kind, t, v))
    return out


@functools.lru_cache(maxsize=50_000)
def _folded(raw: str) -> str:
    return fold_value(raw).strip()


@functools.lru_cache(maxsize=50_000)
def _value_entries(kind: str, t: str, v: str) -> tuple[DenyEntry, ...]:
    out = _entries_of_value(kind, t, v)
    if t == "LOCATION" and "," in v:
        for part in address_parts(v):
            out += _entries_of_value(kind, t, part)
    return tuple(out)


_STATE_ZIP_TAIL_RE = re.compile(r"[ \t]+(?:(?:" + "|".join(STATE_ABBR) + r")(?:[ \t]+\d{5}(?:-\d{4})?)?"
                                r"|\d{5}(?:-\d{4})?)\Z", re.I)
_ZIP_IN_RE = re.compile(r"\b\d{5}(?:-\d{4})?\b")
_STATE_CODES = frozenset(STATE_ABBR)
_STATE_NAMES = frozenset(US_STATES)


def address_parts(value: str) -> list[str]:
    """The parts of a full address line that are found on their own in notes: "5 Birch Road, Sudbury MA 01776" ->
    the street ("5 Birch Road"), the town ("Sudbury") and the ZIP ("01776"). A state stays (Safe Harbor keeps it)."""
    parts = [p.strip() for p in value.split(",") if p.strip()]
    out: list[str] = []
    for p in parts:
        out += _ZIP_IN_RE.findall(p)
        town = _STATE_ZIP_TAIL_RE.sub("", p)
        town = _STATE_ZIP_TAIL_RE.sub("", town)
        if town and not _ZIP_IN_RE.fullmatch(town) and town.upper() not in _STATE_CODES \
                and town.lower() not in _STATE_NAMES and len(town) >= 3:
            out.append(town)
    return [p for p in dict.fromkeys(out) if p != value]


def _entries_of_value(kind: str, t: str, v: str) -> list[DenyEntry]:
    if t == "DATE":
        day = parse_known_date(v)
        out = list(date_entries(day)) if day else []
        out.append(DenyEntry(r"(?<![\w/])" + re.escape(v) + r"(?![\w/])", t, v.lower()))
        if "birth" in kind.lower() or "dob" in kind.lower():  # a birth year implying age > 89 (ages.py)
            out.extend(DenyEntry(*e) for e in birth_year_deny_entries(v))
        return out
    if t == "EMAIL" and "@" in v:
        return email_entries(v)
    if t == "URL":
        return url_entries(v)
    if t == "IP":
        return ip_entries(v)
    if t == "LOCATION" and re.fullmatch(r"\d{5}(?:-?\d{4})?", v):
        return [DenyEntry(r"(?<!\d)" + v[:5] + r"(?:\s?-\s?\d{4})?(?!\d)", t, v[:5], "digits")]
    if t in NUMBER_TYPES or (t not in ("NAME", "LOCATION", "ORGANIZATION") and re.search(r"\d", v)):
        entries = number_entries(v, t)
        if entries:
            return entries
    usps = t == "LOCATION" and bool(re.match(r"\d", v))
    out = []
    for variant in dict.fromkeys([v, _UNIT_RE.sub("", v)] if usps else [v]):
        words = words_literal(variant, usps)
        if words[1]:
            out.append(DenyEntry(words_pattern(words), t, words_probe(words), "all-text", words))
    if t == "NAME":
        out += name_entries(v)
    return out
