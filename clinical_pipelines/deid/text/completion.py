"""Name-span completion and propagation: grow a found NAME span over adjacent name parts, and mark every other
occurrence of a found name token in the same note.
"""
from __future__ import annotations

import re
from typing import Iterator

from spacy.lang.en.stop_words import STOP_WORDS

from ..gazetteer import load_gazetteers
from ..vocab import (AMBIGUOUS_SURNAMES, ANCHOR_STOP, CALENDAR_WORDS, COUNTRIES, CREDENTIALS, EPONYM_FOLLOWERS,
                     NAME_PARTICLES, NON_NAME_TERMS, NOT_NAME_WORDS, STATE_ABBR, TITLE_WORDS, US_STATES)
from .names import WORD_RE, hyphenated_first_name
from .name_contexts import plain_name_word
from .safelist_vocabulary import word_zipf
from .safelist_words import (compound_of_known, is_census_name, is_known_word, is_misspelled_word, is_safe_word,
                             near_safe_word)
from .ner import NER_ABBREVIATIONS, NER_COMMON_STARTERS, NER_HEADER_WORDS
from .spans import Span

PROPAGATE_CAPS_ZIPF = 4.0  # wordfreq Zipf from which a known word in capitals is too common to propagate


def propagate_names(text: str, spans: list[Span]) -> list[Span]:
    """Every other occurrence of a detected name token in the same note is a name too: capitalised tokens as
    written, and tokens outside the safe-list vocabulary (``safelist.is_known_word``) in any case ("dr okafor" ...
    "Okafor", "okafor_a"). A known word found in capitals propagates only when it is a census name rarer than
    ``PROPAGATE_CAPS_ZIPF`` or used far more as a name than as a word ("JOHN") (notes typed in capitals would otherwise spread one wrong guess over every "RIGHT");
    typos of known words never propagate."""
    toks, folded = set(), set()
    for sp in spans:
        if sp.type != "NAME":
            continue
        for w in WORD_RE.findall(text[sp.start:sp.end]):
            w = w.rstrip("'’s") if w.endswith(("'s", "’s")) else w
            if len(w) < 3 or w.lower() in NOT_NAME_WORDS or w.lower() in NON_NAME_TERMS:
                continue
            if is_misspelled_word(w) or (not is_known_word(w) and not is_census_name(w) and (
                    near_safe_word(w) or compound_of_known(w))):
                continue  # a typo or run-together words ("Recieved", "wheened") found once are no name elsewhere
            if not is_known_word(w):
                folded.add(w.lower())
            elif w[0].isupper() and (not w.isupper() or (is_census_name(w) and (
                    word_zipf(w) < PROPAGATE_CAPS_ZIPF or not is_safe_word(w)))):
                toks.add(w)  # in capitals only census names that are not common words ("WELSH", not "RIGHT")
    if not toks and not folded:
        return spans
    extra = []
    lower = text.lower()
    if len(lower) != len(text):  # a letter whose lower case is longer: search the folded words in the text
        toks, folded = toks | {w for f in folded for w in _cased_forms(text, f)}, set()
    for hay, words in ((text, toks), (lower, folded)):
        for w in words:
            for s in _occurrences(hay, w):
                nxt = _EPONYM_NEXT_RE.match(text[s + len(w):s + len(w) + 20])
                if nxt and nxt.group(1) in EPONYM_FOLLOWERS and w.lower() in AMBIGUOUS_SURNAMES:
                    continue
                extra.append(Span(s, s + len(w), "NAME"))
    return spans + extra


_EPONYM_NEXT_RE = re.compile(r"(?:'s|’s|')?\s*([a-z]+)")


def _cased_forms(text: str, word: str) -> set[str]:
    """The spellings of ``word`` in ``text`` in any case."""
    return {m.group() for m in re.finditer(re.escape(word), text, re.I)}


def _occurrences(hay: str, word: str) -> Iterator[int]:
    """Starts of ``word`` in ``hay`` as a whole word: no letter or digit glued on either side (an underscore may be:
    "okafor_a")."""
    i = hay.find(word)
    while i >= 0:
        j = i + len(word)
        if not (i > 0 and hay[i - 1].isalnum()) and not (j < len(hay) and hay[j].isalnum()):
            yield i
        i = hay.find(word, i + 1)


