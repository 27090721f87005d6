"""Tests of one word against the safe-list vocabulary (``safelist_vocabulary``: Philter safe list, wordfreq English,
drug names, 1990 US Census names): is it a known English or clinical word (``is_known_word``, with inflected,
prefixed and side-prefixed forms), a safe one that is no name-dominant census name (``is_safe_word``), a clinical
word (``is_clinical_word``), a census name (``is_census_name``)? And the bedside-typing checks that keep typos,
compounds and shorthand of known words from being taken for names: one edit from a safe or clinical word (Damerau
1964: ``is_misspelled_word``, ``near_safe_word``, ``near_clinical_word``, ``swapped_common_word``), two known words
written as one (``compound_of_known``), a clinical word cut short (``clipped_clinical_word``).

Words are compared lower-case with the possessive and edge punctuation stripped (``fold_word``); the callers pass
words of the analysis view, whose accents are already folded (``normalize``).
"""
from __future__ import annotations

import bisect
import functools
import re

from ..vocab import BODY_SITES
from .safelist_vocabulary import COMMON_ZIPF, MED_AFFIX_RE, Vocabulary, load_vocabulary, word_zipf


def fold_word(word: str) -> str:
    """``word`` lower-case, without leading or trailing apostrophes, dots and hyphens nor a possessive "'s": the form
    in which words are looked up in the vocabulary ("Okafor's" -> "okafor")."""
    w = word.lower().strip("'.-")
    if w.endswith("'s"):
        w = w[:-2]
    return w


def is_known_word(word: str) -> bool:
    """True when ``word`` (any case, possessive stripped) is an English or clinical word, name-dominant or not.
    A hyphenated word is known when every part is."""
    w = fold_word(word)
    if not w:
        return True
    v = load_vocabulary()
    if w in v.known or (len(w) >= 6 and MED_AFFIX_RE.fullmatch(w)):
        return True
    parts = [p for p in w.split("-") if p]
    if len(parts) > 1:
        return all(p in v.known for p in parts)
    return _derived_word(w, v) or (bool(_SIDED_SITE_RE.fullmatch(w)) and w not in v.first_names and w not in v.surnames)


# a side letter glued to a body site in bedside shorthand: "Lheel", "Rwrist", "ltarm", "RtFA" (left heel ...)
_SIDED_SITE_RE = re.compile(r"(?:l|r|lt|rt|b|bil|bilat)(?:" + "|".join(sorted(BODY_SITES, key=len, reverse=True)) + ")")


_SUFFIXES = ("ing", "ed", "es", "s", "d", "ly", "er", "ers", "ness", "ment", "ments")
_PREFIXES = ("co", "re", "un", "non", "pre", "post", "anti", "sub", "over", "under", "inter", "intra", "semi",
             "multi", "mis", "dis", "de", "self")


def _derived_word(w: str, v: Vocabulary) -> bool:
    """An inflected or prefixed form of a known word that is not itself a census name: "cosigned", "rechecked",
    "nonsmoker" (Philter's list holds few derived forms)."""
    if len(w) < 6 or w in v.first_names or w in v.surnames:
        return False
    stems = [w[:-len(x)] for x in _SUFFIXES if w.endswith(x)] + [w]
    for stem in stems:
        if len(stem) >= 4 and stem != w and (stem in v.known or stem + "e" in v.known):
            return True
        if len(stem) == 3 and w.endswith(("ing", "ed")) and word_zipf(w) >= 2.0 and word_zipf(stem + "e") >= 2.5 and (
                stem + "e" not in v.first_names and stem + "e" not in v.surnames):
            return True  # "dozing", "dozed": a rarer verb (doze) with its final e dropped
        for pre in _PREFIXES:
            rest = stem[len(pre):]
            if stem.startswith(pre) and len(rest) >= 4 and (rest in v.known or rest + "e" in v.known) and (
                    rest not in v.surnames and rest not in v.first_names):
                return True
    return False


