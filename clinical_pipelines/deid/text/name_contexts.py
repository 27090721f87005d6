"""Person names in name contexts, in any case (HIPAA Safe Harbor identifier (A), 45 CFR 164.514(b)(2)(i)(A)):
after titles and relation words ("d/w dr okafor", "pt's son tomasz", "wife maria"), after roles and credentials
("RN Minh", "ANP Kowalczyk", "NP: Okafor", "RN: kt"), initials after field labels and agents ("Pt: J.R.", "by KT",
"cc: JRS"), household members ("Lives with Rose and Hank"), preferred names ("prefers to be called Hanh", "goes by
Will"), user names in printing / signing footers ("Printed ... by HALVORSEN", "Electronically signed by: okafor_a",
"User: JSMITH2", "/s/ KLM, RN") and "LAST, FIRST M" after a field label ("Pt: OYELARAN, TEMI K"); the patient
named without a colon ("Pt Frank is a 70 yo", "Pt (R.S.) tolerated"); initials after an agent and a credential
("entered by np - mw"); names after plural relation words and "are" ("Caregivers are Joy and Frank"). Machine
accounts after printing and signing cues ("printed by SYSTEM", ``ACCOUNT_WORDS``) are no names.

A word in a name context is a name when it is not a safe word of the safe-list vocabulary (``safelist``), or when it
is a capitalised census name that is not a clinical word; stop words, titles and credentials never are. Names
joined by "and", "&" or commas to a name found in a context are names too, in any case ("Rose and Hank", "HOPE AND
GRANT", ``coordinated_names``).
"""
from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from ..vocab import AMBIGUOUS_SURNAMES, CLINICAL_TERMS, CREDENTIALS, NON_NAME_TERMS, STATE_ABBR, TITLE_WORDS, US_STATES
from .safelist_context import colour_of_fluid, followed_by_eponym_noun, in_thing_context
from .safelist_vocabulary import PROTECTED_WORDS, load_vocabulary, word_zipf
from .safelist_words import (compound_of_known, is_census_name, is_clinical_word, is_known_word, is_misspelled_word,
                             is_safe_word, near_safe_word, swapped_common_word)
from .spans import Candidate

_REL = (r"wife|husband|hubby|(?:sister|brother|son|daughter|mother|father)[- ]in[- ]law|health\s*care\s+proxy|"
        r"spouse|partner|daughters?|dtrs?|significant\s+others?|sig\.?\s+other|life\s+partner|sons?|mother|father|mom|mum|dad|sisters?|brothers?|nieces?|"
        r"nephews?|grand(?:daughter|son|mother|father|child|children|ma|pa)s?|aunts?|uncles?|cousins?|friends?|"
        r"neighbou?rs?|caregivers?|roommates?|housemates?|flatmates?|companions?|parents|fianc[ée]e?|"
        r"boyfriend|girlfriend|step(?:son|daughter|mother|father)|"
        r"siblings?|child|children|kids?|employer|boss|coworker|co-worker|landlord|guardian|proxy|hcp|poa|nok|"
        r"next\s+of\s+kin|emergency\s+contact|contact\s+person|interpreter|translator|chaplain|pastor|priest|rabbi|"
        r"imam|sponsor|case\s+worker|caseworker|social\s+worker|home\s+health\s+aide|aide|sitter|visitor")
_TITLE = r"dr|drs|mr|mrs|ms|miss|mx|prof|doctor"
# credentials that are ordinary words or clinical abbreviations in lower case only count in capitals
_CRED_CAPS = r"RN|NP|ANP|FNP|ACNP|AGACNP|PNP|PA|PA-C|MD|DO|LPN|LVN|CNA|RT|RRT|CRNA|APRN|DNP|PharmD|RPh|SW|LCSW|MSW|" \
             r"CM|PT|OT|SLP|RD|CNS|CNM|CNP|MA|EMT|NA|NT|PCT|UC|HUC|CCRN|MBBS|DPT|OTR|LICSW"
_CRED_ANY = r"rn|np|anp|fnp|acnp|lpn|lvn|crna|aprn|lcsw|msw|licsw|pharmd|charge\s+nurse|bedside\s+nurse|" \
            r"primary\s+nurse|nurse|tech|resident|intern|fellow|attending|hospitalist|intensivist|" \
            r"scribe|sonographer|technologist|radiographer|phlebotomist|transcriptionist|therapist|pharmacist|" \
            r"dietitian|case\s+manager"
_AGENT = r"by|per"
_WITH = r"with|to|from|w/|d/w|s/w|c/w"
_FOOTER = (r"(?:printed|signed|e-?signed|electronically\s+signed|entered|edited|last\s+edited|modified|last\s+modified|"
           r"created|verified|performed|cosigned|co-signed|documented|completed|updated|last\s+updated|authored|"
           r"dictated|transcribed|reviewed|approved|released|filed|scanned|faxed|accessed|opened)(?:\s+by)?|"
           r"user(?:\s*(?:name|id))?|username|userid|login|logon|operator|author|workstation\s+user|printed\s+for|/s/")
