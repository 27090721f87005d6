"""Contact details: telephone and fax numbers, e-mail addresses, URLs and IP addresses (HIPAA Safe Harbor
identifiers (D), (E), (F), (N), (O); 45 CFR 164.514(b)(2)(i)). Number formats follow ITU-T E.123 / E.164 and
the North American Numbering Plan as they are written in practice.
"""
from __future__ import annotations

import re

from .spans import Candidate

PHONE_RE = re.compile(r"(?<![\w.])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}"
                      r"(?:\s*(?:x|ext\.?|extension)\s*\d{1,6})?(?![\w])", re.I)
PHONE_NOSEP_RE = re.compile(r"(?<![\w.])(?:tel|phone|ph|cell|mobile|call|pager|fax|contact)\D{0,12}(\d{10})(?!\d)", re.I)
PHONE_SHORT_RE = re.compile(r"(?:\b(?:pager|beeper|pgr|page|ext|x|tel|phone|ph|cell|fax|call)\b\.?\s*[#:]?\s*)"
                            r"(\d{3}[-.]\d{4}|\d{4,6})\b", re.I)
FAX_CUE_RE = re.compile(r"\bfax\w*\b|\bf:\s*$|\bfacsimile\b", re.I)
EMAIL_RE = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
URL_RE = re.compile(r"\b(?:(?:https?|ftp)://|www\.)[^\s<>\"')\]]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\."
                    r"(?:com|org|net|edu|gov|io|health|info|us|biz)(?:/[^\s<>\"')\]]*)?(?![\w@])", re.I)
IPV4_RE = re.compile(r"(?<![\d.])(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?!\d|\.\d)")
IPV6_RE = re.compile(r"(?<![\w:])(?:[0-9a-fA-F]{1,4}:){2,7}(?::?[0-9a-fA-F]{1,4}|:)(?![\w:])")


def find_contacts(text: str) -> list[Candidate]:
    """Phone / fax (FAX when a fax cue precedes the number), e-mail, URL, IPv4 and IPv6 addresses."""
    out = []
    for m in PHONE_RE.finditer(text):
        kind = "FAX" if FAX_CUE_RE.search(text[max(0, m.start() - 25):m.start()]) else "PHONE"
        out.append(Candidate(m.start(), m.end(), kind))
    for rx in (PHONE_NOSEP_RE, PHONE_SHORT_RE):
        for m in rx.finditer(text):
            kind = "FAX" if FAX_CUE_RE.search(text[max(0, m.start() - 25):m.end(1)]) else "PHONE"
            out.append(Candidate(m.start(1), m.end(1), kind, 0.8))
    out += [Candidate(m.start(), m.end(), "EMAIL", 0.95) for m in EMAIL_RE.finditer(text)]
    out += [Candidate(m.start(), m.end(), "URL", 0.85) for m in URL_RE.finditer(text)
            if "@" not in text[max(0, m.start() - 1):m.start()]]
    out += [Candidate(m.start(), m.end(), "IP", 0.9) for m in IPV4_RE.finditer(text)]
    out += [Candidate(m.start(), m.end(), "IP", 0.8) for m in IPV6_RE.finditer(text) if m.group().count(":") >= 3]
    return out
