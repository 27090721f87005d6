"""Entry points of the synthetic note generator: one annotated note, a balanced benchmark corpus, and the
benchmark files (input JSONL and gold-span JSONL)."""

from __future__ import annotations

import datetime as _dt
import json
import random
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from clinical_pipelines.synthetic import identities as ids
from clinical_pipelines.synthetic.notes.annotation import NOTE_TYPES, AnnotatedNote
from clinical_pipelines.synthetic.notes.context import NoteContext
from clinical_pipelines.synthetic.notes.templates import BUILDERS


def _surface(c: NoteContext, text: str, note_type: str) -> str:
    """Length-preserving surface variation: all caps (old ECG carts/dictation) or hard wrapping."""
    r = c.rng.random()
    if (note_type == "ecg_report" and r < 0.5) or r < 0.04:
        up = text.upper()
        if len(up) == len(text):
            text = up
    elif note_type in ("referral_letter", "nursing_note", "discharge_summary") and r < 0.3:
        width = c.rng.randint(60, 90)
        chars = list(text)
        col = 0
        for i, ch in enumerate(chars):
            if ch == "\n":
                col = 0
                continue
            col += 1
            if col > width and ch == " ":
                chars[i] = "\n"
                col = 0
        text = "".join(chars)
    return text


def _known_identifiers(c: NoteContext) -> dict[str, list[str]]:
    p = c.p
    out: dict[str, list[str]] = {"name": [f"{c.first} {c.last}", c.first, c.last]}
    for kind, key in (("birth_date", "birth_date"), ("mrn", "mrn"), ("ssn", "ssn"), ("phone", "phone"), ("fax", "fax"),
                      ("email", "email"), ("health_plan_id", "health_plan_id"), ("account_number", "account_number"),
                      ("drivers_license", "drivers_license"), ("vehicle_plate", "vehicle_plate"),
                      ("device_serial", "device_serial"), ("url", "patient_portal_url"), ("ip_address", "ip_address"),
                      ("street_address", "street_address"), ("city", "city"), ("county", "county"), ("zip", "zip")):
        val = p.get(key)
        if val:
            out[kind] = [str(val)]
    return out


def generate_note(patient: Mapping[str, Any], encounter: Mapping[str, Any], rng: random.Random, note_id: str,
                  note_type: str | None = None) -> AnnotatedNote:
    """One annotated note about ``patient`` during ``encounter``.

    ``patient`` uses the encounters.csv identifier keys (``patient_name`` or ``first_name``/``last_name``,
    ``mrn``, ``birth_date``, ``phone``, ...; optional ``relatives``, ``employer``); ``encounter`` uses
    ``encounter_id``, ``admit_date``, ``discharge_date``, ``attending_clinician``, ``facility_name``,
    ``site_id``, the clinical feature columns and optionally ``note_date`` and ``author``.  Missing
    identifiers are drawn from ``rng``; clinical values present in ``encounter`` are used verbatim
    (an empty value means missing).
    """
    if note_type is None:
        note_type = rng.choice(NOTE_TYPES)
    if note_type not in BUILDERS:
        raise ValueError(f"unknown note_type {note_type!r}; expected one of {NOTE_TYPES}")
    c = NoteContext(patient, encounter, rng)
    BUILDERS[note_type](c)
    text = _surface(c, c.b.text(), note_type)
    spans = tuple(sorted(c.b.spans, key=lambda s: (s.start, s.end)))
    return AnnotatedNote(note_id=note_id, text=text, spans=spans, known_identifiers=_known_identifiers(c))


def generate_benchmark_corpus(n_notes: int = 1000, seed: int = 11) -> list[AnnotatedNote]:
    """A balanced corpus over all note types (note ``i`` has type ``NOTE_TYPES[i % 9]``)."""
    rng = random.Random(seed)
    notes = []
    for i in range(n_notes):
        site = rng.choice(tuple(ids.SITE_GEOGRAPHY) + (None,))
        admit = _dt.date(2019, 1, 1) + _dt.timedelta(days=rng.randint(0, 5 * 365 - 1))
        patient = ids.make_patient(rng, site, ref_date=admit, restricted_zip=rng.random() < 0.05)
        encounter = {
            "encounter_id": f"{rng.randint(10**7, 10**8 - 1)}",
            "site_id": site,
            "admit_date": admit.isoformat(),
            "discharge_date": (admit + _dt.timedelta(days=rng.randint(0, 8))).isoformat(),
            "attending_clinician": " ".join(ids.clinician_name(rng)),
        }
        note_type = NOTE_TYPES[i % len(NOTE_TYPES)]
        if note_type == "nursing_note":
            encounter["author"] = " ".join(ids.clinician_name(rng))
        notes.append(generate_note(patient, encounter, rng, f"bench-{i:05d}", note_type))
    return notes


def write_benchmark_files(notes: Iterable[AnnotatedNote], input_path: str | Path, gold_path: str | Path) -> None:
    """input: {"id","text","known_identifiers"} per line; gold: {"id","spans":[{"start","end","type"}]} per line."""
    input_path, gold_path = Path(input_path), Path(gold_path)
    input_path.parent.mkdir(parents=True, exist_ok=True)
    gold_path.parent.mkdir(parents=True, exist_ok=True)
    with input_path.open("w", encoding="utf-8") as fin, gold_path.open("w", encoding="utf-8") as fgold:
        for n in notes:
            fin.write(json.dumps({"id": n.note_id, "text": n.text, "known_identifiers": n.known_identifiers},
                                 ensure_ascii=False, sort_keys=True) + "\n")
            fgold.write(json.dumps({"id": n.note_id, "spans": [{"start": s.start, "end": s.end, "type": s.type}
                                                               for s in n.spans]}, sort_keys=True) + "\n")
