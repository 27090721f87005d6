"""US towns named by a ZIP code or by a transfer cue (HIPAA Safe Harbor identifier (B), 45 CFR 164.514(b)(2)(i)(B):
"all geographic subdivisions smaller than a state, including street address, city, county, precinct, zip code").

- a ZIP or ZIP+4 right after a town, a county or a "City ST" pair, whatever the case and with or without a comma
  ("lives in Dorchester 02124", "Springfield 01103-2210", "moved to Quincy, 02169", "Worcester County 01602",
  "lowell, ma 01852"): the ZIP must be a ZIP code of the USPS list (pinned ``zipcodes`` package, USPS Publication 28
  for the "City ST ZIP" line) and the words before it a USPS city (or county) name, or, after a state code, the
  ZIP must belong to that state; the town and the ZIP are reported, the state stays;
- a US town after a transfer, origin or destination cue, in capitals, lower case or Title case ("TRANSFERRED FROM
  WORCESTER", "PT ARRIVED FROM BROCKTON VIA EMS", "transferred from worcester", "a 67 yo man from Brockton",
  "Origin: Worcester", "SNF in Brockton"): the words must be a USPS city, or, Title case in mixed-case text and
  not after a referral, words outside the vocabulary (``places._unlisted_place``: "arrived from Ballinrobe") that
  no service word follows ("Transferred to Urogyn service"); the hospital's own places after such cues
  ("from ICU", "from home", "to floor", "from rehab", "FROM ED", "from 5 West") are clinical words, everyday
  destinations or common English words in a text whose case says nothing, and stay.
Spans are ``LOCATION`` candidates.
"""
from __future__ import annotations

import re

from ..vocab import APPLICATION_SITES, BODY_SITES, STATE_ABBR, US_STATES
from .fast_scan import cue_words
from .places import STATE_CODES, _unlisted_place, is_place, place_index, zip_index
from .safelist_vocabulary import load_vocabulary, word_zipf
from .safelist_words import is_safe_word
from .spans import Candidate

_WORD = r"[A-Za-z][A-Za-z'.-]*"
# up to three words, a comma or spaces, a ZIP or ZIP+4 that no digit, unit or decimal continues
# (read backwards from each five-digit number: the words end where the ZIP begins)
TOWN_BEFORE_ZIP_RE = re.compile(rf"(?<![\w'.-])((?:{_WORD}(?:,[ \t]*|[ \t]+)){{0,3}}{_WORD})(?:,?[ \t]+|,)$")
ZIP_RE = re.compile(r"(\d{5})(-\d{4})?(?![\w-]|[.,/:]\d|[ \t]*(?i:units?|u\b|mg|mcg|ml|cc|cells|copies|iu|/|%|x\b"
                    r"|times))")
_STATE_LOWER = {s.lower(): s for s in STATE_ABBR + ["VI"]}
_COUNTY_WORDS = frozenset("county parish borough co co.".split())
# cities that lend their name to an eponymous score or sign and so are in the clinical vocabulary
_EPONYM_TOWNS = frozenset("boston framingham glasgow huntington cushing fargo rochester cleveland".split())


def _clinical(word: str) -> bool:
    """A word of the clinical vocabulary (drug, term, eponym), not a town lent to an eponym."""
    w = word.lower().strip(".'")
    return w in load_vocabulary().clinical and w not in _EPONYM_TOWNS


def _zip_ok(zip5: str, state: str) -> bool:
    row = zip_index().get(zip5)
    return row is not None and row[0] == state


def _town_tail(words: list[tuple[int, int, str]], state: str | None, zip5: str) -> int:
    """Index of the first word of the longest tail of ``words`` that names the town of ``zip5``: a USPS city of
    that ZIP, of its state (``state`` when given), or, when it is no common English word, any USPS city; or a
    county ("Worcester County"). -1 when none."""
    counties = place_index()[2]
    zip_state, zip_cities = zip_index()[zip5]
    for k in range(len(words)):
        name = " ".join(w[2] for w in words[k:]).lower().rstrip(".")
        parts = name.split()
        if parts[-1] in _COUNTY_WORDS and len(parts) > 1 and " ".join(parts[:-1]) in counties:
            return k
        if name in US_STATES or (len(parts) == 1 and (_clinical(name) or len(name) < 3)):
            continue
        if name in zip_cities or is_place(name, state or zip_state):
            return k
        if state is None and is_place(name) and not (len(parts) == 1 and is_safe_word(name) and word_zipf(name) >= 3.5):
            return k
    return -1


