"""Which capitalised words can start a person, organisation or place name for the spaCy NER step: the NER
non-starters (section headers, clinical abbreviations, common clinical sentence openers) and the candidate test shared
by the NER windows (``ner.ner_regions``) and the NER entity filter (``ner_filter``).
"""
from __future__ import annotations

import functools
import re

from spacy.lang.en.stop_words import STOP_WORDS

from ..vocab import NON_NAME_TERMS, NOT_NAME_WORDS
from .safelist_vocabulary import word_zipf
from .safelist_words import is_census_name, is_clinical_word, is_safe_word

CAP_WORD_RE = re.compile(r"(?<![\w'’])[A-Z][A-Za-z'’.-]*")

# NER non-starters: capitalised tokens that cannot begin (or by themselves make up) a person, organisation or
# place name, so no NER window is opened around them. A real name next to one of them is still covered by the
# window opened around the name's own words, and ``ner_filter.ner_entity_cores`` drops any entity made only of
# non-candidate words, so the window invariant stays exact. Three small, general groups:
# 1. section-header words, skipped only in ALL CAPS ("HISTORY OF PRESENT ILLNESS", "ASSESSMENT AND PLAN");
NER_HEADER_WORDS = frozenset("""
    history present illness social family past medical surgical assessment plan impression review systems
    physical exam examination findings allergies medications diagnosis diagnoses discharge admission course
    procedures procedure results labs laboratory imaging vitals signs chief complaint interval duration changes
    compared axes rhythm summary recommendations disposition instructions condition objective subjective data
    studies consult consultation nursing note addendum significant depression elevation telephone encounter
    female male heart rate""".split())
# 2. clinical abbreviations and units, skipped only in exactly this spelling ("ED" yes, the first name "Ed" no);
NER_ABBREVIATIONS = frozenset("""
    BP HR RR ECG EKG CXR CT MRI ICU ED ER CCU ST CV GCS QRS QT QTc PR SpO SaO TnT BMI BNP NPI CPT GU GI CC MDM
    HPI ROS PMH PSH FHx SHx EMS RVR NSVT ADHF AHRE AF CABG PCI STEMI NSTEMI COPD CHF CAD HTN DM CKD AKI BPH UTI
    DVT TAPSE RVSP LVEF EF HD PCN MVC SR ATP PERC MM YR NAD POC PRN PO IV NPO DNR DNI AM PM Trop-hs MRN SSN DOB
    SN ID Ht Wt Tel Fax""".split())
# 3. common clinical words that open sentences or label fields, in any casing ("Admitted", "Lives", "Age:").
#    None of them is in the 1990 Census first-name or surname lists (a unit test checks this).
NER_COMMON_STARTERS = frozenset("""
    initial lives admitted discharged recent discussed transferred underwent retired return follow past visit
    images shift valuables agitated anxious diaphoretic irregularly apical interpreting referring consultant
    transmission pacing events lungs valves diastolic systolic psychosocial education video telehealth virtual
    sex phone email ext address location accession license insurance referral obs""".split())
_ROMAN_RE = re.compile(r"[IVX]+")
NER_SKIP_WORDS = frozenset(NON_NAME_TERMS | NOT_NAME_WORDS | STOP_WORDS | NER_COMMON_STARTERS)
NER_COMMON_ZIPF = 3.5  # wordfreq Zipf frequency from which a safe word is too common to be a rare place or surname


@functools.lru_cache(maxsize=131072)
def ner_candidate(word: str) -> bool:
    """A capitalised word the NER filters could keep: not a stop word, clinical term, common non-name word or
    NER non-starter (see ``NER_HEADER_WORDS``, ``NER_ABBREVIATIONS``, ``NER_COMMON_STARTERS``), and either outside
    the safe-list vocabulary, a census name or a rare word (wordfreq Zipf below ``NER_COMMON_ZIPF``)."""
    w = word.rstrip("'’.-")
    if w.endswith(("'s", "’s")):
        w = w[:-2]
    low = w.lower()
    if len(low) < 2 or low in NER_SKIP_WORDS or w in NER_ABBREVIATIONS:
        return False
    if w.isupper() and (low in NER_HEADER_WORDS or _ROMAN_RE.fullmatch(w)):
        return False
    if "-" in w:  # "P-R-T", "I-II": a hyphenated token is a candidate only if one of its parts is
        return any(p[:1].isupper() and ner_candidate(p) for p in w.split("-"))
    # a common English or clinical word that is no one's name ("Service", "Freight", "Heart") cannot make an
    # entity worth keeping: the safe-list pass, the patterns and the gazetteers cover names and places made of them
    return not (is_safe_word(w) and not is_census_name(w) and (word_zipf(w) >= NER_COMMON_ZIPF or is_clinical_word(w)))


def has_ner_candidate(s: str) -> bool:
    """True when a whitespace token of ``s`` holds a candidate word (as ``ner_regions`` sees it)."""
    for tok in s.split():
        cm = CAP_WORD_RE.search(tok)
        if cm is not None and ner_candidate(cm.group()):
            return True
    return False
