"""Person names (HIPAA Safe Harbor identifier (A), 45 CFR 164.514(b)(2)(i)(A)) of patients, relatives, employers
and household members, and, as the project's policy, of clinicians: names after titles, roles, relations, field
labels and before credentials; "LAST, FIRST M" headers; census first-name + surname pairs; sign-off initials.
"""
from __future__ import annotations

import re
from typing import Callable

from spacy.lang.en.stop_words import STOP_WORDS

from ..gazetteer import load_gazetteers
from ..vocab import (AMBIGUOUS_SURNAMES, ANCHOR_STOP, COLOUR_WORDS, CREDENTIALS, EPONYM_FOLLOWERS, NON_NAME_TERMS,
                     NOT_NAME_WORDS, STATE_ABBR, TITLE_WORDS, US_STATES)
from .fast_scan import cue_words, finditer_lines
from .name_contexts import (NOT_INITIALS, coordinated_names, find_context_names, lower_hyphen_tail_ends_name,
                            plain_name_word)
from .name_signoffs import find_nursing_names
from .safelist_vocabulary import word_zipf
from .safelist_words import is_census_name, is_clinical_word, is_misspelled_word, is_safe_word
from .spans import Candidate

_NAME_TOKEN = r"(?:[A-Z][a-z'’]*[A-Z]?[a-z'’]+(?:-[A-Za-z][a-z'’]+)?|[A-Z][A-Z'’]+(?:-[A-Z][A-Z'’]+)?)"
_INITIAL = r"[A-Z]\.?(?![A-Za-z'’])"
_LAST_FIRST = rf"{_NAME_TOKEN},[ \t]*{_NAME_TOKEN}(?:[ \t]{_INITIAL})?"
_NAME = (rf"(?:{_INITIAL}[ \t]?)?{_NAME_TOKEN}(?:[ \t]{_INITIAL})?"
         rf"(?:[ \t](?:[Vv]an |[Dd]e |[Ll]a |[Dd]el |[Vv]on )?{_NAME_TOKEN}){{0,2}}")
_ANY_NAME = rf"(?:{_LAST_FIRST}|{_NAME})"
# a title and its name, also written without a space ("DR.OKAFOR", "mr.Ruiz")
TITLE_NAME_RE = re.compile(
    cue_words("Dr|Drs|Mr|Mrs|Ms|Miss|Mx|Prof|Rev|Det|Sgt") + rf"(?:\.?[ \t]+|\.(?=[A-Za-z]))({_ANY_NAME})")
# words that are titles before a name but ordinary nouns elsewhere ("IV NURSE UNABLE", "HER FATHER DRANK")
WORD_TITLE_NAME_RE = re.compile(cue_words("Doctor|Nurse|Sister|Father|Judge|Officer|Attorney")
                                + rf"[ \t]+({_ANY_NAME})")
ROLE_NAME_RE = re.compile(
    cue_words(
        r"signed\s+by|dictated\s+by|transcribed\s+by|reviewed\s+by|entered\s+by|authored\s+by|attending"
        r"|resident|fellow|intern|pcp|primary\s+care(?:\s+(?:physician|provider|doctor))?|physician|provider"
        r"|seen\s+by|discussed\s+with|spoke\s+with|spoke\s+to|surgeon|cardiologist|nephrologist|oncologist"
        r"|nurse|case\s+manager|social\s+worker|consultant|referring(?:\s+physician)?|referred\s+by|covering"
        r"|witness|interpreter|chaplain|next\s+of\s+kin|health\s+care\s+proxy|proxy|guardian|signed|confirmed\s+by"
        r"|read\s+by|interpreted\s+by|ordered\s+by|requested\s+by|approved\s+by|given\s+to|reported\s+to|d/w"
        r"|caller|call\s+from|message\s+from|accompanied\s+by|with\s+(?:his|her|their)|sonographer|technician|tech"
        r"|technologist|therapist|pharmacist|dietitian|coordinator|dear|sincerely|regards|re")
    + rf"\b(?:[ \t]*(?::|-|,|\bis\b|\bwas\b))?[ \t]*({_ANY_NAME})")