_LETTERS = "abcdefghijklmnopqrstuvwxyz"
MISSPELLING_MIN_LEN = 5
TYPO_ANY_EDIT_LEN = 8
_TRIPLED_RE = re.compile(r"([a-z])\1{2,}")
NEAR_WORD_ZIPF = 3.5  # a typo is one edit from an everyday word, not from a rare one ("kargas" is not "argas")


@functools.lru_cache(maxsize=65536)
def is_misspelled_word(word: str) -> bool:
    """True when ``word`` is not a known word nor a census name but one edit (a letter dropped, added, changed or
    two neighbours swapped; Damerau 1964) away from a safe word of at least ``MISSPELLING_MIN_LEN`` letters:
    "recieved", "Encourgae", "occassional", "neice". Short words are names too often to allow every edit: from 5
    letters only a swap counts, from 6 a doubled or undoubled letter, from ``TYPO_ANY_EDIT_LEN`` any edit. Notes
    typed at the bedside are full of such typos; a typo of an English or clinical word is not a person name. Census
    names are never typos ("Smyth" stays a name)."""
    w = fold_word(word)
    if _TRIPLED_RE.search(w) and w.isalpha() and not is_known_word(w) and (
            is_known_word(_TRIPLED_RE.sub(r"\1", w)) or is_known_word(_TRIPLED_RE.sub(r"\1\1", w))):
        return True  # a key held down: "Lassst", "soooo", "stilll" (no name has a letter three times in a row)
    if len(w) < MISSPELLING_MIN_LEN or not w.isalpha() or is_known_word(w) or is_census_name(w):
        return False
    if w.endswith("s") and is_census_name(w[:-1]):
        return False  # a family name in the plural ("the Schafers")
    v = load_vocabulary()

    def safe(c: str) -> bool:
        return (len(c) >= MISSPELLING_MIN_LEN and c in v.known and c not in v.name_dominant
                and c not in v.first_names and c not in v.surnames)

    n = len(w)
    for i in range(n - 1):  # two neighbours swapped: "recieved"
        if w[i] != w[i + 1] and safe(w[:i] + w[i + 1] + w[i] + w[i + 2:]):
            return True
    if n < 6:
        return False
    for i in range(n):  # a doubled letter typed once or a letter doubled: "ocasional", "aggitate"
        if i + 1 < n and w[i] == w[i + 1] and safe(w[:i] + w[i + 1:]):
            return True
        if safe(w[:i + 1] + w[i] + w[i + 1:]):
            return True
    return n >= TYPO_ANY_EDIT_LEN and _one_edit_from(w, safe)  # any edit in a long word: "Oxacilin", "quesitons"


def _one_edit_from(lw: str, target) -> bool:
    """Is ``lw`` one edit (a letter dropped, added, changed, or two neighbours swapped; Damerau 1964) from a word
    that ``target`` accepts?"""
    n = len(lw)
    if any(lw[i] != lw[i + 1] and target(lw[:i] + lw[i + 1] + lw[i] + lw[i + 2:]) for i in range(n - 1)):
        return True
    if any(target(lw[:i] + lw[i + 1:]) or any(target(lw[:i] + c + lw[i + 1:]) for c in _LETTERS) for i in range(n)):
        return True
    return any(target(lw[:i] + c + lw[i:]) for i in range(n + 1) for c in _LETTERS)


@functools.lru_cache(maxsize=65536)
def near_safe_word(w: str) -> bool:
    """One edit from an everyday safe word of 5+ letters (Zipf >= ``NEAR_WORD_ZIPF``) that is no census name:
    "chesk", "minmal", "protcol". Bedside notes are full of such typos; ``is_misspelled_word`` allows only some
    edits to short words, this is for words in a weak name context or none."""
    lw = w.lower()
    if len(lw) < 5 or not lw.isalpha():
        return False
    v = load_vocabulary()
    return _one_edit_from(lw, lambda c: len(c) >= 5 and c in v.known and c not in v.name_dominant
                          and c not in v.first_names and c not in v.surnames and word_zipf(c) >= NEAR_WORD_ZIPF)


