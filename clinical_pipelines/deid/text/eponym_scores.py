"""Eponymous clinical scores, scales, grades and classifications read as names ("Aldrete 9", "Apgar 8/9", "Braden 14",
"Child-Pugh B", "Hunt and Hess 2", "Fisher grade 3", "modified Rankin 3"). The eponym of a score is no one's name in
the note, so it is kept; the same word as a person ("Dr. Aldrete", "Aldrete, MD", "seen by Wells") is still a name
(HIPAA Safe Harbor identifier (A), 45 CFR 164.514(b)(2)(i)(A)).

This is a context rule, not a vocabulary entry: an eponym from the list below counts as a score only when
- a score, grade or class value follows it ("Morse 45", "Mallampati II", "Child-Pugh class C", "Gleason 3+4=7",
  "Apgars 8 and 9"), not a time or dose ("Wells 4 pm", "Morse 2 days ago"); or
- a score word follows it ("Braden scale", "Fisher grade", "Wells criteria", "Glasgow Coma Scale"); or
- a score word stands right before it ("score: Aldrete 9", "modified Rankin", "mod Fisher");
and no person cue stands right before it (a title, credential, "by", "per", "with", a first name). The eponyms
are the authors of widely used scoring systems and classifications (anaesthesia, nursing risk, neurology, trauma,
obstetrics, gastroenterology, oncology, orthopaedics), from clinical references, not from any corpus.

``score_eponym_spans(text) -> tuple[(start, end), ...]`` gives the eponym words, ``inside_score(text, start, end)``
tells whether a span lies inside a score phrase (eponym and value: for other methods' spans, such as a learned
tagger's "Child-Pugh B" or "Apgar 8/9"); ``without_score_eponyms(finder)``
wraps a family finder so that its name, place and organisation candidates inside those words are dropped.
"""
from __future__ import annotations

import functools
import re
from typing import Callable

from .spans import Candidate

# Single eponyms that name a score, scale, grade or classification by themselves.
_SINGLE = """
    Aldrete Apgar Braden Morse Glasgow Bishop Wells Mallampati Ranson Fisher Norton Waterlow Hendrich Ramsay Killip
    Forrester Braunwald Gleason Breslow Clark Tanner Centor McIsaac Caprini Padua Geneva Rockall Blatchford Forrest
    Hinchey Wagner Fontaine Rutherford Goldman Balthazar Marshall Rotterdam Fazekas Engel Dukes Binet Rai Sokal
    Masaoka Bosniak Hurley Fitzpatrick Karnofsky Lansky Barthel Katz Lawton Tinetti Berg Folstein Hamilton Beck
    Kurtzke Rankin Ashworth Brunnstrom Frankel Nurick Risser Cobb Beighton Ballard Dubowitz Sarnat Papile Finnegan
    Westley Silverman Alvarado Maddrey Lille Ishak Metavir Knodell Nottingham Fuhrman Gustilo Garden Weber Neer
    Schatzker Outerbridge Wilkins Lown Sgarbossa Mayo Truelove Ottawa Nexus Wexner Bristol Lund Baux Duke Jones
    Light Stanford DeBakey Crawford Mehran Pugh Childs Child Epworth Rancho Hasford Montreal
    Vienna Paris Oxford Lequesne Constant Harris Lysholm Tegner Enneking Durie Evans Scheltens Borg Wong Gartland
    Mason Denis Seddon Sunderland Meggitt Cormack Cockcroft Friedewald Framingham Reynolds Gail Duval Spaulding
""".split()
# Two- and three-part eponyms, written with a hyphen, a space, "and" or "&" ("Hunt and Hess", "Child-Pugh").
_PAIRS = """
    Hunt/Hess Hoehn/Yahr Child/Pugh Child/Turcotte/Pugh Cormack/Lehane Salter/Harris Spetzler/Martin
    Glasgow/Blatchford Glasgow/Imrie Clavien/Dindo Kellgren/Lawrence Harvey/Bradshaw Durie/Salmon Savary/Miller
    Lauge/Hansen Tyrer/Cuzick Bloom/Richardson Truelove/Witts Cockcroft/Gault Silverman/Andersen Lund/Browder
    Ann/Arbor Rancho/Los/Amigos Los/Angeles Brighton/Ottawa Wells/PE Wells/DVT Kaplan/Meier
""".split()
_SEP = r"(?:-|[ \t]*&[ \t]*|[ \t]+and[ \t]+|[ \t]+)"
# eponyms that are also common surnames or places: a score only with a score word after them ("Harris hip score",
# "Jones criteria", "Clark level III"), not with a bare number ("Harris 3")
_WORD_ONLY = frozenset("""
    harris evans mason marshall jones light clark hamilton beck berg katz wong reynolds lawton crawford denis constant
    garden duke paris oxford vienna montreal rai gail duval weber child childs engel stanford bristol ottawa nexus
    frankel mayo cobb wilkins seddon lund baux folstein ballard borg lown neer evans sunderland spaulding cormack
""".split())


