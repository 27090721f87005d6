"""The clinical false-positive filter for spaCy NER entities: each entity is cut to its proper-noun cores.

spaCy's small English model tags clauses of bedside notes as organisations and persons ("CONTS TO REC LASIX",
"FOLEY CATH DRAINING"), bed positions and abbreviations as places ("Trendelenburg", "Pulm~"). Each word of an entity
is classed (``word_class``) from the safe-list vocabulary (Philter, wordfreq, drug names), the 1990 US Census name
lists and the USPS place list; runs of name words are kept with evidence of a person, place or organisation
(``ner_entity_cores``). Names are HIPAA Safe Harbor identifier (A), places smaller than a state (B), 45 CFR
164.514(b)(2)(i); organisations are redacted as the project's policy.
"""
from __future__ import annotations

import functools
import re

from ..gazetteer import load_gazetteers
from ..vocab import (AMBIGUOUS_SURNAMES, RELATION_WORDS, COLOUR_WORDS, COUNTRIES, CREDENTIALS, EPONYM_FOLLOWERS, NAME_PARTICLES,
                     STATE_ABBR, TITLE_WORDS, US_STATES)
from .eponym_scores import inside_score_eponym
from .names import trim_name
from .ner_words import NER_SKIP_WORDS, has_ner_candidate, ner_candidate
from .places import is_place
from .services import is_service_name
from .safelist_context import (DEVICE_NOUNS, exam_finding, followed_by_eponym_noun, in_drug_list, in_thing_context,
                               opens_system_heading, starts_sentence)
from .safelist_vocabulary import load_vocabulary, word_zipf
from .safelist_words import (fold_word, is_census_name, is_clinical_word, is_known_word, is_misspelled_word,
                             is_safe_word, swapped_common_word)
from .spans import Candidate

_WS_TOKEN_RE = re.compile(r"\S+")
_SUBJECT_VERB_RE = re.compile(r"[ \t]+(?i:reports|states|denies|says|said|is|was|has|had|notes|feels|c/o|complains"
                              r"|presents|endorses|called|came|went|wants|asked|agrees)\b")
# Words after a person that say what the person did or was told ("Z. MILLER AWARE", "Okafor notified"): evidence that
# an unknown word in capitals before them is a name (clinical words typed in capitals are never "aware").
_PERSON_AFTER_RE = re.compile(
    r"[ \t]*(?i:aware|notified|paged|called|informed|updated|visited|visiting|reports|reported|states|stated|says"
    r"|said|asked|agrees|agreed|spoke|phoned|contacted|came|here|present|at[ \t]+bedside|in[ \t]+to)\b")
_LOCATIVE_BEFORE_RE = re.compile(r"(?i:\b(?:in|from|to|at|near|of|outside|around|lives?|moved|born)[ \t]+)$")
# words before a person name that say who it is: credentials, titles, relations, "HO" (house officer)
_RELATION_WORDS = RELATION_WORDS
_PERSON_CUES = frozenset((CREDENTIALS | TITLE_WORDS | _RELATION_WORDS | {"ho", "attending", "resident", "intern",
                                                                         "rph", "cm", "sw"})
                         - {"st", "saint", "mt", "mount"})
# credentials that are also everyday abbreviations ("PA line", "PT", "NP" nasal prongs): cues in lower-case notes only
_AMBIGUOUS_CUES = frozenset({"pt", "rt", "pa", "np", "do", "ot", "rd", "cm", "sw", "ho"})
_CRED_AFTER_RE = re.compile(r"[ \t]*,?[ \t]*("
                            + "|".join(sorted((c.upper() for c in CREDENTIALS), key=len, reverse=True))
                            + r"|RPh|PharmD|PhD)\b")
_RELATION_AFTER_RE = re.compile(r"[ \t]*[(,][ \t]*(?i:" + "|".join(sorted(_RELATION_WORDS)) + r"|in-law|son-in-law"
                                r"|daughter-in-law|significant[ \t]+other)\b")
# head words of an organisation or place name: part of the core when a proper noun stands next to them
NER_HEAD_WORDS = frozenset("""
    hospital hosp clinic center centre ctr rehab rehabilitation medical university univ college institute county
    nursing home manor memorial general regional community health healthcare hospice pharmacy school church city
    valley""".split())
