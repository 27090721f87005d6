"""Identifying numbers: SSNs (G), medical record (H), health plan (I), account (J), licence (K), vehicle (L), device
(M) and any other unique identifying number (R) of HIPAA Safe Harbor, 45 CFR 164.514(b)(2)(i). The type comes from
the nearest cue word before a number (``MRN:``, ``Member ID`` ...); a number with no cue is an ``ID``.
"""
from __future__ import annotations

import bisect
import functools
import re

from .spans import Candidate, Span

SSN_RE = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}([-./ ]|[ \t]-[ \t])(?!00)\d{2}\1(?!0000)\d{4}(?![\d-])")
# "xxx-xx-4320", "***-**-4320": the last four digits of a masked SSN are still part of the identifier
MASKED_SSN_RE = re.compile(r"(?i:[x*#]{3}[-. ]?[x*#]{2}[-. ]?)(\d{4})(?!\d)")
# a licence plate right after its cue: 2-8 capitals and digits with at most one space or hyphen ("7ABC123",
# "832 UGB", "4NU Q499"); US plates follow no single national format
PLATE_RE = re.compile(
    r"(?i:\b(?:licen[cs]e\s+|lic\.?\s+|vehicle\s+|registration\s+)?(?:plate|tag)s?\b(?:\s*(?:#|no\.?|number))?)"
    r"[ \t:#]*(?:\(?[A-Z]{2}\)?[ \t:]+)?"  # an optional state: "plate (NY) ABC-1234"
    r"((?=[A-Z0-9 -]{0,9}\d)(?=[A-Z0-9 -]{0,9}[A-Z])[A-Z0-9]{1,4}[ -]?[A-Z0-9]{1,5}"
    r"|(?=[a-z0-9]{0,7}\d)(?=[a-z0-9]{0,7}[a-z])[a-z0-9]{5,8})(?![\w-])")
# IEEE 802 MAC addresses of a patient's device ("00:1A:2B:3C:4D:5E", "00-1A-...", "001a.2b3c.4d5e")
MAC_RE = re.compile(r"(?<![\w:.-])(?:[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}"
                    r"|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![\w:.-])")
VIN_RE = re.compile(r"\b(?=[A-HJ-NPR-Z0-9]*\d)(?=[A-HJ-NPR-Z0-9]*[A-HJ-NPR-Z])[A-HJ-NPR-Z0-9]{17}\b")
# generic identifier tokens: >= 4 digits with a letter, or >= 6 digits
ID_TOKEN_RE = re.compile(r"(?<![\w./-])(?:[A-Za-z]{1,6}[#:-]?)?(?=[A-Za-z0-9#-]*\d)[A-Za-z0-9]+(?:[-#][A-Za-z0-9]+)*(?![\w-])")
ID_CONTEXT_RE = re.compile(
    r"(?<![A-Za-z])(?=[A-Za-z#])(?:"  # cues start a word ("remember" holds no "member"); also a fast scan
    r"(?P<MRN>\bmrn\b|\bmr\s*#|medical\s+record|record\s*(?:no|number|#)|\bchart\s*(?:no|number|#)|\bunit\s*(?:no|number))"
    r"|(?P<SSN>\bssn\b|social\s+security|\bss\s*#|\blast\s+(?:4|four)\b(?:\s+digits)?)"
    r"|(?P<HEALTH_PLAN>member|insurance|insurer|\bpolicy|health\s*plan|subscriber|beneficiary|medicaid|medicare"
    r"|\bgroup\s*(?:no|number|#)|\bplan\s*(?:id|no|#)|\bpayer|\bhmo\b|\bppo\b|blue\s*cross|\bbcbs|aetna|cigna|humana)"
    r"|(?P<ACCOUNT>account|\bacct|billing|invoice|\bfin\b|\bhar\b)"
    r"|(?P<LICENSE>licen[cs]e|\bdl\b|\blic\b|certificate|\bcert\b|\bnpi\b|\bdea\b|permit|registration\s*(?:no|number|#))"
    r"|(?P<VEHICLE>plate|vehicle|\bvin\b|\bcar\b|truck|\btag\b|motorcycle)"
    r"|(?P<DEVICE>serial|\bs/?n\b|device|\budi\b|implant|pacemaker|defibrillator|\bicd\b|\bpump\b|\blot\b|model\s*(?:no|#)|\bcrt-?d\b|\bgenerator|\blead\b)"
    r"|(?P<IDX>accession|\bacc\b|specimen|sample|\border\s*(?:#|no\b|number|id\b)|\bcase\b|requisition|encounter|visit|\bcsn\b|badge|employee"
    r"|staff\s*(?:id|no|#)|\bref\b|reference|\bhosp\s*#|unit\s*no|confirmation|claim|ticket|tracking|voucher"
    # ambulance run reports, police / safety incidents, dispatch events and calls
    r"|\brun\s*(?:#|no\b|number)|\bincident\b|\bevent\s*(?:#|no\b|number)|\b(?:pcr|epcr|cad)\s*#"
    r"|\bcall\s*(?:#|no\b|number)|\breport\s*(?:#|no\b|number))"
    r"|(?P<ID>\bid\b|\bno\b|number|\bnum\b|#)"
    r")",
    re.I)
