"""Named organisations: hospitals, clinics, pharmacies, practices, schools and employers. They place the patient
(where they are treated, buy medicines, work or study) and are redacted with the geographic subdivisions
(45 CFR 164.514(b)(2)(i)(B); the project annotates them as ORGANIZATION).

Two forms:

* a run of capitalised words ending in an organisation head noun ("Ridgeline Wound Clinic", "St. Agnes Medical
  Center", "Harmon & Veit LLP", "Ozark Timber Co."), with at least one word that is not an English word (a
  proper name: out of the vocabulary or a census name), so "Internal Medicine", "the Medical Center" and
  "Hospital Medicine" stay;
* any capitalised run after an organisation cue: a pharmacy, facility, employer or school label ("Preferred
  pharmacy: Main Street Pharmacy", "Employment: retired from Great Plains Rail", "works at Corner Drug",
  "Sent from Good Samaritan Joplin");
* hospitals named "Good Samaritan" or "Sacred Heart" and their town ("Sacred Heart Marquette").

Input is folded text with placeholders masked; spans are offsets into it.
"""
from __future__ import annotations

import re

from .lexicon import in_vocabulary, is_census_name, is_clinical

# employers and schools (kind "employer"), told from health care facilities and pharmacies (kind "organization")
_EMPLOYER_HEAD = (r"(?:School(?:[ \t]+District)?|Elementary|Academy|University|College|Inc\.?|LLC|LLP|Co\.|Co-op|"
                  r"Company|Corp\.?|Corporation|Casino|Industries|Packing|Sanitation|Roofing|Construction|Logistics|"
                  r"Rail(?:road|way)?|Trucking|Dairy|Farms?|Poultry|Tool[ \t]+&[ \t]+Die)")
_HEAD = (r"(?:Hospital|Medical[ \t]+Cent(?:er|re)|Health[ \t]+Cent(?:er|re)|Health[ \t]+System|Healthcare|Clinic|Hospice|"
         r"Pharmacy|Apothecary|Drugs?|Rx|Orthopa?edics|Cardiology(?:[ \t]+Associates)?|Pulmonology|Pediatrics|"
         r"Dermatology|Oncology|Urology|Neurology|Nephrology|Family[ \t]+Medicine|Internal[ \t]+Medicine|Associates|"
         r"Dialysis(?:[ \t]+Cent(?:er|re))?|Kidney[ \t]+Care|Urgent[ \t]+Care|Home[ \t]+Health|Nursing[ \t]+Home|"
         rf"Rehabilitation[ \t]+Cent(?:er|re)|Infirmary|Institute|General|{_EMPLOYER_HEAD})")
_EMPLOYER_END_RE = re.compile(rf"{_EMPLOYER_HEAD}$", re.I)
# hospitals named for a saint or a charity, then their town: "Good Samaritan Joplin", "Sacred Heart Eau Claire"
CHARITY_RE = re.compile(r"(?<![\w.])(?:Good[ \t]+Samaritan|Sacred[ \t]+Heart)(?:[ \t]+[A-Z][A-Za-z'-]+){1,2}(?![\w])")
_NAME_WORD = r"(?:St\.|Saint|[A-Z][A-Za-z'-]+)"
ORG_RE = re.compile(rf"(?<![\w.])((?:{_NAME_WORD}(?:[ \t]+|[ \t]*&[ \t]*)){{1,4}}){_HEAD}(?![\w])")
ORG_CUE_RE = re.compile(r"(?i:(?P<care>(?:preferred[ \t]+)?pharmacy|facility|sent[ \t]+from|transferred[ \t]+from)|employer|employment|employed[ \t]+(?:by|at)|works?[ \t]+(?:at|for)|"
                        r"worked[ \t]+(?:at|for)|retired[ \t]+from|school|attends)[ \t]*(?::[ \t]*)?"
                        r"(?:(?i:retired[ \t]+from|works?[ \t]+(?:at|for)|worked[ \t]+(?:at|for)|employed[ \t]+(?:by|at))[ \t]+)?"
                        rf"(?P<org>(?:{_NAME_WORD})(?:(?:[ \t]+|[ \t]*&[ \t]*)(?:{_NAME_WORD}|Co\.|Inc\.?|LLC|LLP)){{0,4}})")
_GENERIC = frozenset("""st saint the of and general memorial regional community county city university medical health
center centre clinic hospital care family internal medicine""".split())
_NOT_ORG_START = frozenset("""the a an this that his her their our my your none unknown n/a self retired disabled
unemployed homemaker student home ems er ed icu outside another osh snf nursing rehab clinic hospital""".split())


def _proper(w: str) -> bool:
    low = w.lower().rstrip(".")
    return low not in _GENERIC and not is_clinical(low) and (not in_vocabulary(low) or is_census_name(low))


def find_orgs(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, kind)`` of organisation names (see module docstring); ``kind`` is "organization" for
    health care facilities and pharmacies, "employer" for employers and schools."""
    out = []
    for m in ORG_RE.finditer(text):
        words = re.findall(r"[A-Za-z][A-Za-z'.-]*", m.group(1))
        if words and words[0].lower() not in _NOT_ORG_START and any(_proper(w) for w in words):
            kind = "employer" if _EMPLOYER_END_RE.search(m.group()) else "organization"
            out.append((m.start(), m.end(), kind))
    out += [(m.start(), m.end(), "organization") for m in CHARITY_RE.finditer(text)]
    for m in ORG_CUE_RE.finditer(text):
        words = re.findall(r"[A-Za-z][A-Za-z'.-]*", m.group("org"))
        if words and words[0].lower() not in _NOT_ORG_START and not all(is_clinical(w) for w in words):
            out.append((m.start("org"), m.end("org"), "organization" if m.group("care") else "employer"))
    return out