_NAME_LINK_WORDS = frozenset(NAME_PARTICLES)
_ORG_LINK_WORDS = frozenset(NAME_PARTICLES | {"of", "and", "&", "the", "at", "for"})
_PREFIX_WORDS = frozenset({"st", "saint", "mt", "mount", "ft", "fort", "san", "santa", "los", "las", "el", "new"})
_CONTRACTION_RE = re.compile(r"[A-Za-z]+['’](?:d|t|ve|ll|re|m|ed|ing)")
_CAPS_LOWER_RE = re.compile(r"[A-Z]{2,}[a-z]")  # "PMed", "RPh": an abbreviation glued to a word
_GLUED_RE = re.compile(r"[A-Za-z]{2}\.[A-Za-z]")
_NO_VOWEL_RE = re.compile(r"[^AEIOUYaeiouy]+")  # "BPPP", "DRNG", "MNGMNT": abbreviations
_ENT_PUNCT = ".,;:'’\"()[]{}~*#!?<>=+^|-"
_EDGE_RE = re.compile(r"[^A-Za-z&]*([A-Za-z&](?:.*[A-Za-z])?)")


def _entity_words(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Whitespace words of ``text[start:end]`` without surrounding punctuation or possessive ("Z." stays an
    initial with its full stop), as (start, end, word) in input coordinates."""
    out = []
    for m in _WS_TOKEN_RE.finditer(text, start, end):
        e = _EDGE_RE.match(m.group())
        if e is None or any(c.isdigit() or c == "/" for c in m.group()):
            out.append((m.start(), m.end(), ""))
            continue
        a, b = m.start() + e.start(1), m.start() + e.end(1)
        w = text[a:b]
        if w.endswith(("'s", "’s", "'S", "’S")):
            w, b = w[:-2], b - 2
        if len(w) == 1 and text[b:b + 1] == ".":
            b += 1
        out.append((a, b, w))
    return out


def _caps_line(text: str, start: int, end: int) -> bool:
    """True when the line around ``start..end`` is typed in capitals (no lower-case letter)."""
    lo, hi = text.rfind("\n", 0, start) + 1, text.find("\n", end)
    return not any(c.islower() for c in text[lo:hi if hi >= 0 else len(text)])


@functools.lru_cache(maxsize=131072)
def word_class(w: str, label: str, caps: bool, dotted: bool = False) -> str:
    """What a word of an NER entity is (``label``: NAME, LOCATION or ORGANIZATION; ``caps``: the line is typed in
    capitals; ``dotted``: a full stop follows the word):

    - ``junk``: a number, a slash abbreviation, a contraction, a lower-case word, an abbreviation, a stop word,
      clinical, ordinary (safe-list) or misspelt word, a NER non-starter;
    - ``link`` (a name particle; "of"/"and"/"&" in an organisation) and ``prefix`` ("St.", "Mount", "San");
    - ``initial`` ("Z.", or a capital letter in a note typed in lower case);
    - ``head``: an organisation or place head word ("Hospital", "Rehab", "County");
    - ``name``: a census name, a name-dominant word, a US place, or an unknown title-case word;
    - ``weak``: a word that is a name only with evidence next to it: an unknown word in capitals (as often a typo or
      an abbreviation), a common word that is also a census surname ("Care", "BROWN"), an eponym ("Foley");
    - ``plain``: a title-case ordinary word that may belong to a person's name next to a name word ("Tor")."""
    if not w or any(c.isdigit() for c in w) or "/" in w:
        return "junk"
    low = w.lower().rstrip(".")
    if w == "&" or (low in (_NAME_LINK_WORDS if label == "NAME" else _ORG_LINK_WORDS) and (w.islower() or caps)):
        return "junk" if label == "NAME" and w == "&" else "link"
    if len(low) == 1:
        return "initial" if w.isupper() and (dotted or not caps) else "junk"
    if low in _PREFIX_WORDS and label != "NAME" and w[0].isupper():
        return "prefix"
    if low in _RELATION_WORDS or low[:-1] in _RELATION_WORDS or low in EPONYM_FOLLOWERS or low in DEVICE_NOUNS:
        return "junk"  # "FRIENDS", "Syndrome", "HOSE"
    if _GLUED_RE.search(w):
        return "junk"  # "CONT.WITH", "HCT.INSULIN": two words typed without a space
    if not w[0].isupper() or _CONTRACTION_RE.fullmatch(w) or _CAPS_LOWER_RE.match(w) or _NO_VOWEL_RE.fullmatch(w):
        return "junk"
    if "-" in w and any(len(p) < 2 for p in w.split("-")):
        return "junk"  # "X-Ray", "A-line", "T-wave"
    if label != "NAME" and low in NER_HEAD_WORDS:
        return "head"
    first_names = load_gazetteers()[0]
    if w.isupper() and not caps and len(w) <= 4 and low not in first_names:
        return "junk"  # "RSBI", "RIJ", "TF": capitals in a note typed in lower case are abbreviations
    plain = label == "NAME" and not caps and w[1:].islower() and low not in NER_SKIP_WORDS
    if is_clinical_word(w) and low not in AMBIGUOUS_SURNAMES:
        return "junk"
    if is_misspelled_word(w) or not ner_candidate(w) or (is_safe_word(w) and not is_census_name(w)):
        return "plain" if plain else "junk"
    if (_common_compound(low) and not is_census_name(w)) or (swapped_common_word(w) and low not in first_names):
        return "plain" if plain else "junk"  # "Careview", "Flexiseal": two words run together; "Neice": a typo
    if low in AMBIGUOUS_SURNAMES or low in COLOUR_WORDS:
        return "weak"  # "Foley", "Swan": an eponym; "BROWN", "Amber": a colour (urine, stool, sputum)
    if is_safe_word(w) and low not in first_names:
        return "weak"  # "Care", "Stable", "Pacer": English words that are also census surnames
    if caps and is_known_word(w) and fold_word(w) not in load_vocabulary().strong_names:
        return "weak"  # "MAX", "AMBER", "BOLUS", "CHARLIE" in a line typed in capitals
    if is_census_name(w) or fold_word(w) in load_vocabulary().name_dominant or is_place(w):
        return "name"
    return "weak" if w.isupper() else "name"


def _common_compound(low: str) -> bool:
    """Two everyday words of 4+ letters run together ("careview", "flexiseal"); not "grandone" (grand + one), as
    many surnames are built so."""
    return any(word_zipf(low[:i]) >= 3.5 and word_zipf(low[i:]) >= 3.5 and is_safe_word(low[:i])
               and is_safe_word(low[i:]) for i in range(4, len(low) - 3))


def window_role(token: str, caps: bool, before: str = "") -> str:
    """How the whitespace token ``token`` bears on the NER windows: "open" when it may be part of a core that
    ``ner_entity_cores`` keeps (a ``name`` or ``weak`` word as ``word_class`` sees it for a person; organisation and
    place cores need one too; or a US place, one named by a common word only after a locative word ending
    ``before``), "plain" when it may join a name word next to it ("Anil" in "Anil Patel"), "" otherwise (junk,
    links, heads, initials)."""
    e = _EDGE_RE.match(token)
    if e is None or any(c.isdigit() or c == "/" for c in token):
        return ""
    w = e.group(1)
    if w.endswith(("'s", "’s", "'S", "’S")):
        w = w[:-2]
    kind = word_class(w, "NAME", caps)
    if kind in ("name", "weak"):
        return "open"
    if len(w) > 2 and is_place(w) and (not is_safe_word(w) or bool(_LOCATIVE_BEFORE_RE.search(before))):
        return "open"
    return "plain" if kind == "plain" else ""


def _runs(classes: list[str]) -> list[tuple[int, int]]:
    """Index ranges [i, j) of the runs of non-junk words holding a name or weak word; links trimmed at both ends,
    prefixes at the end."""
    out, i, n = [], 0, len(classes)
    while i < n:
        if classes[i] == "junk":
            i += 1
            continue
        j = i
        while j < n and classes[j] != "junk":
            j += 1
        a, b = i, j
        while a < b and classes[a] == "link":
            a += 1
        while b > a and classes[b - 1] in ("link", "prefix"):
            b -= 1
        if any(c in ("name", "weak") for c in classes[a:b]):
            out.append((a, b))
        i = j
    return out


def _cue_before(text: str, start: int, caps: bool) -> bool:
    """A credential, title or relation word stands right before ``start`` ("RN Tome", "DR. SMOLAREK", "SON ROB");
    credentials that are also clinical abbreviations count in notes typed in lower case only."""
    m = _CUE_BEFORE_RE.search(text, max(0, start - 24), start)
    if m and m.group(1).lower() in _PERSON_CUES and not (caps and m.group(1).lower() in _AMBIGUOUS_CUES):
        return True
    m = _RELATION_AND_RE.search(text, max(0, start - 24), start)  # "SISTER & CHARLIE"
    return bool(m) and m.group(1).lower() in _RELATION_WORDS


_CUE_BEFORE_RE = re.compile(r"([A-Za-z]+)\.?[ \t]*\Z")
_RELATION_AND_RE = re.compile(r"([A-Za-z]+)[ \t]+(?:&|and|AND)[ \t]+\Z")


def _person_after(text: str, end: int, caps: bool, subject: bool = False) -> bool:
    """What follows ``end`` says the words before it are a person: "aware", "notified", a credential ("Tram CNA"),
    a relation in brackets ("Hamid (partner)"); with ``subject`` also a verb of speech or being ("reports", "was")."""
    if _PERSON_AFTER_RE.match(text, end) or _RELATION_AFTER_RE.match(text, end) or (
            subject and _SUBJECT_VERB_RE.match(text, end)):
        return True
    m = _CRED_AFTER_RE.match(text, end)
    return bool(m) and not (caps and m.group(1).lower() in _AMBIGUOUS_CUES)


def _accept_run(text: str, words: list, classes: list[str], a: int, b: int, label: str, caps: bool,
                whole: bool) -> str | None:
    """The label under which the run ``words[a:b]`` is kept, or None. ``whole``: the run is the whole entity."""
    cls = classes[a:b]
    proper = [words[k][2] for k in range(a, b) if classes[k] in ("name", "weak")]
    strong = "name" in cls
    lone = len(proper) == 1 and "plain" not in cls
    if _cue_before(text, words[a][0], caps):
        return "NAME"  # "RN Tome", "HO Falco", "DR. SMOLAREK AWARE", "SON ROB": a person, whatever spaCy called it
    if lone and proper[0].isupper() and len(proper[0]) <= 3 and "initial" not in cls:
        return None  # "MAX", "AMI", "HO": capitals this short are abbreviations without a cue
    initial = any(c == "initial" and k + 1 < len(cls) and (cls[k + 1] == "name" or cls[k + 1] == "weak"
                  and not is_safe_word(words[a + k + 1][2])) for k, c in enumerate(cls))
    after = _person_after(text, words[b - 1][1], caps)
    if label != "NAME" and strong and (initial or after):
        return "NAME"  # "F. Adebisi", "Okafor RN" tagged as a place or an organisation
    if label == "NAME":
        if strong:
            return "NAME"
        if initial or (after and not all(p.lower() in AMBIGUOUS_SURNAMES for p in proper)):
            return "NAME"  # "Z. MILLER", "N. GRANDONE AWARE", "Hamid (partner)"
        p0 = proper[0].lower()
        known = [is_known_word(p) for p in proper]
        if whole and not (any(known) if caps else all(known)) and not (lone and (
                is_safe_word(p0) or p0 in AMBIGUOUS_SURNAMES or p0 in COLOUR_WORDS
                or proper[0].isupper() and len(p0) <= 6)):
            return "NAME"  # spaCy tagged exactly these words, not English ones (in capitals: none of them)
        return None
    heads = "head" in cls
    run = text[words[a][0]:words[b - 1][1]]
    strong = strong or any(classes[k] == "weak" and classes[k + 1] == "head" and is_place(words[k][2])
                           for k in range(a, b - 1))  # a place before its head word: "BALTIMORE REHAB"
    if label == "LOCATION":
        if is_place(run) and not (lone and (is_safe_word(proper[0]) or proper[0].lower() in AMBIGUOUS_SURNAMES)):
            return label  # "RIJ Swan", "and Comfort": a common word, no place
        return label if strong and (heads or cls.count("name") > 1) else None
    # ORGANIZATION: a proper noun with another proper word or its head word ("Harbor Hosp", "Beth Israel")
    if strong and len(proper) + heads >= 2:
        return label
    if lone and strong and proper[0].lower() in load_gazetteers()[0] and not is_safe_word(proper[0]):
        return "NAME"  # a first name spaCy took for an organisation
    return None


def ner_entity_cores(text: str, ent, t: str) -> list[tuple[int, int, str]]:
    """The proper-noun cores of an NER entity as (start, end, label): the runs of name words of the entity with the
    ordinary, clinical, misspelt, abbreviated and lower-case words around them cut off ("CONTS TO REC LASIX" has
    none; "Z. MILLER AWARE" -> "Z. MILLER"; "RN Tome" -> "Tome" as a name). spaCy tags whole clauses of notes typed
    in capitals as organisations or persons, so a run made only of ``weak`` words (unknown capitals, common words
    that are also surnames) is kept only with evidence of a person: an initial, a credential or title before it,
    "aware" / "notified" after it, or spaCy tagging exactly those words. A place is a US place (``is_place``); an
    organisation has two proper words or a head word."""
    s = ent.text
    if not s.strip() or "\n" in s.strip():
        return []
    low = s.strip().lower()
    if t == "LOCATION" and (low in US_STATES or low in COUNTRIES or s.strip() in STATE_ABBR):
        return []
    if not has_ner_candidate(s):  # made only of NER non-starters (no window was needed for it)
        return []
    s0 = ent.start_char + len(s) - len(s.lstrip())
    e0 = ent.end_char - len(s) + len(s.rstrip())
    if text[e0:e0 + 1].isalnum() or (s0 and (text[s0 - 1].isalnum() or text[s0 - 1] == "/")):
        return []  # part of a longer token ("SvO2", "mmol/L")
    if inside_score_eponym(text, s0, e0):
        return []  # "Ranson 3", "Hunt and Hess 2": a score's eponym (``eponym_scores``)
    caps = _caps_line(text, ent.start_char, ent.end_char)
    w = s.strip()
    if (t == "LOCATION" or " " in w) and is_place(w):  # "Great Falls", "Eau Claire", "in Eureka": a US place
        if " " not in w and (w.lower() in AMBIGUOUS_SURNAMES or (is_safe_word(w) and not _LOCATIVE_BEFORE_RE.search(
                text[max(0, ent.start_char - 16):ent.start_char]))):
            return []  # a place named by a common word ("Comfort", "Swan") only after "in", "from", ...
        return [(ent.start_char, ent.end_char, t)]
    words = _entity_words(text, ent.start_char, ent.end_char)
    classes = [word_class(w, t, caps, text[e - 1:e] == ".") for _, e, w in words]
    out = []
    for a, b in _runs(classes):
        label = _accept_run(text, words, classes, a, b, t, caps, whole=(a == 0 and b == len(words)))
        if label is None:
            continue
        rs, re_ = words[a][0], words[b - 1][1]
        if label != "NAME" and (text[re_:re_ + 20].lstrip(" \t").startswith(":") or is_service_name(text[rs:re_])):
            continue  # a field label ("Coumadin Clinic:"); a service ("Pulm Clinic", "Neuro ICU")
        if followed_by_eponym_noun(text, re_) or inside_score_eponym(text, rs, re_) or exam_finding(text, rs, re_):
            continue  # Parkinson's disease, TED hose, Foley catheter; "Aldrete 9", "Hunt and Hess| 2"; "neg Lachman"
        if label == "NAME" and b - a == 1 and is_known_word(words[a][2]) and starts_sentence(text, rs) and \
                fold_word(words[a][2]) not in load_vocabulary().strong_names \
                and not _person_after(text, re_, caps, True) and not _cue_before(text, rs, caps):
            continue  # a lone known word opening a sentence ("Alert, confused", "Max temp", "Brown/green")
        if in_thing_context(text, rs, re_) and "head" not in classes[a:b] and not _cue_before(text, rs, caps) and (
                label != "NAME" or b - a == 1):
            continue  # "Coum held", "sedated on Propo and Fent", "Criticaid applied": drugs, feeds, dressings
        if label == "NAME" and b - a == 1 and not is_census_name(words[a][2]) and (
                in_drug_list(text, rs, re_) or opens_system_heading(text, rs)):
            continue  # "receiving Vano, Ceftaz, Flagyl": a drug in a list of drugs; "Skin: Stenum with dsd"
        out.append((rs, re_, label))
    return out


def keep_ner_entity(text: str, ent, t: str) -> bool:
    """True when the entity has a proper-noun core (see ``ner_entity_cores``)."""
    return bool(ner_entity_cores(text, ent, t))


NER_LABELS = {"PERSON": "NAME", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION", "ORG": "ORGANIZATION"}


def find_ner_entities(text: str, entities) -> list[Candidate]:
    """spaCy entities (PERSON, GPE/LOC/FAC, ORG) cut to their proper-noun cores (``ner_entity_cores``); person names
    trimmed to their name words. ``entities``: ``NerEntity`` objects in input coordinates."""
    out = []
    for ent in entities or ():
        t = NER_LABELS.get(ent.label_)
        if t is None:
            continue
        for s, e, label in ner_entity_cores(text, ent, t):
            if label == "NAME":
                s, e = trim_name(text, s, e)
            if e > s:
                out.append(Candidate(s, e, label, 0.85 if label == "NAME" else 0.7))
    return out
