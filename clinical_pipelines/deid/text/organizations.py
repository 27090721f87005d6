"""Organisations: named hospitals, clinics, practices, pharmacies and employers. Safe Harbor does not list
organisations, but a small hospital, a practice or an employer narrows a patient down like a town does (identifier
(R), "any other unique identifying ... characteristic"), so the project's policy redacts them. Recognised by an
organisation keyword at the end of a capitalised run ("Prairie Wind Pulmonology", "Dayton Memorial Hospital"), by a
hospital-name prefix ("Good Samaritan", "Sacred Heart", "St. Mary's") with a place or facility word after it, by a
place followed by General / Memorial / Regional, and by employment, school and transfer cues (``employers``). A name is the run of name words
next to its keyword or cue (``facilities.name_run_start`` / ``name_run_end``): in notes typed in capitals the clause
around it ("74 YO WOMAN TRANSFERRED FROM ...", "ESCHAR NOTED IN CENTER") is not part of it.
"""
from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from ..vocab import CLINICAL_TERMS, GENERIC_FACILITY_WORDS, NOT_NAME_WORDS, ORG_KEYWORDS, STATE_ABBR
from .employers import SERVICE_BRANCH_RE, drop_lead_cue, find_cued_companies, find_employers
from .fast_scan import cue_words
from .facilities import UNIT_ABBREVIATIONS, names_something, name_run_end, name_run_start
from .labelled_fields import NAME_LINKS, find_labelled_organizations
from .places import is_place
from .name_contexts import NOT_INITIALS
from .ner import NER_ABBREVIATIONS
from .safelist_vocabulary import word_zipf
from .safelist_words import is_clinical_word, is_misspelled_word, is_safe_word
from .spans import Candidate

FACILITY_RE = re.compile(
    r"\b((?:(?:St\.?|Saint|Mount|Mt\.?)\s+)?(?:[A-Z][A-Za-z'.&-]+(?:[ \t]|[ \t]*\n[ \t]*)(?:of[ \t]+|&[ \t]+|and[ \t]+)?){1,5}?)"
    r"(?:(?i:Hospital|Hosp\b\.?|Medical\s+Center|Med\s+Ctr|Health\s+Center|Healthcare|Health\s+System|Health|Clinic|Infirmary"
    r"|Nursing\s+Home|Nursing\s+Facility|Rehabilitation\s+(?:Center|Hospital|Facility)|Rehab(?:\s+Center)?|Hospice"
    r"|Pharmacy|Medical\s+Group|Memorial|Physicians|Associates|Care\s+Center|Urgent\s+Care|Surgery\s+Center"
    r"|Cancer\s+Center|Heart\s+Institute|Institute|University|College|Assisted\s+Living|Senior\s+Living"
    r"|Manor|Village|Corporation|Corp\.?|Inc\.?|LLC|Company|Co\.|Medical\s+Associates|Primary\s+Care"
    r"|Family\s+Medicine|Health\s+Partners|Cardiology\s+Associates|Heart\s+Center|Laboratory)\b|VAMC\b|VA\b)"
    r"(?:\s+(?:of|at)\s+[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+)?)?")

_ORG_KW_ANY = ORG_KEYWORDS + "|" + re.sub(r"(?<!\\)[a-z]", lambda m: m.group().upper(), ORG_KEYWORDS)  # + capitals
_ORG_TAIL = r"(?:[ \t]+(?:Unit|Department|Dept|Center|Centre|Clinic|Program|UNIT|DEPARTMENT|DEPT|CENTER|CLINIC|PROGRAM"
_ORG_TAIL += rf"|{_ORG_KW_ANY}))*"
ORG_KEYWORD_RE = re.compile(
    rf"\b((?:[A-Z][A-Za-z'.&-]+(?:[ \t]+|[ \t]*\n[ \t]*)(?:of[ \t]+|&[ \t]+|and[ \t]+|OF[ \t]+|AND[ \t]+)?){{1,4}}?)"
    rf"(?:{_ORG_KW_ANY})\b{_ORG_TAIL}\b")
