"""Annotated note generator: determinism, exact gold spans, coverage of every PHI type, hard negatives."""

from __future__ import annotations

import collections
import json
import random
import re

import pytest

from clinical_pipelines.synthetic import notes as N

IP_RE = re.compile(r"^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]+)$")


@pytest.fixture(scope="module")
def corpus() -> list[N.AnnotatedNote]:
    return N.generate_benchmark_corpus(1000, seed=11)


def test_corpus_is_deterministic_and_seed_dependent(corpus):
    assert N.generate_benchmark_corpus(1000, seed=11) == corpus
    other = N.generate_benchmark_corpus(50, seed=12)
    assert [n.text for n in other] != [n.text for n in corpus[:50]]


def test_spans_are_exact_sorted_and_typed(corpus):
    for note in corpus:
        prev_end = 0
        for s in note.spans:
            assert s.type in N.PHI_TYPES, (note.note_id, s.type)
            assert 0 <= prev_end <= s.start < s.end <= len(note.text), note.note_id
            value = note.text[s.start:s.end]
            assert value == value.strip(), (note.note_id, s)
            prev_end = s.end


def test_span_values_look_like_their_type(corpus):
    for note in corpus:
        for s in note.spans:
            v = note.text[s.start:s.end]
            if s.type == "AGE":
                assert v.isdigit(), note.note_id
            elif s.type == "EMAIL":
                assert re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]+", v, re.I), note.note_id
            elif s.type == "URL":
                assert v.lower().startswith("https://"), note.note_id
            elif s.type == "IP":
                assert IP_RE.match(v.lower()), note.note_id
            elif s.type in ("PHONE", "FAX"):
                assert len(re.sub(r"\D", "", v)) in (10, 11), note.note_id
            elif s.type == "SSN":
                assert len(re.sub(r"\D", "", v)) in (4, 9), note.note_id
            elif s.type == "DATE":
                assert not re.fullmatch(r"\d{4}", v), f"bare year labelled DATE in {note.note_id}"
                assert re.search(r"\d", v), note.note_id


def test_known_identifiers_are_labelled_wherever_they_occur(corpus):
    """No unlabelled leak: every occurrence of the patient's structured identifiers lies inside a span."""
    checked = 0
    for note in corpus:
        ki = note.known_identifiers
        values = [ki["name"][0]] + [ki[k][0] for k in ("mrn", "ssn", "email", "health_plan_id", "account_number",
                                                        "drivers_license", "vehicle_plate", "device_serial", "url",
                                                        "ip_address", "street_address", "zip") if k in ki]
        for value in values:
            for m in re.finditer(r"(?<!\w)" + re.escape(value) + r"(?!\w)", note.text, re.I):
                checked += 1
                assert any(s.start <= m.start() and m.end() <= s.end for s in note.spans), \
                    f"unlabelled identifier occurrence in {note.note_id} at {m.start()}"
    assert checked > 1000


def test_patient_name_and_mrn_are_mentioned_and_typed(corpus):
    for note in corpus:
        types = collections.Counter(s.type for s in note.spans)
        assert types["NAME"] >= 1 and types["DATE"] >= 1, note.note_id
        mrn_values = {note.text[s.start:s.end] for s in note.spans if s.type == "MRN"}
        raw = note.known_identifiers["mrn"][0]
        digits = re.sub(r"\D", "", raw)
        for v in mrn_values:
            assert v.upper() == raw.upper() or re.sub(r"\D", "", v) == digits, note.note_id


def test_every_phi_type_is_well_covered(corpus):
    counts = collections.Counter(s.type for n in corpus for s in n.spans)
    for typ in N.PHI_TYPES:
        assert counts[typ] >= 30, f"{typ}: only {counts[typ]} mentions"
    ages_over_89 = [n.text[s.start:s.end] for n in corpus for s in n.spans
                    if s.type == "AGE" and int(n.text[s.start:s.end]) > 89]
    assert len(ages_over_89) >= 30
    assert {n.note_id.split("-")[0] for n in corpus} == {"bench"}
    assert len({n.note_id for n in corpus}) == len(corpus)