def _trie_pattern(words: list[str]) -> str:
    """One regex alternation for ``words`` written as a prefix trie (lower case, hyphen and space as written), so
    that the engine tries a few branches at each word start instead of every eponym."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w.lower():
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


_EPONYM = (r"(?:(?:" + "|".join(_SEP.join(p.lower().split("/")) for p in _PAIRS) + r")|" + _trie_pattern(_SINGLE)
           + r")(?:['’]?s)?")

# words that make the eponym a score name: "Braden scale", "Fisher grade", "Morse fall score", "Glasgow Coma Scale"
_SCORE_WORDS = (r"scores?|scales?|grades?|grading|class(?:es|ification)?|stages?|staging|criteria|index|indices|level"
                r"|types?|totals?|rules?|points?|pts|equation|formula|sum|category|categor(?:y|ies)|tool|system")
_AFTER_WORDS = (rf"(?:(?:fall|falls|risk|coma|pressure|ulcer|injury|skin|bleeding|sedation|agitation|modified|mod"
                rf"|revised|recovery|airway|pain|delirium|dvt|pe|clinical|cirrhosis|prognostic|motor|balance|visual"
                rf"|analog(?:ue)?)[ \t]+){{0,3}}(?:{_SCORE_WORDS})")
# a value of a score, grade or class: "9", "8/9", "14.5", "3+4=7", "II", "IIIb", "B", "F2", "2a", "8 and 9"
_NUM = r"(?:\d{1,3}(?:\.\d{1,2})?[a-cA-C]?)"
_VALUE = (rf"(?:{_NUM}(?:[ \t]*(?:/|\+|=|-|,|and|out[ \t]+of|of)[ \t]*{_NUM})*"
          r"|(?:IV|V?I{1,3}|V)[a-cA-C]?|[A-F][0-4]?|[A-F]/[A-F])(?![\w'’/])")
# after a number: a time, an age or a dose, so the eponym is a person ("Wells 4 pm", "Morse 2 days ago")
_NOT_SCORE_UNIT = re.compile(
    r"[ \t]*(?i:%|mg|mcg|ml|cc|units?|kg|lbs?|am|pm|a\.m|p\.m|o['’]?clock|hours?|hrs?|minutes?|mins?|days?|d\b|weeks?"
    r"|wks?|months?|mos?|years?|yrs?|y/?o|yo|:\d|\.\d{2,}|-\d{2,}|/\d{2,4}/|[ \t]*(?:east|west|north|south|street"
    r"|st\b|ave|rd\b|floor|fl\b|room|rm\b|bed))")
# a qualifier between the eponym and its value: "Berg Balance 38/56", "Glasgow Coma 15", "Morse Fall 45"
_QUALIFIER = r"(?:balance|coma|fall|falls|risk|motor|mobility|functional|pain|sedation|agitation)"
_AFTER_RE = re.compile(
    rf"(?:[ \t]*\(?[ \t]*(?:{_AFTER_WORDS}))|(?:[ \t]*(?:{_AFTER_WORDS}|{_QUALIFIER}))?[ \t]*"
    rf"(?:[:=(]|of|was|is|were|are)?[ \t]*({_VALUE})", re.I)
_EPONYM_RE = re.compile(rf"(?<![\w'’-])(?i:{_EPONYM})(?![\w'’])")
_QUALIFIER_RE = re.compile(rf"[ \t]+(?i:{_QUALIFIER})\b")
_SCORE_BEFORE_RE = re.compile(rf"(?i:(?:{_SCORE_WORDS}|modified|mod|revised|total|simplified|updated)[ \t]*"
                              r"[:=(]?[ \t]*)\Z")
# a person cue right before the eponym: a title or credential, a verb of seeing or speaking, a relation
_PERSON_BEFORE_RE = re.compile(
    r"(?i:\b(?:dr|drs|doctor|mr|mrs|ms|miss|mx|prof|professor|nurse|rn|md|np|pa|do|dear|cc|attending|resident|fellow"
    r"|by|per|with|d/w|s/w|to|from|called|paged|notified|informed|told|asked|thanked|patient|pt|mother|father"
    r"|wife|husband|son|daughter|sister|brother)\.?[ \t]*:?[ \t]*)\Z")
_FIRST_NAME_BEFORE_RE = re.compile(r"(?<![A-Za-z.])([A-Z][a-z]+|[A-Z]\.)[ \t]+\Z")
_NAME_AFTER_RE = re.compile(r"[ \t]*,[ \t]*(?i:md|do|rn|np|pa|phd|mbbs|facc|dnp|crna|pharmd)\b")


def score_eponym_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each eponym in ``text`` that names a score, scale, grade or class (see the module
    docstring)."""
    return tuple((s, e) for s, e, _ in score_phrases(text))


