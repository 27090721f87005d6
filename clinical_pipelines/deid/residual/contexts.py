"""More name contexts of the safe-list scan (:mod:`.names`), each a way notes point at a person:

* a person followed by their relation in brackets or after a comma or dash: "with Nhung (daughter)",
  "patient and Tuan (husband)", "Omar (son-in-law) at bedside", "Ines, niece, visited";
* a person as the subject of a reporting verb at the start of a clause: "S: Adebayo reports no pain",
  "Bill Young states ...", "Kowalczyk denies ...";
* a user or login name after a user, login or printing cue: "User: ssorensen6", "Printed by: STRONG_A",
  "login jdoe2" (letters with digits, underscores or dots, or an out-of-vocabulary word);
* the patient's initials after a patient label and before a reporting verb: "S: Pt: M.W reports", "Pt: th states";
* a person handed over between shifts: "Received Venkatesh from night RN", "Received pt Anil Sahin from";
* a sign-off line of a name and a credential: "-- Imran RN", "- Liv LPN", "/s/ Oyelaran, CNA";
* the person a call or letter is about, after "re:" anywhere in a line: "Caller: partner re: Haruto Zhang".

A word counts as a name when it is out of the vocabulary (:mod:`.lexicon`), written with letters outside
ASCII before folding, or a Title-case 1990 US Census first name; clinical words, kin nouns and roles never do.
Input is folded text with placeholders masked; spans are offsets into it.
"""
from __future__ import annotations

import re
from typing import Callable

from .lexicon import in_vocabulary, is_census_first_name, is_census_name, is_clinical, zipf

_KIN_WORDS = (r"(?:(?:grand|great-grand|step|half-)?(?:son|daughter|mother|father|sister|brother|child|niece|nephew)s?|"
              r"(?:son|daughter|mother|father|brother|sister)-in-law|wife|husband|spouse|partner|fianc[ée]e?|"
              r"boyfriend|girlfriend|friend|neighbou?r|caregiver|aunt|uncle|cousin|grandma|grandpa|mom|dad|"
              r"roommate|guardian|poa|hcp|health\s+care\s+proxy|proxy|sibling|twin|godmother|godfather|landlord)")
_WORD = r"[A-Z][A-Za-z'-]+"
KIN_AFTER_RE = re.compile(rf"(?<![\w/])({_WORD}(?:[ \t]+(?:{_WORD}|[A-Z]\.)){{0,2}})[ \t]*"
                          rf"(?:\([ \t]*(?:(?i:her|his|their|pt'?s|patient'?s)[ \t]+)?(?i:{_KIN_WORDS})[ \t]*[,)]|"
                          rf",[ \t]*(?:(?i:her|his|their|pt'?s|patient'?s)[ \t]+)?(?i:{_KIN_WORDS})[ \t]*[,;]|"
                          rf"[ \t]+-[ \t]+(?i:{_KIN_WORDS})\b)")
_REPORTING = (r"(?:reports|reported|states|stated|denies|denied|endorses|endorsed|says|said|notes|complains|"
              r"presents|presented|returns|arrives|arrived|agrees|declines|declined|requests|asks|wants|"
              r"is\s+a|was\s+a|is\s+an|was\s+an)")
SUBJECT_RE = re.compile(rf"(?:^|(?<=[\n:;.!?]))[ \t]*(?:[A-Z][a-z]?:[ \t]*)?({_WORD}(?:[ \t]+(?:{_WORD}|[A-Z]\.)){{0,2}})"
                        rf"[ \t]+{_REPORTING}\b", re.M)
USER_ID_RE = re.compile(r"\b(?i:user(?:[ _]?(?:name|id))?|log-?in\s+id|login|logon|operator\s+id|printed\s+by|"
                        r"printed[^\n]{0,40}?\bby|workstation\s+user)[ \t]*[:=#]?[ \t]*"
                        r"([A-Za-z][A-Za-z0-9]*(?:[._-][A-Za-z0-9]+)*)(?![\w@])")
PT_INITIALS_RE = re.compile(rf"\b(?i:pt|patient)[ \t]*[:#][ \t]*((?:[A-Za-z]\.?[ \t]?){{1,2}}[A-Za-z]\.?)"
                            rf"(?=[ \t]+(?:{_REPORTING}|from|here|seen|in\s+(?:bed|room|chair))\b|[ \t]*(?:$|[\n;]))", re.M)
HANDOFF_RE = re.compile(rf"\b(?i:received|accepted|assumed\s+care\s+of|handed\s+off)[ \t]+(?:(?i:pt|patient)[:.]?[ \t]+|"
                        rf"(?:Mr|Mrs|Ms|Mx|Miss)\.?[ \t]+)?({_WORD}(?:[ \t]+(?:{_WORD}|[A-Z]\.)){{0,2}})[ \t]+(?i:from)\b")
_CRED = (r"(?:RN|LPN|LVN|CNA|NP|ANP|FNP|PA|PA-C|MD|DO|RT|RRT|PT|OT|SLP|MSW|LCSW|LICSW|CM|CCM|RD|PharmD|RPh|EMT|"
         r"Paramedic|CMA|MA|PCT|STNA|LNA|RN-BC|BSN|MSN|DNP|CRNA|CNM)")
SIGNOFF_CRED_RE = re.compile(rf"(?m)^[ \t]*(?:--?|/s/|~)[ \t]*({_WORD}(?:[ \t]+(?:{_WORD}|[A-Z]\.)){{0,2}}),?[ \t]+{_CRED}"
                             r"[ \t.]*$")
