"""Deny-by-default number policy: a digit string that could identify someone blocks unless it reads as a
clinical measurement or code.

Safe Harbor lists telephone and fax numbers, SSNs, medical record, health plan, account, certificate and
licence numbers, vehicle and device identifiers, IP addresses, ZIP codes and "any other unique identifying
number" (45 CFR 164.514(b)(2)(i)(D)-(R)). None of them has one fixed spelling, so digits are grouped the
way people write them (spaces, dots, dashes of any kind, slashes, parentheses, a +country code: NANP
(555) 201-7788, E.164 +44 20 7946 0958, SSN 987-65-4320 or 612.40.9981, ZIP+4 05401-2210, MRN 318 406 552)
and a group is identifier-like by its digit count and shape (an underscore separates groups like a dash; a NANP
number may carry a slash after its area code, "(802)/863-4411"). It is *not* identifier-like when a unit
follows it (dose, lab value, vital sign, interval, percent, count), a measurement or code name precedes
it (BP, HR, QTc, troponin, ICD-10, CPT, LOINC ...), or it is a decimal, a ratio such as 120/80, a range
or a year. Dates, times and IP addresses are found by their own detectors first.
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

UNIT_AFTER_RE = re.compile(  # on the same line only: "fax ... 2445\nd/w" is no "2445 d"
    r"^[ \t]?(?:%|x\b|°|(?:mg|mcg|ug|µg|g|kg|gm|gram|grams|lb|lbs|oz|ml|l|dl|cc|meq|mmol|mol|umol|nmol|pmol|iu|u|units?|"
    r"mu|miu|mmhg|cmh2o|bpm|beats|breaths|ms|msec|sec|s|mm|cm|m|km|in|inch|inches|ft|feet|mph|kcal|cal|f|c|"
    r"hrs?|hours?|h|mins?|minutes?|days?|d|wks?|weeks?|mos?|months?|yrs?|years?|pack|packs|pk|tabs?|tablets?|"
    r"caps?|capsules?|puffs?|drops?|sprays?|doses?|times|cells|copies|k/ul|k/mm3|/ul|/mm3|/hpf|/lpf|/min|/hr|"
    r"mg/dl|g/dl|ng/ml|ng/l|pg/ml|mg/l|mmol/l|meq/l|iu/l|u/l|miu/ml|ml/min|l/min|mg/kg|mcg/kg|mg/m2|ml/hr|"
    r"steps|stairs|blocks|meters|ohms?|joules?|j|w|watts?|mets?|gy|cgy|rem|msv)\b)", re.I)
MEASURE_BEFORE_RE = re.compile(
    r"(?:\b(?:bp|hr|rr|pr|qrs|qt|qtc|rate|pulse|temp|t|spo2|sat|sats|o2|fio2|peep|tv|vt|wt|weight|ht|height|bmi|"
    r"ef|lvef|dose|bolus|drip|gtt|glucose|bg|fsbs|a1c|hba1c|hgb|hb|hct|wbc|plt|platelets?|inr|ptt|pt|na|k|cl|co2|"
    r"bun|cr|creat|creatinine|mg|ca|phos|alb|ast|alt|alk|bili|tsh|bnp|nt-?probnp|trop|troponin|tni|tnt|ck|ckmb|"
    r"ldl|hdl|tg|chol|lactate|lipase|ferritin|psa|crp|esr|d-?dimer|count|score|level|volume|output|intake|"
    r"i/o|uop|map|cvp|pcwp|svr|gradient|lead|leads|grade|stage|class|axis|axes|interval|duration|"
    r"distance|size|length|diameter|area|units?|x|times|cpt|icd-?10(?:-cm)?|icd-?9|icd|loinc|ndc|hcpcs|drg|"
    r"snomed|rxnorm|rxcui|code|codes|version|v|step|steps|walk|mets|hours?|days?|years?|minutes?|"
    # ventilator modes and settings (tidal volume-rate-PEEP: "AC 450-14-5", "SIMV 500/12/5")
    r"vent|ventilator|settings|ac|vc|pc|prvc|simv|psv|aprv|cmv|a/c)"
    r"\s*(?:of|is|was|=|:|-|~|>|<|>=|<=)?\s*(?:\(|of)?\s*)$", re.I)
ID_CUE_RE = re.compile(
    r"(?:\b(?:mrn|mr|medical\s+record|record|chart|acct|account|member|policy|subscriber|group|plan|ssn|ss|social|"
    r"phone|tel|telephone|cell|mobile|home|work|pager|pgr|beeper|fax|ph|call|contact|id|no|nbr|num|number|"
    r"license|licence|lic|dl|serial|s/n|sn|device|plate|vin|box|ext|extension|zip|postal|claim|case|fin|csn|har|"
    r"encounter|visit|accession|acc|order|specimen|npi|dea|badge|employee|staff|ticket|confirmation|ref|"
    r"reference|unit|last\s*(?:4|four)|tag)\b|#)\s*[.:#-]?\s*(?:\(|#)?\s*$", re.I)
# after a strong identifier cue, the next one or two letters-and-digits groups are the identifier ("plate 521 WTO")
CUE_VALUE_RE = re.compile(  # never a unit's tail: "mg/dL SpO2 93" is no driver's licence
    r"(?<![/\d])\b(?:mrn|medical\s+record\s+(?:no|number|#)|acct|account\s*(?:no|number|#)?|member\s*(?:id|#)|policy\s*(?:no|#)?|"
    r"ssn(?:\s+(?:on\s+(?:file|record)|\(?last\s*(?:4|four)\)?|ending(?:\s+in)?))?|plate|license\s+plate|tag|vin|serial(?:\s+(?:no|number|#))?|s/n|licen[cs]e(?:\s+(?:no|number|#))?|"
    r"dl|badge|employee\s+id|patient\s+id|pt\s+id|last\s*(?:4|four)(?:\s+digits)?)\b\s*[.:#]?\s*(?:[A-Z]{2}\s+)?"
    r"((?=[A-Za-z0-9-]*\d)[A-Za-z0-9]+(?:[ -](?=[A-Za-z0-9]*[A-Za-z0-9])[A-Za-z0-9]{2,})?)\b", re.I)
CODE_TOKEN_RE = re.compile(r"^(?:[A-TV-Z]\d{2}(?:\.\d{1,4}[A-Z]?)?|[A-Z]{1,2}\d{1,2}[A-Z]?)$")
STATE_ZIP_CUE_RE = re.compile(r"(?:\b[A-Z]{2}|\b(?:zip|postal)(?:\s*code)?|[a-z]{4,})[\s,:]*$", re.I)

STATE_BEFORE_RE = re.compile(r"(?:[A-Za-z][a-z]+|[A-Z]{3,}),?[ \t]+(?:[A-Z]{2}|[A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?|[A-Z]{4,}(?:[ \t][A-Z]{4,})?)"
                             r"\.?,?[ \t]*$")
_NDC_SIZES = frozenset({(4, 4, 2), (5, 3, 2), (5, 4, 1), (5, 4, 2)})
_NDC_BEFORE_RE = re.compile(r"\bndc\s*(?:code|#|no\.?|number)?\s*[:#]?\s*$", re.I)
_HHMM_RE = re.compile(r"(?:[01]\d|2[0-3])[0-5]\d")
_RATIO_RANGE_RE = re.compile(r"\d{2,3}[ ]?-[ ]?\d{2,3}[ ]?/[ ]?\d{2,3}[ ]?-[ ]?\d{2,3}|"
                             r"\d{2,3}[ ]?/[ ]?\d{2,3}[ ]?-[ ]?\d{2,3}[ ]?/[ ]?\d{2,3}")
# a NANP number with a slash after the area code: "(802)/863-4411", "608/262.1234", "555 / 201-7788"
PHONE_SLASH_RE = re.compile(r"(?<![\d/.])\(?\d{3}\)?[ ]?(?P<a>[-./])[ ]?\d{3}[ ]?(?P<b>[-./ ])[ ]?\d{4}(?![\d/]|\.\d)")
VIN_RE = re.compile(r"(?<![\w-])(?=[A-HJ-NPR-Z0-9]*\d)(?=[A-HJ-NPR-Z0-9]*[A-HJ-NPR-Z])[A-HJ-NPR-Z0-9]{17}(?![\w-])")
_GAP_RE = re.compile(r"^(?:[ ]{1,2}|[ ]?[-./_][ ]?|\)[ ]?|\)[ ]?[-.][ ]?[ ]?|[ ]{1,2}-[ ]{1,2}|[ ]?\()$")


@dataclass(frozen=True)
class NumberFinding:
    start: int
    end: int
    kind: str  # "phone", "ssn", "zip", "id_number", "ip"


def _gap_kind(gap: str) -> str:
    if "." in gap:
        return "dot"
    if "/" in gap:
        return "slash"
    if "-" in gap or "_" in gap:
        return "dash"
    if "(" in gap or ")" in gap:
        return "paren"
    return "space"


def _compatible(kinds: set[str]) -> bool:
    if "dot" in kinds and len(kinds) > 1:
        return False
    return not ("slash" in kinds and (kinds & {"space", "paren"}))


def _chains(text: str) -> list[list[re.Match]]:
    groups = list(re.finditer(r"\d+", text))
    chains: list[list[re.Match]] = []
    cur: list[re.Match] = []
    kinds: set[str] = set()
    for g in groups:
        if cur:
            gap = text[cur[-1].end():g.start()]
            k = _gap_kind(gap) if _GAP_RE.match(gap) else None
            if k is not None and _compatible(kinds | {k}):
                cur.append(g)
                kinds.add(k)
                continue
            chains.append(cur)
        cur, kinds = [g], set()
    if cur:
        chains.append(cur)
    return chains


def _kinds_of(text: str, chain: list[re.Match]) -> set[str]:
    return {_gap_kind(text[a.end():b.start()]) for a, b in zip(chain, chain[1:])}


def _classify(text: str, chain: list[re.Match]) -> str | None:
    start, end = chain[0].start(), chain[-1].end()
    sizes = tuple(len(g.group()) for g in chain)
    d, n = sum(sizes), len(sizes)
    kinds = _kinds_of(text, chain)
    before = text[max(0, start - 40):start]
    plus = before.rstrip(" ").endswith("+")
    paren = before.endswith("(") or "paren" in kinds
    if d < 3:
        return None
    cue = ID_CUE_RE.search(before) is not None
    if cue and d >= (3 if re.search(r"\bbox\s*#?\s*$", before, re.I) else 4):
        return _name_kind(sizes, plus, paren, before)
    zip_like = sizes in ((5,), (5, 4)) and STATE_BEFORE_RE.search(before) is not None
    measured = UNIT_AFTER_RE.match(text[end:end + 12]) or (
        d <= (6 if n == 1 else 8) and MEASURE_BEFORE_RE.search(before[-24:]))
    if measured and not zip_like:
        return None
    if sizes in _NDC_SIZES and kinds == {"dash"} and _NDC_BEFORE_RE.search(before):
        return None  # a National Drug Code (FDA labeler-product-package, 4-4-2 / 5-3-2 / 5-4-1 / 5-4-2)
    if n == 4 and kinds == {"dash", "slash"} and max(sizes) <= 3 and \
            _RATIO_RANGE_RE.fullmatch(text[start:end]):
        return None  # "110-120/70-80", "120/70-140/90": a range of blood pressures, not an identifier
    if n == 2 and all(_HHMM_RE.fullmatch(g.group()) for g in chain) and kinds <= {"dash", "space"}:
        return None  # 0700-1900: a shift, a time range
    if plus and d >= 7:
        return "phone"
    if n == 1:
        return _name_kind(sizes, plus, paren, before) if d >= 5 else None
    if kinds == {"dot"}:
        return None if n == 2 else ("id_number" if d >= 6 else None)
    if kinds == {"slash"}:
        return ("id_number" if d >= 9 else None) if n == 2 else ("id_number" if d >= 6 else None)
    if kinds == {"space"}:
        ok = (n == 2 and (d >= 8 or sizes == (3, 4))) or (n >= 3 and d >= 8 and max(sizes) >= 3)
        return _name_kind(sizes, plus, paren, before) if ok else None
    if n == 2:
        years = all(len(g.group()) == 4 and g.group()[:2] in ("19", "20") for g in chain)
        return None if years or d < 7 else _name_kind(sizes, plus, paren, before)
    return _name_kind(sizes, plus, paren, before) if d >= 6 else None


def _name_kind(sizes: tuple[int, ...], plus: bool, paren: bool, before: str) -> str:
    if plus or (paren and sum(sizes) >= 10) or sizes in ((3, 3, 4), (1, 3, 3, 4), (3, 4), (10,), (11,)):
        return "phone"
    if sizes in ((3, 2, 4),):
        return "ssn"
    if sizes in ((5,), (5, 4), (9,)) and STATE_ZIP_CUE_RE.search(before[-16:]) and sizes != (9,):
        return "zip"
    return "id_number"


_IPV4_RE = re.compile(r"(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d]|\.\d)")
_IPV6_RE = re.compile(r"(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])", re.I)
_ALNUM_RE = re.compile(r"(?<![\w.-])(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?![\w-])")


def find_ips(text: str) -> list[NumberFinding]:
    out = [NumberFinding(m.start(), m.end(), "ip") for m in _IPV4_RE.finditer(text)
           if all(int(x) <= 255 for x in m.groups())]
    for m in _IPV6_RE.finditer(text):
        s = m.group()
        if s.count(":") < 2 or not re.search(r"[0-9a-f]", s, re.I):
            continue
        if not re.search(r"[a-f]", s, re.I) and "::" not in s:
            continue  # 12:30:45 is a time
        try:
            ipaddress.IPv6Address(s)
        except ValueError:
            continue
        out.append(NumberFinding(m.start(), m.end(), "ip"))
    return out


def find_alnum_ids(text: str) -> list[NumberFinding]:
    """Letters-and-digits codes that look like record, licence, plate, serial or account numbers."""
    out = []
    for m in _ALNUM_RE.finditer(text):
        tok = m.group()
        digits = sum(c.isdigit() for c in tok)
        letters = sum(c.isalpha() for c in tok)
        if CODE_TOKEN_RE.match(tok) or UNIT_AFTER_RE.match(re.sub(r"^\d+(?:\.\d+)?", "", tok) or "\x00"):
            continue
        before = text[max(0, m.start() - 30):m.start()]
        first_digit = next(i for i, c in enumerate(tok) if c.isdigit())
        inner_letter = re.search(r"\d[A-Za-z-]*[A-Za-z][A-Za-z-]*\d", tok) is not None
        if first_digit == 0 and not inner_letter and max(len(r) for r in re.findall(r"\d+", tok)) < 7:
            continue  # "90-110s", "3x", "12B": digits with a suffix
        if re.fullmatch(r"\d+(?:\.\d+)?[xX]\d+(?:\.\d+)?(?:[xX]\d+(?:\.\d+)?)?", tok):
            continue  # "500x14", "3x4x2": a product of counts or dimensions
        if (digits >= 5 and len(tok) >= 6) or (digits >= 3 and letters >= 2 and len(tok) >= 6
                                               and ID_CUE_RE.search(before)):
            if re.fullmatch(r"\d+(?:st|nd|rd|th)", tok, re.I):
                continue
            out.append(NumberFinding(m.start(), m.end(), "id_number"))
    return out


def find_cued_values(text: str) -> list[NumberFinding]:
    """The value after an identifier label ("plate 521 WTO", "MRN: LS1130393", "license VT 822669397"), and
    vehicle identification numbers (ISO 3779: 17 characters, no I, O or Q)."""
    out = [NumberFinding(m.start(), m.end(), "id_number") for m in VIN_RE.finditer(text)]
    for m in CUE_VALUE_RE.finditer(text):
        val = m.group(1)
        if sum(c.isdigit() for c in val) >= 2 and len(val.replace(" ", "").replace("-", "")) >= 4:
            out.append(NumberFinding(m.start(1), m.end(1), "id_number"))
    return out


def _inside_panel(text: str, start: int, end: int) -> bool:
    """The chain is one piece of a longer run of numbers joined by dots, slashes and dashes that holds a decimal
    ("7.32/48/78/24": an ABG; "140/4.1/102/24": a chemistry panel; "138-4.2-101-25"): lab values, not an id."""
    a, b = start, end
    while a > 0 and (text[a - 1].isdigit() or (text[a - 1] in "./-" and a > 1 and text[a - 2].isdigit())):
        a -= 1
    while b < len(text) and (text[b].isdigit() or (text[b] in "./-" and b + 1 < len(text) and text[b + 1].isdigit())):
        b += 1
    run = text[a:b]
    return (a, b) != (start, end) and re.search(r"\d\.\d", run) is not None and len(set(re.findall(r"[./-]", run))) > 1


def find_identifier_numbers(text: str) -> list[NumberFinding]:
    """Digit strings in any grouping that are identifier-like under the policy above (folded text)."""
    out = [NumberFinding(m.start(), m.end(), "phone") for m in PHONE_SLASH_RE.finditer(text)
           if ("/" in m.group("a") + m.group("b") or m.group("a") != m.group("b"))
           and not UNIT_AFTER_RE.match(text[m.end():m.end() + 12])
           and not MEASURE_BEFORE_RE.search(text[max(0, m.start() - 24):m.start()])]
    phones = [(f.start, f.end) for f in out]
    for chain in _chains(text):
        start, end = chain[0].start(), chain[-1].end()
        if any(start < b and a < end for a, b in phones) or _inside_panel(text, start, end):
            continue
        if (start and text[start - 1].isalpha()) or (end < len(text) and text[end].isalpha()
                                                      and not UNIT_AFTER_RE.match(text[end:end + 12])):
            continue  # part of a letters-and-digits token: see find_alnum_ids
        kind = _classify(text, chain)
        if kind:
            s = start - 1 if start and text[start - 1] in "(+" else start
            out.append(NumberFinding(s, end + (1 if end < len(text) and text[end] == ")" and "(" in text[s:end]
                                               else 0), kind))
    return out
