"""Safe-list name scan (the method of Philter: Norgeot et al., npj Digital Medicine 3:57, 2020).

A token that sits in a *name context* and is not in the vocabulary of English and clinical words
(:mod:`.lexicon`) is a name (45 CFR 164.514(b)(2)(i)(A): names of the individual, relatives, employers,
household members; clinicians' names are removed by the same rule here). Name contexts:

* titles (Dr, Mr, Mrs, Ms, Mx, Prof) and credentials or roles before a name (RN, NP, ANP, PA-C,
  interpreter, attending ...), credentials after it ("R. Lund, MD");
* relations and household words (son, daughter, wife, lives with, accompanied by, called, named);
* footers and sign-offs ("Printed ... by", "Electronically signed by", "Dictated by");
* name fields ("Patient:", "Pt:", "Emergency contact:") and the "LAST, FIRST M" header form;
* the word next to a NAME placeholder (a surname left after the first name was redacted);
* rows of delimited tables (CSV, TSV, semicolon, pipe, space-aligned) pasted into a note (:mod:`.rows`).

In those contexts initials ("J.R.", "RN KT", "kt/rn", "initials: a.g.") are names too, and so is a 1990 US
Census first name that is also an English word ("Lives with Faith and Buck", "friend Will", "Wife: Honey")
when written capitalised; after a lower-case kin noun inside a sentence any capitalised word is ("son Chip").
Surname particles ("van der Berg, Anneke", "DE LA CRUZ , ROSARIO") belong to the surname. Capitalised out-of-vocabulary words found
anywhere else are returned for review (not blocking): NER-style findings, not proof of a name.
Input is folded text (:mod:`.normalize`) with placeholders masked (:mod:`.findings`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .contexts import find_context_names
from .findings import Placeholder
from .lexicon import CLINICAL_SUPPLEMENT, in_vocabulary, is_census_first_name, is_census_name, is_clinical, zipf
from .rows import CLINICAL_LIST_LINE_RE, RELATION_CELLS, find_row_cells

TOKEN_RE = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+|-[A-Za-z]+)*\.?")
STOP = frozenset("""a an the and or but of in on at to for with by from as is was are were be been has had have he she
they his her their him them it its this that who which not no yes per via re pt patient patients s also will would
can could may might should must shall do did does done am pm mg ml iv po prn bid tid qid qd qhs q md np rn pa ok
all any each one two some none same other new old see seen mr mrs ms dr""".split())
# case-sensitive: "ms" is milliseconds, "MS" after a grade is mitral stenosis (checked below)
TITLES = (r"(?:Dr|DR|dr|Doctor|DOCTOR|doctor|Mr|MR|mr|Mrs|MRS|mrs|Ms|MS|Mx|MX|Miss|MISS|Prof|PROF|prof|Professor|"
          r"Mister|Madam|Sra|Srta)")
_CREDS_CI = (r"(?:rn|lpn|lvn|np|anp|fnp|agnp|acnp|cnp|aprn|cns|cnm|crna|cna|rrt|pharmd|rph|msw|lcsw|licsw|lmsw|dnp|bsn|"
             r"msn|pa-c|ccm|cdces|cde|ibclc|cwocn|otr|dpt|mft|lpc|lmhc|psyd|"
             r"ccds|rdcs|rcs|rvt|rcis|cct|ceps|ccrn|cpht)")
_CREDS_CS = r"(?:MD|M\.D\.|DO|D\.O\.|PA|PhD|FACC|FACP|FAHA|MPH|OT|SLP|EMT|NRP|CCRN|RD|SW|RT|CNA|CM)"
# upper-case credentials and roles that also precede a name ("PA Fenwick", "OT Lewis", "MD Lindqvist", "SW Adebayo",
# "MA JT": medical assistant, "RT Brannigan": respiratory therapist); DO/PhD only follow it
_CREDS_BEFORE_CS = r"(?:PA|PA-C|OT|PT|SLP|EMT|NRP|RD|MD|SW|MA|RT)"
_ROLES = (r"(?:interpreter|translator|nurse|attending|resident|fellow|intern|surgeon|physician|provider|pcp|"
          r"cardiologist|hospitalist|intensivist|clinician|therapist|pharmacist|technician|tech|sonographer|scribe|"
          r"chaplain|caller|guardian|poa|proxy|witness|author|cosigner|co-signer|preceptor|student|coordinator|"
          r"case\s+manager|social\s+worker|dietitian|midwife|doula|paramedic|aide|attn|user|operator|officer|"
          r"trooper|deputy|detective|agent|referring|referred|reading|interpreting|sonographer|clerk|secretary|sitter|"
          r"transporter|escort|pct|pca|cma|lna|stna|mha)")
# kin and household nouns, singular and plural ("son Chip", "Roommates: Sterling and Bud", "children, Hope and Grant")
_KIN = (r"(?:[a-z]+-in-laws?|sons?|daughters?|wife|wives|husbands?|spouses?|partners?|mothers?|mom|mum|fathers?|dad|sisters?|"
        r"brothers?|siblings?|nieces?|nephews?|aunts?|uncles?|cousins?|grandsons?|granddaughters?|grandchild|"
        r"grandchildren|grandmother|grandfather|grandma|grandpa|friends?|neighbou?rs?|caregivers?|fianc[ée]e?|"
        r"boyfriend|girlfriend|roommates?|housemates?|stepsons?|stepdaughters?|stepmother|stepfather|"
        r"landlord|landlady|employer|boss|coworkers?|co-workers?|pastor|children|kids|grandkids|stepchildren|parents|"
        r"twins|dtr|dau|sis|bro|husb|hsb|gdtr|gdau)")
_RELATIONS = (rf"(?:{_KIN}|married\s+to|engaged\s+to|lives\s+(?:with|w/)|living\s+(?:with|w/)|stays\s+with|"
              r"staying\s+with|resides\s+with|residing\s+with|accompanied\s+by|visited\s+by|brought\s+in\s+by|"
              r"d/w|discussed\s+with|reviewed\s+with|met\s+with|talked\s+(?:with|to)|notified|paged|texted|"
              r"spoke\s+(?:with|to)|called|named|goes\s+by|known\s+as|aka|a\.k\.a\.|"
              r"prefers\s+to\s+be\s+called|prefers|nickname|c/o|care\s+of)")
_FOOTER = (r"(?:printed|signed|dictated|transcribed|entered|authored|authenticated|cosigned|co-signed|attested|"
           r"scribed|assessed|seen|evaluated|examined|reconciled|counsell?ed|witnessed|triaged|precepted|supervised|"
           r"obtained|collected|administered|documented|charted|covered|relieved|accepted|"
           r"verified|created|edited|modified|completed|performed|interpreted|confirmed|referred|ordered|reviewed|"
           r"approved|released|prepared|written|typed|scanned|faxed|sent)")
_FIELDS = (r"(?:patient(?:\s+name)?|pt(?:\s+name)?|name|full\s+name|emergency\s+contact|contact|next\s+of\s+kin|nok|"
           r"insured|subscriber|guarantor|spouse|mother|father|pcp|attending|referring(?:\s+(?:md|provider))?|"
           r"provider|author|signed|from|to|re|interpreter|caller|guardian|user|requested\s+by|printed\s+by|"
           r"client|resident|member|recipient|source|(?:patient\s+|pt\s+)?initials|(?:electronically\s+)?(?:co-?signed|countersigned)|documented|entered|"
           r"verified|dictated|transcribed|authenticated)")

VALVE_GRADE_RE = re.compile(r"(?i:\b(?:mild|moderate|severe|trace|trivial|minimal|no|significant|functional|"
                            r"eccentric|central|residual|worsening|new|and|with|of)|\d\+?|[-+/])[ \t]*$")
# "dr park, PGY-1", "discussed with dr church and", "Ordering: dr sweet" (a surname that is an English word)
DR_LOWER_RE = re.compile(r"(?<![\w.])(?:dr|Dr|DR)\.?[ \t]+([a-z][a-z'-]{2,})(?=[ \t]*(?:$|[\n,;)]|and\b|&|"
                         r"(?:md|do|pgy)\b)|[ \t]+(?i:md|do|pgy)\b)", re.M)
_DR_NOUNS = frozenset("""note notes order orders office visit appt appointment rec recs recommendation recommendations
team service aware notified updated paged called informed recommends agrees states plan orders""".split())
TITLE_RE = re.compile(rf"\b{TITLES}\b\.?[ \t]+")
# the cue, then a colon or a spaced dash ("RN - JC", "Charge RN — Siobhan"; not "RN-BC")
_CUE_GAP = r"\.?(?:[ \t]*:|[ \t]+-(?=[ \t]))?[ \t]*"
ROLE_RE = re.compile(rf"(?:\b{_CREDS_CI}\b|\b{_ROLES}\b){_CUE_GAP}", re.I)
ROLE_CS_RE = re.compile(rf"(?<![\w./]){_CREDS_BEFORE_CS}(?![\w/]){_CUE_GAP}")
# initials written before a slash and a credential: "kt/rn", "JB/LPN"
SLASH_CRED_RE = re.compile(rf"(?<![\w/])([A-Za-z]{{2,3}})/(?i:{_CREDS_CI})(?![\w/])|"
                           rf"(?<![\w/])(?i:{_CREDS_CI})/([A-Za-z]{{2,3}})(?![\w/])")
# a lower-case sign-off line of initials and a credential: "-kl, rn", "jt lpn"
SIGNOFF_LOWER_RE = re.compile(rf"(?m)(?:^|(?<=[\s-]))([a-z]{{2,3}}),?[ \t]+{_CREDS_CI}[ \t.]*$")
# "Pt initials J.D.", "pt: b.k.": dotted initials, lower case included (not "a.m.", "e.g.", "b.i.d.")
DOTTED_INITIALS_RE = re.compile(r"\b(?:(?:pt|patient)[ \t]*[:=#]|(?:(?:pt|patient)[ \t]+)?initials[ \t]*[:=#]?)[ \t]*"
                                r"((?:[A-Za-z]\.[ \t]?){2,3})(?![\w])", re.I)
_LATIN_DOTTED = frozenset("am pm eg ie qd bid tid qid hs po pr sl od os ou prn qhs cf ca vs ad as au dc iv im sq sc "
                          "ns us np".split())
# "pt Frank reports", "Patient Hope Okafor": a capitalised first name right after the word for the patient
PT_BARE_RE = re.compile(r"\b(?:pt|Pt|PT|patient|Patient)[ \t]+(?=[A-Z][a-z])")
PT_PAREN_RE = re.compile(r"\b(?:pt|patient)[ \t]*\([ \t]*", re.I)
CRED_AFTER_RE = re.compile(rf",?[ \t]+(?:(?i:{_CREDS_CI})|{_CREDS_CS})(?![\w])")
NOT_NAME_RE = re.compile(r"(?i:hospital|clinic|center|centre|medical|medicine|health|department|dept|unit|service|"
                         r"services|institute|associates|group|practice|university|college|county|city|school|"
                         r"home|house|office|ward|floor|team|lab|laboratory|pharmacy|program)$")
RELATION_RE = re.compile(rf"\b{_RELATIONS}(?![\w])[ \t]*(?:[,(:][ \t]*|(?:is|was|are|were|include|includes|named|called)"
                         r"[ \t]+)?", re.I)
KIN_RE = re.compile(rf"{_KIN}$")
# words that say where or how a relative is, capitalised by habit after a kin noun: not names ("daughter Present")
KIN_PREDICATES = frozenset("""present aware updated notified available involved agrees agreeable states reports
reported visiting deceased alive living healthy unknown absent here there called came died passed lives""".split())
# stop words that are census first names and can be names: the modal verbs ("Brother Will", "Wife: May");
# "In", "An", "See", "Ok", "Pa" on the census lists are never taken as names
_MODAL_FIRST_NAMES = frozenset({"will", "may"})
# a closing before the writer's name at the end of a message: "Thanks, Hope", "Regards,\nGrant Ode"
SIGNOFF_RE = re.compile(r"(?im)^[ \t-]*(?:thanks|thank[ \t]+you|many[ \t]+thanks|regards|best(?:[ \t]+regards)?|"
                        r"sincerely|cheers|respectfully|warm[ \t]+regards)[ \t]*,?[ \t]*(?:\n[ \t]*)?(?=[^\n]{1,40}$)")
FOOTER_RE = re.compile(rf"\b{_FOOTER}\b[^\n]{{0,60}}?\bby\b[ \t]*:?[ \t]*", re.I)
FIELD_RE = re.compile(rf"(?:^|(?<=[\n|;]))[ \t]*{_FIELDS}[ \t]*[:=#][ \t]*|(?<=[ \t]{{2}}){_FIELDS}[ \t]*:[ \t]*",
                      re.I | re.M)
# "Valerie Ruiz is a 93 y/o woman", "J. Smith was a 70-year-old": a person introduced by an age
INTRO_RE = re.compile(r"(?:^|(?<=\n)|(?<=[.:;][ \t]))[ \t]*((?:[A-Z][A-Za-z'-]+|[A-Z]\.)(?:[ \t]+(?:[A-Z][A-Za-z'-]+|[A-Z]\.)){0,3})"
                      r"[ \t]+(?i:is|was)[ \t]+(?i:an?)[ \t]+(?:\d{1,3}|[A-Za-z]+(?:-[A-Za-z]+)?)[ -]?"
                      r"(?i:y|yo|year|years|yr|month)", re.M)
ALLCAPS_PAIR_RE = re.compile(r"(?<![\w])([A-Z]{2,}(?:-[A-Z]{2,})?),[ \t]*([A-Z]{2,}(?:-[A-Z]{2,})?)(?:[ \t]+[A-Z]\.?)?(?![\w])")
# surname particles ("van der Berg", "DE LA CRUZ", "di Stefano", "St. John")
_PARTICLES = (r"(?i:van|von|der|den|de|del|della|dela|di|da|du|la|le|lo|st\.?|ste\.?|bin|ibn|al|el|ter|ten|dos|das|do|"
              r"mac|mc|ni|nic|ui|ua|ap)")
LAST_FIRST_RE = re.compile(rf"(?:^|(?<=[\n|;:]))[ \t]*((?:{_PARTICLES}[ \t]+){{0,2}}(?:[A-Z][A-Za-z'-]+|[A-Z]{{2,}}))"
                           r"[ \t]*,[ \t]*([A-Z][A-Za-z'-]+|[A-Z]{2,})(?:[ \t]+[A-Z]\.?)?(?![\w])", re.M)
_CREDENTIAL_WORDS = frozenset("""rph pharmd pharm md do rn np pa lpn lvn cna crna aprn dnp lcsw msw phd mbbs facc cnp
rrt slp ot pt rd ccrn fnp anp acnp agacnp pa-c dpt otr licsw cm ccm msw lmsw cde cdces""".split())
# a credential that is also a pair of initials: alone at the end of a clause it is the person ("verified by CM.")
_INITIALS_WHEN_ALONE = frozenset({"cm"})
# consulting services written as two-letter abbreviations ("seen by ID", "evaluated by IR"): no initials
_SERVICE_ABBR = frozenset("id ir ob em er ed ns im fm pm hm uc tx gs ct us nm".split())
_SKIPPED_FIRST = _CREDENTIAL_WORDS | (RELATION_CELLS - {"self", "other"})
@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str

    @property
    def word(self) -> str:
        return self.text.rstrip(".")


@dataclass(frozen=True)
class NameSpan:
    start: int
    end: int
    detector: str
    blocking: bool = True


def tokens(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(text)]


def _is_cap(w: str) -> bool:
    return w[:1].isupper()


def _is_titlecase(w: str) -> bool:
    return len(w) >= 2 and w[0].isupper() and w[1:].replace("'", "").replace("-", "").islower()


def is_initials(w: str, *, lower_ok: bool = False) -> bool:
    """"J", "KT", "JRR" (and "kt" where ``lower_ok``): 1-3 letters, one case, not a word or abbreviation."""
    if not (1 <= len(w) <= 3 and w.isalpha()):
        return False
    if not (w.isupper() or (lower_ok and w.islower() and len(w) >= 2)):
        return False
    low = w.lower()
    return low not in STOP and low not in CLINICAL_SUPPLEMENT and low not in _SERVICE_ABBR and \
        not (len(w) == 3 and in_vocabulary(low))


def is_name_word(w: str) -> bool:
    """A name in a name context: out of the vocabulary (or a name-dominant word), not a stop word; a hyphenated
    word made of vocabulary words ("son-in-law", "follow-up") is not a name."""
    low = w.lower()
    if "-" in low and all(p and p not in STOP and in_vocabulary(p) or p in STOP for p in low.split("-")):
        return False
    return len(w) >= 2 and low not in STOP and not in_vocabulary(low)


class _Scan:
    def __init__(self, text: str, placeholders: list[Placeholder], marked: frozenset[int] = frozenset()):
        self.text = text
        self.toks = tokens(text)
        # tokens written with letters outside ASCII in the caller's text ("AŞ", "NÖ", "Đỗ", "dũng"): folding made
        # them look like English words ("as", "no", "do", "dung"), which they are not
        self.foreign = frozenset(i for i, t in enumerate(self.toks) if marked and any(p in marked for p in range(t.start, t.end)))
        self.starts = {t.start: i for i, t in enumerate(self.toks)}
        self.placeholders = placeholders
        self.out: list[NameSpan] = []

    def token_at(self, pos: int) -> int | None:
        """Index of the first token starting at ``pos`` (after spaces/tabs only)."""
        while pos < len(self.text) and self.text[pos] in " \t":
            pos += 1
        return self.starts.get(pos)

    def gap(self, i: int) -> str:
        return self.text[self.toks[i - 1].end:self.toks[i].start]

    def run(self, i: int | None, detector: str, *, first_lower: bool = False, initials_lower: bool = False,
            max_tokens: int = 4, require_first: bool = True, all_caps_names: bool = True,
            any_titlecase: bool = False, everyday: bool = False, rare_lower: bool = False,
            stop_first_names: bool | None = False) -> None:
        """Walk a name run from token ``i``; add the name words and initials found in it.

        ``everyday``: a census first name that is also an English word ("Faith", "Will", "Bud") is a name here
        when written capitalised (or in an all-caps line); ``rare_lower``: a lower-case first word is a name
        only when it is rare in English (Zipf < 2: "kowalczyk", not "swab")."""
        if i is None:
            return
        while self.toks[i].word.lower() in _SKIPPED_FIRST and i not in self.foreign and not (
                self.toks[i].word.lower() in _INITIALS_WHEN_ALONE and self.clause_end(i)) and not (
                _is_titlecase(self.toks[i].word) and len(self.toks[i].word) == 2 and self.joined_to_name(i, rare=True)):
            if i + 1 >= len(self.toks) or not re.fullmatch(r"[ \t]?|[ \t]*,[ \t]*",
                                                              self.text[self.toks[i].end:self.toks[i + 1].start]):
                return  # "by RPh [NAME]": a credential or relation word is never the name
            i += 1  # "by RPh Okafor", "with son-in-law Tomasz": the name follows the credential or relation
        hits: list[Token] = []
        for k in range(i, min(i + max_tokens, len(self.toks))):
            t = self.toks[k]
            if k > i and not re.fullmatch(r"[ \t]?|[ \t]*(?:and|&)[ \t]*|,[ \t]*", self.gap(k)):
                break
            w = t.word
            if w.lower() in ("and",):
                continue
            if not any_titlecase and t.text.lower().endswith("'s") and k + 1 < len(self.toks) \
                    and self.toks[k + 1].text[:1].islower():
                break  # "living with Parkinson's disease": a possessive eponym, not a name
            foreign = k in self.foreign and len(w) >= 2
            name = (is_name_word(w) or foreign) and (_is_cap(w) or (k == i and first_lower) or w.isupper() or (
                k == i and rare_lower and ((len(w) >= 4 and zipf(w) < 2.0) or foreign)))
            ini = (is_initials(w, lower_ok=initials_lower and k == i) or (
                len(w) == 1 and t.text.endswith(".") and (w.isupper() or initials_lower))) \
                and self.text[t.end:t.end + 1] != "/"  # "N/A", "S/P" are no initials
            if not (name or ini) and everyday and self.everyday_first_name(t, stop_ok=stop_first_names):
                name = True
            if any_titlecase and k == i and w.lower() in KIN_PREDICATES:
                return
            if not (name or ini) and any_titlecase and k == i and _is_titlecase(w) and is_census_first_name(w):
                name = True  # "friend Will", "Mr. May": a first name that is also a function word
            if not (name or ini) and k == i and rare_lower and _is_titlecase(w) and zipf(w) < 4.0 and \
                    self.clause_end(k) and not is_clinical(w) and w.lower() not in STOP and not NOT_NAME_RE.match(w):
                name = True  # after a credential, a Title-case word rare in English closing the clause: "RN Khalid"
            if not (name or ini) and k == i and (_is_titlecase(w) or (any_titlecase and w.isupper() and len(w) >= 2)) \
                    and not is_clinical(w) and not NOT_NAME_RE.match(w):
                # "Mr. Long", "Bill Alvarez", "Le Thi Mai", "Do Thi Huong" (a function word only before a name run)
                name = (any_titlecase and w.lower() not in STOP) or self.joined_to_name(k, rare=w.lower() in STOP)
            if not (name or ini):
                if k == i and require_first:
                    return
                if hits and _is_titlecase(w) and self.gap(k) == " " and is_census_first_name(w):
                    hits.append(t)  # a given name that is also a function word closes the run: "Nguyen Van An"
                    continue
                if not _is_cap(w) or w.lower() in STOP or NOT_NAME_RE.match(w) or is_clinical(w):
                    break
                if hits and not w.isupper():  # a capitalised word joined to a name is part of it ("Nguyen Thi Hong")
                    hits.append(t)
                continue
            if w.isupper() and len(w) >= 4 and not all_caps_names:
                break
            hits.append(t)
        for t in hits:
            end = t.end if (len(t.word) == 1 and t.text.endswith(".")) else t.start + len(t.word)
            self.out.append(NameSpan(t.start, end, detector))


    def clause_end(self, i: int) -> bool:
        """Nothing but spaces before the end of the line or a full stop, semicolon, comma or bracket."""
        return re.match(r"[ \t]*(?:$|[\n.;,)])", self.text[self.toks[i].end:]) is not None

    def joined_to_name(self, k: int, *, rare: bool = False) -> bool:
        """Token ``k`` opens a run of up to four capitalised words, single-spaced, one of them a name (``rare``:
        a name that is rare as an English word, Zipf < 4: "Do Thi Huong", not "In Law")."""
        for j in range(k + 1, min(k + 4, len(self.toks))):
            nxt = self.toks[j]
            if self.text[self.toks[j - 1].end:nxt.start] != " " or not _is_titlecase(nxt.word):
                return False
            if is_name_word(nxt.word) and (not rare or zipf(nxt.word) < 4.0):
                return True
        return False

    def everyday_first_name(self, t: Token, *, stop_ok: bool | None = False) -> bool:
        """A capitalised census first name that is also an English word. A function word among them ("Will",
        "May") counts when ``stop_ok`` is True, or inside a sentence when it is False ("Brother Will"), never
        when it is None ("Pt Will need PT")."""
        w = t.word
        low = w.lower()
        shaped = _is_titlecase(w) or (w.isupper() and len(w) >= 3 and not _mixed_case_line(self.text, t.start))
        before = self.text[:t.start].rstrip(" \t")
        allow_stop = stop_ok is not None and low in _MODAL_FIRST_NAMES and (
            stop_ok or (_is_titlecase(w) and before[-1:].isalpha()))
        return shaped and is_census_first_name(low) and (low not in STOP or allow_stop) \
            and low not in RELATION_CELLS and low not in _CREDENTIAL_WORDS and not is_clinical(w) \
            and not NOT_NAME_RE.match(w) and not re.fullmatch(_ROLES, low)


def _mixed_case_line(text: str, pos: int) -> bool:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    letters = [c for c in text[start:end if end >= 0 else len(text)] if c.isalpha()]
    return bool(letters) and sum(c.islower() for c in letters) / len(letters) > 0.3


def _clinical_list_line(text: str, pos: int) -> bool:
    """The line holding ``pos`` starts with a clinical-list label (:data:`CLINICAL_LIST_LINE_RE`)."""
    start = text.rfind("\n", 0, pos) + 1
    return CLINICAL_LIST_LINE_RE.match(text, start) is not None


def _last_first_ok(a: str, b: str) -> bool:
    """"OKONKWO, ADAEZE" / "Smith, Ola": same casing, neither a clinical word, at least one a name; all-caps
    pairs need a name of 4+ letters (short all-caps words are abbreviations: "NSR, RATE", "BPH, HTN")."""
    if a.isupper() != b.isupper() or is_clinical(a) or is_clinical(b):
        return False
    if a.isupper():
        return any(len(w) >= 4 and is_name_word(w) for w in (a, b)) and min(len(a), len(b)) >= 2
    return is_name_word(a) or is_name_word(b)


def _more_given_names(scan: _Scan, pos: int, caps: bool) -> None:
    """Given and middle names after "LAST, FIRST" ("HOANG, THI LAN", "Pham, Van Duc"): up to two more words of
    the same case that are names (out of the vocabulary or census first names)."""
    i = scan.token_at(pos)
    for k in range(i, min(i + 2, len(scan.toks))) if i is not None else ():
        t = scan.toks[k]
        gap = scan.text[(scan.toks[k - 1].end if k > i else pos):t.start]
        w = t.word
        if not re.fullmatch(r"[ \t]", gap) or (w.isupper() != caps) or not _is_cap(w) or \
                not (is_name_word(w) or is_census_first_name(w) or len(w) == 1):
            break
        scan.out.append(NameSpan(t.start, t.start + len(w), "last_first"))


def _beside_placeholder_ok(w: str, foreign: bool = False) -> bool:
    """A capitalised word of 3+ letters that is not an all-caps abbreviation ("CP", "NJ", "CCDS") nor a
    credential ("RPh", "PharmD"); ``foreign``: written with letters outside ASCII, 2 letters suffice ("Đỗ")."""
    if foreign and _is_titlecase(w):
        return True
    return _is_cap(w) and len(w) >= 3 and not (w.isupper() and len(w) <= 4) and not is_clinical(w) \
        and w.lower() not in _CREDENTIAL_WORDS


def find_names(text: str, placeholders: list[Placeholder] | None = None,
               marked: frozenset[int] = frozenset()) -> list[NameSpan]:
    """Blocking name spans (in name contexts) and review spans (capitalised out-of-vocabulary words).
    ``marked``: offsets of ``text`` that were letters outside ASCII before folding (never English words here)."""
    scan = _Scan(text, placeholders or [], marked)
    for m in TITLE_RE.finditer(text):
        if m.group().strip(" \t.").upper() in ("MR", "MS") and m.group()[:2].isupper() and (
                _mixed_case_line(text, m.start()) or VALVE_GRADE_RE.search(text[max(0, m.start() - 20):m.start()])):
            continue  # "mild MR. Color Doppler": mitral regurgitation / stenosis, not a title
        scan.run(scan.token_at(m.end()), "title", first_lower=True, any_titlecase=True)
    for m in DR_LOWER_RE.finditer(text):
        w = m.group(1)
        if w not in STOP and w not in _DR_NOUNS and not is_clinical(w):
            scan.out.append(NameSpan(m.start(1), m.end(1), "title"))
    for m in INTRO_RE.finditer(text):
        scan.run(scan.token_at(m.start(1)), "introduced_by_age", max_tokens=4)
    for m in ALLCAPS_PAIR_RE.finditer(text):
        a, b = m.group(1), m.group(2)
        # inside mixed-case prose an all-caps pair is a name only with a census name or two long unknown words
        # ("KING, ZOE"; not "LIMA-LAD, SVG-OM", "TR, RVSP")
        strong = any(len(w) >= 3 and "-" not in w and is_census_name(w) for w in (a, b)) or \
            all(len(w) >= 5 and "-" not in w for w in (a, b))
        if strong and _mixed_case_line(text, m.start()) and _last_first_ok(a, b) \
                and not _clinical_list_line(text, m.start()):
            for g in (1, 2):
                scan.out.append(NameSpan(m.start(g), m.end(g), "last_first"))
            _more_given_names(scan, m.end(2), True)
    for m in ROLE_RE.finditer(text):
        cue = m.group().strip(" \t:.").lower()
        role_word = re.fullmatch(_ROLES, cue, re.I) is not None
        lower_cue = m.group()[:1].islower()  # "rn gwen aware"; after "NP" a lower-case word is a rare one only
        labelled = ":" in m.group() or re.match(r"[ \t]*[a-z]+[ \t]*(?:$|[\n.;,)])", text[m.end():], re.M) is not None
        scan.run(scan.token_at(m.end()), "role", first_lower=not role_word and (lower_cue or labelled),
                 initials_lower=not role_word,
                 rare_lower=not role_word, everyday=True, stop_first_names=None)
    for m in ROLE_CS_RE.finditer(text):
        scan.run(scan.token_at(m.end()), "role", everyday=True, stop_first_names=None)
    for m in SLASH_CRED_RE.finditer(text):
        g = 1 if m.group(1) else 2
        w = m.group(g)
        if (w.islower() or w.isupper()) and is_initials(w, lower_ok=True):
            scan.out.append(NameSpan(m.start(g), m.end(g), "initials_slash_credential"))
    for m in SIGNOFF_LOWER_RE.finditer(text):
        if is_initials(m.group(1), lower_ok=True):
            scan.out.append(NameSpan(m.start(1), m.end(1), "signoff_initials"))
    for m in DOTTED_INITIALS_RE.finditer(text):
        letters = re.sub(r"[^A-Za-z]", "", m.group(1)).lower()
        if letters not in _LATIN_DOTTED:
            scan.out.append(NameSpan(m.start(1), m.end(1), "dotted_initials"))
    for m in PT_BARE_RE.finditer(text):
        scan.run(scan.token_at(m.end()), "patient_word", everyday=True, stop_first_names=None, max_tokens=2)
    for m in PT_PAREN_RE.finditer(text):
        scan.run(scan.token_at(m.end()), "field", max_tokens=3)
    ends = {t.end: i for i, t in enumerate(scan.toks)}
    for m in CRED_AFTER_RE.finditer(text):
        k = ends.get(m.start())
        if k is None:
            continue
        j = k + 1
        while j > 0 and k - j < 3 and (j == k + 1 or re.fullmatch(r"[ \t]?", scan.gap(j))):
            w = scan.toks[j - 1].word
            if not (_is_cap(w) and (is_name_word(w) or is_initials(w) or (j - 1) in scan.foreign or re.fullmatch(_PARTICLES, w)
                                    or scan.everyday_first_name(scan.toks[j - 1], stop_ok=True))):
                break
            j -= 1
        if j <= k and not any(is_name_word(scan.toks[x].word) or (
                len(scan.toks[x].word) >= 3 and scan.everyday_first_name(scan.toks[x], stop_ok=False))
                for x in range(j, k + 1)) and \
                not re.match(r"[ \t]*(?:$|[\n;.,)|])", text[m.end():]):
            continue  # initials alone before a credential that starts a clause: "IV NS, RN aware"
        if j <= k:
            scan.run(j, "credential_after", max_tokens=k - j + 1, everyday=True, stop_first_names=True)
    for m in RELATION_RE.finditer(text):
        cue = m.group().strip(" \t:,(").split()
        # "son Chip", "daughter Summer": after a lower-case kin noun inside a sentence any capitalised word is a name
        kin = bool(cue) and cue[-1][:1].islower() and KIN_RE.match(cue[-1]) is not None \
            and _mixed_case_line(text, m.start())
        scan.run(scan.token_at(m.end()), "relation", first_lower=True, initials_lower=False, everyday=True,
                 any_titlecase=kin)
    for m in SIGNOFF_RE.finditer(text):
        scan.run(scan.token_at(m.end()), "signoff", everyday=True, max_tokens=3)
    for m in FOOTER_RE.finditer(text):
        scan.run(scan.token_at(m.end()), "footer", first_lower=True, initials_lower=True, everyday=True)
    for m in FIELD_RE.finditer(text):
        initials = re.search(r"(?:initials|signed|documented|entered|verified|dictated|transcribed|authenticated)$",
                             m.group().strip(" \t:=#").lower()) is not None
        scan.run(scan.token_at(m.end()), "field", first_lower=False, initials_lower=initials, everyday=True)
    for m in LAST_FIRST_RE.finditer(text):
        a, b = m.group(1).split()[-1], m.group(2)
        if _last_first_ok(a, b) and not _clinical_list_line(text, m.start()):
            for g in (1, 2):
                scan.out.append(NameSpan(m.start(g), m.end(g), "last_first"))
            _more_given_names(scan, m.end(2), b.isupper())
    for p in scan.placeholders:
        if p.label != "NAME" and not p.label.startswith("NAME"):
            continue
        i = scan.token_at(p.end)
        if i is not None and text[p.end:scan.toks[i].start] == " " and \
                _beside_placeholder_ok(scan.toks[i].word, i in scan.foreign):
            scan.run(i, "next_to_placeholder", max_tokens=2)
        k = ends.get(p.start - 1)
        prev = [scan.toks[k]] if k is not None and text[p.start - 1] == " " else []
        if prev and _beside_placeholder_ok(prev[0].word, k in scan.foreign) and \
                (is_name_word(prev[0].word) or k in scan.foreign) \
                and not prev[0].word.lower().endswith("'s"):  # "Parkinson's [NAME]": an eponym, not a name
            scan.out.append(NameSpan(prev[0].start, prev[0].start + len(prev[0].word), "next_to_placeholder"))
    scan.out.extend(NameSpan(a, b, "delimited_row") for a, b in find_row_cells(text))
    foreign_at = {t.start: i for i, t in enumerate(scan.toks) if i in scan.foreign}
    scan.out.extend(NameSpan(a, b, d) for a, b, d in find_context_names(
        text, lambda a, b: any(p in foreign_at for p in range(a, b))))
    blocked = {pos for s in scan.out for pos in range(s.start, s.end)}
    for i, t in enumerate(scan.toks):
        w = t.word
        if not _is_cap(w) or (w.isupper() and len(w) <= 4) or t.start in blocked:
            continue
        sentence_start = i == 0 or re.search(r"[.!?:\n]\s*$", text[max(0, t.start - 3):t.start]) is not None
        if not sentence_start and is_name_word(w):
            scan.out.append(NameSpan(t.start, t.start + len(w), "capitalised_oov", blocking=False))
    return scan.out
