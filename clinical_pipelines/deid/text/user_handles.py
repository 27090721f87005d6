"""User names and account handles in messaging, printing and signing lines of electronic records ("message from
jsmith2", "sent by: KLEE", "Printed by: mgarcia on ...", "e-signed by rpatel", "Entered by user ab12345", "Last
edited by JDOE1", "cc: tlee, mkim"). A handle is built from its owner's name (initial and surname, often with digits)
and names a clinician or clerk as surely as the name does: HIPAA Safe Harbor identifier (A), names, and (R), any other
unique identifying code (45 CFR 164.514(b)(2)(i)); i2b2 2014 annotates them as USERNAME.

Recognised only right after an audit-trail or messaging cue (a verb of sending, printing, signing, entering, editing
or reviewing with "by", "message from", a "user" / "login" / "cc" label), as one token that reads as a handle rather
than a word: letters with digits ("jsmith2", "ab12345", "JDOE1"), or a lower-case or capitals word outside the
English and clinical vocabulary ("mgarcia", "rpatel", "KLEE"); and, with digits, in brackets after the signer's name on
a signing line ("Signed: John Smith, MD (jsmith2)"). Ordinary words after the cues ("sent by fax",
"printed by pharmacy", "message from patient", "entered by RN") stay.

``find_user_handles(text) -> list[Candidate]`` (type NAME, score 0.85). Prefilter: one precompiled regex search for a
cue word; the notes without one cost one scan.
"""
from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from ..vocab import CREDENTIALS, STATE_ABBR
from .name_contexts import NOT_INITIALS
from .ner_words import NER_ABBREVIATIONS
from .safelist import is_clinical_word, is_known_word
from .spans import Candidate

_VERBS = (r"sent|printed|reprinted|entered|edited|modified|updated|changed|created|authored|written|signed|e-?signed"
          r"|cosigned|co-signed|countersigned|reviewed|verified|acknowledged|released|resulted|routed|forwarded"
          r"|transcribed|dictated|documented|ordered|completed|closed|opened|accessed|viewed|approved|attested"
          r"|scanned|uploaded|filed|received|read|replied|addressed|assigned|deleted|amended|cancell?ed|discontinued"
          r"|prepared|performed|logged|recorded|submitted|messaged|called|paged|faxed|emailed|e-mailed")
_CUE = (rf"(?:(?:last|first|electronically|originally)[ \t]+)?(?:{_VERBS})[ \t]+(?:by|to|from)"
        r"|(?:message|msg|mssg|note|e-?mail|page|text|inbasket|in-basket|staff[ \t]+message|telephone[ \t]+message"
        r"|result[ \t]+note|encounter)[ \t]+(?:from|to|by|for)"
        r"|from[ \t]+user|by[ \t]+user|logged[ \t]+in[ \t]+as|login|log-?on|user(?:[ \t]*(?:name|id))?|username"
        r"|userid|operator|sender|recipient|cc|bcc|to|from|author|by|signer|printed|pool|routing")
# the cue (a label needs its colon: "cc:", "User:", "From:"; a verb phrase does not), then "user" or "@" at most
_HANDLE_RE = re.compile(
    rf"(?<![\w/-])(?:(?i:{_CUE})[ \t]*[:=#]|(?i:(?:(?:last|first|electronically|originally)[ \t]+)?(?:{_VERBS})"
    rf"[ \t]+(?:by|to|from)|(?:message|msg|mssg|note|e-?mail|page|text|inbasket|in-basket|result[ \t]+note|encounter)"
    rf"[ \t]+(?:from|to|by)|from[ \t]+user|by[ \t]+user|logged[ \t]+in[ \t]+as))"
    rf"[ \t]*(?:(?i:user(?:[ \t]*(?:name|id))?|username|userid|login|id)[ \t]*[:=#]?[ \t]*)?@?"
    r"([A-Za-z][A-Za-z0-9._-]{1,30}[A-Za-z0-9])(?![\w@'’-])"
    r"((?:[ \t]*[,;][ \t]*@?[A-Za-z][A-Za-z0-9._-]{1,30}[A-Za-z0-9](?![\w@'’-])){0,4})")
_LIST_ITEM_RE = re.compile(r"@?([A-Za-z][A-Za-z0-9._-]{1,30}[A-Za-z0-9])")
_PREFILTER_RE = re.compile(r"(?i:by|from|to|user|login|log-?on|cc|author|sender|recipient|signer|operator|pool"
                           r"|routing|printed|logged|signed|signature)\b")
# a handle in brackets after the signer's name on a signing line: "Signed: John Smith, MD (jsmith2)"
_BRACKET_HANDLE_RE = re.compile(r"\(@?([A-Za-z][A-Za-z0-9._-]{1,30}[A-Za-z0-9])\)")
_SIGNING_LINE_RE = re.compile(r"(?i:signed|signature|printed|entered|edited|modified|author|sent|sender|from|by)\b")
_LETTERS_DIGITS_RE = re.compile(r"[A-Za-z]{2,}[A-Za-z._-]*\d+[A-Za-z\d]*|[A-Za-z]\d{3,}[A-Za-z]*|[A-Za-z]{2}\d{2,}")
_SPLIT_RE = re.compile(r"[._-]")


def _is_handle(token: str) -> bool:
    """``token`` reads as an account handle, not a word (see the module docstring)."""
    if any(c.isdigit() for c in token):
        # letters and digits: "jsmith2", "ab12345", "JDOE1", "k1234"; not a time, dose or code ("2pm", "q4h")
        return bool(_LETTERS_DIGITS_RE.fullmatch(token)) and not re.fullmatch(r"(?i:q\d+h|[a-z]\d|x\d+)", token)
    if not (token.islower() or token.isupper()):
        return False  # Title case: a person's name, read by the name finders
    parts = [p for p in _SPLIT_RE.split(token) if p]
    if not parts or any(len(p) < 2 for p in parts) and len(parts) == 1:
        return False
    word = "".join(parts)
    if len(word) < 3 or word.lower() in STOP_WORDS or word.lower() in CREDENTIALS:
        return False
    if token.isupper() and (word in NER_ABBREVIATIONS or word in NOT_INITIALS or word in STATE_ABBR):
        return False
    if len(parts) > 1:  # "j.smith", "smith_j", "mary.lee": a dotted or underscored handle unless all parts are words
        return not all(is_known_word(p) or is_clinical_word(p) for p in parts)
    return not is_known_word(word) and not is_clinical_word(word)


def find_user_handles(text: str) -> list[Candidate]:
    """Account handles after an audit-trail or messaging cue (type NAME, score 0.85)."""
    if not _PREFILTER_RE.search(text):
        return []
    out: list[Candidate] = []
    for m in _HANDLE_RE.finditer(text):
        if _is_handle(m.group(1)):
            out.append(Candidate(m.start(1), m.end(1), "NAME", 0.85))
        if m.group(2):
            for it in _LIST_ITEM_RE.finditer(text, m.start(2), m.end(2)):
                if _is_handle(it.group(1)):
                    out.append(Candidate(it.start(1), it.end(1), "NAME", 0.85))
    if "(" in text:
        for m in _BRACKET_HANDLE_RE.finditer(text):
            lo, hi = text.rfind("\n", 0, m.start()) + 1, text.find("\n", m.end())
            if any(c.isdigit() for c in m.group(1)) and _is_handle(m.group(1)) and \
                    _SIGNING_LINE_RE.search(text, lo, m.start()):
                out.append(Candidate(m.start(1), m.end(1), "NAME", 0.85))
    return out
