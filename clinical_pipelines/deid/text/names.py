"""Person names (HIPAA Safe Harbor identifier (A), 45 CFR 164.514(b)(2)(i)(A)) of patients, relatives, employers
and household members, and, as the project's policy, of clinicians: names after titles, roles, relations, field
labels and before credentials; "LAST, FIRST M" headers; census first-name + surname pairs; sign-off initials.
"""
from __future__ import annotations

import re
from typing import Callable

from spacy.lang.en.stop_words import STOP_WORDS

from ..gazetteer import load_gazetteers
from ..vocab import (AMBIGUOUS_SURNAMES, ANCHOR_STOP, CREDENTIALS, EPONYM_FOLLOWERS, NON_NAME_TERMS, NOT_NAME_WORDS,
                     STATE_ABBR, US_STATES)
from .name_contexts import find_context_names
from .safelist import is_clinical_word, is_misspelled_word, is_safe_word, word_zipf
from .spans import Candidate

_NAME_TOKEN = r"(?:[A-Z][a-z'’]*[A-Z]?[a-z'’]+(?:-[A-Za-z][a-z'’]+)?|[A-Z][A-Z'’]+(?:-[A-Z][A-Z'’]+)?)"
_INITIAL = r"[A-Z]\.?(?![A-Za-z'’])"
_LAST_FIRST = rf"{_NAME_TOKEN},[ \t]*{_NAME_TOKEN}(?:[ \t]{_INITIAL})?"
_NAME = (rf"(?:{_INITIAL}[ \t]?)?{_NAME_TOKEN}(?:[ \t]{_INITIAL})?"
         rf"(?:[ \t](?:[Vv]an |[Dd]e |[Ll]a |[Dd]el |[Vv]on )?{_NAME_TOKEN}){{0,2}}")
_ANY_NAME = rf"(?:{_LAST_FIRST}|{_NAME})"
TITLE_NAME_RE = re.compile(
    rf"\b(?i:Dr|Drs|Mr|Mrs|Ms|Miss|Mx|Prof|Doctor|Nurse|Sister|Father|Rev|Judge|Officer|Attorney|Det|Sgt)\.?[ \t]+"
    rf"({_ANY_NAME})")
ROLE_NAME_RE = re.compile(
    rf"\b(?i:signed\s+by|dictated\s+by|transcribed\s+by|reviewed\s+by|entered\s+by|authored\s+by|attending"
    rf"|resident|fellow|intern|pcp|primary\s+care(?:\s+(?:physician|provider|doctor))?|physician|provider"
    rf"|seen\s+by|discussed\s+with|spoke\s+with|spoke\s+to|surgeon|cardiologist|nephrologist|oncologist"
    rf"|nurse|case\s+manager|social\s+worker|consultant|referring(?:\s+physician)?|referred\s+by|covering"
    rf"|witness|interpreter|chaplain|next\s+of\s+kin|health\s+care\s+proxy|proxy|guardian|signed|confirmed\s+by"
    rf"|read\s+by|interpreted\s+by|ordered\s+by|requested\s+by|approved\s+by|given\s+to|reported\s+to|d/w"
    rf"|caller|call\s+from|message\s+from|accompanied\s+by|with\s+(?:his|her|their)|sonographer|technician|tech"
    rf"|technologist|therapist|pharmacist|dietitian|coordinator|dear|sincerely|regards|re)\b"
    rf"(?:[ \t]*(?::|-|,|\bis\b|\bwas\b))?[ \t]*({_ANY_NAME})")
FIELD_NAME_RE = re.compile(
    rf"\b(?i:patient(?:'s)?\s+name|patient|pt\s+name|pt|name|author|cc|contact|emergency\s+contact|insured"
    rf"|subscriber|guarantor|nok|hcp|poa|rn|np|pa|md|by|signed|from|to|attn|re)\b[ \t]*:[ \t]*({_ANY_NAME})")
RELATION_NAME_RE = re.compile(
    rf"(?i:\b(?:wife|husband|spouse|partner|daughter|son|mother|father|mom|dad|sister|brother|niece|nephew|grand"
    rf"(?:daughter|son|mother|father|child)|aunt|uncle|cousin|friend|neighbou?r|caregiver|roommate|fianc[ée]e?"
    rf"|boyfriend|girlfriend|stepson|stepdaughter|in-law|sibling|child|children|employer|boss|coworker|landlord)"
    rf"(?:'s)?)(?![A-Za-z])[ \t]*(?:[,:(][ \t]*|[ \t]+(?i:is|was|named|name\s+is|called)[ \t]+)?({_ANY_NAME})")
