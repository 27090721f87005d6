"""Foreign postal addresses: postcode, town, street and house number (HIPAA Safe Harbor identifier (B), 45 CFR
164.514(b)(2)(i)(B): every geographic subdivision smaller than a state is an identifier, a foreign one too).

A postcode is recognised by its national shape and only with evidence that it is one, so clinical numbers (labs,
doses, vitals, "LS6" alone, "T2 N0 M0") stay:
- United Kingdom (Royal Mail postcode format: outward code A9, A99, AA9, AA99, A9A, AA9A with the letters Royal Mail
  allows in each position, inward code 9AA without C I K M O V; "SW1A 1AA", "M1 1AE", "LS6 2AB", "GIR 0AA"),
  Canada (Canada Post: A9A 9A9 without D F I O Q U, "H2X 1Y4"), Ireland (Eircode: a routing key A99 or D6W and a
  four-character unique identifier, "D02 X285"; a Dublin postal district after a street, "Dublin 4"), Australia
  (a state or territory and four digits, "NSW 2000"), India (six-digit PIN, "560001", "110 001"): the postcode
  follows a town, a province or state, a postcode cue or a street, or a country follows it;
- continental Europe and Latin America, postcode before the town ("10115 Berlin", "75002 Paris", "1000-001
  Lisboa", "00-950 Warszawa", "1012 AB Amsterdam", "D-10115 Berlin"): a street with a street-type word of the
  country ("Hauptstraße", "rue", "Calle", "Via", "straat", "gatan") precedes it on the line or the line before, a
  postcode cue precedes it, or a country follows;
- "Town 1234, Country" for the other four- to six-digit postcodes.
Once a postcode is found, the town and the comma-separated street parts before it on its line (house number and
street in either order, "Flat 3", "Apt 2B", a locality) or on the one or two lines above it are reported too; the
country and the province or state stay. A note typed all in lower case is read as if in capitals. Spans are
``LOCATION`` candidates.
"""
from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from ..vocab import NOT_NAME_WORDS, STATE_ABBR, US_STATES
from .safelist_words import is_clinical_word
from .spans import Candidate

_COUNTRY = (r"(?i:United[ \t]+Kingdom|U\.?K\.?|Great[ \t]+Britain|G\.?B\.?|England|Scotland|Wales|Northern[ \t]+Ireland"
            r"|(?:Republic[ \t]+of[ \t]+)?Ireland|Eire|Canada|Australia|India|Germany|Deutschland|France|Spain|Espana"
            r"|Italy|Italia|Portugal|(?:The[ \t]+)?Netherlands|Holland|Nederland|Belgium|Belgique|Belgie|Switzerland"
            r"|Suisse|Schweiz|Svizzera|Austria|Osterreich|Poland|Polska|Sweden|Sverige|Norway|Norge|Denmark|Danmark"
            r"|Finland|Suomi|Greece|Czech[ \t]+Republic|Czechia|Slovakia|Hungary|Romania|Bulgaria|Croatia|Slovenia"
            r"|Luxembourg|Iceland|Mexico|Brazil|Brasil|Argentina|Chile|Colombia|New[ \t]+Zealand|South[ \t]+Africa"
            r"|Israel|Turkey|Japan|Philippines|Pakistan|Nigeria|Kenya|Ukraine|Russia|Lithuania|Latvia|Estonia)")
# a country, optionally after a province or state name, right after the postcode or town
_COUNTRY_AFTER_RE = re.compile(
    rf"[ \t]*,?[ \t]*(?:[A-Z][A-Za-z]+(?:[ \t]+[A-Z][A-Za-z]+)?[ \t]*,[ \t]*)?{_COUNTRY}\b")
_CUE_BEFORE_RE = re.compile(r"(?i:post[ \t]*code|postal[ \t]+code|code[ \t]+postal|eircode|pin(?:[ \t]*code)?|plz"
                            r"|zip)[ \t]*(?:no\.?|number|#)?[ \t]*[:=#-]?[ \t]*$")

