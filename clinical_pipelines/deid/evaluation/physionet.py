"""Loader for the PhysioNet deid gold-standard corpus (2,434 ICU nursing notes re-identified with surrogate PHI).

Source: PhysioNet, "De-identification: software and test data" (deid 1.1; Neamatullah et al., BMC Med Inform
Decis Mak 2008;8:32). Its README gives the licence as GNU GPL 2.0. The repository keeps an unchanged copy for the
benchmark in ``tools/bench/data/physionet-deid`` (see its SOURCE.md); ``CLINICAL_PIPELINES_PHYSIONET_DEID`` (or the
bench's ``--physionet-deid``) points at another copy.

Formats: ``id.text`` holds records ``START_OF_RECORD=<pid>||||<note>||||`` + newline, the note text, then
``||||END_OF_RECORD``; ``id-phi.phrase`` has one PHI per line: ``<pid> <note> <start> <end> <category> <text>``
with offsets into the note text (the text after the header line).

Category -> HIPAA type: PTName, PTNameInitial, RelativeProxyName, HCPName -> NAME; Date -> DATE; Age -> AGE
(only ages over 89 are scored); Location -> LOCATION (the corpus does not separate hospitals from places);
Phone -> PHONE; Other -> ID. DateYear (a year alone) is not a Safe Harbor identifier and is not scored.

Split (``split_by_patient``): notes of patients with an even id are the TUNING half (their misses and false
positives may be read to fix kinds), notes of patients with an odd id the HELD-OUT half (reported only). All
notes of one patient fall in the same half, so a patient's names and places never cross the split.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from .corpus import ROLE_HELD_OUT, ROLE_TUNING, Corpus, CorpusFormatError, GoldSpan, make_note

ENV_VAR = "CLINICAL_PIPELINES_PHYSIONET_DEID"
CATEGORY_TYPES = {"PTName": "NAME", "PTNameInitial": "NAME", "RelativeProxyName": "NAME", "HCPName": "NAME",
                  "Date": "DATE", "Age": "AGE", "Location": "LOCATION", "Phone": "PHONE", "Other": "ID"}
NOT_SCORED = {"DateYear"}
SOURCE = ("PhysioNet deid 1.1 gold standard (id.text, id-phi.phrase); Neamatullah et al. 2008, "
          "doi:10.1186/1472-6947-8-32")
LICENCE = "GNU GPL 2.0 (deid 1.1 README, COPYING); kept unchanged in tools/bench/data/physionet-deid/ for the benchmark"
# The benchmark's copy (repository checkouts only; the installed package does not ship it).
BUNDLED_DIR = Path(__file__).resolve().parents[3] / "tools" / "bench" / "data" / "physionet-deid"
MAPPING = ("PTName/PTNameInitial/RelativeProxyName/HCPName->NAME, Date->DATE, Age(>89)->AGE, Location->LOCATION, "
           "Phone->PHONE, Other->ID; DateYear not scored")

_RECORD_RE = re.compile(r"START_OF_RECORD=(\d+)\|\|\|\|(\d+)\|\|\|\|\r?\n(.*?)\|\|\|\|END_OF_RECORD", re.S)


def physionet_dir(explicit: str | None = None) -> Path | None:
    """The configured corpus folder (argument, else ``$CLINICAL_PIPELINES_PHYSIONET_DEID``, else the copy in the
    repository's ``tools/bench/data/physionet-deid``), or None."""
    value = explicit or os.environ.get(ENV_VAR)
    if value:
        return Path(value)
    return BUNDLED_DIR if (BUNDLED_DIR / "id.text").is_file() else None


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def load_physionet_deid(folder: str | Path) -> Corpus:
    """Read ``id.text`` and ``id-phi.phrase`` from ``folder`` into a held-out ``Corpus`` (one note per record,
    id ``<pid>-<note>``). Fails closed with ``CorpusFormatError`` naming the file and line (never a value)."""
    root = Path(folder)
    text_path, phrase_path = root / "id.text", root / "id-phi.phrase"
    for p in (text_path, phrase_path):
        if not p.is_file():
            raise CorpusFormatError(f"{p}: file not found; point {ENV_VAR} at the folder of the PhysioNet deid 1.1 "
                                    "package holding id.text and id-phi.phrase")
    raw = text_path.read_text(encoding="utf-8", errors="strict")
    texts: dict[tuple[str, str], str] = {}
    for m in _RECORD_RE.finditer(raw):
        texts[(m.group(1), m.group(2))] = m.group(3)
    if not texts:
        raise CorpusFormatError(f"{text_path}: no START_OF_RECORD ... END_OF_RECORD records found")
    spans: dict[tuple[str, str], list[GoldSpan]] = {k: [] for k in texts}
    skipped = 0
    with open(phrase_path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            parts = line.rstrip("\n").split(" ", 5)
            if len(parts) < 5:
                raise CorpusFormatError(f"{phrase_path}:{lineno}: expected '<pid> <note> <start> <end> <category> <text>'")
            key, cat = (parts[0], parts[1]), parts[4]
            if key not in texts:
                raise CorpusFormatError(f"{phrase_path}:{lineno}: record {parts[0]}-{parts[1]} is not in id.text")
            if cat in NOT_SCORED:
                skipped += 1
                continue
            if cat not in CATEGORY_TYPES:
                raise CorpusFormatError(f"{phrase_path}:{lineno}: unknown PHI category; known: "
                                        f"{', '.join(sorted(CATEGORY_TYPES) + sorted(NOT_SCORED))}")
            try:
                s, e = int(parts[2]), int(parts[3])
            except ValueError:
                raise CorpusFormatError(f"{phrase_path}:{lineno}: start and end must be integers") from None
            text = texts[key]
            if not 0 <= s < e <= len(text):
                raise CorpusFormatError(f"{phrase_path}:{lineno}: offsets outside the note text")
            typ = CATEGORY_TYPES[cat]
            if typ == "AGE":
                digits = re.sub(r"\D", "", text[s:e])
                if not digits or int(digits) <= 89:
                    skipped += 1
                    continue
            s, e = _trim(text, s, e)
            if e > s:
                spans[key].append(GoldSpan(s, e, typ))
    notes = tuple(make_note(f"{pid}-{nid}", texts[(pid, nid)], spans[(pid, nid)])
                  for pid, nid in sorted(texts, key=lambda k: (int(k[0]), int(k[1]))))
    return Corpus(name="PhysioNet deid gold standard", role=ROLE_HELD_OUT, notes=notes, source=SOURCE,
                  licence=LICENCE, notes_on_mapping=MAPPING, extra={"not_scored_spans": skipped})


def split_by_patient(corpus: Corpus) -> tuple[Corpus, Corpus]:
    """``(tuning, held_out)``: the notes of patients with an even id (TUNING) and with an odd id (HELD OUT).
    Note ids are ``<pid>-<note>`` as ``load_physionet_deid`` makes them; order is kept."""
    halves: dict[bool, list] = {True: [], False: []}
    for note in corpus.notes:
        halves[int(note.note_id.split("-", 1)[0]) % 2 == 0].append(note)
    extra = dict(corpus.extra)
    return (Corpus("PhysioNet even (pid)", ROLE_TUNING, tuple(halves[True]), corpus.source, corpus.licence,
                   corpus.notes_on_mapping, dict(extra, half="even patient ids")),
            Corpus("PhysioNet odd (pid)", ROLE_HELD_OUT, tuple(halves[False]), corpus.source, corpus.licence,
                   corpus.notes_on_mapping, dict(extra, half="odd patient ids")))