# Name-span completion: a NAME span found by any recognizer (NER, patterns, gazetteer, deny lists) often holds only
# the surname ("ICU team: Fernanda [Oyelaran]") or only the first name. The span grows over directly adjacent
# (one space or tab, same line) plausible name parts: to the left census first names, initials ("J.") and
# lower-case particles ("van der"); to the right, after a span made only of first names / initials, optional
# initials and particles followed by one capitalised surname-like word, also across one line break of hard-wrapped
# text when that word is not a heading ("neighbor (Yusuf\nIvanova) nearby"; never "Yusuf\nPlan:"). Titles,
# credentials, clinical words, section headers, calendar words and stop words never join a span.
_NC_TOKEN = r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z][A-Za-z'’]*)*\.?"
_NC_LEFT_RE = re.compile(rf"(?<![\w'’.-])({_NC_TOKEN})[ \t]$")
_NC_RIGHT_RE = re.compile(rf"(?:[ \t]|[ \t]*\n(?![ \t]*\n)[ \t]*)({_NC_TOKEN})(?![\w'’-]|[ \t]*:)")
_NC_ATTACHED_LEFT_RE = re.compile(r"(?<![\w'’-])(?:[A-Z][A-Za-z'’]*-|[OD]['’])$")  # "Bello-|Okonkwo", "O'|Brien"
_NC_ATTACHED_RIGHT_RE = re.compile(r"(?:-[A-Z][A-Za-z'’]*)+(?![\w'’-])")          # "Maria|-Luisa"
_NC_INITIAL_RE = re.compile(r"[A-Z]\.")
_NC_MAX_STEPS = 4


def _nc_casing(w: str) -> str:
    if w.isupper():
        return "u"
    return "t" if w[:1].isupper() else "l"


def _nc_part_ok(w: str, first: bool) -> bool:
    """A capitalised word that may be part of a person name next to a NAME span (``first``: as a first name, where
    short title-case clinical abbreviations that are census first names, e.g. "Ed", stay possible)."""
    if w in NER_ABBREVIATIONS or w in STATE_ABBR or w in ANCHOR_STOP:
        return False
    lw = w.lower()
    if w.isupper() and lw in NER_HEADER_WORDS:
        return False
    first_names = load_gazetteers()[0] if first else ()
    for p in lw.split("-"):
        if (len(p) < 2 or p in STOP_WORDS or p in NOT_NAME_WORDS or p in CREDENTIALS or p in TITLE_WORDS
                or p in EPONYM_FOLLOWERS or p in NER_COMMON_STARTERS or p in CALENDAR_WORDS):
            return False
        if p in NON_NAME_TERMS and not (first and not w.isupper() and len(p) <= 3 and p in first_names):
            return False
    return True


def nc_first_name(w: str) -> bool:
    """A census first name, or a hyphenated one ("Maria-Luisa", see ``hyphenated_first_name``)."""
    if not _nc_part_ok(w, first=True):
        return False
    return w.lower() in load_gazetteers()[0] or hyphenated_first_name(w, lambda p: True) > 0


def _nc_surname_like(w: str) -> bool:
    lw = w.lower()
    return _nc_part_ok(w, first=False) and lw not in US_STATES and lw not in COUNTRIES


def _nc_left_token(text: str, pos: int) -> tuple[int, str] | None:
    lo = max(0, pos - 48)
    m = _NC_LEFT_RE.search(text, lo, pos)
    return (m.start(1), m.group(1)) if m else None


def _nc_right_token(text: str, pos: int) -> tuple[int, int, str] | None:
    m = _NC_RIGHT_RE.match(text, pos)
    return (m.start(1), m.end(1), m.group(1)) if m else None


def _complete_span(text: str, s: int, e: int) -> tuple[int, int]:
    m = _NC_ATTACHED_LEFT_RE.search(text, max(0, s - 40), s)
    if m and s > 0 and text[s:s + 1].isupper():
        s = m.start()
    m = _NC_ATTACHED_RIGHT_RE.match(text, e)
    if m and e > s and text[e - 1].isalpha():
        e = m.end()
    words = WORD_RE.findall(text[s:e])
    if not words:
        return s, e
    case = _nc_casing(words[0])
    # to the left: first names, initials, particles
    leftmost_is_particle = False
    for _ in range(_NC_MAX_STEPS):
        tok = _nc_left_token(text, s)
        if tok is None:
            break
        ts, w = tok
        if _NC_INITIAL_RE.fullmatch(w):
            s = ts
        elif w in NAME_PARTICLES and case == "t" and (leftmost_is_particle or text[s].isupper()):
            s, leftmost_is_particle = ts, True
            continue
        elif not w.endswith(".") and _nc_casing(w) == case and nc_first_name(w):
            s = ts
        else:
            break
        leftmost_is_particle = False
    # to the right: only after a span made of first names / initials
    if all(len(x) == 1 or nc_first_name(x) for x in WORD_RE.findall(text[s:e])):
        pos, steps = e, 0
        while steps < _NC_MAX_STEPS:
            tok = _nc_right_token(text, pos)
            if tok is None:
                break
            ts, te, w = tok
            if _NC_INITIAL_RE.fullmatch(w) or (w in NAME_PARTICLES and case == "t"):
                pos, steps = te, steps + 1
                continue
            core = w[:-1] if w.endswith(".") else w
            if core.endswith(("'s", "’s")):
                core = core[:-2]
            if core and _nc_casing(core) == case and _nc_surname_like(core) and (case == "t" or plain_name_word(core)):
                # in capitals or lower case the next word must look like a name itself: "son jonathan arrived"
                nxt = re.match(r"(?:'s|’s|')?\s*([a-z]+)", text[ts + len(core):ts + len(core) + 20])
                if not (nxt and nxt.group(1) in EPONYM_FOLLOWERS):
                    e = ts + len(core)
            break
    return s, e


def complete_names(text: str, spans: list[Span]) -> list[Span]:
    """Grow NAME spans over adjacent plausible name parts (see above) and join NAME spans that only a space or tab
    separates ("[Aoife] [D'Angelo]" -> one name); other spans are unchanged. Spans stay in input coordinates and
    keep their type; overlaps are resolved later by ``merge_spans``."""
    out, names = [], []
    grown: dict[tuple[int, int], tuple[int, int]] = {}  # several finders often report the same name
    for sp in spans:
        if sp.type == "NAME":
            key = (sp.start, sp.end)
            if key not in grown:
                grown[key] = _complete_span(text, sp.start, sp.end)
            names.append(Span(*grown[key], "NAME"))
        else:
            out.append(sp)
    names.sort()
    joined: list[Span] = []
    for sp in names:
        if joined and sp.start - joined[-1].end <= 2 and not text[joined[-1].end:sp.start].strip(" \t"):
            last = joined[-1]
            joined[-1] = Span(last.start, max(last.end, sp.end), "NAME")
        else:
            joined.append(sp)
    return joined + out