def _state_words(words: list[tuple[int, int, str]]) -> tuple[str | None, int]:
    """(state code, how many of the last words spell it) when ``words`` end with a state code (any case) or a
    state name; (None, 0) otherwise."""
    last = words[-1][2].lower().rstrip(".")
    if len(words) >= 2 and f"{words[-2][2].lower()} {last}" in STATE_CODES:
        return STATE_CODES[f"{words[-2][2].lower()} {last}"], 2
    if last in STATE_CODES:
        return STATE_CODES[last], 1
    return _STATE_LOWER.get(last), 1


def _after_last_comma(text: str, words: list) -> list:
    """The words after the last comma between them ("88 Oak St, Springfield" -> "Springfield")."""
    for i in range(len(words) - 1, 0, -1):
        if "," in text[words[i - 1][1]:words[i][0]]:
            return words[i:]
    return words


_ZIP5_RE = re.compile(r"(?<![\w-])\d{5}(?![\w]|-\d{1,3}\b)")


def find_town_zips(text: str) -> list[Candidate]:
    """A ZIP code after a town, a county or a "City ST" pair in any case (see the module docstring)."""
    out: list[Candidate] = []
    for z5 in _ZIP5_RE.finditer(text):
        zip5 = z5.group()
        z = ZIP_RE.match(text, z5.start()) if zip5 in zip_index() else None
        m = TOWN_BEFORE_ZIP_RE.search(text, max(0, z5.start() - 80), z5.start()) if z else None
        if m is None:
            continue
        words = [(x.start() + m.start(1), x.start() + m.start(1) + len(x.group().rstrip(".,")), x.group().rstrip(".,"))
                 for x in re.finditer(r"[A-Za-z][A-Za-z'.-]*", m.group(1))]
        state, n_state = _state_words(words)
        if state is not None:  # "lowell, ma 01852", "Springfield Massachusetts 01103": a ZIP of that state
            if not _zip_ok(zip5, state):
                continue
            town = _after_last_comma(text, words[:-n_state])
            k = _town_tail(town, state, zip5) if town else -1
            if k >= 0:
                out.append(Candidate(town[k][0], town[-1][1], "LOCATION", 0.85))
            out.append(Candidate(z.start(), z.end(), "LOCATION", 0.85))
            continue
        words = _after_last_comma(text, words)
        k = _town_tail(words, None, zip5)
        if k >= 0:
            out.append(Candidate(words[k][0], words[-1][1], "LOCATION", 0.85))
            out.append(Candidate(z.start(), z.end(), "LOCATION", 0.85))
    return out


_MOVE = (r"tra?n?s?f[eo]r+(?:e?d|ing|s)?|xfer+(?:'?e?d|ing)?|tx'?d|transported|transport|arrived|arrives|arriving"
         r"|admitted|readmitted|came|comes|coming|brought|sent|flown|med-?flighted|life-?flighted|flighted|airlifted"
         r"|returned|returning|referred|discharged|discharging|discharge|dc'?d|d/c'?d|d/c|going|went|headed|heading"
         r"|en[ \t]+route|driven|relocated|moved|visiting")
_FILLER = (r"(?:here|back|over|directly|initially|originally|today|yesterday|tonight|home|out|him|her|them|pt|"
           r"patient|in|up|down|emergently|urgently|electively|straight|this[ \t]+(?:am|pm|morning|evening|afternoon)"
           r"|via[ \t]+\w+|by[ \t]+\w+)")


def _transfer_cue_re(ic: bool) -> re.Pattern:
    """The cue pattern in any case (``ic``) or, for lower-cased text, case-sensitive."""
    src = (
        "(?:" + cue_words(_MOVE, ignore_case=ic) + rf"(?i:(?:[ \t]+{_FILLER}){{0,3}}[ \t]+(?:from|to|in))"
        "|" + cue_words(r"origin|destination|hometown|home[ \t]+town", ignore_case=ic) + r"(?i:[ \t]*:)"
        "|" + cue_words(r"man|woman|male|female|gentleman|gent|lady|boy|girl|yo[ \t]?[mf]|y/o[ \t]?[mf]|resident"
                        r"|native", ignore_case=ic) + r"(?i:[ \t]+(?:from|of))"
        "|" + cue_words(r"hospital|hosp|osh|facility|snf|ltac|ltach|nursing[ \t]+home|shelter|group[ \t]+home"
                        r"|assisted[ \t]+living|dialysis|dialysis[ \t]+center|jail|prison", ignore_case=ic)
        + r"(?i:[ \t]+(?:in|at))"
        "|" + cue_words(r"ems|ambulance|helicopter|med[ \t-]?flight|life[ \t-]?flight|transport|transfer",
                        ignore_case=ic) + r"(?i:[ \t]+from))"
        rf"[ \t]+(?i:the[ \t]+(?:town[ \t]+of[ \t]+|city[ \t]+of[ \t]+)?)?(?=({_WORD}(?:[ \t]+{_WORD}){{0,2}}))")
    return re.compile(src if ic else src.replace("(?i:", "(?:"))