ID_CONTEXT_WINDOW = 40
ID_CUE_PREFIX_RE = re.compile(r"(?i:mrn|mr|acct|acc|id|no|dl|sn|s/n|ssn|lic|hosp|unit|ref|csn|fin|har)[#:]+")
# Measurements written as one token: ventilator settings and sizes "700x10", "3x4x2cm", doses "1200U", "100-200CC".
MEASUREMENT_TOKEN_RE = re.compile(r"\d+(?:\.\d+)?(?:[x*]\d+(?:\.\d+)?)+[a-z]{0,3}|\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)?"
                                  r"(?i:u|units?|cc|ml|mg|mcg|g|kg|l|meq|mmol|mm|cm|hr|hrs|min|mins|x|iu|cal|kcal|mmhg)",
                                  re.I)
RANGE_LIKE_RE = re.compile(r"^\d+s?(?:[-/]\d+s?)+[a-z]{0,3}$|^\d+(?:\.\d+)?[a-z]{1,4}$")  # 5-10mg, 150s-160s

@functools.lru_cache(maxsize=8)
def cue_index(text: str) -> list[tuple[int, int, str]]:
    """(start, end, type) of every identifier cue in ``text`` (cached: several finders ask for the same note)."""
    return [(m.start(), m.end(), m.lastgroup) for m in ID_CONTEXT_RE.finditer(text)]


def nearest_cue(cues: list[tuple[int, int, str]], start: int) -> tuple[str, int] | None:
    """(type, end offset) of the nearest specific cue (MRN, HEALTH_PLAN, ...) ending within ID_CONTEXT_WINDOW chars
    before ``start``; the nearest generic ID cue only if no specific one is there."""
    lo = start - ID_CONTEXT_WINDOW
    i = bisect.bisect_left(cues, (start,)) - 1
    generic = None
    while i >= 0 and cues[i][0] >= lo:
        cs, ce, g = cues[i]
        if ce <= start:
            if g != "ID":
                return g, ce
            generic = generic or (g, ce)
        i -= 1
    return generic


# what may stand between a cue and its number: "MRN: ", "Member ID # ", "SSN on file: ", "Acct no. "
CUE_GAP_RE = re.compile(r"[ \t#:=.,()/-]*(?:(?:ids?|no|num|nbr|numbers?|is|of|on\s+file)\b[ \t#:=.,()/-]*)*\Z", re.I)


def cue_adjacent(text: str, cue: tuple[str, int], start: int) -> bool:
    """The cue ends right before ``start`` (only punctuation and filler words such as "ID", "no." between)."""
    return bool(CUE_GAP_RE.match(text[cue[1]:start]))


def id_type_from_context(cues: list[tuple[int, int, str]], start: int) -> str | None:
    """The type of ``nearest_cue``, or None."""
    cue = nearest_cue(cues, start)
    return cue[0] if cue else None


_PAREN_NUM_RE = re.compile(r"[ \t]*\([ \t]*(\d(?:\d|[ \t]?[-./][ \t]?(?=\d)|[ \t](?=\d)){1,24})[ \t]*\)")


def ids_after_names(text: str, spans: list[Span]) -> list[Span]:
    """'Confirmed by GRAY, ANNE (18316)', 'Smith, Ola (512-77-903)': a number (2+ digits, any grouping) in brackets
    right after a name is a staff or record identifier."""
    out = []
    for sp in spans:
        if sp.type == "NAME":
            m = _PAREN_NUM_RE.match(text, sp.end)
            if m:
                out.append(Span(m.start(1), m.end(1), "ID"))
    return out


# the last four digits of an SSN said or checked ("last 4 confirmed 1120", "SSN ending 4821", "last four of social:
# 0424", "SS# ends in 7731"): an SSN or "last 4" cue, filler words, then four digits that are no quantity
SSN_LAST4_RE = re.compile(
    r"(?i:(?<![A-Za-z])(?:ssn|social(?:[ \t]+security)?(?:[ \t]+(?:number|no\.?|#))?|ss[ \t]*#|last[ \t]*(?:4|four)"
    r"(?:[ \t]+digits)?)(?:[ \t:#=,()-]*(?:ending|ends|end|last[ \t]+(?:4|four)|digits|of|the|ssn|ss|social|security"
    r"|confirmed|verified|provided|given|checked|matches|matched|match|is|are|was|were|in|with|on[ \t]+file|xxx-xx|"
    r"\*{3}-\*{2})(?![A-Za-z]))*[ \t:#=,()-]*)(\d{4})(?![\d/-]|[.,]\d|[ \t]*(?i:mg|ml|cc|kcal|cal|units?|mcg|g\b|kg|%))")
