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
* rows of delimited tables (CSV, TSV, semicolon, pipe) pasted into a note.

In those contexts initials ("J.R.", "RN KT") are names too. Capitalised out-of-vocabulary words found
anywhere else are returned for review (not blocking): NER-style findings, not proof of a name.
Input is folded text (:mod:`.normalize`) with placeholders masked (:mod:`.findings`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .findings import Placeholder
from .lexicon import CLINICAL_SUPPLEMENT, in_vocabulary, is_census_name, is_clinical

TOKEN_RE = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+|-[A-Za-z]+)*\.?")
STOP = frozenset("""a an the and or but of in on at to for with by from as is was are were be been has had have he she
they his her their him them it its this that who which not no yes per via re pt patient patients s also will would
can could may might should must shall do did does done am pm mg ml iv po prn bid tid qid qd qhs q md np rn pa ok
all any each one two some none same other new old see seen mr mrs ms dr""".split())
# case-sensitive: "ms" is milliseconds, "MS" after a grade is mitral stenosis (checked below)
TITLES = (r"(?:Dr|DR|dr|Doctor|DOCTOR|doctor|Mr|MR|mr|Mrs|MRS|mrs|Ms|MS|Mx|MX|Miss|MISS|Prof|PROF|prof|Professor|"
          r"Mister|Madam|Sra|Srta)")
_CREDS_CI = (r"(?:rn|lpn|lvn|np|anp|fnp|agnp|acnp|cnp|aprn|cns|cnm|crna|cna|rrt|pharmd|rph|msw|lcsw|dnp|bsn|msn|pa-c|"
             r"ccds|rdcs|rcs|rvt|rcis|cct|ceps|ccrn|cpht)")
_CREDS_CS = r"(?:MD|M\.D\.|DO|D\.O\.|PA|PhD|FACC|FACP|FAHA|MPH|OT|SLP|EMT|NRP|CCRN|RD)"
# credentials that also precede a name ("PA Fenwick", "OT Lewis"); MD/DO/PhD follow it
_CREDS_BEFORE_CS = r"(?:PA|PA-C|OT|SLP|EMT|NRP|RD)"
_ROLES = (r"(?:interpreter|translator|nurse|attending|resident|fellow|intern|surgeon|physician|provider|pcp|"
          r"cardiologist|hospitalist|intensivist|clinician|therapist|pharmacist|technician|tech|sonographer|scribe|"
          r"chaplain|caller|guardian|poa|proxy|witness|author|cosigner|co-signer|preceptor|student|coordinator|"
          r"case\s+manager|social\s+worker|dietitian|midwife|doula|paramedic|aide|attn|user|operator|officer|"
          r"trooper|deputy|detective|agent|referring|referred|reading|interpreting|sonographer)")
_RELATIONS = (r"(?:son|daughter|wife|husband|spouse|partner|mother|mom|mum|father|dad|sister|brother|sibling|niece|"
              r"nephew|aunt|uncle|cousin|grandson|granddaughter|grandchild|grandmother|grandfather|grandma|grandpa|"
              r"friend|neighbou?r|caregiver|fianc[ée]e?|boyfriend|girlfriend|roommate|stepson|stepdaughter|"
              r"stepmother|stepfather|[a-z]+-in-law|landlord|employer|boss|coworker|co-worker|pastor|"
              r"lives\s+with|living\s+with|stays\s+with|accompanied\s+by|visited\s+by|brought\s+in\s+by|"
              r"d/w|discussed\s+with|spoke\s+(?:with|to)|called|named|goes\s+by|known\s+as|aka|a\.k\.a\.|"
              r"prefers\s+to\s+be\s+called|prefers|nickname|c/o|care\s+of)")
_FOOTER = (r"(?:printed|signed|dictated|transcribed|entered|authored|authenticated|cosigned|co-signed|attested|"
           r"verified|created|edited|modified|completed|performed|interpreted|confirmed|referred|ordered|reviewed|"
           r"approved|released|prepared|written|typed|scanned|faxed|sent)")
_FIELDS = (r"(?:patient(?:\s+name)?|pt(?:\s+name)?|name|full\s+name|emergency\s+contact|contact|next\s+of\s+kin|nok|"
           r"insured|subscriber|guarantor|spouse|mother|father|pcp|attending|referring(?:\s+(?:md|provider))?|"
           r"provider|author|signed|from|to|re|interpreter|caller|guardian|user|requested\s+by|printed\s+by)")

VALVE_GRADE_RE = re.compile(r"(?i:\b(?:mild|moderate|severe|trace|trivial|minimal|no|significant|functional|"
                            r"eccentric|central|residual|worsening|new|and|with|of)|\d\+?|[-+/])[ \t]*$")