FIELD_NAME_RE = re.compile(
    cue_words(r"patient(?:'s)?\s+name|patient|pt\s+name|pt|name|author|cc|contact|emergency\s+contact|insured"
              r"|subscriber|guarantor|nok|hcp|poa|rn|np|pa|md|by|signed|from|to|attn|re")
    + rf"\b[ \t]*:[ \t]*({_ANY_NAME})")
RELATION_NAME_RE = re.compile(
    cue_words(
        r"wife|husband|spouse|partners?|daughters?|sons?|mother|father|mom|dad|sisters?|brothers?|nieces?"
        r"|nephews?|grand(?:daughter|son|mother|father|child)s?|aunts?|uncles?|cousins?|friends?|neighbou?rs?"
        r"|caregivers?|roommates?|housemates?|fianc[ée]e?|boyfriend|girlfriend|stepsons?|stepdaughters?|in-laws?"
        r"|siblings?|child|children|parents|employer|boss|coworkers?|landlord")
    + rf"(?i:'s)?(?![A-Za-z])[ \t]*(?:[,:(][ \t]*|[ \t]+(?i:is|was|are|were|named|names?\s+(?:is|are)|called)[ \t]+)?"
    rf"({_ANY_NAME})")
_CREDENTIALS = (r"MD|M\.D\.|DO|D\.O\.|RN|NP|PA-C|PA|PhD|MBBS|FACC|CNP|APRN|PharmD|LCSW|MSW|DNP|CRNA|FNP|ANP|LPN|CNA"
                r"|RT|RRT|PT|OT|SLP|RD|CCRN|RDCS|CCDS|RCS|RVT")
CRED_NAME_RE = re.compile(rf"(?<![A-Za-z])({_ANY_NAME}),?[ \t]+({_CREDENTIALS})(?![A-Za-z])")
# a credential after a space: every CRED_NAME_RE match holds one (and neither spans lines), so only lines with one
# are searched
_CRED_HINT_RE = re.compile(rf"[ \t](?:{_CREDENTIALS})(?![A-Za-z])")
# credentials that are also everyday abbreviations in notes ("PT" patient, "RT" right, "PA" pulmonary artery, "NP"
# nasal prongs, "DO", "OT", "RD"): a name before them only where a sign-off or a report ends ("K. ABRAMS PA.",
# "B. OKAFOR PA AWARE"), never in running text ("LYTE REPLETION, PT NEEDS", "CCO PA CATH")
_AMBIGUOUS_CREDS = frozenset("PT RT PA NP DO OT RD".split())
# role abbreviations that may stand between a cue and a name: "SPOKE WITH HO OKAFOR" (house officer)
_ROLE_ABBR = frozenset("HO RN MD NP PA RT SW CM NSG RES".split())
_SIGNOFF_AFTER_RE = re.compile(
    r"[ \t]*(?:$|[.,;:)|/(]|-[ \t]|\d|(?i:made[ \t]+aware|aware|notified|paged|called|informed|updated|in[ \t]+to|at[ \t]+bedside|"
    r"here|present|ordered|placed|spoke|saw|examined|consulted|pager|pgr|ext)\b)", re.M)
# "LAST, FIRST M" as a header/footer item: followed by 2+ spaces, a bar, a bracket, a field cue or end of line
LAST_FIRST_RE = re.compile(
    rf"(?<![A-Za-z])({_LAST_FIRST})(?=[ \t]{{2,}}|[ \t]*(?:\||\(|$|\n|\bMD\b|\bDOB\b|\bMRN\b|\bMR#|\bID\b|\bMed\b|\bAge\b))",
    re.M)
WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# "LAST, FIRST [M]" right after a cue word, in any casing: "F/u with EDWARDS, VIRGINIA at", "seen by Okafor, Ada"
CUE_LAST_FIRST_RE = re.compile(
    cue_words("with|by|to|from|see|seen|pcp|cc|per|attending|provider|resident") + rf"[ \t]+({_NAME_TOKEN}),[ \t]*"
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
                and lw not in EPONYM_FOLLOWERS and lw not in US_STATES and w not in STATE_ABBR
                and lw not in TITLE_WORDS and not (w.isupper() and w in NOT_INITIALS))

    def caps_surname(w: str) -> bool:
        # in capitals, casing says nothing: an ordinary word is no surname ("DOUGLAS POUCH", "MAX TEMP", "TED HOSE")
        return not w.isupper() or not is_safe_word(w)

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
            if (_gz_casing(w2) == case and usable(w2) and is_first(w0) and caps_surname(w2)):
                e_last = toks[j + 1][1]
        elif _gz_casing(w1) == case and usable(w1):
            if comma and is_surname(w0) and is_first(w1) and caps_surname(w0):
                e_last = toks[j][1]
                if j + 1 < len(toks) and _gz_casing(toks[j + 1][2]) == "i" and text[e_last:toks[j + 1][0]] == " ":
                    e_last = toks[j + 1][1]
            elif not comma and is_first(w0) and (is_surname(w1) or all_parts_first(w0)) and caps_surname(w1):
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
                    and lw not in TITLE_WORDS
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


def _title_ok(w: str) -> bool:
    """A Title-case first word after a role, relation or field cue: not an ordinary word unless a census name
    ("seen by Speech and swallow" is no name; "seen by Hope" may be)."""
    return not is_safe_word(w) or is_census_name(w)


def _first_word_ok(text: str, s: int, e: int, strict_title: bool, title_case_ok: bool = False) -> bool:
    """The first word of a name found after a cue can start a name (see ``find_names``); ``title_case_ok``: after a
    relation word any Title-case word is a name ("brother Anil")."""
    words = WORD_RE.findall(text[s:e])
    while len(words) > 1 and words[0].lower() in _PARTICLES:
        words = words[1:]  # "DE LA CRUZ, FERMIN"
    if not words:
        return False
    w = words[0]
    if len(w) == 1:  # an initial must be followed by a name: "DR B. GILL", not "DAUGHTER MET C DRS"
        return len(words) > 1 and (words[1].istitle() or plain_name_word(words[1]))
    if w.istitle():  # after a title in capitals ("monitor MS. Restart"), an ordinary word opens a new sentence
        return (strict_title and not text[:s].rstrip(" \t.")[-2:].isupper()) or title_case_ok or _title_ok(w)
    if strict_title:  # "DR KLEIN", "DR TYRO"; after "MS"/"MR" in capitals (mental status, mitral regurgitation)
        # only a name-like word: not "MS INCISION"; "MR DEXTER" stays
        if w.upper() in NOT_INITIALS or w.lower() in NON_NAME_TERMS:
            return False
        cue = text[:s].rstrip(" \t.")[-2:]
        return cue not in ("MS", "MR", "ms", "mr") or is_census_name(w) or not is_safe_word(w)
    return plain_name_word(w)


_LAST_FIRST_SPAN_RE = re.compile(rf"(?:(?:{_NAME_TOKEN})[ \t])*{_LAST_FIRST}")