_ORG_TAIL_WORDS_RE = re.compile(rf"(?:{_ORG_KW_ANY}|Unit|Department|Dept|Hospital|Clinic|Center|Centre|Health|Care"
                                rf"|Medical|Institute|Associates|Partners|Group)(?:\s+\S+){{0,2}}", re.I)
ORG_CONTEXT_RE = re.compile(
    cue_words(r"works?\b(?:\s+[a-z-]+){0,4}?\s+(?:at|for)|employed[ \t]+(?:at|by)|retired[ \t]+from|worked[ \t]+"
              r"(?:at|for)|job[ \t]+at|volunteers?[ \t]+at|d/c[ \t]+to|discharged?[ \t]+to|transfer(?:red)?[ \t]+"
              r"(?:to|from)|admitted[ \t]+to|pharmacy[ \t]*:|location[ \t]*:|facility[ \t]*:|site[ \t]*:|hospital[ \t]*:"
              r"|employer[ \t]*:|implanted[ \t]+(?:\S+[ \t]+){0,4}?at|seen[ \t]+at|followed[ \t]+at|resides[ \t]+at"
              r"|lives[ \t]+at|brought[ \t]+(?:in[ \t]+)?by|transported[ \t]+by|via")
    + r"(?:[ \t]+|[ \t]*\n[ \t]*)"
    r"((?:[A-Z][A-Za-z'.&-]*[A-Za-z](?:[ \t]+(?:of|&|and|at)(?=[ \t]+[A-Z]))?(?:[ \t]*\n?[ \t]*)){1,6})")
ORG_ABBR_RE = re.compile(r"(?m)^[ \t]*([A-Z]{2,5})[ \t]*$|^([A-Z]{2,5})(?=[ \t]{2,})|(?<=\bat )([A-Z]{2,5})\b"
                         r"|(?<=\bAT )([A-Z]{2,5})\b|^[^\n]{0,60}\(([A-Z]{2,5})\)[ \t]*$")

_NUMBER_WORDS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve"}  # Two Rivers
_FACILITY_LEAD_SKIP = NOT_NAME_WORDS - {"hospital", "clinic", "medical", "center"}
_ORG_LEAD_WORDS = {"county", "general", "regional", "memorial", "university", "community", "st.", "saint"}


# Facility words that may follow a matched name: "Dayton Memorial| Hospital", "St. Mary's| Medical Center".
_FACILITY_TAIL_RE = re.compile(r"(?:[ \t](?:Hospital|Medical|Center|Centre|Clinic|Health|Healthcare|System|Campus"
                               r"|Pavilion|Institute|Foundation|Group|Associates|Pharmacy|Care))+\b")
_IN_TOWN_RE = re.compile(r"[ \t]+in[ \t]+([A-Z][a-z]{2,}(?:[ \t][A-Z][a-z]{2,})?)\b")
# Hospital names that start with a religious or charitable prefix: "Good Samaritan", "Sacred Heart", "St. Mary's".
HOSPITAL_PREFIX_RE = re.compile(
    r"\b(?:(Good[ \t]Samaritan|Sacred[ \t]Heart|Holy[ \t](?:Cross|Family|Spirit|Name|Redeemer|Trinity)|Our[ \t]Lady"
    r"(?:[ \t]of[ \t][A-Z][a-z]+)+)|(Mercy|Providence|Presbyterian|Methodist|Baptist|Adventist|Lutheran|Kaiser"
    r"(?:[ \t]Permanente)?|(?:St\.?|Saint)[ \t][A-Z][a-z]+(?:'s)?))((?:[ \t][A-Z][A-Za-z'.-]+){0,3})")
# "<Place> General", "<Place> Memorial", "<Place> Regional", "<Place> Community": hospitals named after their town.
PLACE_HOSPITAL_RE = re.compile(r"\b([A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?)[ \t](General|Memorial|Regional|Community)\b"
                               r"(?![ \t]+(?:Surgery|Medicine|Anesthesia|Pediatrics|Practice|Internal|Hospitalist|Ward))")