def test_every_note_type_and_varied_date_formats(corpus):
    titles = collections.Counter(n.text.split("\n", 1)[0].strip().lower() for n in corpus)
    assert len(titles) >= 30, "first lines should vary widely across note types and templates"
    dates = [n.text[s.start:s.end] for n in corpus for s in n.spans if s.type == "DATE"]
    shapes = {
        "iso": r"\d{4}-\d{2}-\d{2}", "us": r"\d{2}/\d{2}/\d{4}", "short": r"\d{1,2}/\d{1,2}/\d{2}",
        "long": r"[A-Z][a-z]+ \d{1,2}, \d{4}", "dmy": r"\d{1,2}-[A-Za-z]{3}-\d{4}", "ordinal": r"\d{1,2}(st|nd|rd|th)",
        "no_year": r"\d{1,2}/\d{1,2}",
    }
    for name, pat in shapes.items():
        assert any(re.fullmatch(pat, d) for d in dates), f"no {name} date"


def test_hard_negatives_present_and_never_inside_spans(corpus):
    seen = collections.Counter()
    for note in corpus:
        for term in N.HARD_NEGATIVE_TERMS:
            for m in re.finditer(r"(?<!\w)" + re.escape(term) + r"(?!\w)", note.text, re.I):
                seen[term] += 1
                assert not any(s.start < m.end() and m.start() < s.end for s in note.spans), (note.note_id, term)
        for pat in N.HARD_NEGATIVE_PATTERNS:
            for m in re.finditer(pat, note.text, re.I):
                seen[pat] += 1
                assert not any(s.start < m.end() and m.start() < s.end for s in note.spans), (note.note_id, pat)
    for must in ("Parkinson's disease", "Graves' disease", "Wolff-Parkinson-White", "Foley catheter", "Swan-Ganz",
                 "Glasgow Coma Scale", "Apgar", *N.HARD_NEGATIVE_PATTERNS):
        assert seen[must] > 0, f"hard negative never generated: {must}"
    # years alone appear and are not labelled
    bare_years = 0
    for note in corpus:
        for m in re.finditer(r"(?<=\bin )(19|20)\d{2}\b|(?<=CABG x\d )\((19|20)\d{2}\)", note.text):
            bare_years += 1
            assert not any(s.start < m.end() and m.start() < s.end for s in note.spans), note.note_id
    assert bare_years >= 30


def test_generate_note_uses_given_patient_and_encounter():
    patient = {"patient_name": "Orla Quennell", "mrn": "ZZ1234567", "birth_date": "1930-02-03", "sex": "F",
               "phone": "603-555-0199", "city": "Millbrook", "state": "NH", "zip": "03601",
               "street_address": "12 Birch Rd"}
    encounter = {"encounter_id": "ENC1", "admit_date": "2022-05-06", "discharge_date": "2022-05-09",
                 "attending_clinician": "Ada Nkemelu", "facility_name": "Test Hospital", "heart_rate": "101",
                 "troponin_ng_l": "", "site_id": "northgate"}
    for i, t in enumerate(N.NOTE_TYPES):
        note = N.generate_note(patient, encounter, random.Random(i), f"n{i}", t)
        assert note.known_identifiers["name"][0] == "Orla Quennell"
        assert note.known_identifiers["mrn"] == ["ZZ1234567"]
        names = " ".join(note.text[s.start:s.end] for s in note.spans if s.type == "NAME").lower()
        assert "quennell" in names or "orla" in names or "ada" in names or "nkemelu" in names, t
        ages = [note.text[s.start:s.end] for s in note.spans if s.type == "AGE"]
        assert "92" in ages or not ages or t in ("telephone_note",), (t, ages)
    with pytest.raises(ValueError, match="note_type"):
        N.generate_note(patient, encounter, random.Random(0), "x", "tweet")


def test_write_benchmark_files(tmp_path, corpus):
    inp, gold = tmp_path / "in.jsonl", tmp_path / "gold.jsonl"
    N.write_benchmark_files(corpus[:25], inp, gold)
    rows = [json.loads(line) for line in inp.read_text(encoding="utf-8").splitlines()]
    golds = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [g["id"] for g in golds] == [n.note_id for n in corpus[:25]]
    assert set(rows[0]) == {"id", "text", "known_identifiers"} and set(golds[0]) == {"id", "spans"}
    for r, g, n in zip(rows, golds, corpus[:25]):
        assert r["text"] == n.text
        assert [(s["start"], s["end"], s["type"]) for s in g["spans"]] == [(s.start, s.end, s.type) for s in n.spans]