_FIELD = (r"pt|patient|patient\s+name|pt\s+name|name|cc|attn|to|from|contact|author|provider|pcp|attending|"
          r"referring|surgeon|informant|caller|source|historian|initials|staff|requested\s+by|ordered\s+by|client|"
          r"resident|member|subscriber|insured|guarantor|recipient|consumer|participant|subject|employer|"
          r"emergency\s+contact|responsible\s+party|witness")
_HOUSEHOLD = (r"lives\s+(?:with|w/)|living\s+(?:with|w/)|resides\s+with|stays\s+with|staying\s+with|here\s+with|"
              r"at\s+bedside\s+with|accompanied\s+by|visited\s+by|brought\s+in\s+by|brought\s+by|visit\s+from|"
              r"married\s+to|divorced\s+from|separated\s+from|cared\s+for\s+by|care\s+provided\s+by")
_PREFERRED = (r"prefers\s+to\s+be\s+called|prefers\s+to\s+go\s+by|likes\s+to\s+be\s+called|wants\s+to\s+be\s+called|"
              r"goes\s+by|known\s+as|nicknamed|nickname|a\.?k\.?a\.?|calls\s+(?:him|her|them)self|preferred\s+name")

_DOTTED = r"[A-Za-z]\.(?:[ ]?[A-Za-z]\.){1,2}"
_WORD = r"[A-Za-z][A-Za-z'-]*[A-Za-z]"
_TOKEN = rf"{_DOTTED}|{_WORD}|[A-Za-z]"
_USER_ID = r"[A-Za-z][A-Za-z0-9]*(?:[._][A-Za-z0-9]+)+|[A-Za-z]+\d+[A-Za-z0-9]*"
_ANY = rf"{_DOTTED}|{_USER_ID}|{_WORD}|[A-Za-z]"
_SEP = (r"(?:[ \t]*(?::|-|,|\(|\bis\b|\bwas\b|\bare\b|\bwere\b|\bnamed\b|\bnames?\s+(?:is|are)\b|\bcalled\b)[ \t]*"
        r"|[ \t]+)")

CONTEXT_RES: tuple[tuple[str, re.Pattern], ...] = (
    ("title", re.compile(rf"(?<![\w/])(?i:{_TITLE})(?:\.?[ \t]+|\.(?=[A-Za-z]))({_TOKEN})")),
    ("relation", re.compile(rf"(?<![\w-])(?i:{_REL})(?:'s)?{_SEP}[\"']?({_TOKEN})")),
    ("relation_after", re.compile(rf"(?<![\w'-])({_WORD})[ \t]*\((?i:{_REL})\)")),
    ("role", re.compile(rf"(?<![\w-])(?:{_CRED_CAPS}|(?i:{_CRED_ANY}))(?:[ \t]*[,-])?[ \t]+({_ANY})")),
    ("role_colon", re.compile(rf"(?<![\w-])(?i:{_CRED_CAPS}|{_CRED_ANY})[ \t]*:[ \t]*({_ANY})")),
    ("footer", re.compile(rf"(?<![\w-])(?i:{_FOOTER})[ \t]*:?[ \t]*(?:(?i:dr|mr|mrs|ms)\.?[ \t]+)?({_ANY})")),
    ("printed_by", re.compile(rf"(?<![\w-])(?i:printed|faxed|scanned|exported|generated|copied)\b[^\n|]{{0,48}}?"
                              rf"\b(?i:by)[ \t]*:?[ \t]+({_ANY})")),
    ("agent", re.compile(rf"(?<![\w/-])(?i:{_AGENT})[ \t]*:?[ \t]+({_ANY})")),
    ("with", re.compile(rf"(?<![\w/-])(?i:{_WITH})[ \t]+({_WORD})")),
    ("field", re.compile(rf"(?<![\w-])(?i:{_FIELD})[ \t]*:[ \t]*({_TOKEN})")),
    ("household", re.compile(rf"(?<![\w-])(?i:{_HOUSEHOLD})[ \t]+(?:(?i:his|her|their|my)[ \t]+)?({_TOKEN})")),
    ("preferred", re.compile(rf"(?<![\w-])(?i:{_PREFERRED})[ \t]*:?[ \t]*[\"']?({_TOKEN})")),
    # the patient named without a colon: "Pt Frank is a 70 yo", "pt Grant reports", "Pt (R.S.) tolerated"
    ("patient", re.compile(rf"(?<![\w-])(?i:pt|patient)(?:[ \t]+|[ \t]*\([ \t]*)({_TOKEN})")),
    # initials after the word itself, with or without a colon: "(initials A.K.)", "Pt initials RS"
    ("initials", re.compile(
        rf"(?<![\w-])(?i:initials)[ \t]*(?:[:=-]|(?i:are|is))?[ \t]*({_DOTTED}|[A-Za-z]{{2,3}})(?![\w.])")),
)
# One pass finds every position where a cue of some kind starts; only there are the kind patterns tried.
_CUES = (_TITLE, _REL, _CRED_CAPS, _CRED_ANY, _FOOTER, r"printed|faxed|scanned|exported|generated|copied", _AGENT,
         _WITH, _FIELD, _HOUSEHOLD, _PREFERRED)