CRED_NAME_RE = re.compile(
    rf"(?<![A-Za-z])({_ANY_NAME}),?[ \t]+(?:MD|M\.D\.|DO|D\.O\.|RN|NP|PA-C|PA|PhD|MBBS|FACC|CNP|APRN|PharmD|LCSW|MSW"
    rf"|DNP|CRNA|FNP|ANP|LPN|CNA|RT|RRT|PT|OT|SLP|RD|CCRN|RDCS|CCDS|RCS|RVT)(?![A-Za-z])")
# "LAST, FIRST M" as a header/footer item: followed by 2+ spaces, a bar, a bracket, a field cue or end of line
LAST_FIRST_RE = re.compile(
    rf"(?<![A-Za-z])({_LAST_FIRST})(?=[ \t]{{2,}}|[ \t]*(?:\||\(|$|\n|\bMD\b|\bDOB\b|\bMRN\b|\bMR#|\bID\b|\bMed\b|\bAge\b))",
    re.M)
WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# "LAST, FIRST [M]" right after a cue word, in any casing: "F/u with EDWARDS, VIRGINIA at", "seen by Okafor, Ada"
CUE_LAST_FIRST_RE = re.compile(
    rf"(?i:\b(?:with|by|to|from|see|seen|pcp|cc|per|attending|provider|resident))[ \t]+({_NAME_TOKEN}),[ \t]*"
    rf"([A-Za-z][a-z'’]+|[A-Z][A-Z'’]+)(?:[ \t]{_INITIAL})?(?![\w'’-])")


# Sign-off initials: "Signed: MS, pager 1372", "-- JK"
SIGNED_INITIALS_RE = re.compile(
    r"(?:\b(?i:signed|signed\s+by|e-signed|initials|cosigned\s+by|entered\s+by)[ \t]*:?[ \t]*|^[ \t]*--[ \t]*)"
    r"([A-Z]{2,3})(?=[ \t]*(?:[,;/]|$|(?i:pager|pgr|ext|rn|md|np|pa)\b))", re.M)
_GZ_WORD_RE = re.compile(r"(?<![\w'’.-])([A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?|[A-Z]{2,}(?:-[A-Z]{2,})?|[A-Z]\.?)(?![\w'’-])")


def _gz_casing(w: str) -> str:
    return "i" if len(w.rstrip(".")) == 1 else ("u" if w.isupper() else "t")


_HYPHEN_PART_RE = re.compile(r"[A-Z](?:[a-z'’]+|[A-Z'’]+)")


def hyphenated_first_name(w: str, part_ok: Callable[[str], bool]) -> int:
    """How a hyphenated capitalised token counts as a census first name: 2 when every part is a first name
    ("Ana-Sofia"), 1 when the first part is and the rest are capitalised alphabetic words ("Maria-Okoye"), else 0.
    Every part must be a capitalised word of two or more letters in the token's casing that ``part_ok`` accepts
    (not a clinical term, stop word, eponym follower, ...), so "Swan-Ganz", "Non-ST", "X-ray", "Follow-up",
    "Post-op" and "Anti-Xa" never count."""
    parts = w.rstrip(".").split("-")
    if len(parts) < 2 or not all(_HYPHEN_PART_RE.fullmatch(p) for p in parts):
        return 0
    if len({p.isupper() for p in parts}) != 1 or not all(part_ok(p) for p in parts):
        return 0
    first_names = load_gazetteers()[0]
    low = [p.lower() for p in parts]
    if low[0] not in first_names:
        return 0
    return 2 if all(p in first_names for p in low) else 1