TRANSFER_CUE_RE = _transfer_cue_re(True)
# the same pattern for text already in lower case (about four times faster than a case-insensitive scan)
_TRANSFER_CUE_LOWER_RE = _transfer_cue_re(False)
# a hospital's own places and the everyday destinations after a move cue; none is a town whatever the list says
_DESTINATIONS = frozenset("""home floor bed chair stretcher unit ward room rehab icu ccu micu sicu nicu picu pacu or ed
er snf ltac ltach osh hospice clinic office work school church jail prison shelter hospital facility nursing
dialysis cath lab radiology surgery medicine tele telemetry step stepdown west east north south center community
normal mobile hope energy commerce industry liberty union friendship reading bath city town state country
university echo monitor remote node lead rule may camp park beach lake garden pool gym store market mall
bank court bay tower wing gurney chapel nursery foster street van house friend shock temple organ cord stem drain
oral sample load extension flat index loop core gate transfer""".split()) | BODY_SITES | APPLICATION_SITES
_SCORE_AFTER_RE = re.compile(r"[ \t]+(?i:criteria|score|scale|coma|risk|classification|class|grade|protocol)\b")


_SERVICE_AFTER_RE = re.compile(r"[ \t]+(?i:service|team|clinic|consult|unit|ward|floor|icu|ed|er|lab|suite)\b")


def _town_word_ok(word: str, mixed: bool) -> bool:
    """A single word after a move cue that may be a town: not a destination or clinical word, and, unless it is
    Title case in mixed-case text, not a common English word (zipf >= 4.9: "west", "hope", "mission")."""
    low = word.lower()
    if low in _DESTINATIONS or low in US_STATES or word.upper() in STATE_ABBR and len(word) == 2 or _clinical(low):
        return False
    if mixed and word[:1].isupper() and word[1:].islower():
        return True
    return not (is_safe_word(low) and word_zipf(low) >= 4.9)


def find_transfer_towns(text: str) -> list[Candidate]:
    """A USPS town after a transfer, origin or destination cue in any case (see the module docstring)."""
    out: list[Candidate] = []
    mixed = not text.isupper() and not text.islower()
    low = text.lower()
    matches = _TRANSFER_CUE_LOWER_RE.finditer(low) if len(low) == len(text) else TRANSFER_CUE_RE.finditer(text)
    for m in matches:
        words = [(x.start() + m.start(1), x.start() + m.start(1) + len(x.group().rstrip(".'")), x.group().strip(".'"))
                 for x in re.finditer(r"[A-Za-z][A-Za-z'.-]*", text[m.start(1):m.end(1)])]
        for n in range(len(words), 0, -1):
            if n > 1 and text[words[n - 2][1]:words[n - 1][0]].strip():
                continue  # "Worcester, MA": the words of a town stand together
            name = " ".join(w[2] for w in words[:n])
            low = name.lower()
            if low in US_STATES or len(low) < 3 or not is_place(low):
                continue
            if n == 1 and not _town_word_ok(name, mixed):
                break
            if n > 1 and all(w[2].lower() in _DESTINATIONS for w in words[:n]):
                break  # "to home health": words of a sentence
            if _SCORE_AFTER_RE.match(text, words[n - 1][1]):
                break  # "from Framingham risk score": an eponym
            out.append(Candidate(words[0][0], words[n - 1][1], "LOCATION", 0.7))
            break
        else:  # "transferred from Ballinrobe": a town missing from the USPS list, Title case in mixed-case text
            n = _unlisted_place(text, words) if mixed and words and words[0][2][:1].isupper() \
                and not m.group().lower().startswith("refer") else 0  # a referral names a specialty
            if n and all(len(w[2]) >= 4 for w in words[:n]) and not _SCORE_AFTER_RE.match(text, words[n - 1][1]) \
                    and not _SERVICE_AFTER_RE.match(text, words[n - 1][1]):
                out.append(Candidate(words[0][0], words[n - 1][1], "LOCATION", 0.6))
    return out


def find_town_cues(text: str) -> list[Candidate]:
    """``find_town_zips`` and ``find_transfer_towns``."""
    return find_town_zips(text) + find_transfer_towns(text)