def _place_or_facility_words(words: str) -> int:
    """How many leading words of ``words`` are a place ("Rapid City", "Pueblo") or facility words."""
    toks = words.split()
    for k in range(len(toks), 0, -1):
        head = " ".join(toks[:k])
        if is_place(head) or all(_FACILITY_TAIL_RE.fullmatch(" " + t) for t in toks[:k]):
            return len(" ".join(toks[:k])) + 1
    return 0


_CARE_TAIL_RE = re.compile(
    r"(?i:HOSPITAL|CLINIC|MEDICAL|HEALTH|HEALTHCARE|INFIRMARY|HOSPICE|PHARMACY|APOTHECARY|NURSING|REHAB\w*|ORTHOPA?EDICS"
    r"|CARDIOLOGY|PULMONOLOGY|PEDIATRICS|ONCOLOGY|NEPHROLOGY|NEUROLOGY|UROLOGY|DERMATOLOGY|RADIOLOGY|IMAGING|DIALYSIS"
    r"|PHYSICIANS|ASSOCIATES|INSTITUTE|LABORATOR\w+|URGENT\s+CARE|CENTER|CENTRE|MEMORIAL|PRACTICE|EMS|AMBULANCE"
    r"|RESCUE|FREIGHT|WORKS)(?:[ \t]+(?:UNIT|DEPARTMENT|DEPT|PROGRAM|SERVICES?))?\b[^A-Za-z]*$")


def find_named_hospitals(text: str) -> list[Candidate]:
    """Hospital names with a charitable / religious prefix or a town name before General, Memorial, Regional."""
    out = []
    for m in HOSPITAL_PREFIX_RE.finditer(text):
        tail = _place_or_facility_words(m.group(3)) if m.group(3) else 0
        if m.group(1) or tail:
            out.append(Candidate(m.start(), m.end(2) if m.group(2) else m.end(1), "ORGANIZATION", 0.8))
            if tail:
                out.append(Candidate(m.start(3), m.start(3) + tail, "ORGANIZATION", 0.8))
    for m in PLACE_HOSPITAL_RE.finditer(text):
        if is_place(m.group(1)) or is_place(m.group(1).split()[-1]):
            end = m.end()
            t = _FACILITY_TAIL_RE.match(text, end)
            out.append(Candidate(m.start(), t.end() if t else end, "ORGANIZATION", 0.8))
    return out


def trim_org(text: str, s: int, e: int) -> tuple[int, int]:
    """Drop leading stop/clinical words and trailing non-name words from an organisation candidate."""
    nl = text.rfind("\n", s, e)
    if nl >= 0 and (not text[text.rfind("\n", 0, s) + 1:s].strip() or all(
            w.lower().strip(".,:") in CLINICAL_TERMS or w.lower() in STOP_WORDS for w in text[s:nl].split())):
        # the candidate starts a line, or its first line holds only a credential / clinical word ("..., MD"):
        # the lines are separate items (header block), not a wrapped name
        s = nl + 1
    words = [(m.start() + s, m.end() + s, m.group()) for m in re.finditer(r"\S+", text[s:e])]
    for k in range(1, len(words)):  # a following field label ("Device:", "Serial #") ends the name
        nxt = text[words[k][1]:words[k][1] + 3].lstrip(" \t")
        if words[k][2].endswith(":") or nxt.startswith(("#", ":")) or (
                "\n" in text[words[k - 1][1]:words[k][0]] and words[k][2].lower().strip(".,:") in CLINICAL_TERMS
                and not _ORG_TAIL_WORDS_RE.fullmatch(" ".join(w[2] for w in words[k:]))):
            words = words[:k]
            break
    while words and ((words[0][2].lower() in STOP_WORDS and not (words[0][2].lower() in _NUMBER_WORDS and len(words) > 1))
                     or not words[0][2][0].isupper()
                     or (words[0][2].lower().strip(".,:") in CLINICAL_TERMS
                         and not (words[0][2].lower() in _ORG_LEAD_WORDS and len(words) > 1))):
        words.pop(0)
    while words and (words[-1][2].lower() in STOP_WORDS or not words[-1][2][0].isupper()):
        words.pop()
    for k in range(len(words) - 1, 0, -1):  # sentence boundary inside: keep the part after it
        if words[k - 1][2].endswith(".") and words[k - 1][2].lower() not in ("st.", "mt.", "ft.") and len(words[k - 1][2]) > 2:
            words = words[k:]
            break
    if not words:
        return s, s
    if all(w[2].lower().strip(".,:") in GENERIC_FACILITY_WORDS for w in words):
        return s, s
    return words[0][0], words[-1][1]