def _name_run_end(text: str, s: int, e: int) -> int:
    """End of the run of name words that opens ``text[s:e]``: after the first word, a word in capitals or lower case
    must itself look like a name part (``plain_name_word``) or be an initial ("DR KLEIN WOULD BE" -> "DR KLEIN",
    "BROTHER MICHAEL WHO LIVES" -> "MICHAEL"); a Title-case word keeps its place. A hyphen followed by a lower-case
    word ends the name ("Rob-who")."""
    words = list(WORD_RE.finditer(text, s, e))
    if not words:
        return e
    if _LAST_FIRST_SPAN_RE.fullmatch(text, s, e):
        return e  # "LY, TRAM T", "Park, Seo-yeon E" after a field label: the comma form is the name
    end = words[0].end()
    first = words[0].group()
    if "-" in first and not first.isupper() and not first.islower():
        if lower_hyphen_tail_ends_name(text, first, words[0].end()):
            return words[0].start() + len(first.partition("-")[0])
    for m in words[1:]:
        w = m.group()
        if len(w) == 1 or (w.istitle() and not first.isupper()) or plain_name_word(w) or w.lower() in _PARTICLES:
            end = m.end()
        else:
            break
    return end


def _plain_last_first(last: str, first: str) -> bool:
    """"LAST, FIRST" where both words could be name parts; never a list of clinical words or abbreviations
    ("LIS, DRAINING", "WEAK, CONGESTED", "PCN, IODINE", "EMPERATRICE, RRT")."""
    fl = first.lower()
    if fl in CREDENTIALS or first.upper() in NOT_INITIALS or last.upper() in NOT_INITIALS or first in STATE_ABBR:
        return False  # "Lowell, MA": a town and its state, not "LAST, FIRST"
    first_names = load_gazetteers()[0]
    first_ok = (fl in first_names and fl not in NON_NAME_TERMS and word_zipf(first) < 5.0) or plain_name_word(first)
    last_ok = last.lower() not in STOP_WORDS and (plain_name_word(last) or (
        is_census_name(last) and not is_clinical_word(last) and word_zipf(last) < 4.0))
    if first_ok and last_ok and fl in first_names and is_safe_word(first) and word_zipf(first) >= 4.0:
        return plain_name_word(last)  # "ORDER, WILL": a common word before a first name that is a word too
    return first_ok and last_ok


def _cued_last_first(last: str, first: str) -> bool:
    """"LAST, FIRST" with a person cue before it or a header shape around it (see ``find_names``): a census surname
    that is also an everyday word is a surname here ("Confirmed by YOUNG, DEREK", "WEST, RALPH (119)",
    "TURNER, CARRIE T | DOB"), as long as the first part is a name-like word; never clinical lists ("LIS, DRAINING",
    "CHF, CAD", "PAIN, MARK")."""
    if _plain_last_first(last, first):
        return True
    ll, fl = last.lower(), first.lower()
    if fl in CREDENTIALS or fl in NON_NAME_TERMS or first.upper() in NOT_INITIALS or last.upper() in NOT_INITIALS or (
            first in STATE_ABBR):
        return False
    surnames = load_gazetteers()[1]
    parts = [p for p in ll.split("-") if p]
    return bool(parts) and all(p in surnames and p not in STOP_WORDS and p not in NON_NAME_TERMS
                               and p not in NOT_NAME_WORDS for p in parts) and plain_name_word(first)


_SHORT_SURNAME_RE = re.compile(r"[A-Za-z]{2,3}(?![\w'’-])")


def _short_surname_after_doctor(text: str, m: re.Match) -> tuple[int, int] | None:
    """A two- or three-letter census surname right after "Dr"/"Dr." ("Dr. Ng", "DR. LE", "Dr Vo"), which the
    abbreviation lists would otherwise keep (NG tube, LE edema): after a doctor's title it is a surname."""
    if text[m.start():m.start(1)].strip(" \t.").lower() not in ("dr", "drs"):
        return None
    w = _SHORT_SURNAME_RE.match(text, m.start(1))
    if not w or w.group().lower() not in load_gazetteers()[1] or w.group().lower() in STOP_WORDS:
        return None
    return w.span()


_COLOUR_BEFORE_RE = re.compile(r"(?i:" + "|".join(sorted(COLOUR_WORDS)) + r")[ \t]+\Z")


