"""Normalised search for a record's own identifiers (names, places, numbers, dates) in any spelling.

Values and text are compared after :func:`~.normalize.fold` (NFKD, accents and zero-width characters
removed, every dash "-"):

* identifiers with digits (MRN, SSN, phone, account, plan, licence, plate, serial, ids): letters and
  digits only, aligned on the text's own digit/letter groups, so "318 406 552", "318-406-552" and
  "MRN318406552" all match "318406552"; an 11-digit NANP number also matches its last 10 digits;
* names and places: case- and accent-folded word sequences with any separator, "LAST, FIRST" order,
  and each name part alone (a part that is also an English word only when written capitalised);
* dates: every written form of the same calendar day (see :mod:`.dates`), and a bare year of a known
  birth date when it makes the person older than 89 (45 CFR 164.514(b)(2)(i)(C));
* e-mail (also the mailbox alone, as in "name at example dot com"), URL (without its scheme), IPv4 by value.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from . import dates as D
from .lexicon import in_vocabulary, is_common_word
from .normalize import alnum_key, fold
from .numbers import MEASURE_BEFORE_RE, UNIT_AFTER_RE

_DATE_KINDS = ("date", "dob", "birth", "death", "admit", "discharge")
_NAME_KINDS = ("name", "clinician", "author", "physician", "provider", "relative", "contact", "nok", "guardian",
               "spouse", "user", "staff")
_PLACE_KINDS = ("city", "county", "town", "facility", "street", "address", "employer", "school", "organization",
                "org", "hospital")
_GROUP_RE = re.compile(r"[A-Za-z]+|\d+")
_GROUP_GAP_RE = re.compile(r"^[ .\-/()#+:]{0,3}$")
_STREET_ABBR = {"street": "st", "avenue": "ave", "road": "rd", "boulevard": "blvd", "lane": "ln", "drive": "dr",
                "court": "ct", "place": "pl", "terrace": "ter", "circle": "cir", "parkway": "pkwy",
                "highway": "hwy", "square": "sq", "trail": "trl", "apartment": "apt", "suite": "ste"}


@dataclass(frozen=True)
class KnownHit:
    start: int
    end: int
    kind: str


@dataclass
class KnownIdentifiers:
    """Index of known identifier values by kind (column name). Holds values in memory only; never log it."""

    values: Mapping[str, Iterable[str]]
    reference_year: int = field(default_factory=lambda: dt.date.today().year)
    # "capitalised": a name part that is also an English word matches when written capitalised (one record);
    # "out_of_vocabulary": only parts that are not English words match alone (a whole batch's names)
    name_parts: str = "capitalised"

    def __post_init__(self):
        if self.name_parts not in ("capitalised", "out_of_vocabulary"):
            raise ValueError("KnownIdentifiers.name_parts must be 'capitalised' or 'out_of_vocabulary'")
        self._ids: dict[str, str] = {}
        self._seqs: dict[tuple[str, ...], str] = {}
        self._parts: dict[str, tuple[str, bool]] = {}
        self._dates: list[tuple[tuple[int, int, int], str]] = []
        self._ips: dict[tuple[int, ...], str] = {}
        phrase_alts: dict[tuple[str, ...], str] = self._seqs
        for kind, vals in self.values.items():
            if isinstance(vals, str):
                vals = [vals]
            k = str(kind).lower()
            for v in vals or ():
                if v is None:
                    continue
                v = str(v).strip()
                if not v or v.lower() in ("nan", "none", "<na>"):
                    continue
                self._add(str(kind), k, v, phrase_alts)
        self._max_seq = max((len(k) for k in self._seqs), default=0)

    # -- indexing -----------------------------------------------------------------------------------------
    def _add(self, kind: str, k: str, v: str, seqs: dict[tuple[str, ...], str]) -> None:
        if any(c in k for c in _DATE_KINDS):
            parsed = _parse_date(v)
            if parsed:
                self._dates.append((parsed, kind))
                return
        if "@" in v or "email" in k:
            full = _words(v)
            if full:
                seqs[tuple(full)] = kind
            local = _words(v.split("@")[0])
            if sum(len(w) for w in local) >= 4:
                seqs[tuple(local)] = kind
            return
        if re.match(r"^[a-z][a-z0-9+.-]*://", v, re.I) or "url" in k:
            bare = _words(re.sub(r"^[a-z][a-z0-9+.-]*://", "", v, flags=re.I))
            if sum(len(w) for w in bare) >= 6:
                seqs[tuple(bare)] = kind
            return
        if re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", v):
            self._ips[tuple(int(x) for x in v.split("."))] = kind
            return
        is_place = any(c in k for c in _PLACE_KINDS)
        is_name = any(c in k for c in _NAME_KINDS) and not is_place and not re.search(r"\d", v)
        if re.search(r"\d", v) and not is_place and not is_name:
            key = alnum_key(v)
            if len(key) >= 5:
                self._ids[key] = kind
                if key.isdigit() and len(key) == 11 and key.startswith("1"):
                    self._ids[key[1:]] = kind
            return
        words = _words(v)
        if ("street" in k or "address" in k) and len(words) >= 2 and words[0][0].isdigit():
            seqs[tuple(words[:2])] = kind
        if not words or sum(len(w) for w in words) < 3:
            return
        if len(words) == 1 and not words[0].isdigit():
            self._parts[words[0]] = (kind, is_place)
            return
        seqs[tuple(words)] = kind
        if is_name:
            if len(words) >= 2:
                seqs[tuple([words[-1]] + words[:-1])] = kind
            for w in words:
                if len(w) >= 2 and not (len(w) <= 2 and in_vocabulary(w)):
                    self._parts.setdefault(w, (kind, False))

    # -- search -------------------------------------------------------------------------------------------
    def find(self, folded: str) -> list[KnownHit]:
        """Hits in folded text (placeholders may be masked); spans are in the folded text's coordinates."""
        hits: list[KnownHit] = []
        if self._ids:
            hits += self._find_ids(folded)
        words = [(m.start(), m.end(), _canon(m.group().lower())) for m in _WORD_RE.finditer(folded)]
        if self._seqs:
            hits += self._find_seqs(folded, words)
        if self._parts:
            for a, b, w in words:
                part = self._parts.get(w)
                if part is None:
                    continue
                kind, is_place = part
                if self.name_parts == "capitalised":
                    ok = not in_vocabulary(w) or folded[a].isupper()
                else:  # a whole batch's names: only parts that are not English words, or capitalised places
                    ok = not is_common_word(w) or (is_place and folded[a].isupper())
                if ok:
                    hits.append(KnownHit(a, b, kind))
        if self._dates:
            hits += self._find_dates(folded)
        if self._ips:
            for m in re.finditer(r"(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d])", folded):
                kind = self._ips.get(tuple(int(x) for x in m.groups()))
                if kind:
                    hits.append(KnownHit(m.start(), m.end(), kind))
        return hits

    def _find_seqs(self, text: str, words: list[tuple[int, int, str]]) -> list[KnownHit]:
        hits = []
        for i in range(len(words)):
            seq: tuple[str, ...] = ()
            for j in range(i, min(i + self._max_seq, len(words))):
                if j > i and not _SEQ_GAP_RE.match(text[words[j - 1][1]:words[j][0]]):
                    break
                seq += (words[j][2],)
                kind = self._seqs.get(seq)
                if kind:
                    hits.append(KnownHit(words[i][0], words[j][1], kind))
        return hits

    def _find_ids(self, text: str) -> list[KnownHit]:
        groups = list(_GROUP_RE.finditer(text))
        hits = []
        for i in range(len(groups)):
            key = ""
            if i and groups[i - 1].end() == groups[i].start() and groups[i].group()[0].isalpha():
                continue  # a key starts at a token start or where digits follow letters ("MRN318406552")
            for j in range(i, min(i + 8, len(groups))):
                if j > i and not _GROUP_GAP_RE.match(text[groups[j - 1].end():groups[j].start()]):
                    break
                key += groups[j].group().lower()
                if len(key) > 40:
                    break
                kind = self._ids.get(key)
                if kind and (len(key) >= 7 or (_short_key_ok(text, groups, i, j)
                                               and not _measurement(text, groups[i].start(), groups[j].end()))):
                    hits.append(KnownHit(groups[i].start(), groups[j].end(), kind))
        return hits

    def _find_dates(self, text: str) -> list[KnownHit]:
        """Same calendar day in any written form; a known birth year alone when it implies age > 89
        (only for a single record's identifiers: across a batch, any 4-digit time would match some year)."""
        hits = []
        mentions = D.find_dates(text)
        for (y, mo, d), kind in self._dates:
            for m in mentions:
                readings = [(m.month, m.day)] + ([m.alt] if m.alt else [])
                same_day = any(r == (mo, d) for r in readings)
                if (same_day and m.year in (None, y)) or (m.day is None and m.year == y and m.month == mo):
                    hits.append(KnownHit(m.start, m.end, kind))
            if self.reference_year - y > 89 and self.name_parts == "capitalised":
                for m in D.YEAR_RE.finditer(text):
                    if int(m.group(1)) == y and not _TIME_POSITION_RE.search(text[max(0, m.start() - 12):m.start()]) \
                            and not re.match(r"\s*(?:h\b|hrs?\b|hours?\b)", text[m.end():m.end() + 8], re.I):
                        hits.append(KnownHit(m.start(1), m.end(1), kind))
        return hits


