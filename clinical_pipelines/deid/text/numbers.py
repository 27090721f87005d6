"""Deny-by-default number policy: every digit run that could be an identifier is redacted, in any grouping, unless
it is recognised as a clinical or otherwise safe number. Covers the numeric forms of HIPAA Safe Harbor identifiers
(D) phone, (E) fax, (G) SSN, (H) medical record, (I) health plan, (J) account, (K) licence, (M) device and (R) any
other unique number, 45 CFR 164.514(b)(2)(i), when no recogniser of a specific format caught them.

Input: the analysis view of a note (dashes and spaces folded to ASCII, see ``normalize``). Output: ``Candidate``
spans typed by the nearest identifier cue (``identifiers.nearest_cue``), else by shape (``PHONE`` for NANP and
E.123 international numbers, ``SSN`` for a valid AAA-GG-SSSS, else ``ID``).

A *chain* is a run of digit groups joined by the separators identifiers are written with: ``-``, ``.``, ``/``, one
space, a spaced hyphen or slash (" - "), a parenthesised group ("(555) 201") and a leading ``+``. A chain splits
into *tokens* at bare whitespace and parentheses ("(555) 201 - 7788" -> "(555)" | "201 - 7788"; "612.40.9981" is
one token). A chain may wrap onto the next line only as a whole phone, SSN or international number.

Redacted (thresholds from how identifiers and clinical numbers are written):
- one run of 6+ digits ("318406552", "00482913"): MRNs hold 6-10 digits, accounts 8-12, SSNs 9, NANP phone numbers
  10, E.164 numbers up to 15; clinical numbers of 6+ digits are counts with a unit or after a laboratory name
  (platelets 250000), both kept below. Five digits (ZIP codes, CPT codes, lab values) need a cue.
- a grouped token of 7+ digits ("512-77-903", "612.40.9981", "414/662-1093"), or 6+ digits in 3+ groups
  ("12-34-56"): the shortest identifier written grouped is a 7-digit local phone number "201-7788", while grouped
  clinical numbers are shorter (BP 120/80: 5 digits, ranges 100-200: 6, LOINC codes up to 99999-9: 6) or are
  recognised (year ranges, clock-time ranges, round and decimal ranges, BP series). Full dates are PHI anyway.
- space-separated groups with 8+ digits, at most one of them 2 digits long and none shorter ("318 406 552",
  "794 52 541", "020 7946 0958"): series of readings are mostly 2-digit groups, round, or come after a
  measurement name.
- E.123 international numbers "+44 20 7946 0958" (8-15 digits), NANP numbers in any punctuation.
- 4+ digits in any grouping right after a specific identifier cue ("MRN: 318 406", "SSN 987 65"), 3+ after an
  accession / order / specimen cue, 5+ right after "ID" or "#".
Kept, unless the shape is a phone, SSN or international number or a specific cue stands right before it: a unit
after it (doses, lab units, vital units, %, counts "x 3 days", "2 tabs", sizes), a measurement name before it
(laboratory test, vital sign, score, ECG interval; up to two lower-case words between: "Glucose log: 182 215"), a
code-vocabulary cue (ICD-9/10, CPT, HCPCS, LOINC, NDC, SNOMED CT, RxNorm, DRG), money, year ranges (2019-2021),
clock-time ranges (0800-1700), lists of 24-hour times or years, round values (I/O 2400/1800), decimals, dates (the
dates family's), IPv4 addresses (``contact``).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..vocab import STATE_ABBR
from .identifiers import ID_CONTEXT_RE, cue_adjacent, cue_index, find_spelled_numbers, nearest_cue
from .spans import Candidate

_GROUP = r"(?:\(\d{1,5}\)|\d+)"
_SEP = r"(?:[ \t]*[-/][ \t]*|[._]|[ \t]|(?<=\))[ \t]*|[ \t]*\n[ \t]*)"
CHAIN_RE = re.compile(rf"(?<![\w+])(?<!\d[.,/:-])(?:\+[ \t]?)?{_GROUP}(?:{_SEP}{_GROUP})*(?!\d)")
_GROUP_RE = re.compile(r"\(?(\d+)\)?")
EXTENSION_RE = re.compile(r"[ \t]*,?[ \t]*(?:x|ext\.?|extension)[ \t]*\d{1,6}\b", re.I)

MEASUREMENT_NAMES = (
    # vital signs and bedside measurements
    "bp|sbp|dbp|map|hr|rr|pulse|temp|tmax|tcurrent|spo2|sp02|sao2|o2\\s*sat|sats?|fio2|peep|wt|weight|ht|height"
    "|bmi|bsa|i/o|uop|urine\\s+output|intake|output|glucose|fsbg|cbg|bg|fingerstick|accuchecks?|readings?"
    # ventilator settings and haemodynamic lines (PS/PEEP, rate/volume, PA and wedge pressures, mixed venous O2)
    "|vent(?:ilator)?(?:\\s+settings)?|settings|tv|vt|psv|ps|cpap|bipap|ipap|epap|simv|imv|a/c|ac|vc|pc|aprv|prvc|rate"
    "|pad|pas|pap|mvo2|svo2|scvo2|o2sat"
    # laboratory tests (common names and abbreviations)
    "|na|sodium|k|potassium|cl|chloride|co2|hco3|bicarb|bun|cr|creat|creatinine|glu|ca|calcium|mg|magnesium|phos"
    "|phosphorus|alb|albumin|protein|ast|alt|alk\\s*phos|alp|t\\.?\\s*bili|bili|bilirubin|ldh|ck|cpk|ck-?mb|trop\\w*"
    "|tni|tnt|hs-?tn[it]|bnp|nt-?pro-?bnp|pro-?bnp|wbc|rbc|hgb|hb|hct|plt|plts|platelets?|mcv|rdw|anc|alc|inr|ptt"
    "|aptt|fibrinogen|d-?dimer|lactate|ph|pco2|po2|pao2|paco2|a1c|hba1c|tsh|ft4|t4|t3|ldl|hdl|tg|trigs?"
    "|triglycerides|chol|cholesterol|crp|hs-?crp|esr|procalcitonin|pct|ferritin|iron|tibc|b12|folate|psa|cea|afp"
    "|ca-?125|hcg|b-?hcg|lipase|amylase|ammonia|uric\\s+acid|osm\\w*|e?gfr|crcl|cd4|viral\\s+load|vl|copies|titer"
    "|counts?|level|labs?|bmp|cmp|cbc|panel|ua|sg|culture"
    # cardiology and other measurements
    "|ef|lvef|gradient|qtc?|qrs|pr|axis|axes|rvsp|pasp|cvp|pcwp|svr|lvedd|lvesd|tapse|fev1|fvc|dlco|iop|vas"
    # scores and scales
    "|gcs|nihss|mmse|moca|phq-?9|gad-?7|apgars?|cha2ds2-?vasc|chads2|has-?bled|timi|grace|wells|curb-?65|q?sofa"
    "|apache(?:\\s+ii)?|meld(?:-?na)?|child-?pugh|braden|morse|pain(?:\\s+score)?|nyha|mrs|rankin|ecog|kps"
    "|karnofsky|score|scale|stage|grade|class|steps")
_MEASURE_BEFORE_RE = re.compile(
    rf"(?:^|[^\w])(?:{MEASUREMENT_NAMES})(?:'?s)?(?!\w)(?:\s*\([^)\n]{{0,12}}\))?[ \t:=~<>]*"
    r"(?:(?-i:[a-z]+)[ \t:]+){0,2}"  # "Glucose log: 182 215", "Cr trend 1.1 1.4", "CD4 count was 1200"
    # earlier values and a clock time between: "CKs: 745, 1601/206", "CK's at 5 pm 1719/182", "at 10am was 1761/194"
    r"(?:(?:at[ \t]+\d{1,2}(?::[0-5]\d)?[ \t]*[ap]\.?m?\.?|\d[\d.]*(?:/\d[\d.]*)*[ \t]*[,;])[ \t]*"
    r"(?:(?-i:[a-z]+)[ \t:]+){0,2}){0,3}"
    r"(?:(?:of|is|was|were|at|now|from|to|down|up|->|=)[ \t:=~<>]*)*$", re.I)
UNITS = (
    "mg|mcg|ug|µg|g|gm|grams?|kg|kgs|lbs?|pounds?|oz|ml|cc|dl|mmol|meq|iu|units?|mmhg|mm\\s+hg|cmh2o|cm|mm|km|inch"
    "|inches|in|ft|feet|%|percent|bpm|beats|breaths|/min|per\\s+min\\w*|ms|msec|sec|seconds?|mins?|minutes?|hrs?"
    "|hours?|days?|wks?|weeks?|mos?|months?|yrs?|years?|copies|cells|k/ul|/ul|/mm3|/hpf|/lpf|x\\s*10|ng|pg|nmol"
    "|pmol|umol|mosm|kcal|cal|calories|steps|tabs?|tablets?|caps?|capsules?|puffs?|drops?|gtts?|sprays?|patch\\w*"
    "|doses?|vials?|amps?|times|x\\b|cfu|colonies|organisms|mph|ppm|points?|pts|degrees|deg|°|l/min|lpm|dollars"
    "|usd|cents|mL/h\\w*|mg/\\w+")
UNIT_AFTER_RE = re.compile(rf"^[ \t]*(?:{UNITS})(?![A-Za-z])", re.I)
_CODE_CUE_RE = re.compile(
    r"\b(?:ICD[- ]?(?:9|10|11)?(?:[- ]?(?:CM|PCS))?|CPT|HCPCS|LOINC|NDC|SNOMED(?:[- ]?CT)?|RxNorm|RXCUI|UMLS|CUI"
    r"|(?:MS-|APR-)?DRG|ATC|UNII|OID|(?:billing|procedure|diagnosis|dx|px|charge|cpt|icd)[ \t]+codes?|modifier)\b"
    r"(?:[ \t]*(?:codes?|#|no\.?|:|=))*[ \t:#=]*"
    r"(?:[\w.-]+[ \t]*(?:\([^)\n]{0,40}\))?[ \t]*[,;/][ \t]*){0,6}$", re.I)
_MONEY_RE = re.compile(r"(?:\$|\bUSD|\bEUR|£|€)[ \t]*$", re.I)
_GENERIC_CUE_RE = re.compile(r"(?:\bid|#)[ \t:]*$", re.I)


@dataclass(frozen=True)
class Token:
    """Digit groups of one chain token: ``start``/``end`` in the text, ``groups`` the digit strings, ``seps`` the
    separators between them ("-", ".", "/"; a spaced " - " counts as "-"), ``plus`` when it starts with "+"."""

    start: int
    end: int
    groups: tuple[str, ...]
    seps: tuple[str, ...]
    plus: bool = False
    new_line: bool = False  # a line break before the token (wrapped text)

    @property
    def digits(self) -> str:
        return "".join(self.groups)

    @property
    def plain(self) -> bool:
        return len(self.groups) == 1


def tokens_of(text: str, start: int, end: int) -> list[Token]:
    """Split the chain ``text[start:end]`` into tokens at bare whitespace and parentheses ("(555) 201 - 7788" ->
    "(555)" | "201 - 7788"; "612.40.9981" and "318 - 406" are one token each)."""
    out: list[Token] = []
    cur: list[tuple[int, int, str]] = []
    seps: list[str] = []
    plus = text[start] == "+"
    new_line = False
    prev_end = None

    def flush():
        nonlocal cur, seps, plus
        if cur:
            first = start if plus else cur[0][0]  # "+44 ..." keeps its plus sign
            out.append(Token(first, cur[-1][1], tuple(g for _, _, g in cur), tuple(seps), plus, new_line))
        cur, seps, plus = [], [], False

    for m in _GROUP_RE.finditer(text, start, end):
        if prev_end is not None:
            raw = text[prev_end:m.start()]
            sep = raw.strip(" \t\n")
            minus = sep == "-" and raw[0] in " \t\n" and raw[-1] not in " \t\n"  # "47 -17": a minus sign
            if not sep or minus or "(" in sep or ")" in sep or text[m.start()] == "(" or text[prev_end - 1] == ")":
                flush()
                new_line = "\n" in raw
            else:
                seps.append(sep)
        cur.append((m.start(), m.end(), m.group(1)))
        prev_end = m.end()
    flush()
    return out


def _is_year(g: str) -> bool:
    return len(g) == 4 and 1900 <= int(g) <= 2099


def _is_hhmm(g: str) -> bool:
    return len(g) == 4 and int(g[:2]) <= 24 and int(g[2:]) < 60


def _times_or_years(groups: tuple[str, ...]) -> bool:
    return all(_is_hhmm(x) for x in groups) or all(_is_year(x) for x in groups)


def nanp_shape(groups: tuple[str, ...]) -> bool:
    """North American Numbering Plan number: [1] NPA NXX XXXX (area code starting 2-9), written in groups."""
    sizes = [len(g) for g in groups]
    if sizes[:1] == [1] and groups[0] == "1":
        sizes, groups = sizes[1:], groups[1:]
    return sizes in ([3, 3, 4], [3, 7], [6, 4]) and groups[0][0] in "23456789"


def ssn_shape(groups: tuple[str, ...]) -> bool:
    """AAA GG SSSS with the SSA's validity rules (no 000 / 666 / 9xx area, no 00 group, no 0000 serial)."""
    return ([len(g) for g in groups] == [3, 2, 4] and groups[0] not in ("000", "666") and groups[0][0] != "9"
            and groups[1] != "00" and groups[2] != "0000")