def _census_pair(last: str, first: str) -> bool:
    """After a person cue ("F/u with BIANCHI, ANAND"): a name-like surname and a census name that is no clinical
    word, stop word or credential."""
    fl = first.lower()
    if fl not in load_gazetteers()[0] and word_zipf(fl) >= 4.0:
        return False  # "TO RLA, AREA": a surname only that is an everyday word does not stand in the first-name place
    return (plain_name_word(last) and is_census_name(first) and not is_clinical_word(first)
            and fl not in STOP_WORDS and fl not in NON_NAME_TERMS and fl not in CREDENTIALS)


_LAST_FIRST_FULL_RE = re.compile(rf"({_NAME_TOKEN}),[ \t]*({_NAME_TOKEN})(?:[ \t]{_INITIAL})?")
# after a header "LAST, FIRST": an identifier field or a bracketed number ("(5520)", "ID:637-87-83", "| DOB ...")
_HEADER_ID_AFTER_RE = re.compile(r"[ \t]*(?:\|[ \t]*)?(?:\(\d|(?:DOB|MRN|MR#|ID|Age)\b)", re.I)


def _cue_names(text: str) -> tuple[list[Candidate], list[Candidate]]:
    """Names after titles, roles, field labels and relation words, before credentials: (strong, other)."""
    strong, out = [], []
    for rx in (TITLE_NAME_RE, WORD_TITLE_NAME_RE, ROLE_NAME_RE, FIELD_NAME_RE, RELATION_NAME_RE, CRED_NAME_RE):
        for m in (finditer_lines(rx, text, _CRED_HINT_RE) if rx is CRED_NAME_RE else rx.finditer(text)):
            s, e = trim_name(text, m.start(1), m.end(1), anchored=rx is not CRED_NAME_RE, cred=rx is CRED_NAME_RE)
            first = WORD_RE.match(text, m.start(1)) if rx in (TITLE_NAME_RE, WORD_TITLE_NAME_RE) else None
            if first and first.group().lower() in STOP_WORDS and not is_census_name(first.group()):
                continue  # "MS FOR INCISIONAL PAIN", "MS WITH GOOD EFFECT": morphine, not a title ("Dr. Do" stays)
            if rx is TITLE_NAME_RE and (short := _short_surname_after_doctor(text, m)):
                strong.append(Candidate(short[0], short[1], "NAME", 0.85))  # "Dr. Ng", "DR. LE"
                continue
            if e <= s:
                continue
            if rx is CRED_NAME_RE:
                if m.group(2).upper() in _AMBIGUOUS_CREDS and not _SIGNOFF_AFTER_RE.match(text, m.end()):
                    continue  # "PEG PLACEMENT, PT HAS", "RT HAND": the credential is an abbreviation here
                if WORD_RE.findall(text[s:e])[-1].lower() in STOP_WORDS and "," not in text[e:m.start(2)]:
                    continue  # "WITH FLORO TO PA": a surname that is a function word needs its comma ("Jerome Do, MD")
                if not _has_name_word(text[s:e]) or (text[s:e].isupper() and not any(
                        plain_name_word(w) for w in WORD_RE.findall(text[s:e]) if len(w) > 1)):
                    continue
            else:
                cue = text[m.start():m.start(1)].strip(" \t:,-.").lower()
                if cue == "re" and not text[s:s + 2].istitle():
                    continue  # "RE: PEG, TRACH": regarding, not a letter's addressee
                lf = _LAST_FIRST_FULL_RE.fullmatch(text, s, e)
                if lf and _cued_last_first(lf.group(1), lf.group(2)):
                    pass  # "Confirmed by YOUNG, DEREK", "Referred by: WEST, RALPH"
                elif not _first_word_ok(text, s, e, rx is TITLE_NAME_RE, rx in (RELATION_NAME_RE, FIELD_NAME_RE)):
                    nxt = WORD_RE.search(text, WORD_RE.match(text, s).end(), e) if text[s:s + 3].isupper() else None
                    if not (nxt and nxt.start() > s and WORD_RE.match(text, s).group().upper() in _ROLE_ABBR
                            and _first_word_ok(text, nxt.start(), e, False)):
                        continue  # "YRS OLD PT", "WIFE NAD NEICE", "IV NURSE UNABLE": ordinary words after a cue
                    s = nxt.start()  # "SPOKE WITH HO SCHWARZ": a role abbreviation, then the name  # "YRS OLD PT", "WIFE NAD NEICE", "IV NURSE UNABLE": ordinary words after a cue
                e = _name_run_end(text, s, e)
            if rx is RELATION_NAME_RE and re.search(r"(?i)\b(?:and|or)\b|&", text[m.start():s]):
                continue  # "wife and niece": a second relation, not a name
            (strong if rx is TITLE_NAME_RE else out).append(Candidate(s, e, "NAME", 0.85))
            if rx is RELATION_NAME_RE:  # "sons, Chip and Buck": the names joined to the first one
                last = WORD_RE.findall(text[s:e])
                out += coordinated_names(text, last[-1], e) if last else []
    return strong, out