def find_organizations(text: str) -> list[Candidate]:
    """Facilities and employers: capitalised names ending in an organisation keyword, names after employment /
    transfer cues, short all-caps site codes in header positions, and named hospitals / clinics."""
    out: list[Candidate] = []
    for m in ORG_KEYWORD_RE.finditer(text):
        fs, fe = trim_org(text, m.start(), m.end())
        if fs < m.end(1) < fe:
            fs = name_run_start(text, fs, m.end(1))  # the name words next to the keyword, not the clause
            if fs < m.end(1):
                out.append(Candidate(fs, fe, "ORGANIZATION", 0.6))
    for m in ORG_CONTEXT_RE.finditer(text):
        fs, fe = trim_org(text, m.start(1), m.end(1))
        if fe > fs:
            fe = name_run_end(text, fs, fe)  # "VAMC| ICU", "Harford Memorial Hospital|, just ..."
            if fe > fs and not _generic_only(text[fs:fe]) and _context_name(text[fs:fe], text[m.start():m.start(1)].strip().lower() == "via"):
                out.append(Candidate(fs, fe, "ORGANIZATION", 0.6))
    for m in ORG_ABBR_RE.finditer(text):
        g = next(i for i in range(1, 6) if m.group(i))
        if m.group(g).lower() not in CLINICAL_TERMS and m.group(g) not in STATE_ABBR \
                and m.group(g) not in NOT_INITIALS and m.group(g) not in NER_ABBREVIATIONS \
                and not is_clinical_word(m.group(g)) and m.group(g) not in UNIT_ABBREVIATIONS \
                and not (g == 1 and _in_short_line_list(text, m.start(g), m.end(g))):
            out.append(Candidate(m.start(g), m.end(g), "ORGANIZATION", 0.6))
    pos = 0
    while m := FACILITY_RE.search(text, pos):
        fs = name_run_start(text, m.start(), m.end(1))
        pos = m.end()
        if fs >= m.end(1):
            pos = m.end(1)  # no name before this facility word: it may be the name of the next ("VAMC| HOSPITAL")
            continue
        nl = text.rfind("\n", fs, m.end())
        if nl >= 0:  # wrapped onto the next line: keep the first line's part only if it looks like a name
            head = text[fs:nl].rstrip()
            if not head or head[-1] in ".:;," or not text[text.rfind("\n", 0, fs) + 1:fs].strip() or any(
                    w.lower().strip(".,:") in CLINICAL_TERMS or w.lower() in STOP_WORDS for w in head.split()):
                fs = nl + 1
                while fs < m.end() and text[fs].isspace():
                    fs += 1
        words = [w.lower().strip(".") for w in text[fs:m.end()].split()]
        if any(w not in GENERIC_FACILITY_WORDS and w not in ("of", "and", "&", "at", "st", "saint")
               and len(w) > 1 for w in words[:-1]):
            t = _FACILITY_TAIL_RE.match(text, m.end())
            out.append(Candidate(fs, t.end() if t else m.end(), "ORGANIZATION", 0.8))
    out += find_named_hospitals(text)
    # labelled fields keep their value whatever its words (labelled_fields.py); the rest drops ordinary capitals
    out = [c for c in out if not _caps_common_words(text[c.start:c.end])]
    out = [c for c in out + find_employers(text) + find_cued_companies(text)
           if not SERVICE_BRANCH_RE.fullmatch(text[c.start:c.end])]  # "retired from the Army"
    out = drop_lead_cue(text, out)  # "Attends| Boston Latin School"
    return out + _towns_after(text, out) + find_labelled_organizations(text)


