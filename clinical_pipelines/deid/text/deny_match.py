"""Running deny lists over a note: ``DenyMatcher`` holds one record's (or one batch's) ``deny.DenyEntry`` patterns,
compiles each once (cached) and runs it only where its probe occurs in the note. Values are never logged.

A batch's known names (clinicians, authors, relatives of every record) are many small word patterns; they run as
one regex over a character trie of all their words (``name_trie_pattern``): the same words matched, one scan of
the note instead of one per name.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Iterable

from .deny import _SEQ_GAP, NAME_PATTERN_HEAD, NAME_PATTERN_TAIL, DenyEntry
from .known_dates import find_known_dates
from .spans import Span

MIN_TRIE_NAMES = 8  # a matcher with this many name entries or more runs them as one trie pattern


def sequence_spans(text: str, chars: str, positions: list[int], seq: str, digits_only: bool) -> list[tuple[int, int]]:
    """Where ``seq`` occurs in ``chars`` (the text's digits, or its lower-cased letters and digits, at
    ``positions``) with at most three separator characters between consecutive characters and no digit (letter or
    digit for "seq-alnum") glued on either side; leading zeros before a digit sequence are taken along."""
    out = []
    n, i = len(seq), chars.find(seq)
    while i >= 0:
        ps = positions[i:i + n]
        if all(b - a <= 4 and all(c in _SEQ_GAP for c in text[a + 1:b]) for a, b in zip(ps, ps[1:])):
            k = i
            while digits_only and k > 0 and chars[k - 1] == "0" and positions[k] - positions[k - 1] <= 4 and all(
                    c in _SEQ_GAP for c in text[positions[k - 1] + 1:positions[k]]):
                k -= 1
            start, end = positions[k], ps[-1] + 1
            glued = (lambda c: c.isdigit()) if digits_only else (lambda c: c.isalnum())
            if not (start > 0 and glued(text[start - 1])) and not (end < len(text) and glued(text[end])):
                out.append((start, end))
        i = chars.find(seq, i + 1)
    return out


@functools.lru_cache(maxsize=50_000)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.I)


_DIGIT_RE = re.compile(r"\d")
_ALNUM_RE = re.compile(r"[0-9a-z]")


class DenyMatcher:
    """Known-identifier patterns, each compiled once (cached) and run only when its probe occurs in the text."""

    def __init__(self, entries: Iterable[tuple]):
        self.entries = [DenyEntry(*e) for e in dict.fromkeys(tuple(e) for e in entries)]
        names = [e for e in self.entries if e.type == "NAME" and e.probe_kind == "any-text"]
        if len(names) >= MIN_TRIE_NAMES:
            self.entries = [e for e in self.entries if not (e.type == "NAME" and e.probe_kind == "any-text")]
            self.entries.append(DenyEntry(name_trie_pattern(names), "NAME", "", "text"))
        # known dates are read by the precompiled date scanners of known_dates, not by a pattern per date
        self._dates = frozenset(dt.date.fromisoformat(e.pattern) for e in self.entries if e.probe_kind == "known-date")
        self.entries = [e for e in self.entries if e.probe_kind != "known-date"]
        # text probes indexed once: a probe shared by several entries (a batch's clinicians) is looked up once
        self._by_probe: dict[str, list[int]] = {}
        self._always: list[int] = []
        for k, e in enumerate(self.entries):
            if e.probe_kind in ("text", "any-text", "all-text"):
                parts = e.probe.split("\x00")
                for part in parts if e.probe_kind == "any-text" else parts[:1]:
                    self._by_probe.setdefault(part, []).append(k)
            else:
                self._always.append(k)

    def _candidates(self, lower: str) -> list[DenyEntry]:
        """Entries whose probe occurs in the lower-cased text (text probes), and every other entry, in order."""
        hit = set(self._always)
        for part, ks in self._by_probe.items():
            if part in lower:
                hit.update(ks)
        return [self.entries[k] for k in sorted(hit)]

    def find(self, text: str) -> list[Span]:
        lower = text.lower()
        digits = alnum = None
        out = find_known_dates(text, self._dates)
        literal_ok = len(lower) == len(text)  # lower-casing kept every offset (else the regex, case-insensitive)
        for entry in self._candidates(lower):
            p, t, probe, kind = entry[:4]
            if kind is True or kind in ("digits", "seq-digits"):
                if digits is None:
                    dpos = [m.start() for m in _DIGIT_RE.finditer(text)]
                    digits = "".join(text[i] for i in dpos)
                hay = digits
            elif kind == "seq-alnum":
                if alnum is None:
                    apos = [m.start() for m in _ALNUM_RE.finditer(lower)]
                    alnum = "".join(lower[i] for i in apos)
                hay = alnum
            else:
                hay = lower
            if kind == "any-text":
                if not any(x in hay for x in probe.split("\x00")):
                    continue
            elif kind == "all-text":
                if not all(x in hay for x in probe.split("\x00")):
                    continue
            elif probe not in hay:
                continue
            if kind == "seq-digits":
                out.extend(Span(s, e, t) for s, e in sequence_spans(text, digits, dpos, p, True))
                continue
            if kind == "seq-alnum":
                out.extend(Span(s, e, t) for s, e in sequence_spans(lower, alnum, apos, p, False))
                continue
            if entry.words is not None and literal_ok:
                out.extend(Span(s, e, t) for s, e in literal_spans(lower, entry.words))
                continue
            rx = _compiled(p)
            g = "v" if "v" in rx.groupindex else 0
            out.extend(Span(m.start(g), m.end(g), t) for m in rx.finditer(text) if m.end(g) > m.start(g))
        return out


def name_trie_pattern(entries: Iterable[DenyEntry]) -> str:
    """One pattern matching every word that any of the name ``entries`` (``deny.name_entries``: ``words`` of mode
    "any") matches, at every start: their spellings merged into a character trie, longest alternative first, so
    "Anne-Marie" wins over "Anne"; group ``v`` is the match."""
    trie: dict = {}
    for e in entries:
        for spellings in e.words[1]:
            for word in spellings:
                node = trie
                for ch in word:
                    node = node.setdefault(ch, {})
                node[""] = {}
    # a lookahead at every start, so overlapping names are all found ("Anne-Marie" and "Marie-Claire" in
    # "Anne-Marie-Claire"), as the names one by one find them
    return "(?=(?P<v>" + NAME_PATTERN_HEAD + _trie_regex(trie) + NAME_PATTERN_TAIL + "))"


def _trie_regex(node: dict) -> str:
    kids = sorted(k for k in node if k)
    if not kids:
        return ""
    branches = [re.escape(k) + _trie_regex(node[k]) for k in kids]
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return "(?:" + body + ")?" if "" in node else body


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def literal_spans(lower: str, words: tuple) -> list[tuple[int, int]]:
    """Where a ``DenyEntry.words`` pattern matches the lower-cased text, as its regex would (whole words: no word
    character glued on before or after; separators ``[\\s,.-]*`` between the parts of a sequence)."""
    mode, parts = words
    n, out = len(lower), []
    if mode == "any":
        for alts in parts:
            for a in alts:
                for i in _finds(lower, a):
                    j = i + len(a)
                    if i and _word_char(lower[i - 1]):
                        continue
                    if lower.startswith("'s", j) and not (j + 2 < n and _word_char(lower[j + 2])):
                        out.append((i, j + 2))
                    elif not (j < n and _word_char(lower[j])):
                        out.append((i, j))
        return out
    last = -1
    for i in sorted({i for a in parts[0] for i in _finds(lower, a)}):
        if i < last or (i and _word_char(lower[i - 1])):
            continue
        e = _sequence_end(lower, i, parts, 0, mode == "seq-usps")
        if e is not None:
            out.append((i, e))
            last = e
    return out


def _finds(hay: str, word: str) -> list[int]:
    out, i = [], hay.find(word)
    while i >= 0:
        out.append(i)
        i = hay.find(word, i + 1)
    return out


def _sequence_end(lower: str, pos: int, parts: tuple, k: int, usps: bool) -> int | None:
    """End of parts[k:] matched from ``pos`` (alternatives in order, as the regex tries them), or None."""
    n = len(lower)
    for a in parts[k]:
        if not lower.startswith(a, pos):
            continue
        j = pos + len(a)
        if k + 1 < len(parts):
            g = j
            while g < n and (lower[g] in ",.-" or lower[g].isspace()):
                g += 1
            e = _sequence_end(lower, g, parts, k + 1, usps)
            if e is not None:
                return e
            continue
        if usps and lower.startswith(".", j) and not (j + 1 < n and _word_char(lower[j + 1])):
            return j + 1
        if not (j < n and _word_char(lower[j])):
            return j
    return None