_CUE_WORD_RE = re.compile(r"postcode|postal|eircode|pin|pincode|plz|zip|zipcode|address|addr|home|cp|cap|ph|phone|tel"
                          r"|telephone|fax|cell|mobile|pager|ext|mrn|dob|ssn|acct|account|id|no|nr|number|room|bed")
# Indian states and union territories: a PIN code before or after one is a PIN code
_IN_STATE = (r"(?:Andhra[ \t]+Pradesh|Arunachal[ \t]+Pradesh|Assam|Bihar|Chhattisgarh|Goa|Gujarat|Haryana|Himachal"
             r"[ \t]+Pradesh|Jharkhand|Karnataka|Kerala|Madhya[ \t]+Pradesh|Maharashtra|Manipur|Meghalaya|Mizoram"
             r"|Nagaland|Odisha|Orissa|Punjab|Rajasthan|Sikkim|Tamil[ \t]+Nadu|Telangana|Tripura|Uttar[ \t]+Pradesh"
             r"|Uttarakhand"
             r"|West[ \t]+Bengal|Delhi|New[ \t]+Delhi|Jammu[ \t]+(?:and|&)[ \t]+Kashmir|Ladakh|Puducherry|Chandigarh)")
_IN_STATE_AFTER_RE = re.compile(rf"[ \t]*,?[ \t]*(?i:{_IN_STATE})\b")
_UK = (r"(?:[A-PR-UWYZ]\d{1,2}|[A-PR-UWYZ][A-HK-Y]\d{1,2}|[A-PR-UWYZ]\d[A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y]\d[ABEHMNPRV-Y])"
       r"[ \t]?\d[ABD-HJLNP-UW-Z]{2}|GIR[ \t]?0AA")
_CA = r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ \t-]?\d[ABCEGHJ-NPRSTV-Z]\d"
_EIR = r"(?:[AC-FHKNPRTV-Y]\d{2}|D6W)[ \t]?[0-9AC-FHKNPRTV-Y]{4}"
_AU_STATE = (r"(?:NSW|VIC|QLD|TAS|ACT|SA|WA|NT|Vic|Qld|Tas|New[ \t]+South[ \t]+Wales|Victoria|Queensland"
             r"|South[ \t]+Australia|Western[ \t]+Australia|Tasmania|Northern[ \t]+Territory)")
_CA_PROVINCE = (r"(?:QC|ON|BC|AB|MB|SK|NS|NB|NL|PE|PEI|YT|NT|NU|Quebec|Ontario|British[ \t]+Columbia|Alberta|Manitoba"
                r"|Saskatchewan|Nova[ \t]+Scotia|New[ \t]+Brunswick|Newfoundland(?:[ \t]+and[ \t]+Labrador)?"
                r"|Prince[ \t]+Edward[ \t]+Island|Yukon)")
_REGION_WORDS = re.compile(rf"{_CA_PROVINCE}|{_AU_STATE}|(?i:{_IN_STATE})")
_END = r"(?![\w-]|[.,/:]\d)"
# postcodes after the town (one regex, one pass): Dublin postal districts, UK, Canada, Eircode, Australia (state +
# 4 digits), India PIN
POSTCODE_AFTER_RE = re.compile(
    r"(?<![\w-])(?:(?:(?<=Dublin )|(?<=DUBLIN ))(?P<dub>[12]?\d|6W)"
    rf"|(?P<uk>{_UK})|(?P<ca>{_CA})|(?P<eir>{_EIR})|(?P<au_state>{_AU_STATE})[ \t]+(?P<au>\d{{4}})"
    rf"|(?<!\d[ \t])(?P<pin>[1-9]\d{{2}}[ \t]?\d{{3}})(?![ \t]\d)|(?<!\d[ \t])(?P<num>\d{{4,6}})"
    rf"(?={_COUNTRY_AFTER_RE.pattern})){_END}")