# matched on the lower-cased text (same offsets): case-sensitive matching is several times faster
_CUE_START_RE = re.compile(r"(?<![\w'])(?=(?:" + "|".join(f"(?:{c})" for c in _CUES).lower() + r")(?![a-z]))")
_CUE_START_ANY_CASE_RE = re.compile(r"(?<![\w'])(?=(?i:" + "|".join(f"(?:{c})" for c in _CUES) + r")(?![A-Za-z]))")
_NEXT_TOKEN_RE = re.compile(rf"[ \t]+({_TOKEN})")
_COORD_RE = re.compile(rf"[ \t]*(?:,[ \t]*(?:(?i:and)[ \t]+|&[ \t]*)?|[ \t]+(?:(?i:and|or)|&)[ \t]+)({_TOKEN})")
_LAST_FIRST_TAIL_RE = re.compile(rf",[ \t]*({_TOKEN})(?:[ \t]+([A-Za-z])\.?(?![A-Za-z]))?")
_INITIALS_CAPS_RE = re.compile(r"[A-Z]{2,3}")
_DOTTED_INITIALS_RE = re.compile(r"[A-Za-z]\.(?:[ ]?[A-Za-z]\.){1,2}")
_USER_ID_RE = re.compile(_USER_ID)
NOT_INITIALS = frozenset("""
AM PM OK NO US IT IS AT ON IN OR TO BY OF AN AS BE DO GO HE ME MY SO UP WE ID IV PO IM SQ SC PR PRN BID TID QID QD
HS AC PC ER ED OR ICU CT MRI EKG ECG CXR US RN MD DO NP PA TTE TEE EEG EMG ENT GI GU OB BMP CBC CMP INR PTT BNP
ABG VBG UA UCX BCX LP CVC PICC ETT NGT OGT PEG JP ROS HPI PMH PSH FHX SHX CC EMS EMT CPR DNR DNI DNAR POLST MOLST
AMA FYI ASAP NPO NKA NKDA PT OT ST SLP RT LAB LABS CATH TBD NA NAD WNL RRR CTA SOB DOE CP HA LOC MVA MVC GSW
AKI CKD ESRD HD PD CHF CAD MI DM HTN COPD OSA PE DVT UTI SBO GIB TIA CVA BPH HIV HCV HBV TB RSV MRSA VRE ASA
KCL NS LR D5W TPN PRBC FFP PLT WBC RBC HGB HCT BUN CR NA MG CA PHOS ALT AST ALP LDH CK TSH PTH LDL HDL TG
LV RV LA RA AV MV TV PV EF LAD LCX RCA PDA OM SVG LIMA IVC SVC AAA SBP DBP MAP HR RR BP SPO FIO PEEP CPAP BIPAP
MWF TTS QAM QPM QHS AKA BKA ORIF TKA THA TKR THR CABG PCI DES BMS ICD PPM CRT TAVR EVD VP EVAL LE RLE LLE UE
RUE LUE NV AMS AF SVT VT VF ARF HF GYN ENT OBG PMR CTS ECT PET DXA DEXA NM IR EP CV CVS RN BSN ICN NICU PICU
PGY DKA HHS RVR NSR SR AFL ACS NSTEMI STEMI POB PO BOX APT STE FL RM BLDG DEPT SNF LTC ALF ICF IRF LTAC VA
HT WT KG LB LBS BMI BSA CM MM ML MIN HRS SEC WK WKS YR YRS NBP NIBP
HO SS BS FS CMO IJ ND NT EX INC HX SX DX TX RX CX FX SXN NSG NPN CSRU MICU SICU CVICU TSICU CCU PACU OSH EW TCU
MID DSD CDI VSS MAE PERL PERRL AOX NGT LCWS LIS HOB OOB KVO TKO TF TFS IVF ABX GTT
""".split())


