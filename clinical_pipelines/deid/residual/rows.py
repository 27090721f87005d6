"""Identifier cells of delimited rows pasted into a note (CSV with or without quotes, semicolons, tabs, pipes,
Markdown tables and space-aligned columns).

A header row names the PHI columns of the rows below it (names, relatives and contacts, places, record
numbers, phones, birth dates) until a blank line or another header row; a lab or medication table
("test;value;unit", "name  dose  route") has none. Without a header, a row is a PHI row when two or more
of its cells are names by the safe-list rule (capitalised, or a row written wholly in lower case with
no space after its delimiter, at least one word out of the vocabulary); in a PHI row every other
capitalised word cell (the town, "Lowell, MA") is part of the record too. Rows with a measurement and
a unit are lab or medication rows. Input is folded text (:mod:`.normalize`).
"""
from __future__ import annotations

import re

from .lexicon import in_vocabulary

SPACES = "  "  # two or more spaces or tabs: a space-aligned table (only below its header row)
DELIMS = (",", ";", "\t", "|", SPACES)
RELATION_CELLS = frozenset("""self spouse wife husband partner mother father son daughter brother sister friend
neighbor neighbour grandson granddaughter grandmother grandfather aunt uncle niece nephew cousin guardian caregiver
son-in-law daughter-in-law mother-in-law father-in-law sibling child parent other""".split())
_SEX_CELLS = frozenset("m f male female man woman u unknown x nb yes no y n".split())
# an empty value written out ("n/a", "N/A", "none", "unk", "--", "?", "not on file", "declined"): no identifier
NULL_CELL_RE = re.compile(r"(?i:n/?a|n\.a\.|none|nil|null|unk|unknown|not\s+(?:available|applicable|on\s+file|given|known|"
                          r"recorded|provided)|declined|refused|pending|tbd|blank|empty|same|see\s+above|[-_.?/*\s]+)")
HEADER_WORDS = re.compile(r"^(?:first|last|given|family|sur|middle|full|patient|pt|member|subscriber|contact|nok|"
                          r"guardian|spouse|provider|clinician|physician|doctor|staff|user|author|emergency)?[ _]?"
                          r"(?:name|names|first|last|surname|initials|city|town|county|address|street|addr|"
                          r"residence|employer|school|birthplace|place|contact|caregiver|relative|nok|guardian|"
                          r"mrn|id|ssn|phone|tel|telephone|cell|mobile|dob|birthdate|birth[ _]?date|zip|zipcode|"
                          r"postal[ _]?code|email|e-mail|acct|account)$", re.I)
# a header naming a medication or lab table: its "name" column holds drugs and tests
_TABLE_WORDS = re.compile(r"^(?:dose|dosage|route|freq|frequency|sig|result|results|value|values|units?|test|tests|"
                          r"drug|drugs|medication|medications|med|meds|reference|range|ref[ _]range|flag|lab|labs)$",
                          re.I)
_MEASURED_RE = re.compile(r"\d[\s;,|]*(?:mg|mcg|ml|g/dl|mmol|meq|%|units?|mmhg|bpm|k/ul|iu|u/l|ng|pg)\b", re.I)
_RECORD_CELL_RE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}-[A-Za-z]{3}-\d{2,4}|"
                             r"\+?[\d() .-]{7,}\d")
_MD_RULE_RE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}")
_CELL_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'.-]*")
# Lines that are a clinical list by their label (problem lists, medications, allergies, review of systems): their
# comma- or semicolon-separated items are conditions and drugs ("PMH: DEPRESSION, PAROXYSMAL AF, TIA"), never
# "LAST, FIRST" names or rows of a pasted contact table. Social and family history and plans are not in the list:
# they may name people.
CLINICAL_LIST_LINE_RE = re.compile(
    r"(?im)^[ \t]*(?:PMH|PSH|PMHx|PSHx|Hx|Meds|Medications|Home[ \t]+meds|Current[ \t]+medications|Allergies"
    r"|Dx|Diagnos[ie]s|Problems?|Problem[ \t]+list|ROS|Past[ \t]+(?:medical|surgical)[ \t]+history)[ \t]*[:-]")


def _split(line: str, delim: str) -> list[tuple[int, int]]:
    """Stripped cell spans of ``line``; commas inside double quotes do not split; a bordered pipe row
    ("| a | b |") has no empty first and last cell."""
    if delim == SPACES:
        bounds, pos = [], 0
        for m in re.finditer(r"[ \t]{2,}|\t", line):
            bounds.append((pos, m.start()))
            pos = m.end()
        bounds.append((pos, len(line)))
    else:
        bounds, pos, quoted = [], 0, False
        for i, c in enumerate(line):
            if c == '"':
                quoted = not quoted
            elif c == delim and not quoted:
                bounds.append((pos, i))
                pos = i + 1
        bounds.append((pos, len(line)))
        if delim == "|" and line.strip().startswith("|") and line.strip().endswith("|") and len(bounds) >= 3:
            bounds = bounds[1:-1]
    out = []
    for a, b in bounds:
        seg = line[a:b]
        a2 = a + len(seg) - len(seg.lstrip(' \t"'))
        b2 = b - (len(seg) - len(seg.rstrip(' \t"')))
        out.append((a2, max(a2, b2)))
    return out


