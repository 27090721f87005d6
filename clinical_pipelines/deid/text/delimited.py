"""Identifiers in delimited rows pasted into notes: CSV, semicolon-, tab- and pipe-separated lines
("Okonkwo,Adaeze,1931-04-05,Tuckahoe", "first<TAB>last<TAB>city"). Names (HIPAA Safe Harbor (A)) and geographic
subdivisions smaller than a state ((B)), 45 CFR 164.514(b)(2)(i).

A line is a row when it splits on tabs, on two or more pipes, or on two or more commas / semicolons into short cells
(at most four words each) that are either written without a space after the delimiter (an export) or include a
date or a long number (an MRN, phone or ZIP). A header row ("name,city", "First Name; Last Name; DOB", "Name|Town",
any case, any delimiter count) types the columns under it: every cell under a name or place label is an identifier
(an address cell with its house number too). A row under a header that names an identifier column (name, first,
last, city, town, address, dob, phone, MRN ...) is always a record row, even with a single delimiter
("Bjorn Halvard,Ypsilanti"). A row with no such header, date or long number whose cells are mostly clinical or
common words is a bedside list, not a record ("GI-abd,firm,dist,bs-absent"). Elsewhere a cell with words outside the
safe-list vocabulary (``safelist``; not clinical words, states or abbreviations) is one: NAME before the row's first
number or date cell (or when it starts with a census name), LOCATION after it. Number and date cells are left to
their own recognisers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..vocab import CREDENTIALS, STATE_ABBR, US_STATES
from .name_contexts import NOT_INITIALS
from .safelist_vocabulary import PROTECTED_WORDS
from .safelist_words import is_census_name, is_clinical_word, is_known_word, is_safe_word
from .spans import Candidate

NAME_LABELS = frozenset("""
name names first last firstname lastname first_name last_name fname lname given family surname middle patient pt
provider physician clinician attending nurse contact guardian parent mother father spouse emergency_contact nok
pcp referring author user username
""".split())
PLACE_LABELS = frozenset("""
city town village county place address street addr residence location birthplace hometown municipality
""".split())
OTHER_LABELS = frozenset("""
dob birth birthdate date dos mrn id sex gender age zip zipcode postal state phone tel email fax ssn race ethnicity
language insurance plan account acct room bed unit dept department visit encounter admit discharge type status
code result value units unit ref range flag test note comments relation relationship rel role mr chart record no
num number cell mobile home work marital dx diagnosis reason time country
""".split())
# labels of a number column that identifies a person (45 CFR 164.514(b)(2)(i)(H)-(J), (L)): MRN, chart, account
ID_LABELS = frozenset("mrn mr chart record id acct account ssn".split())
ZIP_LABELS = frozenset({"zip", "zipcode", "postal", "postcode"})
# other labels that name an identifier column (45 CFR 164.514(b)(2)(i)(C)-(L)): a row under them is a record
IDENTIFIER_LABELS = frozenset("dob birth birthdate mrn id phone tel email fax ssn account acct".split())
_ZIP_CELL_RE = re.compile(r"\d{5}(?:-\d{4})?")
_PLACEHOLDERS = frozenset({"n/a", "na", "none", "unknown", "unk", "-", "--", "?", "null", "declined", "x"})
_LABEL_WORDS = NAME_LABELS | PLACE_LABELS | OTHER_LABELS | ZIP_LABELS
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'-]*")
_CELL_WORD_LIMIT = 4
# a date or a long number (an MRN, a phone, a ZIP) makes a spaced comma / semicolon list a record row
_RECORD_VALUE_RE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}|\d{5,}")
_STATE_WORDS = frozenset(w for s in US_STATES for w in s.split())


# a column-aligned table typed with spaces ("First   Last      City"): two or more spaces between cells
SPACED = "  "
_SPACED_RE = re.compile(r" {2,}")


def _cells(line: str, delim: str) -> list[tuple[int, int]] | None:
    """[(start, end) of each cell] of ``line`` split on ``delim`` (``SPACED``: runs of two or more spaces) when it
    holds at least two short cells (at most four words, 48 characters), else None."""
    cells, pos = [], 0
    if delim == SPACED:
        for m in _SPACED_RE.finditer(line):
            cells.append((pos, m.start()))
            pos = m.end()
        cells.append((pos, len(line)))
    else:
        for part in line.split(delim):
            cells.append((pos, pos + len(part)))
            pos += len(part) + 1
    filled = [t for s, e in cells if (t := line[s:e].strip())]
    if len(filled) < 2 or any(len(t.split()) > _CELL_WORD_LIMIT or len(t) > 48 for t in filled):
        return None
    if delim in ",;" and any(t.endswith((".", "?", "!")) and len(t.split()) > 2 for t in filled):
        return None                                                 # a sentence, not a cell
    return cells


def _split(line: str) -> tuple[str, list[tuple[int, int]]] | None:
    """(delimiter, [(start, end) of each cell]) when ``line`` is a delimited row, else None."""
    for delim in ("\t", "|", ";", ","):
        n = line.count(delim)
        if n == 0 or (delim != "\t" and n < 2):
            continue
        cells = _cells(line, delim)
        if cells is None:
            continue
        if delim in ",;":
            tight = sum(1 for s, _ in cells[1:] if s < len(line) and line[s:s + 1] not in " ")
            if not (tight * 2 >= len(cells) - 1 or any(_RECORD_VALUE_RE.search(line[s:e]) for s, e in cells)):
                continue
        return delim, cells
    return None


@dataclass(frozen=True)
class _Header:
    """A header row: its delimiter, the label type of each column (NAME, LOCATION, ZIP, OTHER or None) and whether
    it names an identifier column (then every row under it is a record row)."""
    delim: str
    labels: list[str | None]
    identifying: bool


def _header(line: str) -> _Header | None:
    """A header row ("name,city", "First Name; Last Name; DOB", "Name|Town"): at least two cells, at least half of
    them column labels; any delimiter count (a two-column header has one delimiter). Columns aligned with spaces
    ("First   Last      City") only when every cell is a label."""
    for delim in ("\t", "|", ";", ",", SPACED):
        if delim not in line or (cells := _cells(line, delim)) is None:
            continue
        texts = [line[s:e].strip() for s, e in cells]
        labels = [_label(t) for t in texts]
        if delim == SPACED and not all(labels):
            continue
        if sum(1 for x in labels if x) >= max(2, (len(cells) + 1) // 2):
            identifying = any(x in ("NAME", "LOCATION", "ZIP", "ID") for x in labels) or any(
                w in IDENTIFIER_LABELS for t in texts for w in _label_words(t))
            return _Header(delim, labels, identifying)
    return None


def _label_words(cell: str) -> list[str]:
    return [w.lower() for w in re.split(r"[\s/_.#-]+", cell) if w]


def _label(cell: str) -> str | None:
    """The column type a header cell names: ZIP, LOCATION, NAME, OTHER, or None when it is no label."""
    words = _label_words(cell)
    if not words or not all(w in _LABEL_WORDS for w in words):
        return None
    if any(w in ZIP_LABELS for w in words):
        return "ZIP"
    if any(w in ID_LABELS for w in words):
        return "ID"
    if any(w in PLACE_LABELS for w in words):
        return "LOCATION"
    if any(w in NAME_LABELS for w in words):
        return "NAME"
    return "OTHER"


def _identifier_words(cell: str, offset: int) -> tuple[int, int] | None:
    """The span from the first to the last identifier word of a cell, or None."""
    hits = []
    for m in _WORD_RE.finditer(cell):
        w = m.group()
        lw = w.lower()
        if w in STATE_ABBR or lw in _STATE_WORDS or lw in PROTECTED_WORDS or is_clinical_word(w) or (
                w.isupper() and len(w) <= 4):
            continue  # states, clinical words, abbreviations
        if not is_safe_word(w):
            hits.append((m.start(), m.end()))
    if not hits:
        return None
    return offset + hits[0][0], offset + hits[-1][1]


def _clinical_list(line: str, cells: list[tuple[int, int]]) -> bool:
    """A bedside list written with tight commas ("GI-abd,firm,dist,bs-absent,ngt-to lis", "get BS under
    control,aggressive chest PT"): no date or long number, and fewer than half of its word cells hold a word outside
    the safe-list vocabulary (an exported row of names and places is mostly such words)."""
    if _RECORD_VALUE_RE.search(line) or _town_before_state(line, cells) is not None:
        return False
    word_cells = [line[s:e] for s, e in cells if line[s:e].strip() and not any(c.isdigit() for c in line[s:e])]
    hits = sum(1 for cell in word_cells if _identifier_words(cell, 0) is not None)
    return hits * 2 < len(word_cells)


def _headed_row(line: str, header: _Header | None) -> tuple[str, list[tuple[int, int]]] | None:
    """A row under a header that names an identifier column: split on the header's delimiter, with no other test
    (a two-column "Bjorn Halvard,Ypsilanti" under "name,city" is a record, not a bedside list)."""
    if header is None or not header.identifying or header.delim not in line:
        return None
    cells = _cells(line, header.delim)
    return (header.delim, cells) if cells is not None else None


def find_delimited_identifiers(text: str) -> list[Candidate]:
    """NAME and LOCATION cells of delimited rows: every cell under a name or place header (score 0.8), cells with
    words outside the safe-list vocabulary elsewhere (0.6), and in such a row the proper-noun cells beside a name or
    after its date or number (0.6); number cells under an MRN, chart or account header (0.8)."""
    if not any(d in text for d in ("\t", "|", ";", ",", SPACED)):
        return []
    out: list[Candidate] = []
    header: _Header | None = None
    pos = 0
    for line in text.split("\n"):
        if (head := _header(line)) is not None:
            header = head
            pos += len(line) + 1
            continue
        row = _headed_row(line, header) or _split(line)
        if row is None:
            header = None
            pos += len(line) + 1
            continue
        delim, cells = row
        under_header = header is not None and header.delim == delim
        col_types = header.labels if under_header and len(header.labels) == len(cells) else None
        if not (under_header and header.identifying) and col_types is None and _clinical_list(line, cells):
            pos += len(line) + 1
            continue
        out += _row_candidates(line, pos, cells, col_types)
        pos += len(line) + 1
    return out


def _row_candidates(line: str, pos: int, cells: list[tuple[int, int]], col_types: list[str | None] | None
                    ) -> list[Candidate]:
    """The identifier cells of one record row (offsets shifted by ``pos``): typed by the header when there is one,
    else by their words (see ``find_delimited_identifiers``)."""
    out: list[Candidate] = []
    seen_number = False
    zip_cells = []
    kinds: list[str | None] = []   # per cell: "NAME"/"LOCATION" found, "NUM" number or date, None
    for i, (s, e) in enumerate(cells):
        cell = line[s:e]
        stripped = cell.strip()
        lead = len(cell) - len(cell.lstrip())
        cs, ce = pos + s + lead, pos + s + lead + len(stripped)
        has_digit = any(c.isdigit() for c in cell)
        seen_number = seen_number or has_digit
        kinds.append("NUM" if has_digit else None)
        if col_types is not None and col_types[i] == "ID" and has_digit and sum(c.isdigit() for c in cell) >= 3:
            out.append(Candidate(cs, ce, "MRN", 0.8))   # "4471" under "MRN", "00-4471" under "Chart #"
            continue
        if has_digit and not (col_types is not None and col_types[i] == "LOCATION" and _WORD_RE.search(cell)):
            if _ZIP_CELL_RE.fullmatch(stripped) and (col_types is None or col_types[i] == "ZIP"):
                zip_cells.append((cs, ce, col_types is not None))
            continue
        if col_types is not None and col_types[i] in ("NAME", "LOCATION"):
            # a cell under a name or place header is the identifier, whatever its words ("14 Larkspur Ln"
            # under "address"); not a placeholder or a rule line ("n/a", "---")
            if stripped.lower() not in _PLACEHOLDERS and any(c.isalnum() for c in stripped):
                out.append(Candidate(cs, ce, col_types[i], 0.8))
            continue
        if col_types is not None:
            continue
        span = _identifier_words(cell, pos + s)
        if span is None:
            continue
        first_word = _WORD_RE.search(cell)
        named = first_word is not None and is_census_name(first_word.group())
        kinds[i] = "NAME" if named or not seen_number else "LOCATION"
        words = _WORD_RE.findall(stripped)
        if len(words) <= 3 and _PROPER_CELL_RE.fullmatch(stripped):
            span = (cs, ce)  # the whole proper noun: "Green Bay", "San Jose", not only its unsafe word
        out.append(Candidate(span[0], span[1], kinds[i], 0.6))
    if col_types is None and out:
        out += _proper_noun_cells(line, pos, cells, kinds)
    # a five-digit cell is a ZIP code under a ZIP header, or in a row that holds a name or place
    out += [Candidate(zs, ze, "LOCATION", 0.8) for zs, ze, headed in zip_cells if headed or out]
    return out


# cell values of demographic, status and yes/no columns: never a name or a town
VALUE_WORDS = frozenset("""
male female man woman boy girl m f u x other unknown yes no y n none single married divorced widowed separated
partnered english spanish french portuguese chinese mandarin cantonese vietnamese arabic russian haitian creole
hispanic latino latina non white black asian caucasian african american native islander alaska indian pacific
active inactive pending final complete completed normal abnormal positive negative high low critical new old
inpatient outpatient emergency admitted discharged deceased alive self primary secondary medicare medicaid
commercial private uninsured full code dnr dni
""".split())


def _state_cell(cell: str) -> bool:
    """A cell that is a US state: its USPS code in capitals ("MA") or its name ("Vermont")."""
    t = cell.strip()
    return t in STATE_ABBR or t.lower() in US_STATES


def _town_before_state(line: str, cells: list[tuple[int, int]]) -> int | None:
    """Index of the town of an address export that ends with its state ("Patel,Ravi,,Edison,NJ",
    "SILVA;JOAO;;FALL RIVER;MA"): the proper-noun cell before the last cell, a state, skipping empty cells, when an
    earlier cell holds a name-like word (a census name or a word outside the vocabulary); else None. Clinical lists
    ending in an abbreviation that is also a state code ("Alert,Oriented,Calm,PA") have no such cell."""
    filled = [i for i, (s, e) in enumerate(cells) if line[s:e].strip()]
    if len(filled) < 3 or not _state_cell(line[slice(*cells[filled[-1]])]):
        return None
    town = filled[-2]
    pt = line[slice(*cells[town])].strip()
    words = _WORD_RE.findall(pt)
    if not words or len(words) > 3 or _state_cell(pt) or not _proper_noun_cell(pt, words):
        return None
    for i in filled[:-2]:
        for w in _WORD_RE.findall(line[slice(*cells[i])]):
            if not is_clinical_word(w) and w.upper() not in NOT_INITIALS and (
                    is_census_name(w) or not is_known_word(w)):
                return town
    return None


def _proper_noun_cells(line: str, pos: int, cells: list[tuple[int, int]], kinds: list[str | None]
                       ) -> list[Candidate]:
    """In a record row (no header) with a name found or a town before its state: the other cells written as proper
    nouns (Title case or capitals, at most three words, no clinical, state, credential or demographic value word)
    are identifiers too, although their words are everyday ones: the town before the state or after the row's
    date or number ("...,1944-12-01,Duluth", "...;FALL RIVER;MA") is a LOCATION; a cell among the first three or
    next to a found name ("Patel,Ravi", "FERNANDES;JOAO") is a NAME (45 CFR 164.514(b)(2)(i)(A), (B))."""
    out = []
    town = _town_before_state(line, cells)
    if town is not None and kinds[town] is None:
        kinds[town] = "TOWN"
    if not any(k in ("NAME", "LOCATION", "TOWN") for k in kinds):
        return out
    seen_number = False
    lower_row = not any(c.isupper() for c in line)  # a row typed in lower case: "okafor;grant;1950-01-01;fall river"
    for i, (s, e) in enumerate(cells):
        seen_number = seen_number or kinds[i] in ("NUM", "TOWN")
        if kinds[i] not in (None, "TOWN"):
            continue
        cell = line[s:e]
        stripped = cell.strip()
        probe = stripped.title() if lower_row else stripped
        words = _WORD_RE.findall(probe)
        if not words or len(words) > 3 or not _proper_noun_cell(probe, words):
            continue
        lead = len(cell) - len(cell.lstrip())
        near_name = any(kinds[j] == "NAME" for j in (i - 1, i + 1) if 0 <= j < len(kinds))
        if seen_number:
            out.append(Candidate(pos + s + lead, pos + s + lead + len(stripped), "LOCATION", 0.6))
        elif near_name or i <= 2:
            out.append(Candidate(pos + s + lead, pos + s + lead + len(stripped), "NAME", 0.6))
    return out


_PROPER_CELL_RE = re.compile(r"(?:[A-Z][a-z'-]+|[A-Z]{2,}|St\.|Ft\.|Mt\.)(?:[ -](?:[A-Z][a-z'-]+|[A-Z]{2,}))*")


def _proper_noun_cell(cell: str, words: list[str]) -> bool:
    if not _PROPER_CELL_RE.fullmatch(cell) or cell.isupper() != all(w.isupper() for w in words):
        return False
    for w in words:
        lw = w.lower()
        if (w in STATE_ABBR or lw in _STATE_WORDS or lw in VALUE_WORDS or lw in PROTECTED_WORDS or lw in CREDENTIALS
                or is_clinical_word(w) or w.upper() in NOT_INITIALS):
            return False
    return True