TITLE_RE = re.compile(rf"\b{TITLES}\b\.?[ \t]+")
ROLE_RE = re.compile(rf"(?:\b{_CREDS_CI}\b|\b{_ROLES}\b)\.?[ \t]*:?[ \t]*", re.I)
ROLE_CS_RE = re.compile(rf"(?<![\w./]){_CREDS_BEFORE_CS}(?![\w/])[ \t]*:?[ \t]*")
CRED_AFTER_RE = re.compile(rf",?[ \t]+(?:(?i:{_CREDS_CI})|{_CREDS_CS})(?![\w])")
NOT_NAME_RE = re.compile(r"(?i:hospital|clinic|center|centre|medical|medicine|health|department|dept|unit|service|"
                         r"services|institute|associates|group|practice|university|college|county|city|school|"
                         r"home|house|office|ward|floor|team|lab|laboratory|pharmacy|program)$")
RELATION_RE = re.compile(rf"\b{_RELATIONS}\b[ \t]*(?:[,(:][ \t]*|(?:is|was|named|called)[ \t]+)?", re.I)
FOOTER_RE = re.compile(rf"\b{_FOOTER}\b[^\n]{{0,60}}?\bby\b[ \t]*:?[ \t]*", re.I)
FIELD_RE = re.compile(rf"(?:^|(?<=[\n|;]))[ \t]*{_FIELDS}[ \t]*[:=#][ \t]*|(?<=[ \t]{{2}}){_FIELDS}[ \t]*:[ \t]*",
                      re.I | re.M)
# "Valerie Ruiz is a 93 y/o woman", "J. Smith was a 70-year-old": a person introduced by an age
INTRO_RE = re.compile(r"(?:^|(?<=\n)|(?<=[.:;][ \t]))[ \t]*((?:[A-Z][A-Za-z'-]+|[A-Z]\.)(?:[ \t]+(?:[A-Z][A-Za-z'-]+|[A-Z]\.)){0,3})"
                      r"[ \t]+(?i:is|was)[ \t]+(?i:an?)[ \t]+(?:\d{1,3}|[A-Za-z]+(?:-[A-Za-z]+)?)[ -]?"
                      r"(?i:y|yo|year|years|yr|month)", re.M)
ALLCAPS_PAIR_RE = re.compile(r"(?<![\w])([A-Z]{2,}(?:-[A-Z]{2,})?),[ \t]*([A-Z]{2,}(?:-[A-Z]{2,})?)(?:[ \t]+[A-Z]\.?)?(?![\w])")
LAST_FIRST_RE = re.compile(r"(?:^|(?<=[\n|;:]))[ \t]*([A-Z][A-Za-z'-]+|[A-Z]{2,}),[ \t]*([A-Z][A-Za-z'-]+|[A-Z]{2,})"
                           r"(?:[ \t]+[A-Z]\.?)?(?![\w])", re.M)
DELIMS = (",", ";", "\t", "|")
_RELATION_CELLS = frozenset("""self spouse wife husband partner mother father son daughter brother sister friend
neighbor neighbour grandson granddaughter grandmother grandfather aunt uncle niece nephew cousin guardian caregiver
son-in-law daughter-in-law mother-in-law father-in-law sibling child parent other""".split())
_CREDENTIAL_WORDS = frozenset("""rph pharmd pharm md do rn np pa lpn lvn cna crna aprn dnp lcsw msw phd mbbs facc cnp
rrt slp ot pt rd ccrn fnp anp acnp agacnp pa-c dpt otr licsw""".split())
_SKIPPED_FIRST = _CREDENTIAL_WORDS | (_RELATION_CELLS - {"self", "other"})
HEADER_WORDS = re.compile(r"^(?:first|last|given|family|sur|middle|full|patient|pt|member|subscriber|contact|nok|"
                          r"guardian|spouse|provider|clinician|physician|doctor|staff|user|author)?[ _]?"
                          r"(?:name|names|first|last|surname|initials|city|town|county|address|street|addr|"
                          r"residence|employer|school|birthplace|place)$", re.I)


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
    return low not in STOP and low not in CLINICAL_SUPPLEMENT and not (len(w) == 3 and in_vocabulary(low))


def is_name_word(w: str) -> bool:
    """A name in a name context: out of the vocabulary (or a name-dominant word), not a stop word; a hyphenated
    word made of vocabulary words ("son-in-law", "follow-up") is not a name."""
    low = w.lower()
    if "-" in low and all(p and p not in STOP and in_vocabulary(p) or p in STOP for p in low.split("-")):
        return False
    return len(w) >= 2 and low not in STOP and not in_vocabulary(low)