def international_shape(groups: tuple[str, ...], plus: bool) -> bool:
    """E.123 international form: "+CC ..." or "00CC ..." with 8-15 digits (E.164), not a list of clock times."""
    n = len("".join(groups))
    if plus:
        return 8 <= n <= 15
    return bool(re.fullmatch(r"00[1-9]\d{0,2}", groups[0])) and 10 <= n <= 15 and not _times_or_years(groups)


def date_shape(tok: Token) -> bool:
    """m/d/y, d/m/y or y/m/d with one separator and a 2- or 4-digit year: a date, left to the dates family."""
    g = tok.groups
    if len(g) != 3 or len(set(tok.seps)) != 1 or tok.seps[0] not in "-/.":
        return False
    a, b, c = (int(x) for x in g)
    if len(g[0]) == 4:
        return 1 <= b <= 12 and 1 <= c <= 31 and len(g[1]) <= 2 and len(g[2]) <= 2
    if len(g[2]) not in (2, 4) or len(g[0]) > 2 or len(g[1]) > 2:
        return False
    return (1 <= a <= 12 and 1 <= b <= 31) or (1 <= b <= 12 and 1 <= a <= 31)


def safe_grouped(tok: Token) -> bool:
    """Grouped clinical forms: decimals and decimal ranges, IPv4 (left to ``contact``), year and clock-time ranges,
    round values (1000-2000, 2400/1800), BP series (120/80-140/90)."""
    g, seps = tok.groups, tok.seps
    if seps == (".",):
        return len(g[1]) <= 3 or len(tok.digits) <= 6  # a decimal ("7799.32923" is not one)
    if "." in seps and all(s in ".-/" for s in seps) and not _dotted_parts(tok):
        return True  # range of decimals: each part between "-" or "/" holds at most one "."
    if len(g) == 4 and all(s == "." for s in seps) and all(len(x) <= 3 and int(x) <= 255 for x in g):
        return True  # IPv4
    if len(g) == 2 and _times_or_years(g):
        return True
    if all(x.endswith("0") for x in g):
        return True  # round values: ranges and ratios (1000-2000, I/O 2400/1800, 100 - 200 - 300)
    return "/" in seps and all(len(x) <= 3 for x in g)