_TOWN_WORD = r"(?:[A-Z][A-Za-z'-]+|St\.?|Ste\.?|Mt\.?)"
_TOWN_LINK = r"am|an|der|de|di|del|la|le|les|sur|sous|en|im|upon|on|under|d'[A-Z][a-z]+"
_TOWN = rf"{_TOWN_WORD}(?:[ \t]+(?:{_TOWN_WORD}|{_TOWN_LINK})){{0,3}}"
# postcodes before the town: Germany, France, Spain, Italy (5 digits), Austria, Switzerland, Belgium, Denmark,
# Norway (4), the Netherlands (4 + 2 letters), Portugal (4-3), Poland (2-3), Brazil (5-3), Sweden / Czechia (3 2),
# with an optional country code of the European vehicle register ("D-10115", "CH-8001")
POSTCODE_BEFORE_RE = re.compile(
    r"(?<![\w./-])(?P<pc>(?:(?:D|F|A|B|CH|I|E|L|NL|P|PL|S|N|DK|FI|CZ|H|SK|SI|HR|GR|RO|BG|LT|LV|EE|IS)-)?"
    r"(?:\d{5}(?:-\d{3})?|\d{4}(?:-\d{3}|[ \t]?[A-Z]{2}(?=[ \t]))?|\d{2}-\d{3}|\d{3}[ \t]\d{2}))"
    rf"[ \t]+(?P<town>{_TOWN})(?![\w-])(?=[ \t]*(?:[,;.)]|$)|[ \t]+{_COUNTRY}\b)", re.M)
_STREET_TYPE_RE = re.compile(
    r"(?i:\b(?:rue|avenue|ave|av|boulevard|bd|blvd|chemin|allee|impasse|quai|cours|route|rte|place|calle|c/|avenida"
    r"|avda|paseo|plaza|carrer|rua|travessa|largo|praca|via|viale|corso|piazza|vicolo|strada|ulica|ul|aleja|road|rd"
    r"|street|st|lane|ln|drive|close|crescent|cres|gardens|gdns|grove|hill|mews|park|parade|rise|row|square|sq"
    r"|terrace|walk|way|wynd|court|view|green|vale|nagar|marg|layout|colony|cross|main|sector|salai|gali|chowk"
    r"|enclave|estate|highway|hwy|circuit|esplanade|promenade|laan|straat|gracht|plein|kade|singel|weg|vej|gade"
    r"|gata|gatan|vagen|gate|veien|vei|katu|tie|flat|apt|apartment)(?![\w/])|\bc/"
    r"|[a-z]{3,}(?:str\.|(?:strasse|strase|weg|gasse|platz|allee|damm|ufer|chaussee|straat|laan|gracht|plein"
    r"|kade|singel|dijk|gatan|vagen|gade|vej|veien|katu)\b))")
# street parts, matched at the end of a comma-separated segment
_UNIT_PART = (r"(?i:Flat|Apartment|Apt|Unit|Suite|Room|Floor|Level|Block|Building|Bldg|House|Door|Piso|Etage|Stock"
              r"|App|Appt|Bte)\.?[ \t]*(?:No\.?[ \t]*)?#?[A-Za-z0-9/-]{1,6}")
_NUMBER_FIRST = r"\d{1,5}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?[ \t]+(?:[A-Za-z'][\w'.-]*[ \t]*){1,6}"
_NAME_FIRST = (r"(?:[A-Za-z'][\w'./-]*[ \t]+){0,4}[A-Za-z'][\w'./-]*[ \t]*,?[ \t]*(?:(?i:no)\.?[ \t]*)?"
               r"\d{1,5}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?")
_LOCALITY = r"[A-Z][\w'.-]*(?:[ \t]+[A-Za-z][\w'.-]*){0,3}"
STREET_PART_RE = re.compile(rf"(?P<unit>{_UNIT_PART})|(?P<num>{_NUMBER_FIRST}|{_NAME_FIRST})|(?P<loc>{_LOCALITY})")
_PARTICLES = frozenset("de del della di da do dos das du des la le les van von der den am an im y e el al via"
                       .split())



def _clinical_or_stop(word: str) -> bool:
    """A word that names no place: a stop word, a clinical word, a person's role or a postcode cue."""
    w = word.lower().strip(".':")
    return w in STOP_WORDS or w in NOT_NAME_WORDS or is_clinical_word(w) or bool(_CUE_WORD_RE.fullmatch(w))


