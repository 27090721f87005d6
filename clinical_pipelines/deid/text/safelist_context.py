"""Tests of a word at a position of the text (the analysis view: ASCII dashes, spaces and quotes): is it said of a
thing and not of a person? Given, held, titrated or applied, or after an administration verb or a negation cue
(``in_thing_context``); in a list next to a drug (``in_drug_list``, drug names from DrugBank, MeSH and MedlinePlus
via ``safelist_vocabulary``); followed by an eponym or device noun ("Parkinson's disease", "Foley catheter", "Hoyer
lift": ``followed_by_eponym_noun``); a colour said of a body fluid ("urine Amber": ``colour_of_fluid``); the first
word after a body-system heading ("Skin: Stenum with dsd": ``opens_system_heading``). And where a word stands: at
the start of a sentence, line, list item or field value (``starts_sentence``). Used by the safe-list name pass
(``safelist``), the name-context finders and the NER filter.
"""
from __future__ import annotations

import re

from ..vocab import APPLICATION_SITES, COLOUR_WORDS, EPONYM_FOLLOWERS, FLUID_WORDS
from .safelist_vocabulary import MED_AFFIX_RE
from .safelist_words import clipped_clinical_word, fold_word, is_clinical_word

# What precedes a sentence-, line-, list- or field-initial word (on the same line).
_INITIAL_BEFORE_RE = re.compile(r"(?:^|[.!?:;|>*#=\"(\[{•·-]|\d[.)]|\b[a-z][.)])[ \t]*$")


def starts_sentence(text: str, start: int) -> bool:
    """True when the word at ``start`` opens a sentence, line, list item or field value."""
    lo = text.rfind("\n", 0, start) + 1
    return bool(_INITIAL_BEFORE_RE.search(text[max(lo, start - 12):start]))


# What is said of a drug, feed, dressing or device and not of a person: what follows it ("Coum held", "Criticaid
# applied", "Fent boluses", "Flexiseal in place") or the administration verb before it ("restart Coum", "sedated on
# Midaz", "titrate Neo"). "received" is left out: "Received Ayse from night RN" is a hand-off of the patient. A
# negation or history cue before a word makes it a finding ("no further Thrush", "hx of Sob", "r/o Cdiff").
_THING_AFTER_RE = re.compile(
    r"(?:'s)?[ \t]+(?:gtts?|drips?|infusions?|bolus(?:es|ed)?|levels?|troughs?|doses?|given|applied|started|restarted"
    r"|resumed|held|increased|decreased|titrated|weaned|infusing|running|dc'?d|d/c'?d|discontinued|changed|removed"
    r"|placed|inserted|in[ \t]+place|intact|administered|tabs?|nebs?|patch|dressing|drsg|dsg|cath|catheter|insertion"
    r"|placement|site)\b"
    r"|[ \t]+to[ \t]+(?:the[ \t]+|both[ \t]+)?(?:(?:l|r|lt|rt|left|right|bil|bilat|bilateral)\.?[ \t]*)?(?:"
    + "|".join(sorted(APPLICATION_SITES, key=len, reverse=True)) + r")\b", re.I)
_THING_BEFORE_RE = re.compile(
    r"\b(?:restart(?:ed)?|start(?:ed)?|resumed?|wearing|continued?|given|gave|giving|held|hold|titrat(?:e|ed|ing)"
    r"|wean(?:ed|ing)?|increased?|decreased?|d/?c'?d?|(?:sedated|started|remains?|maintained|placed|kept|restarted"
    r"|continued)[ \t]+on"
    r"|no(?:[ \t]+(?:further|more|new|acute|obvious|apparent))?|denies|denied|without|w/o|neg(?:ative)?[ \t]+for"
    r"|(?:signs|s/s|hx|h/o|history|evidence)[ \t]+of|r/o"
    r"|rule[ \t]+out)[ \t]+\Z", re.I)


def in_thing_context(text: str, start: int, end: int) -> bool:
    """True when the word ``text[start:end]`` is given, held, titrated, applied or in place, or follows an
    administration verb: a drug, feed, dressing or device ("Coum held", "restart Coum"), not a person."""
    return bool(_THING_AFTER_RE.match(text, end) or _THING_BEFORE_RE.search(text[max(0, start - 32):start]))


_LIST_BEFORE_RE = re.compile(r"([A-Za-z][A-Za-z0-9]*)[ \t]*(?:[,/+&]|[ \t](?i:and|or))[ \t]*$")
_LIST_AFTER_RE = re.compile(r"[ \t]*(?:[,/+&]|(?i:and|or)[ \t])[ \t]*([A-Za-z][A-Za-z0-9]*)")


def in_drug_list(text: str, start: int, end: int) -> bool:
    """A word in a list next to a drug or clinical word, or a drug name cut short: "on Zosyn, Vanko, Flagyl",
    "Vaco and Levo", "Vano, Ceftaz"."""
    before = _LIST_BEFORE_RE.search(text, max(0, start - 24), start)
    after = _LIST_AFTER_RE.match(text, end)
    return any(m and len(m.group(1)) >= 3 and (is_clinical_word(m.group(1)) or clipped_clinical_word(m.group(1)))
               for m in (before, after))