def _dotted_parts(tok: Token) -> list[str]:
    """The token's parts between '-' and '/' separators that hold more than one '.'."""
    parts, cur = [], [tok.groups[0]]
    for sep, grp in zip(tok.seps, tok.groups[1:]):
        if sep == ".":
            cur.append(grp)
        else:
            parts.append(cur)
            cur = [grp]
    parts.append(cur)
    return [".".join(p) for p in parts if len(p) > 2]


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    groups: tuple[str, ...]
    strong: bool  # a phone / SSN / international shape: no unit or measurement context makes it safe
    kind: str | None = None


def _strong_hit(start: int, end: int, groups: tuple[str, ...], plus: bool) -> _Hit | None:
    if international_shape(groups, plus):
        return _Hit(start, end, groups, True, "PHONE")
    if nanp_shape(groups):
        return _Hit(start, end, groups, True, "PHONE")
    if ssn_shape(groups):
        return _Hit(start, end, groups, True, "SSN")
    return None


def _spaced_hit(run: list[Token]) -> _Hit | None:
    """Single-group tokens separated by spaces ("318 406 552"): 8+ digits in groups of 2+ digits, at most one of
    them 2 digits long, not a list of clock times or years."""
    groups = tuple(t.digits for t in run)
    if len("".join(groups)) < 8 or min(len(x) for x in groups) < 2 or sum(len(x) == 2 for x in groups) > 1:
        return None
    if _times_or_years(groups) or all(x.endswith("0") for x in groups):
        return None  # clock times, years, round readings ("120 130 140 150")
    return _Hit(run[0].start, run[-1].end, groups, False, None)