_SSN_LAST4_HINT = ("ssn", "social", "ss#", "ss #", "last 4", "last four", "last4")


def find_ssn_and_vin(text: str) -> list[Candidate]:
    """Social Security numbers in the SSA's AAA-GG-SSSS form with any separator (never 000/666/9xx areas, 00 groups,
    0000 serials), the last four digits of a masked SSN ("xxx-xx-4320"), 17-character vehicle identification
    numbers (ISO 3779, no I/O/Q) and licence plates after their cue."""
    out = [Candidate(m.start(), m.end(), "SSN", 0.85 if m.group(1) == "-" else 0.6) for m in SSN_RE.finditer(text)]
    out += [Candidate(m.start(1), m.end(1), "SSN", 0.85) for m in MASKED_SSN_RE.finditer(text)]
    low = text.lower()
    if any(h in low for h in _SSN_LAST4_HINT):
        out += [Candidate(m.start(1), m.end(1), "SSN", 0.8) for m in SSN_LAST4_RE.finditer(text)]
    out += [Candidate(m.start(), m.end(), "VEHICLE", 0.8) for m in VIN_RE.finditer(text)]
    out += [Candidate(m.start(1), m.end(1), "VEHICLE", 0.8) for m in PLATE_RE.finditer(text)]
    return out


# ---------------------------------------------------------------- numbers read out as words
# A dictated or transcribed number: 7+ digits spoken one by one ("five five five, two one two, three four five six",
# "four four seven two nine one eight", "double five ..."): a phone number, record number or other identifier
# (the shortest identifier written digit by digit is a 7-digit local phone number). Not a count ("one two three
# four five six seven") nor a digit-span test ("digits forward: ...").
_DIGIT_WORDS = {"zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "niner": 9}
_DW = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|niner)"
_DTOK = rf"(?:(?:double|triple)[ \t]+)?{_DW}"
SPELLED_DIGITS_RE = re.compile(rf"(?i:(?<![A-Za-z-]){_DTOK}(?:(?:[ \t]*[,;.-][ \t]*|[ \t]+(?:(?:dash|hyphen)[ \t]+)?"
                               r"|[ \t]*\n[ \t]*)"
                               rf"{_DTOK}){{4,}})(?![A-Za-z])")
_SPELLED_HINT_RE = re.compile(r"(?=[otfsenzOTFSENZ])(?<![A-Za-z])(?i:one|two|three|four|five|six|seven|eight|nine"
                              r"|zero)[ \t,.;-]+(?i:double|triple|one|two|three|four|five|six|seven|eight|nine|niner"
                              r"|zero|oh)(?![A-Za-z])")
_DIGIT_SPAN_RE = re.compile(r"(?i:digit[ \t-]*span|digits?[ \t]+(?:forward|backward|reverse)|serial|count(?:s|ed|ing)?"
                            r"|recit\w*|repeat\w*|spell\w*)[^\n]{0,30}\Z")
_SPOKEN_PHONE_CUE_RE = re.compile(r"(?i:phone|tel\b|cell|mobile|landline|call|callback|call[ \t]+back|reach|text"
                                  r"|number[ \t]+is|contact|pager|fax)[^\n\d]{0,30}\Z")


def _spelled_digits(words: str) -> list[int]:
    out: list[int] = []
    rep = 1
    for w in re.findall(r"[A-Za-z]+", words.lower()):
        if w in ("dash", "hyphen"):
            continue
        if w == "double":
            rep = 2
        elif w == "triple":
            rep = 3
        else:
            out += [_DIGIT_WORDS[w]] * rep
            rep = 1
    return out


def find_spelled_numbers(text: str) -> list[Candidate]:
    """Identifiers read out digit by digit in words (7+ digits, see above): ``PHONE`` / ``FAX`` after a telephone
    cue, else the nearest identifier cue's type, else ``ID``. One precompiled probe decides whether to look at all."""
    if not _SPELLED_HINT_RE.search(text):
        return []
    out = []
    for m in SPELLED_DIGITS_RE.finditer(text):
        digits = _spelled_digits(m.group())
        if len(digits) < 7:
            continue
        steps = {b - a for a, b in zip(digits, digits[1:])}
        before = max(0, m.start() - 40)
        phone = _SPOKEN_PHONE_CUE_RE.search(text, before, m.start()) is not None
        cue = None if phone else nearest_cue(cue_index(text), m.start())
        if not phone and cue is None and (steps in ({1}, {-1})
                                          or _DIGIT_SPAN_RE.search(text, max(0, m.start() - 60), m.start())):
            continue                                   # counting, or a digit-span test, with no identifier cue
        if phone:
            typ = "FAX" if re.search(r"(?i:fax)", text[before:m.start()]) else "PHONE"
        else:
            typ = cue[0] if cue and cue[0] not in ("IDX", "ID") else ("PHONE" if len(digits) in (10, 11) else "ID")
        out.append(Candidate(m.start(), m.end(), typ, 0.75))
    return out