@functools.lru_cache(maxsize=65536)
def near_clinical_word(w: str) -> bool:
    """A word of 6+ letters one edit from a clinical word (drug, device, clinical term) that is no census first
    name: "Fetanyl", "Loxenox", "Natrcor", "Dopple" (shorter words are too often names: "Sahin" is not "sarin")."""
    lw = w.lower()
    if len(lw) < 6 or not lw.isalpha():
        return False
    v = load_vocabulary()
    return _one_edit_from(lw, lambda c: len(c) >= 5 and c in v.clinical and c not in v.first_names)


FUNCTION_WORD_ZIPF = 5.5  # "then", "with", "that", "from": a four-letter swap only of words this common


def swapped_common_word(w: str) -> bool:
    """Two neighbouring letters swapped in an everyday word, even when the result is a rare census surname:
    "Neice" (niece), "Remians" (remains); in four letters only of the commonest words: "tehn" (then)."""
    lw = w.lower()
    if len(lw) < 4 or not lw.isalpha():
        return False
    v = load_vocabulary()
    floor = NEAR_WORD_ZIPF if len(lw) >= 5 else FUNCTION_WORD_ZIPF  # four letters: "tehn" (then), "whit" (with)
    return any(lw[i] != lw[i + 1] and (c := lw[:i] + lw[i + 1] + lw[i] + lw[i + 2:]) in v.known
               and c not in v.name_dominant and c not in v.first_names and word_zipf(c) >= floor
               for i in range(len(lw) - 1))


def compound_of_known(w: str) -> bool:
    """Two known non-name words written as one ("bloodtinged", "sideport", "catscan"): not a name."""
    lw = w.lower()
    v = load_vocabulary()
    if len(lw) < 7 or not lw.isalpha():
        return False
    return any(lw[:i] in v.known and lw[i:] in v.known and lw[:i] not in v.name_dominant
               and lw[i:] not in v.name_dominant for i in range(3, len(lw) - 3))


def is_safe_word(word: str) -> bool:
    """True when ``word`` is known and not name-dominant: what the safe-list pass never calls a name."""
    w = fold_word(word)
    if w in load_vocabulary().name_dominant:
        return False
    if "-" in w:
        return all(is_safe_word(p) for p in w.split("-") if p)
    return is_known_word(w)


def is_clinical_word(word: str) -> bool:
    """Drug names, clinical terms, eponyms, US states, calendar words and affix-built medical words."""
    w = fold_word(word)
    if "-" in w:
        return all(is_clinical_word(p) for p in w.split("-") if p)
    return w in load_vocabulary().clinical or (len(w) >= 6 and bool(MED_AFFIX_RE.fullmatch(w)))


def is_census_name(word: str) -> bool:
    v = load_vocabulary()
    w = fold_word(word)
    return w in v.first_names or w in v.surnames


@functools.lru_cache(maxsize=1)
def _sorted_clinical() -> tuple[str, ...]:
    return tuple(sorted(load_vocabulary().clinical))


@functools.lru_cache(maxsize=65536)
def clipped_clinical_word(word: str) -> bool:
    """A drug or clinical word cut short, as bedside notes write them ("Ceftaz", "Midaz", "Vanc"): 4 to 7 letters,
    no everyday English word ("time") nor census name, the start of a clinical word at least two letters longer.
    Alone it is no evidence (many short names start a drug name too); it counts next to other drug words."""
    lw = word.lower()
    if not 4 <= len(lw) <= 7 or not lw.isalpha() or is_census_name(lw) or word_zipf(lw) >= COMMON_ZIPF:
        return False
    words = _sorted_clinical()
    i = bisect.bisect_left(words, lw)
    while i < len(words) and words[i].startswith(lw):
        if len(words[i]) >= len(lw) + 2:
            return True
        i += 1
    return False