def _words(cell: str) -> list[str]:
    return [w for w in re.split(r"[ ,]+", cell) if w]


def _is_name_word(w: str) -> bool:
    """Out of the vocabulary; an all-caps word of three letters or fewer is an abbreviation ("NSR", "AVF")."""
    w = w.rstrip(".")
    return len(w) >= 2 and not (w.isupper() and len(w) <= 3) and not in_vocabulary(w.lower())


def _header_cols(cells: list[str]) -> set[int] | None:
    """PHI columns of a header row, or None when the row is not a header."""
    if not all(re.fullmatch(r"[A-Za-z][A-Za-z _/-]*", c) for c in cells):
        return None
    heads = {j for j, c in enumerate(cells) if HEADER_WORDS.match(c)}
    if any(_TABLE_WORDS.match(c) for c in cells):
        return set()
    if heads or all(c.islower() and all(in_vocabulary(w) for w in c.split()) or
                    all(in_vocabulary(w) for w in c.split()) for c in cells):
        return heads
    return None


def find_row_cells(text: str) -> list[tuple[int, int]]:
    """Spans of identifier cells in delimited rows (see module docstring)."""
    out: list[tuple[int, int]] = []
    header_cols: dict[str, set[int]] = {}
    pos = 0
    for line in text.split("\n"):
        off, pos = pos, pos + len(line) + 1
        if not line.strip(" \t|"):
            header_cols.clear()  # a blank line ends a table
            continue
        if _MD_RULE_RE.match(line) or CLINICAL_LIST_LINE_RE.match(line):
            continue
        for delim in DELIMS:
            if delim not in line and not (delim == SPACES and "\t" in line):
                continue
            spans = _split(line, delim)
            cells = [line[a:b] for a, b in spans]
            if len(cells) < 2:
                continue
            heads = _header_cols(cells)
            if heads is not None and not heads and header_cols.get(delim):
                heads = None  # "Faith,Hope,Springfield" under "Last Name,First Name,City": data, not a header
            if heads is not None and (len(cells) >= 3 or len(heads) >= 1):
                header_cols[delim] = heads  # a header row: its PHI columns (none for "test;value;unit")
                break
            if (len(cells) < 3 or delim == SPACES) and delim not in header_cols:
                continue  # two cells or a space-aligned row: only below a header
            found = _row_cells(line, delim, spans, cells, header_cols.get(delim, set()))
            if found:
                out.extend((off + a, off + b) for a, b in found)
                break
    return out


def _row_cells(line: str, delim: str, spans, cells, phi_cols: set[int]) -> list[tuple[int, int]]:
    if _MEASURED_RE.search(line):
        return []
    lower_row = not any(c.isupper() for c in line) and not re.search(re.escape(delim.strip() or "\t") + r" ", line)
    # a record row: a cell is a date or a telephone / record number, so its word cells in any case are names
    # (or a placeholder left by de-identification: masked by the caller as "\x1a" runs)
    masked = sum(1 for c in cells if c.strip() and not c.strip("\x1a \t"))
    record_row = masked > 0 or any(_RECORD_CELL_RE.fullmatch(c.strip()) for c in cells)
    names, others, by_col, short = [], [], [], 0
    for j, ((a, b), c) in enumerate(zip(spans, cells)):
        label = re.match(r"[A-Za-z][A-Za-z ]{0,19}:[ \t]*", c) if j == 0 and delim != "," else None
        if label:  # "Row: Okonkwo | Adaeze": the label is not part of the cell
            a, c = a + label.end(), c[label.end():]
        words = _words(c)
        if not words or NULL_CELL_RE.fullmatch(c.strip()):
            continue
        if all(w.lower() in RELATION_CELLS or w.lower() in _SEX_CELLS for w in words):
            continue  # "self", "mother", "F": the relation or sex column, not a name
        if j in phi_cols:
            by_col.append((a, b))
            continue
        if not (1 <= len(words) <= 4 and all(_CELL_WORD_RE.fullmatch(w) for w in words)):
            continue
        capital = all(w[:1].isupper() for w in words)
        loose = record_row and not (capital or lower_row)  # a lower-case cell of a record row: one or two names
        if (capital or lower_row or (loose and len(words) <= 2 and all(_is_name_word(w) for w in words))) and \
                any(_is_name_word(w) for w in words):
            names.append((a, b))
            short += len(words) <= 2 and c.islower()  # "okoye" beside placeholders; not a label ("Acct")
            if "," in c and len(words) >= 2:
                names.append((a, a))  # a quoted "LAST, FIRST" cell holds two name parts
        elif capital:
            others.append((a, b))  # a town or a second name part in a PHI row
    if len(names) >= 2 or (masked and short and len(names) == short) or by_col:
        return [x for x in names if x[1] > x[0]] + others + by_col
    return []
