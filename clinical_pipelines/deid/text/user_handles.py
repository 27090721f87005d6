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

``find_user_handles(text) -> list[Candidate]`` (type NAME, score 0.85). One precompiled regex finds the word before a
handle (a preposition or a label) and the handle; the cue before it is checked in a window of 48 characters.
"""
from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from ..vocab import CREDENTIALS, STATE_ABBR
from .name_contexts import NOT_INITIALS
from .ner_words import NER_ABBREVIATIONS
from .safelist_words import is_clinical_word, is_known_word
from .spans import Candidate

_VERBS = (r"sent|printed|reprinted|entered|edited|modified|updated|changed|created|authored|written|signed|e-?signed"
          r"|cosigned|co-signed|countersigned|reviewed|verified|acknowledged|released|resulted|routed|forwarded"
          r"|transcribed|dictated|documented|ordered|completed|closed|opened|accessed|viewed|approved|attested"
          r"|scanned|uploaded|filed|received|read|replied|addressed|assigned|deleted|amended|cancell?ed|discontinued"
          r"|prepared|performed|logged|recorded|submitted|messaged|called|paged|faxed|emailed|e-mailed")
# the word right before a handle: a preposition after a cue, or a label with its colon ("cc:", "User:", "From:")
_LABELS = (r"user(?:[ \t]*(?:name|id))?|username|userid|login|log-?on|sender|recipient|cc|bcc|author|signer|operator"
           r"|pool|routing|printed|signed")
_HANDLE = r"([A-Za-z][A-Za-z0-9._-]{1,30}[A-Za-z0-9])(?![\w@'’-])"
ANCHOR_RE = re.compile(  # the lookahead on the first letter lets the engine skip most positions at once
    rf"(?=[bBfFtTaAuUlLsSrRcCoOpP])\b(?i:(by|from|to|as|{_LABELS}))\b[ \t]*([:=#])?[ \t]*(?:(?i:user(?:[ \t]*(?:name|id))?|username|userid|login|id)"
    rf"[ \t]*[:=#]?[ \t]*)?@?{_HANDLE}"
    r"((?:[ \t]*[,;][ \t]*@?[A-Za-z][A-Za-z0-9._-]{1,30}[A-Za-z0-9](?![\w@'’-])){0,4})")
# a cue right before the preposition: a verb of the audit trail ("Last edited by"), a message noun ("message from"),
# "logged in as"; or, for "by", such a verb earlier on the line ("Printed on 3/4/21 14:02 by KLEE")
_VERB_WORDS = frozenset(re.sub(r"e-\?signed", "esigned|e-signed", re.sub(r"cancell\?ed", "canceled|cancelled", _VERBS))
                        .split("|"))
_CUE_WORDS = _VERB_WORDS | frozenset("message msg mssg note email e-mail page text inbasket in-basket encounter".split())
_WORD_RE = re.compile(r"[A-Za-z-]+")
_LIST_ITEM_RE = re.compile(r"@?([A-Za-z][A-Za-z0-9._-]{1,30}[A-Za-z0-9])")
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


def _cue_before(text: str, pos: int, word: str) -> bool:
    """An audit-trail cue ends right before ``pos`` ("edited ", "message ", "logged in "), or, before "by", a cue verb
    stands earlier on the line within 48 characters."""
    line = text[max(text.rfind("\n", max(0, pos - 48), pos) + 1, pos - 48):pos]
    words = [w.lower() for w in _WORD_RE.findall(line)]
    if not words:
        return False
    if words[-1] in _CUE_WORDS or words[-2:] == ["logged", "in"]:
        return line[-1:] in (" ", "\t")
    return word == "by" and any(w in _VERB_WORDS for w in words)


def find_user_handles(text: str) -> list[Candidate]:
    """Account handles after an audit-trail or messaging cue (type NAME, score 0.85)."""
    out: list[Candidate] = []
    for m in ANCHOR_RE.finditer(text):
        word = m.group(1).lower()
        if word in ("by", "from", "to", "as") or not m.group(2):
            if (not m.group(2) or word not in ("by", "from", "to")) and not _cue_before(text, m.start(), word):
                continue  # "seen by Wells", "to Dr. Okafor": no audit-trail cue
        if _is_handle(m.group(3)):
            out.append(Candidate(m.start(3), m.end(3), "NAME", 0.85))
        if m.group(4):
            for it in _LIST_ITEM_RE.finditer(text, m.start(4), m.end(4)):
                if _is_handle(it.group(1)):
                    out.append(Candidate(it.start(1), it.end(1), "NAME", 0.85))
    if "(" in text:
        for m in _BRACKET_HANDLE_RE.finditer(text):
            lo, hi = text.rfind("\n", 0, m.start()) + 1, text.find("\n", m.end())
            if any(c.isdigit() for c in m.group(1)) and _is_handle(m.group(1)) and \
                    _SIGNING_LINE_RE.search(text, lo, m.start()):
                out.append(Candidate(m.start(1), m.end(1), "NAME", 0.85))
    return out