_WORD_RE = re.compile(r"[A-Za-z0-9]+")
_SEQ_GAP_RE = re.compile(r"^(?:[ \t]{1,2}|,[ \t]{0,2}|[.@/:_'-]|[ \t]?-[ \t]?| at | dot )$")


_TIME_POSITION_RE = re.compile(r"(?:\x1a|\d)[ \t]*(?:@|at)?[ \t]*$")


def _short_key_ok(text: str, groups: list, i: int, j: int) -> bool:
    """A key under 7 characters (a ZIP) matches one whole token (not digits inside "a3f05401c"), or a ZIP+4
    written with a dash."""
    start, end = groups[i].start(), groups[j].end()
    if (start and text[start - 1].isalnum()) or (i == j and end < len(text) and text[end].isalnum()):
        return False
    if i == j:
        return True
    return j == i + 1 and text[groups[i].end():groups[j].start()] == "-" and len(groups[j].group()) == 4 and not (
        end < len(text) and text[end].isalnum())


def _measurement(text: str, start: int, end: int) -> bool:
    """A short value (a ZIP) written as a measurement or code: "CPT 93306", "12000 pg/mL"."""
    return bool(UNIT_AFTER_RE.match(text[end:end + 12]) or MEASURE_BEFORE_RE.search(text[max(0, start - 24):start]))


def _canon(w: str) -> str:
    """Folded lower-case word; street suffixes as their USPS abbreviation (Publication 28, Appendix C1)."""
    return _STREET_ABBR.get(w, w)


def _words(v: str) -> list[str]:
    return [_canon(w.lower()) for w in _WORD_RE.findall(fold(v).text)]


def _parse_date(v: str) -> tuple[int, int, int] | None:
    s = fold(v).text.strip()
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", s)
    if m:
        return int(m.group(1)), int(m.group(2)), int(m.group(3))
    found = D.find_dates(s)
    if found and found[0].year and found[0].month and found[0].day:
        return found[0].year, found[0].month, found[0].day
    return None