_REL_WORD_RE = re.compile(rf"(?:{_REL})(?:'s)?")
# Credentials that are also everyday abbreviations in notes ("PT" patient, "RT" right, "NT" non-tender, "OT"...):
# after them a word must look like a name by itself (see ``_strong_name_token``).
_AMBIGUOUS_CREDS = frozenset("PT RT NT OT".split())
_AMBIGUOUS_ROLE_CUES = _AMBIGUOUS_CREDS | {"NP"}  # NP: nasal prongs too ("4L NP SAT 97%")
# dotted abbreviations of orders, roles and services: "per V.O.", "per H.O." (house officer), "seen by P.T."
_DOTTED_NOT_INITIALS = frozenset("US PO AM PM IV IM AC PC HS QD QID TID BID ID DC NA OK AKA ER DR MR MS HO VO TO RT PT "
                                 "OT ST MD RN NP SW CM RD OR ED EW".split())
_PERSONAL_KINDS = ("relation", "relation_after", "household", "preferred", "title")
_ROLE_KINDS = ("role", "role_colon")
_INITIALS_KINDS = ("role", "role_colon", "agent", "field", "footer", "printed_by")
_CRED_WORDS = frozenset(w.lower() for w in _CRED_CAPS.split("|")) | CREDENTIALS
_FOOTER_STRONG_RE = re.compile(r"(?i:\bby\b|:|\buser|\blog[io]n|\boperator|\bauthor|\bworkstation|/s/)")
_TITLE_GLUED_RE = re.compile(rf"(?i:{_TITLE})\.[A-Za-z]")
_PLURAL_AFTER_RE = re.compile(r"['’][sSdD](?![A-Za-z])")
_PLURAL_RE = re.compile(r"[A-Z]{1,4}['’][SsDd]")
_VERB_FORM_RE = re.compile(r"(?i:ed|ing|ly)\Z")
# what prints, faxes or signs a document when no person does (system and service accounts of EHR audit trails)
ACCOUNT_WORDS = frozenset("""
system systems admin administrator interface server batch auto automatic automated scheduler service default unknown
printer queue robot bot script job host console computer daemon root guest epic cerner meditech workstation portal
application app program software device machine nightly cron hl7 engine
""".split())
# after "Pt" without a colon, a name ends the phrase or comes before a reporting verb or a surname
_PATIENT_FOLLOW_RE = re.compile(
    r"[ \t]*(?:$|[,;:.)(]|\d|(?i:is|was|has|had|reports?|reported|states?|stated|denies|denied|presents?|presented"
    r"|c/o|complains|seen|here|arrived|admitted|tolerated|tolerating|endorses|notes|agrees|agreed|declined|refuses"
    r"|refused|understands|verbalized|verbalizes|aged?|and|who|with)\b)", re.M)
_PLACEHOLDER_END_RE = re.compile(r"[ \t]*(?:$|[|,.;:)\]]|\b(?:at|by|on|to|for|re)\b)", re.M)


CAPS_FIRST_NAME_ZIPF = 4.5  # a census first name that is also a word this common ("WILL", "MAY") needs Title case


def plain_name_word(w: str) -> bool:
    """Could ``w``, written in capitals or lower case (where casing says nothing), be part of a person name? A
    census first name rarer than ``CAPS_FIRST_NAME_ZIPF`` as a word or used mostly as a name ("PHILOMENA", "rob",
    "eve"), a census surname used mostly as a name ("WELSH", "ross"), or a word outside the vocabulary that is no
    typo, compound or abbreviation of known words ("kargas"). Never stop words, titles, credentials, relation
    words, clinical words or clinical abbreviations ("NAD", "PERL", "LIS")."""
    lw = w.lower().strip("'")
    if len(lw) < 2 or _stop(w) or w.upper() in NOT_INITIALS or _REL_WORD_RE.fullmatch(lw) or (
            _clinical_in_context(w) and lw not in US_STATES):  # "VIRGINIA", "georgia" are first names too
        return False
    v = load_vocabulary()
    if "-" in lw:  # "SOO-JIN", "bello-okonkwo"; not "HYPOTENSION-RXED"
        parts = [p for p in lw.split("-") if p]
        return len(parts) > 1 and (all(p in v.first_names or p in v.surnames for p in parts)
                                   or all(plain_name_word(p) for p in parts))
    if lw in v.first_names and (not is_safe_word(lw) or word_zipf(lw) < CAPS_FIRST_NAME_ZIPF or lw in US_STATES):
        return True
    if lw in v.first_names or lw in v.surnames:
        return not is_safe_word(lw)
    return (len(lw) >= 3 and not is_known_word(lw) and not is_misspelled_word(lw) and not near_safe_word(lw)
            and not compound_of_known(lw) and any(c in "aeiouy" for c in lw))


def _clinical_in_context(w: str) -> bool:
    lw = w.lower()
    return is_clinical_word(w) and lw not in PROTECTED_WORDS and lw not in AMBIGUOUS_SURNAMES


def _stop(w: str) -> bool:
    lw = w.lower().rstrip(".")
    return lw in STOP_WORDS or lw in TITLE_WORDS or lw in CREDENTIALS