class _Scan:
    def __init__(self, text: str, placeholders: list[Placeholder]):
        self.text = text
        self.toks = tokens(text)
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
            any_titlecase: bool = False) -> None:
        """Walk a name run from token ``i``; add the name words and initials found in it."""
        if i is None:
            return
        while self.toks[i].word.lower() in _SKIPPED_FIRST:
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
            name = is_name_word(w) and (_is_cap(w) or (k == i and first_lower) or w.isupper())
            ini = is_initials(w, lower_ok=initials_lower and k == i) or (
                len(w) == 1 and w.isupper() and t.text.endswith("."))
            if not (name or ini) and k == i and (_is_titlecase(w) or (any_titlecase and w.isupper() and len(w) >= 2)) \
                    and w.lower() not in STOP and not is_clinical(w) and not NOT_NAME_RE.match(w):
                nxt = self.toks[k + 1] if k + 1 < len(self.toks) else None
                joined = nxt is not None and self.text[t.end:nxt.start] == " " and _is_titlecase(nxt.word) \
                    and is_name_word(nxt.word)
                name = any_titlecase or joined  # "Mr. Long", "Bill Alvarez"
            if not (name or ini):
                if k == i and require_first:
                    return
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


def _delimited_rows(scan: _Scan) -> None:
    """Name cells of delimited rows pasted into a note. A header row names the PHI columns of the rows below it
    until a blank line or another header row (a lab table after a contact list: "test;value;unit;flag" has no
    PHI column); rows with a measurement and a unit are lab rows."""
    lines = scan.text.split("\n")
    pos = 0
    header_cols: dict[str, set[int]] = {}
    for line in lines:
        if not line.strip(" \t|"):
            header_cols.clear()  # a blank line ends a table
        if CLINICAL_LIST_LINE_RE.match(line):
            pos += len(line) + 1
            continue  # "PMH: DEPRESSION, PAROXYSMAL AF, TIA": a list of conditions, not a pasted row
        for delim in DELIMS:
            cells = line.split(delim)
            if len(cells) < 2 or (len(cells) < 3 and delim not in header_cols):
                if len(cells) == 2 and HEADER_WORDS.match(cells[0].strip()) and HEADER_WORDS.match(cells[1].strip()):
                    header_cols[delim] = {0, 1}
                continue
            stripped = [c.strip() for c in cells]
            heads = {j for j, c in enumerate(stripped) if HEADER_WORDS.match(c)}
            lettered = sum(bool(re.fullmatch(r"[A-Za-z _]+", c)) for c in stripped) == len(stripped)
            if lettered and (len(heads) >= 1 or all(c.islower() or all(in_vocabulary(w) for w in c.split())
                                                    for c in stripped if c)):
                header_cols[delim] = heads  # a header row: its PHI columns (none for "test;value;unit;flag")
                break
            off = pos
            name_cells = []
            for j, c in enumerate(cells):
                s = c.strip()
                cstart = off + (len(c) - len(c.lstrip()))
                words = s.split()
                if words and all(w.lower() in _RELATION_CELLS for w in words):
                    off += len(c) + len(delim)
                    continue  # "self", "mother", "son-in-law": the relation column, not a name
                if s and 1 <= len(words) <= 3 and all(re.fullmatch(r"[A-Za-z][A-Za-z'.-]*", w) for w in words):
                    col_is_phi = j in header_cols.get(delim, set())
                    if col_is_phi or all(_is_cap(w) for w in words) and any(is_name_word(w.rstrip(".")) for w in words):
                        name_cells.append((cstart, cstart + len(s), col_is_phi))
                off += len(c) + len(delim)
            measured = re.search(r"\d[\s;,|]*(?:mg|mcg|ml|g/dl|mmol|meq|%|units?|mmhg|bpm|k/ul|iu|u/l|ng|pg)\b",
                                 line, re.I)
            if name_cells and (len(name_cells) >= 2 or any(p for *_, p in name_cells)) and not measured:
                scan.out.extend(NameSpan(a, b, "delimited_row") for a, b, _ in name_cells)
                break
        pos += len(line) + 1


def _mixed_case_line(text: str, pos: int) -> bool:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    letters = [c for c in text[start:end if end >= 0 else len(text)] if c.isalpha()]
    return bool(letters) and sum(c.islower() for c in letters) / len(letters) > 0.3