def _token_hit(tok: Token) -> _Hit | None:
    g, n = tok.groups, len(tok.digits)
    strong = _strong_hit(tok.start, tok.end, g, tok.plus)
    if strong:
        return strong
    if tok.plain:
        if n < 6:
            return None
        return _Hit(tok.start, tok.end, g, False, None)
    if safe_grouped(tok) or date_shape(tok):
        return None
    if n >= 7 or (len(g) >= 3 and n >= 6):
        return _Hit(tok.start, tok.end, g, False, None)
    return None


def _cue_hit(text: str, start: int, groups: tuple[str, ...], cue: tuple[str, int] | None) -> bool:
    """A short number right after a specific identifier cue ("MRN: 4417", "SSN 987 65", "Order # 512")."""
    if cue is None or not cue_adjacent(text, cue, start):
        return False
    typ, d = cue[0], "".join(groups)
    if typ == "ID":
        return len(d) >= 5 and bool(_GENERIC_CUE_RE.search(text[max(0, start - 6):start])) and not d.endswith("00")
    need = 3 if typ == "IDX" else 4
    # "pacemaker 2015", "Medicaid 2019": a year after a device or plan word is when, not which
    return len(d) >= need and (typ in ("SSN", "MRN", "IDX") or not (len(groups) == 1 and _is_year(d)))