def _initials_ok(tok: str, kind: str) -> bool:
    if kind not in _INITIALS_KINDS or tok in NOT_INITIALS or tok.lower() in _CRED_WORDS or tok.lower() in TITLE_WORDS:
        return False
    if tok in STATE_ABBR and kind not in _ROLE_KINDS:
        return False
    return tok.lower() not in CLINICAL_TERMS


def accept_token(tok: str, kind: str, caps_cue: bool = True, ends: bool = False) -> bool:
    """Is ``tok``, found right after a cue of ``kind``, a person name, initials or a user name? ``caps_cue``: the
    cue was a credential in capitals ("RN", not "nurse"); ``ends``: the token ends the phrase (line end,
    punctuation, "at", "by"...)."""
    if _DOTTED_INITIALS_RE.fullmatch(tok):
        if " " in tok and kind in _INITIALS_KINDS:
            return True  # "Pt: T. O.", "by J. R.": spaced initials, never a dotted abbreviation ("t.o.", "p.o.")
        letters_only = tok.replace(".", "").replace(" ", "").upper()
        return kind not in ("preferred", "with") and letters_only not in _DOTTED_NOT_INITIALS
    if _USER_ID_RE.fullmatch(tok):
        if _TITLE_GLUED_RE.match(tok):
            return False  # "by Dr.Okafor": the title finder takes the name, the title stays
        return kind in ("footer", "printed_by", "role", "role_colon", "agent")
    letters = tok.replace("'", "").replace("-", "")
    if len(letters) == 1:
        return False
    lw = tok.lower()
    if _REL_WORD_RE.fullmatch(lw):
        return False  # "daughter, son in law": another relation, not a name
    if lw in ACCOUNT_WORDS and kind not in _PERSONAL_KINDS:
        return False  # "printed by SYSTEM", "faxed by interface": a machine account, not a person
    if tok.isupper() and len(letters) <= 3:
        if kind in _PERSONAL_KINDS and len(letters) == 3 and lw in load_vocabulary().first_names and (
                plain_name_word(tok)):
            return True  # "SON RAY", "LIVES WITH JOY AND BUD": a short first name in capitals after a relation
        return _initials_ok(tok, kind)
    if tok.istitle() and lw in load_vocabulary().first_names and lw not in NON_NAME_TERMS and (
            kind in _PERSONAL_KINDS or (kind in _ROLE_KINDS and caps_cue and ends)):
        return True  # "Goes by Will", "daughter May", "RN May." stay names
    if _stop(tok) or (kind in ("with", "agent") and is_misspelled_word(tok)):
        return False  # a typo of an ordinary word after "to", "per", "with": "to recieve", "per protocl"
    census_first = lw in load_vocabulary().first_names
    first_name = census_first and lw not in NON_NAME_TERMS
    if first_name and tok.islower() and len(letters) >= 3 and (
            kind in _PERSONAL_KINDS or (kind == "role_colon" and caps_cue and ends and word_zipf(tok) < 5.0)):
        return True  # "wife joy", "mother summer", "RN: grace"
    if census_first and tok.istitle() and kind in ("agent", "footer"):
        return True  # "verified by Asa" (also an abbreviation of aspirin)
    if kind in ("with", "agent") and not tok.istitle():
        # after "with", "to", "from", "per", "by" a word in capitals or lower case is mostly a clinical abbreviation,
        # a colour or a typo ("with yankaur", "to BROWN", "per protcol", "BY NBP"): after "per"/"by" a census name
        # that is no ordinary word counts ("per ross"); after "with"/"to" none (Title case: "with Okafor")
        return kind == "agent" and is_census_name(tok) and plain_name_word(tok)
    if kind in ("with", "agent") and not is_known_word(tok) and not plain_name_word(tok):
        return False  # "refer to Careview", "seen by Nsurg": a compound, typo or abbreviation in Title case
    if tok.islower():
        if len(letters) <= 3:  # lower-case initials after "RN", "RN:", "Signed:", "dr"
            return ((kind in _ROLE_KINDS and caps_cue) or kind in ("footer", "title", "field")) and (
                word_zipf(tok) < (4.5 if kind == "field" else 5.0) and not _clinical_in_context(tok))
        if kind in ("agent", "with", "footer", "printed_by", "role"):
            return not is_known_word(tok)
        return not is_safe_word(tok) and not _clinical_in_context(tok) and plain_name_word(tok)
    if _clinical_in_context(tok):
        return False
    if tok.isupper() and kind in ("agent", "with", "footer", "printed_by"):
        if kind == "printed_by":
            return True
        if len(letters) <= 4:  # short capitals are mostly abbreviations ("with ADHF"); dominant names still count
            return not is_safe_word(tok) and kind != "with"
        return not is_known_word(tok) or (kind != "with" and not is_safe_word(tok))
    if kind in ("agent", "with"):
        return not is_known_word(tok) or not is_safe_word(tok)
    if tok.isupper() and lw not in load_vocabulary().first_names and not plain_name_word(tok):
        return False  # "WIFE AGRESS", "SON PRESNT": a typo in capitals after a relation word
    # a safe word counts only as a census first name ("Grant", "Faith"), never as a surname only ("Alert")
    return not is_safe_word(tok) or lw in load_vocabulary().first_names