@functools.lru_cache(maxsize=8)
def score_phrases(text: str) -> tuple[tuple[int, int, int], ...]:
    """(start, eponym end, phrase end) of each score in ``text``: the phrase runs to the end of its value or score
    word ("Apgar 8/9", "Child-Pugh B", "Braden scale"); without either (a score word before the eponym) it ends with
    the eponym. One precompiled regex (the eponyms as a prefix trie) per note, cached for the last few notes: every
    wrapped finder asks about the same note."""
    out = []
    for m in _EPONYM_RE.finditer(text):
        s, e = m.start(), m.end()
        before = text[max(0, s - 24):s]
        if _PERSON_BEFORE_RE.search(before) or _NAME_AFTER_RE.match(text, e):
            continue  # "Dr. Aldrete 9 ...", "seen by Wells", "Aldrete, MD"
        fn = _FIRST_NAME_BEFORE_RE.search(before)
        if fn and _is_first_name(fn.group(1)):
            continue  # "John Morse 45 ..."
        a = _AFTER_RE.match(text, e)
        if a is not None and a.group(1) and a.group(1)[0].isdigit() and _NOT_SCORE_UNIT.match(text, a.end(1)):
            a = None  # "Wells 4 pm", "Morse 2 days ago"
        if a is not None and a.group(1) and a.group(1)[0].isalpha() and a.group(1)[:1] in "ABCDEF" \
                and len(a.group(1)) == 1 and text[a.end(1):a.end(1) + 1] == "." \
                and re.match(r"\.[ \t]*[A-Z][a-z]", text[a.end(1):a.end(1) + 4]) and " " not in text[e:a.start(1)]:
            a = None  # "Morse B. Lee": an initial
        if a is not None and a.group(1) and _word_only(m.group()) and not _QUALIFIER_RE.match(text, e):
            a = None  # "Harris 3": a common surname with a bare number ("Berg Balance 38/56" is a score)
        if a is not None:
            out.append((s, e, a.end(1) if a.group(1) else a.end()))
        elif _SCORE_BEFORE_RE.search(before):
            out.append((s, e, e))
    return tuple(out)


def _word_only(eponym: str) -> bool:
    """The eponym is in ``_WORD_ONLY`` (with or without a plural or possessive "s")."""
    low = re.sub(r"['’]?s$", "", eponym.lower())
    return eponym.lower() in _WORD_ONLY or low in _WORD_ONLY


def _is_first_name(word: str) -> bool:
    """A census first name (or an initial) that is not a score word ("Modified", "Total")."""
    from ..gazetteer import load_gazetteers

    if word.endswith("."):
        return True
    return word.lower() in load_gazetteers()[0] and not _SCORE_BEFORE_RE.search(word + " ")


_KEEP_TYPES = frozenset({"NAME", "LOCATION", "ORGANIZATION"})


def inside_score_eponym(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` lies inside the eponym of a score (``score_eponym_spans``)."""
    return any(s <= start and end <= e for s, e in score_eponym_spans(text))


def inside_score(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` lies inside a score phrase, eponym and value (``score_phrases``): "Apgar 8/9" or
    "8/9" there is neither a name nor a date."""
    return any(s <= start and end <= p for s, _, p in score_phrases(text))


def drop_score_eponyms(text: str, cands: list[Candidate]) -> list[Candidate]:
    """``cands`` without the name, place and organisation candidates inside a score's eponym."""
    if not any(c.type in _KEEP_TYPES for c in cands):
        return cands
    spans = score_eponym_spans(text)
    if not spans:
        return cands
    return [c for c in cands if c.type not in _KEEP_TYPES
            or not any(s <= c.start and c.end <= e for s, e in spans)]


def without_score_eponyms(finder: Callable[[str], list[Candidate]]) -> Callable[[str], list[Candidate]]:
    """``finder`` whose name, place and organisation candidates inside a score's eponym are dropped."""

    @functools.wraps(finder)
    def wrapped(text: str) -> list[Candidate]:
        return drop_score_eponyms(text, finder(text))

    return wrapped
