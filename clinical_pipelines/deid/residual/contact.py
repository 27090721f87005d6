"""E-mail addresses (written or spelled out) and URLs with or without a scheme (45 CFR 164.514(b)(2)(i)(F), (N)).

Addresses follow RFC 5322's common subset (local part of letters, digits and ``._%+-``); spelled-out
forms replace "@" by "at", "(at)", "[at]" and "." by "dot", "(dot)", "[dot]". A URL is anything with a
scheme (RFC 3986), anything starting "www.", or a bare host name ending in a common top-level domain
(IANA root zone: generic TLDs below, any two-letter country code only with a path).
"""
from __future__ import annotations

import re

from .lexicon import in_vocabulary

_GTLD = ("com|org|net|edu|gov|mil|int|info|biz|io|co|us|uk|ca|au|de|fr|nl|in|me|health|care|clinic|hospital|"
         "med|app|online|site|xyz|ai")
_AT = r"(?:\s*@\s*|\s*[\(\[\{<]\s*at\s*[\)\]\}>]\s*|\s+at\s+)"
_DOT = r"(?:[ \t]?\.[ \t]?|\s*[\(\[\{<]\s*dot\s*[\)\]\}>]\s*|\s+dot\s+)"
_LOCAL = r"[A-Za-z0-9][A-Za-z0-9._%+-]*"
EMAIL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
SPELLED_EMAIL_RE = re.compile(
    rf"(?<![\w.+-])(?P<local>{_LOCAL}(?:{_DOT}{_LOCAL})*?){_AT}[A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)*{_DOT}(?:{_GTLD})\b",
    re.I)
URL_RE = re.compile(
    rf"\b(?:[a-z][a-z0-9+.-]*://[^\s<>\"']+|www\d?\.[^\s<>\"']+|"
    rf"(?<![@\w.-])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.(?:{_GTLD})\b(?:[/?#][^\s<>\"']*)?|"
    rf"(?<![@\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{{2}}/[^\s<>\"']+)", re.I)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in ".,;:)]}'\"":
        end -= 1
    return start, end


def find_emails(text: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in EMAIL_RE.finditer(text)]
    for m in SPELLED_EMAIL_RE.finditer(text):
        local = m.group("local")
        plain_at = re.match(rf"{re.escape(local)}\s+at\s", m.group(), re.I) is not None
        if plain_at and local.isalpha() and in_vocabulary(local):
            continue  # "follow up at clinic dot com": a word, not a mailbox
        if len(local) >= 2 and not any(a <= m.start() < b for a, b in spans):
            spans.append((m.start(), m.end()))
    return sorted(spans)


def find_urls(text: str) -> list[tuple[int, int]]:
    out = []
    for m in URL_RE.finditer(text):
        s, e = _trim(text, m.start(), m.end())
        if re.fullmatch(r"[\d.]+", text[s:e]):
            continue
        out.append((s, e))
    return out