def _patient_token_ok(text: str, tok: str, s: int, e: int) -> bool:
    """A patient's name or initials right after "Pt"/"patient" without a colon: dotted initials ("Pt (R.S.)"),
    capitals in brackets ("patient (JR)"), or a Title-case census first name or name-like word that ends the phrase
    or comes before a reporting verb or a Title-case surname ("Pt Frank is a 70 yo", "pt Grant reports"); never a
    stop word, clinical word or everyday word ("Pt Will follow up", "Pt Alert").
    """
    bracketed = text[s - 1:s] == "(" and text[e:e + 1] == ")"
    if _DOTTED_INITIALS_RE.fullmatch(tok):
        return " " in tok or tok.replace(".", "").replace(" ", "").upper() not in _DOTTED_NOT_INITIALS
    if bracketed and tok.isupper() and 2 <= len(tok) <= 3:
        return tok not in NOT_INITIALS and tok not in STATE_ABBR
    if not tok.istitle() or len(tok) < 3 or _stop(tok) or tok.lower() in NON_NAME_TERMS:
        return False
    lw = tok.lower()
    if not (lw in load_vocabulary().first_names or plain_name_word(tok)):
        return False
    if _PATIENT_FOLLOW_RE.match(text, e):
        return True
    nxt = _NEXT_TITLE_WORD_RE.match(text, e)
    return bool(nxt) and (is_census_name(nxt.group(1)) or not is_safe_word(nxt.group(1))) and not _stop(nxt.group(1))


def _extend(text: str, end: int, first: str) -> int:
    """Grow a name over following words of the same casing that are names too ("Nguyen Thi Hong")."""
    for _ in range(3):
        m = _NEXT_TOKEN_RE.match(text, end)
        if not m:
            break
        tok = m.group(1)
        same_case = (tok.isupper() == first.isupper()) and (tok[:1].isupper() == first[:1].isupper())
        if first.istitle() and tok.islower() and first.lower() in load_vocabulary().first_names and \
                plain_name_word(tok) and is_census_name(tok) and not _clinical_in_context(tok):
            end = m.end(1)  # "wife, Janet okafor": a surname typed in lower case after a first name
            break
        if not same_case or len(tok) < 2 or _stop(tok) or _clinical_in_context(tok) or "." in tok:
            break
        if first.islower():
            ok = not is_known_word(tok) or (first.lower() in load_vocabulary().first_names and plain_name_word(tok))
        elif tok.isupper() and len(tok) <= 3:
            ok = False
        else:
            ok = not is_safe_word(tok) or is_census_name(tok)
        if not ok:
            break
        end = m.end(1)
    return end


def _last_first(text: str, kind: str, tok: str, e: int) -> int | None:
    """End of a "LAST, FIRST [M]" name that starts with ``tok`` after a field label, or None."""
    if kind not in ("field", "role_colon", "footer", "printed_by") or "." in tok or len(tok) < 2:
        return None
    lf = _LAST_FIRST_TAIL_RE.match(text, e)
    if not lf or lf.group(1)[:1].isupper() != tok[:1].isupper() or lf.group(1).isupper() != tok.isupper():
        return None
    first = lf.group(1)
    if (first.lower() in load_vocabulary().first_names and len(tok) >= 3 and not _stop(tok)
            and not _clinical_in_context(tok) and not re.match(r"[ \t]*\d", text[lf.end():])):
        return lf.end()  # "PCP: TURNER, APRIL": a census first name after a surname in a person's field, even a month
    if not is_known_word(first) and len(first) >= 3:
        return lf.end()  # a first name outside the vocabulary: "DO, NGOC" is a name whatever "DO" means elsewhere
    if not is_known_word(tok) and not _stop(first) and not _clinical_in_context(first):
        return lf.end()  # a surname outside the vocabulary: "Takahashi, Seo-yeon"
    if _stop(tok) or not accept_token(first, "relation"):
        # a census first name that is also a clinical word still counts after a surname: "HAKANSSON, ASA"
        if not (not is_safe_word(tok) and first.lower() in load_vocabulary().first_names):
            return None
    elif _clinical_in_context(first):
        return None
    return lf.end()