_CLOCK_AFTER_RE = re.compile(r"[ \t]*[ap]\.?m\.?(?![A-Za-z])", re.I)
_CLOCK_RANGE_RE = re.compile(r"(?:[01]?\d|2[0-3])[0-5]\d-(?:[01]?\d|2[0-3])[0-5]\d")


def _context_safe(text: str, start: int, end: int) -> bool:
    """A unit after, a measurement name or currency sign before, or a clock-time range before "am" / "pm"
    ("815-1045PM")."""
    return bool(UNIT_AFTER_RE.match(text[end:end + 24]) or _MEASURE_BEFORE_RE.search(text[max(0, start - 48):start])
                or _MONEY_RE.search(text[max(0, start - 6):start])
                or (_CLOCK_AFTER_RE.match(text, end) and _CLOCK_RANGE_RE.fullmatch(text, start, end)))


# a run of space-separated groups is judged at most this many groups at a time: a table of hundreds of values on
# one line would otherwise cost time quadratic in its length (identifiers written in groups have at most ~6)
_MAX_RUN = 64


def clinical_number_context(text: str, start: int, end: int) -> bool:
    """True when the number ``text[start:end]`` is a measurement (a measurement name or currency before it, a unit
    after it) or a code after a code-system cue (NDC, CPT, ICD, LOINC ...). For other methods' spans."""
    return _context_safe(text, start, end) or bool(_CODE_CUE_RE.search(text[max(0, start - 64):start]))


def _chain_hits(text: str, toks: list[Token], cues: list) -> list[_Hit]:
    groups = tuple(x for t in toks for x in t.groups)
    if len(toks) > 1:  # the whole chain in a phone / SSN / international shape ("(555) 201 - 7788", "+44 20 ...")
        strong = _strong_hit(toks[0].start, toks[-1].end, groups, toks[0].plus)
        if strong:
            return [strong]
    hits: list[_Hit] = []
    i = 0
    while i < len(toks):
        j = i
        while j < len(toks) and toks[j].plain and j - i < _MAX_RUN:
            j += 1
        span = toks[i:j] if j - i >= 2 else toks[i:i + 1]
        hit = _spaced_hit(span) if len(span) > 1 else _token_hit(span[0])
        if hit is None and len(span) > 1:
            span = toks[i:i + 1]
            hit = _token_hit(span[0])
        if hit is None:
            run = toks[i:j] if j - i >= 2 else toks[i:i + 1]
            cue = nearest_cue(cues, run[0].start)
            run_groups = tuple(x for t in run for x in t.groups)
            # "ref 12.0-15.5" is clinical; after a specific cue a pair of years or clock times is a serial number
            # ("incident #2026-0311", "Case 2019-0412")
            specific = cue is not None and cue_adjacent(text, cue, run[0].start)
            clinical = any(not t.plain and ((safe_grouped(t) and not (specific and _serial_like(text, t)))
                                            or date_shape(t)) for t in run)
            if not clinical and _cue_hit(text, run[0].start, run_groups, cue):
                span, hit = run, _Hit(run[0].start, run[-1].end, run_groups, False, None)
        if hit is not None:
            hits.append(hit)
        i += len(span)
    return hits