def find_names(text: str) -> list[Candidate]:
    """Names after titles, roles, field labels and relation words, before credentials (score 0.85); "LAST, FIRST"
    headers (0.7); census first-name + surname pairs (0.75); sign-off initials (0.7); names in any case in the
    contexts of ``name_contexts`` (0.8-0.85). A possessive "'s" is never part of a name."""
    strong, cued = _cue_names(text)
    strong += cued  # checked word by word already (``_first_word_ok``, ``_name_run_end``)
    out: list[Candidate] = []
    for m in CUE_LAST_FIRST_RE.finditer(text):
        if m.group(1).lower() in COLOUR_WORDS and _COLOUR_BEFORE_RE.search(text, max(0, m.start() - 24), m.start()):
            continue  # "ORANGE TO GREEN, BILEOUS", "urine from amber to Brown, clear": a change of colour
        if _plain_last_first(m.group(1), m.group(2)) or _cued_last_first(m.group(1), m.group(2)) \
                or _census_pair(m.group(1), m.group(2)):  # "THOMAS, TARIQ"; never "CHF, CAD" or "LIS, DRAINING"
            strong.append(Candidate(m.start(1), m.end(), "NAME", 0.85))
    for m in LAST_FIRST_RE.finditer(text):
        words = WORD_RE.findall(m.group(1))
        if any(w.lower() in NON_NAME_TERMS or w.lower() in NOT_NAME_WORDS for w in words[:2]):
            continue
        if _plain_last_first(words[0], words[1]):
            out.append(Candidate(m.start(1), m.end(1), "NAME", 0.7))
        elif (len(words) > 2 or _HEADER_ID_AFTER_RE.match(text, m.end(1))) and _cued_last_first(words[0], words[1]):
            strong.append(Candidate(m.start(1), m.end(1), "NAME", 0.85))  # "WASHINGTON, LLOYD S   ID:", "(119)"
    out += [Candidate(s, e, "NAME", 0.75) for s, e in gazetteer_names(text)]
    out = strong + [c for c in out if not _caps_common_words(text[c.start:c.end])]
    out += [Candidate(m.start(1), m.end(1), "NAME", 0.7) for m in SIGNED_INITIALS_RE.finditer(text)]
    out += [c for c in find_context_names(text) if not _caps_stop_words(text[c.start:c.end])]
    out += find_nursing_names(text)
    return [_drop_possessive(text, c) for c in out]


def _drop_possessive(text: str, c: Candidate) -> Candidate:
    if c.end - c.start > 3 and text[c.end - 2:c.end] in ("'s", "'S", "’s", "’S"):
        return Candidate(c.start, c.end - 2, c.type, c.score)
    return c


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
