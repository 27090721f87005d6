"""Identifying numbers: SSNs (G), medical record (H), health plan (I), account (J), licence (K), vehicle (L), device
(M) and any other unique identifying number (R) of HIPAA Safe Harbor, 45 CFR 164.514(b)(2)(i). The type comes from
the nearest cue word before a number (``MRN:``, ``Member ID`` ...); a number with no cue is an ``ID``.
"""
from __future__ import annotations

import bisect
import re

from .spans import Candidate, Span

SSN_RE = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\d-])")
VIN_RE = re.compile(r"\b(?=[A-HJ-NPR-Z0-9]*\d)(?=[A-HJ-NPR-Z0-9]*[A-HJ-NPR-Z])[A-HJ-NPR-Z0-9]{17}\b")
# generic identifier tokens: >= 4 digits with a letter, or >= 6 digits
ID_TOKEN_RE = re.compile(r"(?<![\w./-])(?:[A-Za-z]{1,6}[#:-]?)?(?=[A-Za-z0-9#-]*\d)[A-Za-z0-9]+(?:[-#][A-Za-z0-9]+)*(?![\w-])")
ID_CONTEXT_RE = re.compile(
    r"(?P<MRN>\bmrn\b|\bmr\s*#|medical\s+record|record\s*(?:no|number|#)|\bchart\s*(?:no|number|#)|\bunit\s*(?:no|number))"
    r"|(?P<SSN>\bssn\b|social\s+security|\bss\s*#)"
    r"|(?P<HEALTH_PLAN>member|insurance|insurer|\bpolicy|health\s*plan|subscriber|beneficiary|medicaid|medicare"
    r"|\bgroup\s*(?:no|number|#)|\bplan\s*(?:id|no|#)|\bpayer|\bhmo\b|\bppo\b|blue\s*cross|\bbcbs|aetna|cigna|humana)"
    r"|(?P<ACCOUNT>account|\bacct|billing|invoice|\bfin\b|\bhar\b)"
    r"|(?P<LICENSE>licen[cs]e|\bdl\b|\blic\b|certificate|\bcert\b|\bnpi\b|\bdea\b|permit|registration\s*(?:no|number|#))"
    r"|(?P<VEHICLE>plate|vehicle|\bvin\b|\bcar\b|truck|\btag\b|motorcycle)"
    r"|(?P<DEVICE>serial|\bs/?n\b|device|\budi\b|implant|pacemaker|defibrillator|\bicd\b|\bpump\b|\blot\b|model\s*(?:no|#)|\bcrt-?d\b|\bgenerator|\blead\b)"
    r"|(?P<IDX>accession|\bacc\b|specimen|sample|\border\s*(?:#|no\b|number|id\b)|\bcase\b|requisition|encounter|visit|\bcsn\b|badge|employee"
    r"|staff\s*(?:id|no|#)|\bref\b|reference|\bhosp\s*#|unit\s*no|confirmation|claim|ticket|tracking|voucher)"
    r"|(?P<ID>\bid\b|\bno\b|number|\bnum\b|#)",
    re.I)
ID_CONTEXT_WINDOW = 40
ID_CUE_PREFIX_RE = re.compile(r"(?i:mrn|mr|acct|acc|id|no|dl|sn|s/n|ssn|lic|hosp|unit|ref|csn|fin|har)[#:]+")
RANGE_LIKE_RE = re.compile(r"^\d+(?:[-/]\d+)+[a-z]{0,3}$|^\d+(?:\.\d+)?[a-z]{1,4}$")

def cue_index(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.lastgroup) for m in ID_CONTEXT_RE.finditer(text)]


def id_type_from_context(cues: list[tuple[int, int, str]], start: int) -> str | None:
    """Nearest specific cue (MRN, HEALTH_PLAN, ...) ending within ID_CONTEXT_WINDOW chars before ``start``;
    the generic ID cue only if no specific one is there."""
    lo = start - ID_CONTEXT_WINDOW
    i = bisect.bisect_left(cues, (start,)) - 1
    generic = None
    while i >= 0 and cues[i][0] >= lo:
        cs, ce, g = cues[i]
        if ce <= start:
            if g != "ID":
                return g
            generic = generic or g
        i -= 1
    return generic


_PAREN_NUM_RE = re.compile(r"[ \t]*\((\d{2,7})\)")


def ids_after_names(text: str, spans: list[Span]) -> list[Span]:
    """'Confirmed by GRAY, ANNE (18316)': a number in brackets right after a name is a staff identifier."""
    out = []
    for sp in spans:
        if sp.type == "NAME":
            m = _PAREN_NUM_RE.match(text, sp.end)
            if m:
                out.append(Span(m.start(1), m.end(1), "ID"))
    return out


def find_ssn_and_vin(text: str) -> list[Candidate]:
    """Social Security numbers in the SSA's AAA-GG-SSSS form (never 000/666/9xx areas, 00 groups, 0000 serials)
    and 17-character vehicle identification numbers (ISO 3779, no I/O/Q)."""
    out = [Candidate(m.start(), m.end(), "SSN", 0.85 if m.group(1) == "-" else 0.6) for m in SSN_RE.finditer(text)]
    out += [Candidate(m.start(), m.end(), "VEHICLE", 0.8) for m in VIN_RE.finditer(text)]
    return out


def find_identifiers(text: str) -> list[Candidate]:
    """Identifier-like tokens (>= 4 digits with a letter, or >= 6 digits; shorter after a specific cue); the type
    comes from the nearest cue before the token (``id_type_from_context``)."""
    out = []
    cues = cue_index(text)
    for m in ID_TOKEN_RE.finditer(text):
        tok = m.group()
        cue = id_type_from_context(cues, m.start())
        pm = ID_CUE_PREFIX_RE.match(tok)
        if pm:  # "MRN#123456" -> only the identifier part
            tok = tok[pm.end():]
        n_digits = sum(c.isdigit() for c in tok)
        n_alpha = sum(c.isalpha() for c in tok)
        start = m.end() - len(tok)
        if cue == "IDX":
            if n_digits >= 2:
                out.append(Candidate(start, m.end(), "ID", 0.6))
            continue
        if RANGE_LIKE_RE.match(tok) and not (cue and cue != "ID"):
            continue
        if n_digits >= 4 and n_alpha >= 1 or n_digits >= 6:
            if n_alpha == 0 and n_digits <= 7 and tok.endswith("000") and not cue:
                continue  # e.g. platelets 150000
            out.append(Candidate(start, m.end(), cue or "ID", 0.6 if cue else 0.5))
        elif cue and cue != "ID" and n_digits + n_alpha >= 4 and n_digits >= 2:
            out.append(Candidate(start, m.end(), cue, 0.6))
    return out