def gazetteer_names(text: str) -> list[tuple[int, int]]:
    """Person names found with the census gazetteers AND context: two or three adjacent capitalised words on one line
    with the same casing, "First [M.] Last" (first name list + surname list, or first name + initial + any
    capitalised non-clinical word) or "Last, First [M.]" (surname + first name). Single bare words never match,
    clinical terms / stop words never count, and eponym use ("Frank Starling law") is skipped. A hyphenated first name
    ("Maria-Luisa") counts as a first name (see ``hyphenated_first_name``); when every part is a census first name
    ("Ana-Sofia"), it is itself enough context for any following capitalised non-clinical word."""
    first_names, surnames = load_gazetteers()

    def plain(w: str) -> str:
        return w.lower().rstrip(".")

    def usable(w: str) -> bool:
        lw = plain(w)
        return (len(lw) >= 2 and lw not in NON_NAME_TERMS and lw not in NOT_NAME_WORDS and lw not in STOP_WORDS
                and lw not in EPONYM_FOLLOWERS and lw not in US_STATES and w not in STATE_ABBR)

    def is_surname(w: str) -> bool:
        lw = plain(w)
        return lw in surnames or any(p in surnames for p in lw.split("-") if len(p) >= 3)

    def is_first(w: str) -> bool:
        return plain(w) in first_names or hyphenated_first_name(w, usable) > 0

    def all_parts_first(w: str) -> bool:
        return hyphenated_first_name(w, usable) == 2

    out: list[tuple[int, int]] = []
    toks = [(m.start(), m.end(), m.group()) for m in _GZ_WORD_RE.finditer(text)]
    for i, (s0, e0, w0) in enumerate(toks):
        if len(w0.rstrip(".")) < 2 or not usable(w0):
            continue
        case = _gz_casing(w0)
        j, e_last, comma = i + 1, None, False
        if j < len(toks) and text[e0:toks[j][0]] == "," + " " * (toks[j][0] - e0 - 1) and toks[j][0] - e0 <= 3:
            comma = True
        elif j >= len(toks) or text[e0:toks[j][0]].strip(" \t") != "":
            continue
        w1 = toks[j][2]
        if _gz_casing(w1) == "i":  # First M. Last
            if comma or j + 1 >= len(toks) or text[toks[j][1]:toks[j + 1][0]].strip(" \t") != "":
                continue
            w2 = toks[j + 1][2]
            if (_gz_casing(w2) == case and usable(w2) and is_first(w0)):
                e_last = toks[j + 1][1]
        elif _gz_casing(w1) == case and usable(w1):
            if comma and is_surname(w0) and is_first(w1):
                e_last = toks[j][1]
                if j + 1 < len(toks) and _gz_casing(toks[j + 1][2]) == "i" and text[e_last:toks[j + 1][0]] == " ":
                    e_last = toks[j + 1][1]
            elif not comma and is_first(w0) and (is_surname(w1) or all_parts_first(w0)):
                e_last = toks[j][1]
        if e_last is None:
            continue
        nxt = re.match(r"(?:'s|’s|')?\s*([a-z]+)", text[e_last:e_last + 20])
        if nxt and nxt.group(1) in EPONYM_FOLLOWERS:
            continue
        out.append((s0, e_last))
    return out

_PARTICLES = {"van", "de", "la", "del", "von", "da", "di", "le", "st"}


def _is_name_word(w: str) -> bool:
    lw = w.lower().strip("'’")
    if lw.endswith(("'s", "’s")):
        lw = lw[:-2]
    return not (lw in NOT_NAME_WORDS or lw in NON_NAME_TERMS or lw in EPONYM_FOLLOWERS or lw in STOP_WORDS)


def trim_name(text: str, s: int, e: int, anchored: bool = False, cred: bool = False) -> tuple[int, int]:
    """Keep the first run of name-like words in a candidate name span (drops titles, 'Patient', clinical terms,
    and anything after the first non-name word, e.g. 'SMITH TO FOLLOW' -> 'SMITH'). ``anchored`` spans (after a
    title, role or relation word) only drop a short list of words that are never names."""
    words = [(m.start() + s, m.end() + s, m.group()) for m in WORD_RE.finditer(text[s:e])]

    def ok(w: str, nxt_char: str) -> bool:
        if len(w) == 1 and w.isupper():
            return True  # initial
        if anchored:
            lw = w.lower()
            return (w not in ANCHOR_STOP and w.title() not in ANCHOR_STOP and not (w.isupper() and lw in CREDENTIALS)
                    and w[0].isupper() and not (lw in NON_NAME_TERMS and lw not in AMBIGUOUS_SURNAMES and lw not in CREDENTIALS))
        return _is_name_word(w) and w.lower() not in CREDENTIALS

    if cred:  # the name stands right before the credential: keep the last run of name words ("F/U WITH R. SANCHEZ")
        for k in range(len(words) - 1, -1, -1):
            if not (ok(words[k][2], "") or words[k][2].lower() in _PARTICLES or (
                    k == len(words) - 1 and words[k][2][0].isupper() and words[k][2].lower() in load_gazetteers()[1])):
                words = words[k + 1:]
                break
    while words and not ok(words[0][2], text[words[0][1]:words[0][1] + 1]):
        words.pop(0)
    if not words:
        return s, s
    kept = [words[0]]
    surnames = load_gazetteers()[1] if cred else ()
    for w in words[1:]:
        # before a credential ("Jerome Do, MD") a census surname that is also a clinical word is still a name
        if ok(w[2], text[w[1]:w[1] + 1]) or (w[2].lower() in _PARTICLES and w is not words[-1]) or (
                cred and w is words[-1] and w[2][0].isupper() and w[2].lower() in surnames):
            kept.append(w)
        else:
            break
    while kept and kept[-1][2] in _PARTICLES:
        kept.pop()
    while kept and len(kept[-1][2]) == 1 and len(kept) > 1 and kept[-1][1] < e and text[kept[-1][1]:kept[-1][1] + 1] != ".":
        break
    if not kept:
        return s, s
    end = kept[-1][1]
    if len(kept[-1][2]) == 1 and text[end:end + 1] == ".":
        end += 1
    return kept[0][0], end