def _town_words_ok(words: list[str]) -> bool:
    """Words that may name a town: no stop, role or cue word (particles aside), not all clinical words."""
    named = [w for w in words if w.lower() not in _PARTICLES]
    return bool(named) and not any(_not_a_name(w) for w in named) and not all(_clinical_or_stop(w) for w in named)


def _not_a_name(word: str) -> bool:
    w = word.lower().strip(".':")
    return w in STOP_WORDS or w in NOT_NAME_WORDS or bool(_CUE_WORD_RE.fullmatch(w))


def _street_part(seg: str) -> tuple[int, bool] | None:
    """Where the street part of a comma-separated segment starts (after a cue such as "lives at" or "Address:")
    and whether it holds a number; None when the segment is no street part."""
    start = len(seg) - len(seg.lstrip())
    for t in re.finditer(r"\S+", seg):  # cut after the last cue: a stop, role or label word, a word and ':'
        tok = t.group()
        low = tok.lower().rstrip(".,")
        if tok.endswith(":") or (low in STOP_WORDS and low not in _PARTICLES) or low in NOT_NAME_WORDS \
                or _CUE_WORD_RE.fullmatch(low):
            start = t.end()
    body = seg[start:].strip()
    if not body:
        return None
    start = seg.index(body, start)
    m = STREET_PART_RE.fullmatch(body)
    if not m:
        return None
    if m.group("loc") and any(_clinical_or_stop(w) for w in body.split()):
        return None
    return start, not m.group("loc")


def _street_before(text: str, end: int) -> list[tuple[int, int]]:
    """The street parts in the comma-separated segments that end at ``end`` (on its line, then up to two lines
    above while a line holds nothing else), up to the farthest one with a house number or a unit; when none has
    one, the locality right before the town alone."""
    found: list[tuple[int, int, bool]] = []
    pos = end
    for _ in range(3):  # lines
        line_start = text.rfind("\n", 0, pos) + 1
        segs = text[line_start:pos].split(",")
        offset = pos
        for k in range(len(segs) - 1, -1, -1):
            seg = segs[k]
            offset -= len(seg)
            part = _street_part(seg)
            if part is None:
                break
            s, numbered = part
            found.append((offset + s, offset + len(seg.rstrip()), numbered))
            offset -= 1  # the comma
            if s > len(seg) - len(seg.lstrip()):
                break  # a cue ended the street: nothing before it belongs to the address
        else:
            if line_start and len(found) < 4:
                pos = line_start - 1
                continue
        break
    if not any(f[2] for f in found):
        return [(s, e) for s, e, _ in found[:1]]  # "Kalyani Nagar, Pune 411006": a locality before the town
    last_numbered = max(i for i, f in enumerate(found) if f[2])
    return [(s, e) for s, e, _ in found[:last_numbered + 1]]


def _town_before(text: str, end: int) -> tuple[int, int] | None:
    """The town right before ``end`` on the same line (after the last comma), or on the line above when ``end``
    opens its line: one to four Title-case or capitals words, not clinical words."""
    line_start = text.rfind("\n", 0, end) + 1
    seg = text[line_start:end].rstrip(" \t-,")
    if not seg.strip() and line_start:
        prev_start = text.rfind("\n", 0, line_start - 1) + 1
        seg_start = prev_start
        seg = text[prev_start:line_start - 1].rstrip(" \t-,")
    else:
        seg_start = line_start
    cut = seg.rfind(",")
    body = seg[cut + 1:]
    m = re.search(rf"(?<![\w'-]){_TOWN}$", body)
    if not m or not _town_words_ok(m.group().split()):
        return None
    s = seg_start + cut + 1 + m.start()
    return s, s + len(m.group())


def _left_edge(text: str, pos: int) -> int:
    """``pos`` moved left over spaces, a comma or dash, and a line break when nothing else stands before it on
    its line: where the address part before ``pos`` ends."""
    while pos > 0 and text[pos - 1] in " \t,-":
        pos -= 1
    if pos > 0 and text[pos - 1] == "\n":
        pos -= 1
    return pos


def _evidence_before(text: str, pos: int) -> bool:
    return bool(_CUE_BEFORE_RE.search(text, max(0, pos - 30), pos))