REGARDING_RE = re.compile(rf"(?<=[ \t;,])(?i:re|regarding)[ \t]*:[ \t]*(?:(?:Mr|Mrs|Ms|Mx|Miss|Dr)\.?[ \t]+)?"
                          rf"((?:{_WORD}|(?i:van|von|der|de|del|la|da|di|le|al|el|bin|ibn)|[A-Z]\.)"
                          rf"(?:[ \t]+(?:{_WORD}|(?i:van|von|der|de|del|la|da|di|le|al|el|bin|ibn)|[A-Z]\.)){{0,3}})(?![\w])")
_NOT_PERSON = re.compile(r"(?i:patient|pt|mother|father|wife|husband|son|daughter|family|nurse|doctor|provider|"
                         r"caregiver|staff|team|ems|pharmacy|system|interface|admin|administrator|unknown|none|n/a|"
                         r"he|she|they|it|this|that|who|labs?|exam|imaging|today|tonight|overnight)$")


# lower-case words that may follow "Pt:" in prose ("Pt: was seen", "Pt: is here"): no initials
_FUNCTION_WORDS = frozenset("is was has had now not and the also see non pt no yes can did got not out off all one two "
                            "new old her his per via who are be ok na".split())
_PARTICLE_WORDS = frozenset("van von der de del la da di le al el bin ibn".split())


def _moderate(w: str) -> bool:
    """A Title-case word that is not frequent in English (Zipf < 4: "Khalid", "Hamid", "Imran"; not "Charge")."""
    return w[:1].isupper() and w[1:].islower() and zipf(w) < 4.0 and not is_clinical(w)


def _person_word(w: str, foreign: bool) -> bool:
    low = w.lower()
    if is_clinical(low) or _NOT_PERSON.match(low) or re.fullmatch(_KIN_WORDS, low, re.I):
        return False
    return foreign or not in_vocabulary(low) or (w[:1].isupper() and w[1:].islower() and is_census_first_name(low))


def _words(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(start + m.start(), start + m.end(), m.group()) for m in re.finditer(r"[A-Za-z][A-Za-z'-]*", text[start:end])]


def find_context_names(text: str, is_foreign: Callable[[int, int], bool]) -> list[tuple[int, int, str]]:
    """``(start, end, detector)`` name spans of the contexts above. ``is_foreign(start, end)``: the span was
    written with letters outside ASCII."""
    out: list[tuple[int, int, str]] = []
    for rx, detector in ((KIN_AFTER_RE, "relation_after"), (SUBJECT_RE, "reporting_subject")):
        for m in rx.finditer(text):
            words = _words(text, m.start(1), m.end(1))
            # keep the run of person words closest to the cue ("Seen with Nhung (daughter)": only "Nhung")
            kept: list[tuple[int, int, str]] = []
            for a, b, w in reversed(words):
                bracketed = detector == "relation_after" and "(" in text[m.end(1):m.end(1) + 3]
                if not (_person_word(w, is_foreign(a, b)) or (kept and is_census_name(w) and w[:1].isupper())
                        or (bracketed and not kept and _moderate(w) and not _NOT_PERSON.match(w)
                            and not re.fullmatch(_KIN_WORDS, w, re.I))):
                    break
                kept.append((a, b, w))
            if detector == "reporting_subject" and len(kept) != len(words):
                continue  # the subject must be wholly a name ("Daughter Nhung reports" goes by the kin rule)
            if kept and any(not in_vocabulary(w.lower()) or is_foreign(a, b) or _moderate(w) for a, b, w in kept) or (
                    kept and detector == "relation_after" and text[m.end(1):m.end(1) + 3].lstrip(" \t")[:1] == "("):
                out.extend((a, b, detector) for a, b, _ in kept)
    for m in PT_INITIALS_RE.finditer(text):
        tok = m.group(1)
        closing = re.match(r"[ \t]*(?:$|[\n;])", text[m.end(1):]) is not None
        if tok.lower() not in _FUNCTION_WORDS and not (closing and "." not in tok and not tok.isupper()
                                                      and in_vocabulary(tok.lower()) and not is_foreign(m.start(1), m.end(1))):
            out.append((m.start(1), m.end(1), "patient_initials"))
    for rx, detector in ((HANDOFF_RE, "handoff"), (SIGNOFF_CRED_RE, "signoff_credential"), (REGARDING_RE, "regarding")):
        for m in rx.finditer(text):
            words = _words(text, m.start(1), m.end(1))
            if m.group(1).isupper():  # in capitals only person words count ("RE: INSURANCE PRIOR AUTH" is no name)
                words = words[:next((i for i, (a, b, w) in enumerate(words) if not _person_word(w, is_foreign(a, b))),
                                    len(words))]
            names = [(a, b) for a, b, w in words if _person_word(w, is_foreign(a, b)) or _moderate(w)]
            if names and not any(is_clinical(w) or _NOT_PERSON.match(w) for _, _, w in words) and (
                    detector != "regarding" or any(not in_vocabulary(w.lower()) or is_foreign(a, b) or is_census_name(w)
                                                   for a, b, w in words)):
                out.extend((a, b, detector) for a, b, w in words if w.lower() not in _PARTICLE_WORDS)
    for m in USER_ID_RE.finditer(text):
        tok = m.group(1)
        if re.search(r"[\d_.]", tok) and re.search(r"[A-Za-z]{2}", tok) or (
                len(tok) >= 3 and not in_vocabulary(tok.lower()) and not is_clinical(tok)) or \
                is_foreign(m.start(1), m.end(1)):
            if not _NOT_PERSON.match(tok):
                out.append((m.start(1), m.end(1), "user_name"))
    return out