def find_names(text: str) -> list[Candidate]:
    """Names after titles, roles, field labels and relation words, before credentials (score 0.85); "LAST, FIRST"
    headers (0.7); census first-name + surname pairs (0.75); sign-off initials (0.7); names in any case in the
    contexts of ``name_contexts`` (0.8-0.85)."""
    strong, out = [], []
    for rx in (TITLE_NAME_RE, ROLE_NAME_RE, FIELD_NAME_RE, RELATION_NAME_RE, CRED_NAME_RE):
        for m in rx.finditer(text):
            s, e = trim_name(text, m.start(1), m.end(1), anchored=rx is not CRED_NAME_RE, cred=rx is CRED_NAME_RE)
            if e > s and rx is not TITLE_NAME_RE and (rx is CRED_NAME_RE or not text[s:s + 2].istitle()) \
                    and not _has_name_word(text[s:e]):
                continue  # "YRS OLD PT", "Wound RN", "MOTHER AND NEICE": ordinary words or typos before/after a cue
            if e > s and rx is RELATION_NAME_RE and re.search(r"(?i)\b(?:and|or)\b|&", text[m.start():s]):
                continue  # "wife and niece": a second relation, not a name
            if e > s:  # after a title a capitalised word is a name, whatever it means
                (strong if rx is TITLE_NAME_RE else out).append(Candidate(s, e, "NAME", 0.85))
    for m in CUE_LAST_FIRST_RE.finditer(text):
        last, first = m.group(1), m.group(2)
        first_names, surnames = load_gazetteers()
        first_ok = first.lower() in first_names or (not is_clinical_word(first) and word_zipf(first) < 4.0)
        last_ok = last.lower() not in STOP_WORDS and (not is_clinical_word(last) or last.lower() in surnames)
        if first_ok and last_ok:  # "THOMAS, TARIQ", "EDWARDS, VIRGINIA"; never "CHF, CAD" or "aspirin, heparin"
            strong.append(Candidate(m.start(1), m.end(), "NAME", 0.85))
    for m in LAST_FIRST_RE.finditer(text):
        words = [w.lower() for w in WORD_RE.findall(m.group(1))]
        if not any(w in NON_NAME_TERMS or w in NOT_NAME_WORDS for w in words[:2]):
            out.append(Candidate(m.start(1), m.end(1), "NAME", 0.7))
    out += [Candidate(s, e, "NAME", 0.75) for s, e in gazetteer_names(text)]
    out = strong + [c for c in out if not _caps_common_words(text[c.start:c.end])]
    out += [Candidate(m.start(1), m.end(1), "NAME", 0.7) for m in SIGNED_INITIALS_RE.finditer(text)]
    return out + [c for c in find_context_names(text) if not _caps_stop_words(text[c.start:c.end])]


def _has_name_word(span: str) -> bool:
    """A word of ``span`` could be part of a person name: outside the safe words (unknown or name-dominant) and
    neither a clinical word nor a typo of a known word, or a census first name (Title case or capitals), or an
    initial. A span made only of ordinary or clinical words ("YRS OLD", "RUNNING") is no one's name."""
    first_names, surnames = load_gazetteers()
    for w in WORD_RE.findall(span):
        core = w[:-2] if w.endswith(("'s", "’s", "'S", "’S")) else w
        parts = [p for p in core.lower().split("-") if p]
        if len(parts) > 1 and all(p in first_names or p in surnames for p in parts):
            return True  # "SOO-JIN", "Ana-Sofia"
        if len(core) == 1 or core.lower() in first_names and not core.islower():
            return True
        if not is_safe_word(core) and not is_clinical_word(core) and not is_misspelled_word(core):
            return True
    return False


def _caps_stop_words(span: str) -> bool:
    """An ALL-CAPS context name that is only function words ("PT WAS", "RN TO"): not a name."""
    words = WORD_RE.findall(span)
    return bool(words) and span.isupper() and all(w.lower() in STOP_WORDS for w in words)


def _caps_common_words(span: str) -> bool:
    """An ALL-CAPS candidate made only of ordinary words ("WIFE WAS IN", "FOLEY DRAINING CLEAR URINE" in notes
    typed in capitals): not a name. A caps word outside the safe list or a name-dominant word keeps it."""
    words = WORD_RE.findall(span)
    return bool(words) and span.isupper() and all(
        len(w) > 1 and is_safe_word(w) and (w.lower() in STOP_WORDS or is_clinical_word(w) or word_zipf(w) >= 4.0)
        for w in words)