def _emit(out: list[Candidate], spans: list[tuple[int, int]], score: float = 0.85) -> None:
    out.extend(Candidate(s, e, "LOCATION", score) for s, e in spans if e > s)


def _postcode_after_town(text: str, m: re.Match, out: list[Candidate]) -> None:
    """A postcode that follows its town (UK, Canada, Ireland, Australia, India; any postcode before a country)."""
    kind = m.lastgroup
    pc = m.span(kind)
    lead = m.start("au_state") if kind == "au" else pc[0]
    region = None
    if kind == "ca":
        line_start = text.rfind("\n", 0, lead) + 1
        region = re.search(rf"(?<![\w-])\(?{_CA_PROVINCE}\.?\)?,?[ \t]*$", text[line_start:lead])
        if region:
            lead = line_start + region.start()
    town = _town_before(text, lead)
    if town and _REGION_WORDS.fullmatch(text[town[0]:town[1]]):
        town = _town_before(text, town[0])  # "Toronto, ON": the province stands between
    country = bool(_COUNTRY_AFTER_RE.match(text, m.end()))
    cue = _evidence_before(text, lead)
    streets = _street_before(text, _left_edge(text, town[0] if town else lead))
    typed = any(_STREET_TYPE_RE.search(text, s, e) for s, e in streets)
    if kind in ("uk", "eir"):
        ok = town or country or cue or typed
    elif kind == "ca":
        ok = region or country or cue or town
    elif kind == "au":
        ok = town or country
    elif kind == "dub":  # a Dublin postal district ("Dublin 4") after a street or before the country
        ok = typed or country
    else:  # an Indian PIN or four to six digits: the commonest shape of a clinical number needs more
        ok = country or cue or (town and typed) or (kind == "pin" and (
            _IN_STATE_AFTER_RE.match(text, m.end()) or re.search(rf"(?i:{_IN_STATE}),?[ \t]*-?[ \t]*$",
                                                                 text[max(0, lead - 40):lead])))
    if ok:
        _emit(out, [pc] + ([town] if town else []) + streets)


def _postcode_before_town(text: str, m: re.Match, out: list[Candidate]) -> None:
    """A postcode before its town (continental Europe, Latin America): a typed street, a cue or a country."""
    if _US_STATE_BEFORE_RE.search(text, max(0, m.start() - 30), m.start()):
        return  # "Macon, GA 31201  Ph ...": a US ZIP after its state
    words = m.group("town").split()
    while words and words[-1].lower() in _PARTICLES:
        words.pop()
    if not words or not _town_words_ok(words):
        return
    town = (m.start("town"), m.start("town") + len(" ".join(words)))
    if " ".join(words) != text[town[0]:town[1]]:
        town = (m.start("town"), m.start("town") + len(words[0]))
    streets = _street_before(text, _left_edge(text, m.start()))
    typed = any(_STREET_TYPE_RE.search(text, s, e) for s, e in streets)
    if typed or _COUNTRY_AFTER_RE.match(text, town[1]) or _evidence_before(text, m.start()) \
            or m.group("pc")[0].isalpha():  # "D-10115 Berlin": a country letter opens the postcode
        _emit(out, [m.span("pc"), town] + streets)


_US_STATE_BEFORE_RE = re.compile(rf"(?<![\w-])(?:{'|'.join(STATE_ABBR)}|(?i:{'|'.join(US_STATES)}))\.?,?[ \t]*$")
_DIGIT_RE = re.compile(r"\d")


def find_foreign_addresses(text: str) -> list[Candidate]:
    """Foreign postcodes with their town and street (see the module docstring)."""
    out: list[Candidate] = []
    if not _DIGIT_RE.search(text):
        return out
    if text.islower() and len(text.upper()) == len(text):
        text = text.upper()  # a note typed in lower case is read as if in capitals (same offsets)
    for m in POSTCODE_AFTER_RE.finditer(text):
        _postcode_after_town(text, m, out)
    for m in POSTCODE_BEFORE_RE.finditer(text):
        _postcode_before_town(text, m, out)
    return out