def find_numbers(text: str) -> list[Candidate]:
    """Identifier-like digit runs under the deny-by-default policy of this module (see the module docstring), and
    identifiers read out in words (``identifiers.find_spelled_numbers``)."""
    out: list[Candidate] = find_spelled_numbers(text)
    if not any(c.isdigit() for c in text):
        return out
    cues = None
    for m in CHAIN_RE.finditer(text):
        toks = tokens_of(text, m.start(), m.end())
        if not toks:
            continue
        if cues is None:
            cues = cue_index(text)
        hits = None
        if any(t.new_line for t in toks):  # wrapped across lines: one number only in a phone / SSN shape
            whole = _strong_hit(toks[0].start, toks[-1].end, tuple(x for t in toks for x in t.groups), toks[0].plus)
            hits = [whole] if whole else None
        if hits is None:
            hits = [h for line in _lines(toks) for h in _chain_hits(text, line, cues)]
        for h in hits:
            c = _typed(text, h, cues)
            if c is not None:
                out.append(c)
    return out


def _serial_like(text: str, tok: Token) -> bool:
    """A year-first or '#'-glued grouped number with no decimal point ("2026-0311", "#1000-2000"): a serial number
    when an identifier cue stands right before it ("incident #2026-0311", "event ID 2026-0311")."""
    return "." not in tok.seps and (_is_year(tok.groups[0]) or text[tok.start - 1:tok.start] == "#")


def _lines(toks: list[Token]) -> list[list[Token]]:
    out: list[list[Token]] = []
    for t in toks:
        if t.new_line or not out:
            out.append([])
        out[-1].append(t)
    return out


_PREFIX_RE = re.compile(r"\b([A-Z]{1,4})[ \t-]$")


def _typed(text: str, h: _Hit, cues) -> Candidate | None:
    """The hit as a candidate: dropped in a code-vocabulary or clinical context (unless strong), typed by the
    nearest cue, widened to an extension ("x204") or to a capital-letter prefix right after the cue
    ("Member ID BGV 208579575")."""
    start, end = h.start, h.end
    if _CODE_CUE_RE.search(text[max(0, start - 80):start]):
        return None
    cue = nearest_cue(cues, start)
    if cue is not None and any(c.isdigit() for c in text[cue[1]:start]):
        cue = None  # the cue names an earlier number
    named = cue is not None and cue[0] != "ID" and cue_adjacent(text, cue, start)  # "glucose and mrn 318406552"
    if not h.strong and not named and _context_safe(text, start, end):
        return None
    pm = _PREFIX_RE.search(text, max(0, start - 6), start)
    if (pm and cue is not None and cue[0] != "ID" and cue[1] <= pm.start(1) and pm.group(1) not in STATE_ABBR
            and cue_adjacent(text, cue, pm.start(1))):
        start = pm.start(1)
    typ = h.kind
    if cue is not None and cue[0] not in ("ID", "IDX") and (typ is None or not h.strong):
        typ = cue[0]
    elif typ is None and cue is not None and cue[0] == "IDX":
        typ = "ID"
    if typ == "PHONE" or (typ is None and _phone_cue(text, start)):
        typ = "FAX" if re.search(r"\bfax|\bf:\s*$|facsimile", text[max(0, start - 25):start], re.I) else "PHONE"
        ext = EXTENSION_RE.match(text, end)
        if ext:
            end = ext.end()
    return Candidate(start, end, typ or "ID", 0.85 if h.strong or typ not in (None, "ID") else 0.6)


_PHONE_CUE_RE = re.compile(r"\b(?:tel|phone|ph|cell|mobile|call|pager|fax|contact|reach|text|home|work|office)\b"
                           r"[^\n\d]{0,15}$", re.I)


def _phone_cue(text: str, start: int) -> bool:
    return bool(_PHONE_CUE_RE.search(text[max(0, start - 30):start]))


