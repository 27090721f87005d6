"""The safe-list name pass (the method of Philter: Norgeot et al., "Protected Health Information filter (Philter):
accurately and securely de-identifying free-text clinical notes", npj Digit. Med. 3, 57 (2020)): a word that is
not in a vocabulary of English and clinical words is treated as a person name (HIPAA Safe Harbor identifier (A),
45 CFR 164.514(b)(2)(i)(A)) when it is capitalised in running text or sits in a name context.

The vocabulary (``safelist_vocabulary``) is the union of Philter's own safe list ("nonames", UCSF), the English words
of the ``wordfreq`` list from Zipf 3, drug names and brands (DrugBank, MeSH, MedlinePlus) and the project's clinical
word lists; 1990 US Census names used far more as names than as words ("hank", "rose", "nguyen") are known but not
safe. The word tests (safe, known, clinical, census name, typo of a known word) are in ``safelist_words``, the tests
on a word's place in the text (given or applied, in a drug list, before an eponym noun, opening a sentence or a
body-system heading) in ``safelist_context``.

Where "capitalised" applies (``find_safelist_names``): a Title-case word inside a sentence that is not safe, or a
Title-case word at the start of a sentence, line, list item or field value that is not known at all. ALL-CAPS
words (headers, abbreviations) and lower-case words count only in name contexts (``names.py``). A word followed by
an eponym noun ("Parkinson's disease", "Foley catheter") or by a dose ("Entresto 49/51 mg") is never a name.
Fails closed (``DeidError``) when a source package or file is missing or truncated.
"""
from __future__ import annotations

import re

from .safelist_context import (colour_of_fluid, exam_finding, followed_by_eponym_noun, in_drug_list, in_thing_context,
                               opens_system_heading, starts_sentence)
from .safelist_vocabulary import load_vocabulary
from .safelist_words import (compound_of_known, fold_word, is_census_name, is_known_word, is_misspelled_word,
                             is_safe_word, near_clinical_word, near_safe_word, swapped_common_word)
from .spans import Candidate

# Title-case words: "Okafor", "O'Brien", "McKenna", "Bello-Okonkwo"; not camel case ("MitraClip"), not e-mail or
# path parts, not words glued to digits.
TITLE_WORD_RE = re.compile(
    r"(?<![\w@/\\.'-])(?:Mc|Mac|O'|D')?[A-Z][a-z]+(?:-[A-Z][a-z]+)*(?![A-Za-z0-9@/\\]|-[A-Za-z]|'(?!s\b)[A-Za-z]|\.\w)")
_DOSE_AFTER_RE = re.compile(
    r"(?:'s)?[ \t]*(?:\(|XR|ER|SR|XL|CR|HCT|\d+(?:[.,/]\d+)*[ \t]*(?:mg|mcg|g|gm|units?|u|ml|mL|meq|mEq|%|tabs?|"
    r"caps?|puffs?|drops?|mg/kg|mcg/kg|mg/ml|mg/mL)\b)", re.I)
_NUMBER_AFTER_RE = re.compile(r"[ \t]?#?\d")
# a feed, drip or dose given at a rate or a count: "Ultracal at 10cc/hr", "Criticare @ 40/hr", "Mgsulfate x1"
_RATE_AFTER_RE = re.compile(
    r"(?:[ \t]+[A-Z]{1,3})?[ \t]*(?:(?:infusing[ \t]+)?at|@|up[ \t]+to|to)?[ \t]*\d+(?:\.\d+)?[ \t]*"
    r"(?:cc|ml|mL|mcg|mg|u|units?)?[ \t]*/[ \t]*(?:h|hr|hour|kg)\b|[ \t]*x[ \t]?\d\b"
    r"|[ \t]*(?:at|@)[ \t]*\d+(?:\.\d+)?[ \t]*(?:cc|ml|mcg|mg|u|units?|l|lpm|%)(?![A-Za-z])", re.I)
# a setting or reading written right after its label: "Itime 1.7", "Svo 0.72" (a dotted date is no reading)
_READING_AFTER_RE = re.compile(r"[ \t]*:?[ \t]*\d{1,3}\.\d{1,2}(?![\d.])")


def find_safelist_names(text: str) -> list[Candidate]:
    """Title-case words that are not safe words inside a sentence, or not known words (or strongly name-dominant
    ones, "Nguyen", "Smith") at the start of a sentence, line, list item or field value (score 0.5). Eponym use,
    device nouns, drug doses and model numbers are skipped."""
    out = []
    for m in TITLE_WORD_RE.finditer(text):
        w = m.group()
        if len(w) < 3 or is_safe_word(w) or ("-" in w and any(is_safe_word(p) for p in w.split("-"))):
            continue  # "Anti-Xa", "Swan-Ganz": a hyphenated word is a name only when no part is a safe word
        if is_misspelled_word(w):
            continue  # "Encourgae", "Recieved": a typo of a safe word
        if not is_known_word(w) and not is_census_name(w) and (near_clinical_word(w) or compound_of_known(w) or (
                starts_sentence(text, m.start()) and (len(w) < 5 or near_safe_word(w)))):
            continue  # "Fetanyl", "Careview"; at a line start "Chesk", "Sxnd": typos, compounds, shorthand
        if swapped_common_word(w) and fold_word(w) not in load_vocabulary().first_names:
            continue  # "Neice called", "Remians npo"
        if starts_sentence(text, m.start()) and is_known_word(w) and fold_word(w) not in load_vocabulary().strong_names:
            continue
        if followed_by_eponym_noun(text, m.end()) or _DOSE_AFTER_RE.match(text, m.end()):
            continue
        if exam_finding(text, m.start(), m.end()):
            continue  # "+ McMurray", "Spurling negative": a sign and its finding
        if not is_census_name(w) and (_RATE_AFTER_RE.match(text, m.end()) or in_drug_list(text, m.start(), m.end())):
            continue  # "Criticare @ 40/hr", "Vano, Ceftaz, Flagyl": a product or drug, not a person
        if not is_census_name(w) and opens_system_heading(text, m.start()):
            continue  # "Skin: Stenum with dsd", "MS: Recievd sedated from EW"
        if colour_of_fluid(text, m.start(), m.end()):
            continue  # "urine Amber", "Stool Brown", "Tan/Yellow secretions"
        if in_thing_context(text, m.start(), m.end()) and not (out and m.start() - out[-1].end <= 2):
            continue  # "Coum held", "Criticaid applied", "sedated on Midaz": given or applied, not a person
        if not is_census_name(w) and _READING_AFTER_RE.match(text, m.end()):
            continue  # "Itime 1.7": a setting or reading after its label
        if _NUMBER_AFTER_RE.match(text, m.end()) and is_known_word(w):
            continue  # a model or series number: "Mark 2 device", "Grade 3"
        if out and m.start() - out[-1].end <= 2 and not text[out[-1].end:m.start()].strip(" \t"):
            out[-1] = Candidate(out[-1].start, m.end(), "NAME", 0.5)  # one span per run: "Aoife D'Angelo"
        else:
            out.append(Candidate(m.start(), m.end(), "NAME", 0.5))
    return out