# ISBT 128 donation identification number of a blood unit, as printed eye-readable: facility (a letter and four
# digits), two-digit year, six-digit serial, optional two flag digits and a check character ("W0361 26 012346 7",
# "=W036126012346 00"); it identifies the donation, and the recipient through it
# (the character class first: the scan rejects most positions at once; the start is checked on each match)
ISBT_DIN_RE = re.compile(r"[A-NP-Z]\d{4}([ \t-]?)\d{2}\1\d{6}(?:[ \t-]?\d{2}(?![\w-]))?(?:[ \t-]?[0-9A-Z*](?![\w-]))?"
                         r"(?![\w-])")
_ISBT_BEFORE_RE = re.compile(r"(?:^|[^\w-]|(?:^|[^\w-])=)\Z")


# hospital room / bed / bay numbers ("Rm 5C-18", "Bed 12B") locate a bed, not a person (not a Safe Harbor number)
_ROOM_BEFORE_RE = re.compile(r"\b(?:rm|room|bed|bay|cubicle|pod|ward|floor|fl|stall)\.?[ \t]*[#:]?[ \t]*$", re.I)
# ICD-10-CM ("I21.4", "E11.65"), ICD-9 V/E codes, obstetric G/P notation ("G2P1011"): clinical codes, not ids
_CLINICAL_CODE_RE = re.compile(r"[A-TV-Z]\d{2}(?=\.\w|\)|$)|[A-TV-Z]\d{2}[A-Z0-9]?|G\d{1,2}P\d{1,4}", re.I)


def find_identifiers(text: str) -> list[Candidate]:
    """Identifier-like tokens with letters: >= 4 digits with a letter anywhere (typed by the nearest cue before
    it), shorter ones (>= 2 digits, >= 4 characters) only right after a specific cue ("MRN: AB12", "Accession
    S21-77"). Room / bed numbers and clinical codes (ICD-10-CM, G/P notation) are not identifiers. Digit-only runs
    in any grouping are the number policy's (``numbers.find_numbers``). MAC addresses are device identifiers."""
    out = [Candidate(m.start(), m.end(), "DEVICE", 0.8) for m in MAC_RE.finditer(text)] if ":" in text or "." in text \
        or "-" in text else []
    from .numbers import measurement_token  # numbers imports this module

    out += [Candidate(m.start(), m.end(), "ID", 0.8) for m in ISBT_DIN_RE.finditer(text)
            if _ISBT_BEFORE_RE.search(text, max(0, m.start() - 2), m.start())]

    cues = cue_index(text)
    for m in ID_TOKEN_RE.finditer(text):
        tok = m.group()
        if not any(c.isalpha() for c in tok):
            continue
        pm = ID_CUE_PREFIX_RE.match(tok)
        if pm:  # "MRN#123456" -> only the identifier part
            tok = tok[pm.end():]
        start = m.end() - len(tok)
        if not tok or _ROOM_BEFORE_RE.search(text[max(0, start - 12):start]) or _CLINICAL_CODE_RE.fullmatch(tok):
            continue
        n_digits = sum(c.isdigit() for c in tok)
        n_alpha = sum(c.isalpha() for c in tok)
        cue = nearest_cue(cues, start)
        typ = cue[0] if cue else None
        adjacent = cue is not None and (pm is not None or cue_adjacent(text, cue, start))
        if typ == "IDX":
            typ = "ID"
        long_id = n_digits >= 4 and n_alpha >= 1 or n_digits >= 6
        cued_id = adjacent and typ and (typ != "ID" or cue[0] == "IDX") and n_digits + n_alpha >= 4 and n_digits >= 2
        if not (long_id or cued_id):
            continue
        if ((RANGE_LIKE_RE.match(tok) or MEASUREMENT_TOKEN_RE.fullmatch(tok) or measurement_token(text, start, m.end()))
                and not (adjacent and typ != "ID")):
            continue
        out.append(Candidate(start, m.end(), typ or "ID", 0.6 if typ else 0.5) if long_id
                   else Candidate(start, m.end(), typ, 0.6))
    return out