# Initials or a short user name right after a credential or "Pt:", where the phrase ends ("-- CNA av |", "RPh: dj",
# "called to LPN no at 1020h", "Pt: ra reports ..."): two or three letters in any case, even when they spell a word.
_CRED_INITIALS_RE = re.compile(
    rf"(?<![\w-])(?:{_CRED_CAPS}|(?i:rn|lpn|lvn|cna|rph|pharmd|msw|lcsw|crna|aprn))[ \t]*:?[ \t]+"
    r"([A-Za-z]{2,3}|[A-Za-z]\.[ ]?[A-Za-z]\.?)"
    r"(?=[ \t]*(?:$|[|.,;)\n]|(?i:by[ \t]+phone\b|at[ \t]+\d|will\b|from\b|re:)))", re.M)
_PT_INITIALS_RE = re.compile(
    r"(?<![\w-])(?i:pt|patient)[ \t]*:[ \t]*([A-Za-z]{2}|[A-Za-z]\.[ ]?[A-Za-z]\.?)"
    r"(?=[ \t]+(?i:reports|states|denies|is|was|has|c/o|complains|endorses|notes)\b|[ \t]*(?:$|[|,;\n]))", re.M)
# initials after an agent, a credential and a dash or colon ("entered by np - mw", "VITALS PER CNA: BH", "by RN/jd")
_AGENT_CRED_INITIALS_RE = re.compile(
    rf"(?<![\w-])(?i:by|per)[ \t]+(?:{_CRED_CAPS}|(?i:rn|np|lpn|lvn|cna|rph|pharmd|msw|lcsw|crna|aprn|md|pa|ma|tech))"
    r"[ \t]*[-:/,][ \t]*([A-Za-z]{2,3}|[A-Za-z]\.[ ]?[A-Za-z]\.?)"
    r"(?=[ \t]*(?:$|[|.,;)\n]|(?i:at[ \t]+\d|on[ \t]+\d|\d)))", re.M)
_NOT_PHRASE_INITIALS = frozenset("at to of on in by or is the and for per via up ok".split())
_NOT_PT_INITIALS = frozenset("is was has he she it we ok no na".split())


def find_phrase_end_initials(text: str) -> list[Candidate]:
    """Initials after a credential or "Pt:" where the phrase ends (see ``_CRED_INITIALS_RE``), score 0.8."""
    out = []
    for rx in (_CRED_INITIALS_RE, _PT_INITIALS_RE, _AGENT_CRED_INITIALS_RE):
        for m in rx.finditer(text):
            tok, cue = m.group(1), text[m.start():m.start(1)].strip(" \t:").upper()
            if rx is _AGENT_CRED_INITIALS_RE and (tok.lower() in _NOT_PHRASE_INITIALS or tok.upper() in NOT_INITIALS):
                continue  # "by RN - PO", "per MD: OK"
            if rx is _CRED_INITIALS_RE and (tok.lower() in _NOT_PHRASE_INITIALS or cue in _AMBIGUOUS_CREDS):
                continue  # "PT: ..." is read by the patient form below
            if rx is _PT_INITIALS_RE and tok.lower() in _NOT_PT_INITIALS:
                continue
            e = m.end(1) + (1 if tok[-1:] != "." and re.fullmatch(r"[A-Za-z]\.[ ]?[A-Za-z]", tok)
                            and text[m.end(1):m.end(1) + 1] == "." else 0)
            out.append(Candidate(m.start(1), e, "NAME", 0.8))
    return out


def _strong_name_token(tok: str) -> bool:
    """A token that is a name without the help of its cue: a census name that is not a safe word ("OKAFOR" is
    unknown, "NGUYEN" is name-dominant), or an unknown word of 4+ letters that is no typo or abbreviation, or
    dotted initials."""
    if _DOTTED_INITIALS_RE.fullmatch(tok):
        return True
    letters = tok.replace("'", "").replace("-", "")
    if len(letters) < 3 or tok.upper() in NOT_INITIALS or _clinical_in_context(tok) or is_misspelled_word(tok):
        return False
    if is_census_name(tok):
        return not is_safe_word(tok)
    return len(letters) >= 4 and not is_known_word(tok) and plain_name_word(tok)


_NEXT_TITLE_WORD_RE = re.compile(r"[ \t]+([A-Z][a-z'’]+)\b")


def lower_hyphen_tail_ends_name(text: str, tok: str, end: int) -> bool:
    """A Title-case token with a lower-case part after its hyphen ends at the hyphen ("Rob-who", "Rockwood-thinking")
    unless the part could be a name part or a Title-case surname follows ("Dr Jae-won Boyd", "Seo-yeon Park")."""
    head, _, tail = tok.partition("-")
    if not tail[:1].islower() or plain_name_word(tail):
        return False
    nxt = _NEXT_TITLE_WORD_RE.match(text, end)
    return _stop(tail) or not (nxt and not _stop(nxt.group(1)) and not is_clinical_word(nxt.group(1)))