def _towns_after(text: str, orgs: list[Candidate]) -> list[Candidate]:
    """The town after a facility's name ("... Medical Center in Lochview"): Title-case words that name something."""
    out = []
    for end in {c.end for c in orgs}:
        town = _IN_TOWN_RE.match(text, end)
        if town and all(names_something(w) for w in town.group(1).split()):
            out.append(Candidate(town.start(1), town.end(1), "LOCATION", 0.6))
    return out


_SHORT_LINE_RE = re.compile(r"[ \t]*[+^]?[A-Za-z][\w/'+-]*(?:[ \t]+[\w/'+-]+){0,2}[ \t]*")


def _in_short_line_list(text: str, s: int, e: int) -> bool:
    """A capitals word alone on its line between two lines of one to three words ("HTN / IDDM / GERD" in a history
    list): a list item, not a site code in a header."""
    prev_end = text.rfind("\n", 0, s)
    next_start = text.find("\n", e)
    prev_line = text[text.rfind("\n", 0, max(prev_end, 0)) + 1:prev_end] if prev_end > 0 else ""
    next_line = text[next_start + 1:text.find("\n", next_start + 1) if text.find("\n", next_start + 1) >= 0
                     else len(text)] if next_start >= 0 else ""
    prev_item = _SHORT_LINE_RE.fullmatch(re.sub(r"^[ \t]*[A-Za-z]{2,12}:", "", prev_line))  # "PMH: CAD"
    return bool(prev_line.strip() and prev_item and next_line.strip() and _SHORT_LINE_RE.fullmatch(next_line))


def _generic_only(span: str) -> bool:
    """Only facility or generic words ("Medical", "Rehab", "the Hospital"): a kind of place, not a name."""
    return all(w.lower().strip(".,:'") in GENERIC_FACILITY_WORDS or _FACILITY_TAIL_RE.fullmatch(" " + w)
               for w in span.split())


def _context_name(span: str, via: bool) -> bool:
    """The words after an employment / transfer cue name an organisation: Title case in mixed-case text; in
    capitals a word that names something (``facilities.names_something``) or, after a transfer cue (not "via",
    which mostly gives a route: "VIA NGT"), a rare all-capitals acronym that is no clinical abbreviation ("VAMC")."""
    words = span.split()
    if not span.isupper():
        return True
    if any(names_something(w) for w in words):
        return True
    return not via and any(2 < len(w) <= 5 and w.isalpha() and word_zipf(w) < 2.5 and not is_clinical_word(w)
                           and w not in NER_ABBREVIATIONS and w not in NOT_INITIALS for w in words)


def _caps_common_words(span: str) -> bool:
    """An ALL-CAPS candidate made only of ordinary words ("PLEASANT & COOPERATIVE", "AT HOME" in notes typed in
    capitals): not an organisation name."""
    words = re.findall(r"[A-Za-z]{2,}", span)
    if not words or not span.isupper():
        return False
    if re.search(r"\b(?:INC|CO|CORP)\b", span) and not re.search(r",[ \t]*(?:INC|CO|CORP)\.?$", span):
        return True  # in capitals "INC" is "increased" ("RCA DISEASE WITH INC FILLING PRESSURES")
    sentence = any(w.lower() in STOP_WORDS and w.lower() not in NAME_LINKS for w in words[:-1])
    if _CARE_TAIL_RE.search(span) and not sentence:
        return False  # "SUMMIT CLINIC", "SUMMIT ORTHOPEDICS": a care facility's own word keeps it
    return all((is_safe_word(w) and (w.lower() in STOP_WORDS or is_clinical_word(w) or word_zipf(w) >= 3.0))
               or is_misspelled_word(w) or w in NER_ABBREVIATIONS or w in NOT_INITIALS for w in words)