_FOLLOWER_RE = re.compile(r"(?:'s|'|s')?[ \t]*-?[ \t]*(?:[A-Z]{1,3}[ \t]+)?([a-z]+)", re.I)
# Nouns that follow an eponym or brand naming a device, test, stage or product ("Hoyer lift", "Kerley B lines",
# "Tanner stage", "Amsler grid", "Zio patch"), beside the shared eponym nouns of ``deid.vocab``.
DEVICE_NOUNS = frozenset("""
stage stages staging line lines lift grid patch nail boot boots injector inhaler stockings hose mask valve shunt
stent device pouch bag splint brace collar frame cast chart screen screening sling pessary ring pump needle clamp
drain forceps retractor tube tubes cream lotion ointment drops spray kit booster vaccine prosthesis implant
""".split())


def followed_by_eponym_noun(text: str, end: int) -> bool:
    """'Parkinson's disease', 'Foley catheter', 'Wernicke encephalopathy': the word names a disease, sign or device
    (an eponym noun, or a medical word built from Greek/Latin affixes follows), not a person."""
    m = _FOLLOWER_RE.match(text, end, min(len(text), end + 32))
    if not m:
        return False
    nxt = m.group(1).lower()
    return (nxt in EPONYM_FOLLOWERS or nxt in DEVICE_NOUNS
            or (m.group(1).islower() and len(nxt) >= 6 and bool(MED_AFFIX_RE.fullmatch(nxt))))


_WORD_BEFORE_RE = re.compile(r"([A-Za-z]+)[ \t]*(?:[,:/-]|[ \t](?i:to|and|or|with))?[ \t]*\Z")
_WORD_AFTER_RE = re.compile(r"[ \t]*[/-]?[ \t]*([A-Za-z]+)")


def colour_of_fluid(text: str, start: int, end: int) -> bool:
    """A colour word said of a body fluid, drain or skin, or next to another colour: "urine Amber", "Brown stool",
    "Green-tinged", "Tan/Yellow secretions", "drain with Rose tinged", "amber to Brown" ("Brown", "Amber", "Rose"
    are census names too)."""
    if fold_word(text[start:end]) not in COLOUR_WORDS:
        return False
    before = _WORD_BEFORE_RE.search(text[max(0, start - 24):start])
    after = _WORD_AFTER_RE.match(text, end, min(len(text), end + 24))
    return any(m and (m.group(1).lower() in FLUID_WORDS or m.group(1).lower() in COLOUR_WORDS) for m in (before, after))


# a body-system heading of a nursing or progress note ("Neuro:", "CV -", "Skin:", "MS:", "A/P:"): what opens it is a
# finding ("Skin: Stenum with dsd", "MS: Recievd sedated"), not a person, unless a title or relation says otherwise
_SYSTEM_HEADING_RE = re.compile(
    r"(?:^|[\n.;|])[ \t]*(?i:neuro|neurologic(?:al)?|cv|cvs|cardiac|cardiovascular|resp|respiratory|pulm|pulmonary|gi"
    r"|gu|renal|skin|integ|integument(?:ary)?|id|ms|musculoskeletal|endo|endocrine|heme|access|lines|pain|fen"
    r"|a/p|assessment|activity|mobility|safety|nutrition|psych)[ \t]*[:=-][ \t]*\Z")


def opens_system_heading(text: str, start: int) -> bool:
    """True when the word at ``start`` is the first word after a body-system heading ("Skin: Stenum ...")."""
    return bool(_SYSTEM_HEADING_RE.search(text[max(0, start - 40):start]))


# an examination finding said of a sign: "+ McMurray", "neg Lachman", "positive on R. Hoffmann", "Spurling negative",
# "Finkelstein (+)"; the sign's eponym is no one's name in the note
_FINDING = r"(?:\(\+\)|\(-\)|\+ve|-ve|pos|positive|neg|negative|equivocal|downgoing|upgoing)"
_FINDING_BEFORE_RE = re.compile(
    rf"(?:(?:^|(?<=[\s(,;:]))(?i:{_FINDING})|(?:^|(?<=[\n(,;:]))[ \t]*\+)[ \t]*(?:(?i:on|at|for)[ \t]+)?"
    r"(?:(?i:R|L|right|left|bilat|bilateral|B/L|b/l)\.?[ \t]+)?\Z", re.M)
_FINDING_AFTER_RE = re.compile(
    rf"(?:'s)?[ \t]*(?:(?i:sign|test|maneuver|manoeuvre|reflex)[ \t]*)?(?:[:=][ \t]*)?"
    rf"(?:(?i:{_FINDING})(?![A-Za-z])|[+-](?=[ \t]*(?:[,;.)]|$)))", re.M)


def exam_finding(text: str, start: int, end: int) -> bool:
    """True when the word ``text[start:end]`` names a sign with its finding, before or after it ("+ McMurray",
    "neg Lachman", "positive on R. Hoffmann", "Spurling negative", "Tinel's sign +"): an eponymous sign of the
    physical examination, not a person."""
    return bool(_FINDING_AFTER_RE.match(text, end) or _FINDING_BEFORE_RE.search(text, max(0, start - 24), start))