def find_context_names(text: str) -> list[Candidate]:
    """Names in the contexts of the module docstring (score 0.85); coordinated names and initials where a phrase
    ends after a credential or "Pt:" (0.8)."""
    out: list[Candidate] = find_phrase_end_initials(text)
    low = text.lower()
    scan = _CUE_START_RE.finditer(low) if len(low) == len(text) else _CUE_START_ANY_CASE_RE.finditer(text)
    starts = [m.start() for m in scan]
    for kind, rx in CONTEXT_RES:
        matches = rx.finditer(text) if kind == "relation_after" else filter(None, (rx.match(text, p) for p in starts))
        for m in matches:
            tok = m.group(1)
            s, e = m.start(1), m.end(1)
            if "-" in tok and not tok.islower() and not tok.isupper() and lower_hyphen_tail_ends_name(text, tok, e):
                tok = tok.split("-")[0]  # "Rob-who", "Rockwood-thinking": the name ends at the hyphen
                e = s + len(tok)
            if kind not in _PERSONAL_KINDS and (_PLURAL_RE.fullmatch(tok) or (
                    tok.isupper() and len(tok) <= 4 and _PLURAL_AFTER_RE.match(text, e))):
                continue  # "BY MD'S", "R/O BY CK'S": an abbreviation in the plural, not initials
            lf_end = _last_first(text, kind, tok, e)
            if lf_end is not None:
                out.append(Candidate(s, lf_end, "NAME", 0.85))
                continue
            cue = text[m.start():s].strip(" \t:,-")
            if kind == "initials":
                if tok.upper() in NOT_INITIALS or tok.lower() in _NOT_PHRASE_INITIALS:
                    continue  # "initials OK", "initials on the form"
                out.append(Candidate(s, e, "NAME", 0.85))
                continue
            if kind == "patient":
                if not _patient_token_ok(text, tok, s, e):
                    continue
            elif kind == "footer" and not _FOOTER_STRONG_RE.search(text, m.start(), s):
                continue  # "ekg completed x2", "modified backrub": a verb in running text, not a signing footer
            ends = bool(_PLACEHOLDER_END_RE.match(text, e))
            if kind != "patient" and not accept_token(tok, kind, caps_cue=cue.isupper(), ends=ends):
                continue
            if kind == "role" and cue.upper() in _AMBIGUOUS_ROLE_CUES and not _strong_name_token(tok):
                continue  # "PT WEANED", "RT KNEE", "NT ND": the cue is an abbreviation, not a credential
            if kind == "with" and (tok.isupper() or tok.islower()) and not _strong_name_token(tok):
                continue  # "WITH NSTEMIX", "to chiar", "with sideflow": after with/to/from, only name-like words
            if kind in ("with", "agent", "role") and followed_by_eponym_noun(text, e):
                continue  # "with Kerley B lines", "by Doppler study"
            if not is_known_word(tok) and swapped_common_word(tok) and tok.lower() not in load_vocabulary().first_names:
                continue  # "rn, tehn falls asleep", "per protcol": two letters of an everyday word swapped
            if kind == "role" and cue.upper() in _AMBIGUOUS_ROLE_CUES and _VERB_FORM_RE.search(tok) and (
                    not is_census_name(tok)):
                continue  # "PT WHEENED TO CPAP", "PT RECIEVING": the patient doing something, misspelt
            if kind in ("with", "agent") and colour_of_fluid(text, s, e):
                continue  # "drain with Rose tinged fluid", "from amber to Brown": a colour, not a person
            if kind == "with" and not is_census_name(tok) and in_thing_context(text, s, e):
                continue  # "with Flexiseal in place", "to Aquacel dressing": a device or dressing, not a person
            if len(tok) > 3 and not _USER_ID_RE.fullmatch(tok) and not _DOTTED_INITIALS_RE.fullmatch(tok):
                e = _extend(text, e, tok)
            out.append(Candidate(s, e, "NAME", 0.85))
            if kind in ("relation", "household", "title", "role", "preferred"):
                out += coordinated_names(text, tok, e)
    return out


def coordinated_names(text: str, first: str, end: int) -> list[Candidate]:
    """Names joined by "and", "&", "or" or commas to the name ``first`` that ends at ``end`` (score 0.8): "Rose and
    Hank", "HOPE AND GRANT"; after a lower-case first name only census first names ("daughters sarah and margie")."""
    out: list[Candidate] = []
    lower_first = first.islower() and first in load_vocabulary().first_names
    if not (first[:1].isupper() or lower_first):
        return out
    pos = end
    for _ in range(3):
        c = _COORD_RE.match(text, pos)
        if not c or not accept_token(c.group(1), "relation") or not (c.group(1)[:1].isupper() or (
                lower_first and c.group(1) in load_vocabulary().first_names)):
            break
        ce = _extend(text, c.end(1), c.group(1))
        out.append(Candidate(c.start(1), ce, "NAME", 0.8))
        pos = ce
    return out