# ---------------------------------------------------------------- measurements written as one token
# Bedside notes join a measurement name, its values and a unit or rhythm with hyphens or nothing: "tv's-300-400",
# "SATS93-98%", "HR-110-133", "sbp146-155", "12-13BREATHS/MIN", "61-64SR", "30-40K", "40cmH20", "CV-sr-80-100's",
# clock times "1145AM", "11P-12A", "930-1130PM", a 24-hour time heading a line "0500-L neck care", and value ranges
# run into prose "130-140-UP TO 160". Identifiers written with letters are not built this way: their digit runs
# are long (5+) or their letters are no measurement, unit or word ("AB-1234-56", "PB7200", "MRN-300-400").
_RHYTHMS = "sr|st|sb|nsr|af|afib|aflutter|sinus|paced|vpaced|apaced|junct\\w*"
_MEASURE_WORD_RE = re.compile(rf"(?:{MEASUREMENT_NAMES}|{_RHYTHMS})(?:'?s)?", re.I)
_QUALIFIER_RE = re.compile(rf"(?:{UNITS}|{_RHYTHMS}|s|k|r|cmh2[o0]|breaths?)", re.I)
_QUALIFIER_AT_RE = re.compile(r"(?<=\d)(?:(?i:cmh2[o0])|[A-Za-z]+)")
_CLOCK = r"(?:(?:[01]?\d|2[0-3])[0-5]\d|1[0-2]|0?[1-9])"
_CLOCK_TOKEN_RE = re.compile(rf"{_CLOCK}(?:am|pm)|{_CLOCK}[ap]?-{_CLOCK}(?:am|pm|[ap])|{_CLOCK}[ap]-{_CLOCK}"
                             r"|(?:[01]\d|2[0-3])[0-5]\d-[A-Za-z]+", re.I)
_RUN_RE = re.compile(r"[A-Za-z]+|\d+")
_PREV_WORD_RE = re.compile(r"([A-Za-z][A-Za-z0-9]*)'\Z")


@functools.lru_cache(maxsize=4096)
def _joined_word(word: str) -> bool:
    """A common English word (wordfreq Zipf >= 3.5; two letters >= 5: "up", "at", "to") that names no identifier."""
    from wordfreq import zipf_frequency

    if len(word) < 2 or ID_CONTEXT_RE.fullmatch(word) or word.lower() in ("order", "room", "bed", "unit", "lot"):
        return False
    return zipf_frequency(word.lower(), "en") >= (5.0 if len(word) == 2 else 3.5)


def measurement_token(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` (one token of letters and digits joined by hyphens) is a measurement written as one
    word: digit runs of at most 4 digits (8 in all) with a measurement or rhythm name ("HR-110-133", "tv's-300-400"
    with the name before the apostrophe), a unit or qualifier right after a digit ("12-13BREATHS", "61-64SR"), a
    clock time or range ("1145AM", "11P-12A", "0500-L"), values after a measurement name ("O2 sat down to
    93-94-PT"), or values of at most 3 digits joined to a common word ("130-140-UP", "better-97-100")."""
    tok = text[start:end]
    if _CLOCK_TOKEN_RE.fullmatch(tok):
        return True
    runs = _RUN_RE.findall(tok)
    digits = [r for r in runs if r[0].isdigit()]
    if not digits or max(map(len, digits)) > 4 or sum(map(len, digits)) > 8:
        return False
    last_digit = max(i for i, r in enumerate(runs) if r[0].isdigit())
    names = [r for r in runs[:last_digit] if r[0].isalpha()]  # a name comes before its value
    prev = _PREV_WORD_RE.search(text, max(0, start - 12), start)
    short = max(map(len, digits)) <= 3  # one-letter names ("K", "T") take values of up to 3 digits
    if (any(_MEASURE_WORD_RE.fullmatch(w) and (short or len(w) > 1) for w in names)
            or (prev and _MEASURE_WORD_RE.fullmatch(prev.group(1)))):
        return True
    if (len(digits) >= 2 or len(digits[0]) <= 3) and any(_QUALIFIER_RE.fullmatch(q.group())
                                                        for q in _QUALIFIER_AT_RE.finditer(tok)):
        return True
    if tok[0].isdigit() and _MEASURE_BEFORE_RE.search(text, max(0, start - 48), start):
        return True  # "O2 sat down to 93-94-PT sx again"
    return (len(digits) >= 2 and max(map(len, digits)) <= 3
            and any(p.isalpha() and _joined_word(p) for p in tok.split("-")))