# Lines that are a clinical list by their label (problem lists, medications, allergies, review of systems): their
# comma- or semicolon-separated items are conditions and drugs ("PMH: DEPRESSION, PAROXYSMAL AF, TIA"), never
# "LAST, FIRST" names or rows of a pasted contact table. Social and family history and plans are not in the list:
# they may name people.
CLINICAL_LIST_LINE_RE = re.compile(
    r"(?im)^[ \t]*(?:PMH|PSH|PMHx|PSHx|Hx|Meds|Medications|Home[ \t]+meds|Current[ \t]+medications|Allergies"
    r"|Dx|Diagnos[ie]s|Problems?|Problem[ \t]+list|ROS|Past[ \t]+(?:medical|surgical)[ \t]+history)[ \t]*[:-]")


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


def _beside_placeholder_ok(w: str) -> bool:
    """A capitalised word of 3+ letters that is not an all-caps abbreviation ("CP", "NJ", "CCDS") nor a
    credential ("RPh", "PharmD")."""
    return _is_cap(w) and len(w) >= 3 and not (w.isupper() and len(w) <= 4) and not is_clinical(w) \
        and w.lower() not in _CREDENTIAL_WORDS


def find_names(text: str, placeholders: list[Placeholder] | None = None) -> list[NameSpan]:
    """Blocking name spans (in name contexts) and review spans (capitalised out-of-vocabulary words)."""
    scan = _Scan(text, placeholders or [])
    for m in TITLE_RE.finditer(text):
        if m.group().strip(" \t.").upper() in ("MR", "MS") and m.group()[:2].isupper() and (
                _mixed_case_line(text, m.start()) or VALVE_GRADE_RE.search(text[max(0, m.start() - 20):m.start()])):
            continue  # "mild MR. Color Doppler": mitral regurgitation / stenosis, not a title
        scan.run(scan.token_at(m.end()), "title", first_lower=True, any_titlecase=True)
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
    for m in ROLE_RE.finditer(text):
        cue = m.group().strip(" \t:.").lower()
        role_word = re.fullmatch(_ROLES, cue, re.I) is not None
        scan.run(scan.token_at(m.end()), "role", first_lower=not role_word, initials_lower=not role_word)
    for m in ROLE_CS_RE.finditer(text):
        scan.run(scan.token_at(m.end()), "role")
    ends = {t.end: i for i, t in enumerate(scan.toks)}
    for m in CRED_AFTER_RE.finditer(text):
        k = ends.get(m.start())
        if k is None:
            continue
        j = k + 1
        while j > 0 and k - j < 2 and (j == k + 1 or re.fullmatch(r"[ \t]?", scan.gap(j))):
            w = scan.toks[j - 1].word
            if not (_is_cap(w) and (is_name_word(w) or is_initials(w))):
                break
            j -= 1
        if j <= k:
            scan.run(j, "credential_after", max_tokens=k - j + 1)
    for m in RELATION_RE.finditer(text):
        scan.run(scan.token_at(m.end()), "relation", first_lower=True, initials_lower=False)
    for m in FOOTER_RE.finditer(text):
        scan.run(scan.token_at(m.end()), "footer", first_lower=True, initials_lower=True)
    for m in FIELD_RE.finditer(text):
        scan.run(scan.token_at(m.end()), "field", first_lower=False)
    for m in LAST_FIRST_RE.finditer(text):
        a, b = m.group(1), m.group(2)
        if _last_first_ok(a, b) and not _clinical_list_line(text, m.start()):
            for g in (1, 2):
                scan.out.append(NameSpan(m.start(g), m.end(g), "last_first"))
    for p in scan.placeholders:
        if p.label != "NAME" and not p.label.startswith("NAME"):
            continue
        i = scan.token_at(p.end)
        if i is not None and text[p.end:scan.toks[i].start] == " " and _beside_placeholder_ok(scan.toks[i].word):
            scan.run(i, "next_to_placeholder", max_tokens=2)
        k = ends.get(p.start - 1)
        prev = [scan.toks[k]] if k is not None and text[p.start - 1] == " " else []
        if prev and _beside_placeholder_ok(prev[0].word) and is_name_word(prev[0].word) \
                and not prev[0].word.lower().endswith("'s"):  # "Parkinson's [NAME]": an eponym, not a name
            scan.out.append(NameSpan(prev[0].start, prev[0].start + len(prev[0].word), "next_to_placeholder"))
    _delimited_rows(scan)
    blocked = {pos for s in scan.out for pos in range(s.start, s.end)}
    for i, t in enumerate(scan.toks):
        w = t.word
        if not _is_cap(w) or (w.isupper() and len(w) <= 4) or t.start in blocked:
            continue
        sentence_start = i == 0 or re.search(r"[.!?:\n]\s*$", text[max(0, t.start - 3):t.start]) is not None
        if not sentence_start and is_name_word(w):
            scan.out.append(NameSpan(t.start, t.start + len(w), "capitalised_oov", blocking=False))
    return scan.out
