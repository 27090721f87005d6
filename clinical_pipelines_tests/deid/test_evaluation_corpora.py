"""Loaders of the evaluation corpora (PhysioNet deid format, the project's generator, shared cases) and the
residual-gate accounting through a redaction. Fixtures are hand-made here; no corpus is shipped."""
import json

import pytest

from clinical_pipelines.deid.evaluation import CorpusFormatError, make_note
from clinical_pipelines.deid.evaluation.cases import case_passes, load_cases, run_cases
from clinical_pipelines.deid.evaluation.physionet import ENV_VAR, load_physionet_deid, physionet_dir
from clinical_pipelines.deid.evaluation.residual import (GateTally, placeholder_redaction, redaction_map,
                                                         tally_note)

NOTE_1 = "PT SEEN BY DR LUND AT KESTREL HOSP 4/11. WIFE CALLED 555-0142. AGE 97. MI 1999.\n"
NOTE_2 = "VS STABLE. NO ACUTE EVENTS.\n"


def _physionet(tmp_path, phrases):
    (tmp_path / "id.text").write_text(
        f"START_OF_RECORD=7||||1||||\n{NOTE_1}||||END_OF_RECORD\n\nSTART_OF_RECORD=7||||2||||\n{NOTE_2}"
        "||||END_OF_RECORD\n", encoding="utf-8")
    (tmp_path / "id-phi.phrase").write_text("".join(f"{line}\n" for line in phrases), encoding="utf-8")
    return tmp_path


def _offsets(sub):
    s = NOTE_1.index(sub)
    return s, s + len(sub)


def test_physionet_loader_maps_categories_and_drops_years_and_young_ages(tmp_path):
    lines = []
    for sub, cat in (("LUND", "HCPName"), ("KESTREL HOSP", "Location"), ("4/11", "Date"), ("555-0142", "Phone"),
                     ("97", "Age"), ("1999", "DateYear")):
        s, e = _offsets(sub)
        lines.append(f"7 1 {s} {e} {cat} {sub}")
    corpus = load_physionet_deid(_physionet(tmp_path, lines))
    assert [n.note_id for n in corpus.notes] == ["7-1", "7-2"]
    n1 = corpus.notes[0]
    assert [(NOTE_1[s.start:s.end], s.type) for s in n1.spans] == [
        ("LUND", "NAME"), ("KESTREL HOSP", "LOCATION"), ("4/11", "DATE"), ("555-0142", "PHONE"), ("97", "AGE")]
    assert corpus.notes[1].spans == () and corpus.extra["not_scored_spans"] == 1
    assert corpus.role == "held-out" and "GPL" in corpus.licence


@pytest.mark.parametrize("line,msg", [("7 1 0 2 Nickname PT", "unknown PHI category"),
                                      ("7 9 0 2 Date PT", "not in id.text"),
                                      ("7 1 0 999 Date PT", "outside"),
                                      ("7 1 x 2 Date PT", "integers")])
def test_physionet_loader_fails_closed_with_file_and_line(tmp_path, line, msg):
    with pytest.raises(CorpusFormatError, match=rf"id-phi\.phrase:1: .*{msg}"):
        load_physionet_deid(_physionet(tmp_path, [line]))


def test_physionet_missing_files_say_how_to_fix(tmp_path, monkeypatch):
    with pytest.raises(CorpusFormatError, match=ENV_VAR):
        load_physionet_deid(tmp_path)
    monkeypatch.delenv(ENV_VAR, raising=False)
    from clinical_pipelines.deid.evaluation.physionet import BUNDLED_DIR

    assert physionet_dir() == (BUNDLED_DIR if (BUNDLED_DIR / "id.text").is_file() else None)
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert physionet_dir() == tmp_path


def test_bundled_physionet_copy_loads_whole():
    from clinical_pipelines.deid.evaluation.physionet import BUNDLED_DIR

    if not (BUNDLED_DIR / "id.text").is_file():
        pytest.skip("the benchmark copy of the PhysioNet corpus is not in this checkout")
    corpus = load_physionet_deid(BUNDLED_DIR)
    assert len(corpus.notes) == 2434 and sum(len(n.spans) for n in corpus.notes) == 1733


def test_project_generator_corpus_keeps_only_ages_over_89():
    from clinical_pipelines.deid.evaluation.project_corpus import project_generator_corpus

    corpus = project_generator_corpus(40, seed=7)
    ages = [n.text[s.start:s.end] for n in corpus.notes for s in n.spans if s.type == "AGE"]
    assert all(int("".join(c for c in a if c.isdigit()) or 100) > 89 for a in ages)
    assert corpus.role == "tuning" and len(corpus.notes) == 40


def test_shared_cases_count_passes_without_exposing_strings(tmp_path):
    (tmp_path / "deid-x.jsonl").write_text(
        json.dumps({"id": "a", "text": "Call Ivo at 555-0100.", "expect": {"must_not_survive": ["Ivo", "0100"]}}) + "\n"
        + json.dumps({"id": "b", "text": "No PHI.", "expect": {}}) + "\n", encoding="utf-8")
    (tmp_path / "other.jsonl").write_text("not json\n")
    cases = load_cases(tmp_path)
    assert [c.case_id for c in cases] == ["a"]
    assert case_passes(cases[0], "Call [NAME] at [PHONE].")
    assert not case_passes(cases[0], "Call [NAME] at 555-0100.")
    assert run_cases(cases, lambda texts, known: ["Call [NAME] at 555-0100."]) == (0, ["a"])
    (tmp_path / "deid-bad.jsonl").write_text("{oops\n")
    with pytest.raises(CorpusFormatError, match=r"deid-bad\.jsonl:1"):
        load_cases(tmp_path)


TEXT = "Ivo Lund seen 4/11 at 555-0142 by Ana."
#       0123456789012345678901234567890123456789


class _Span:
    def __init__(self, s, e, t):
        self.start, self.end, self.type = s, e, t


def test_redaction_map_aligns_verbatim_text_through_placeholders():
    spans = [(0, 8), (14, 18)]
    red = "[NAME-ab12cd] seen [DATE] at 555-0142 by Ana."
    m = redaction_map(TEXT, spans, red)
    assert m is not None and m[0] == -1 and m[14] == -1
    assert red[m[22]:m[22] + 8] == "555-0142" and red[m[34]] == "A"
    assert redaction_map(TEXT, spans, "something else entirely") is None
    assert placeholder_redaction(TEXT, [_Span(0, 8, "NAME")]) == "[NAME] seen 4/11 at 555-0142 by Ana."


class _Scanner:
    """Blocks on digit runs of length >= 4 in the scanned text (a stand-in with the residual scanner's API)."""

    def __init__(self):
        self.seen = []

    def scan_text(self, text, known_identifiers=None):
        import re
        self.seen.append(text)
        return [type("F", (), {"start": m.start(), "end": m.end(), "kind": "number", "blocking": True})()
                for m in re.finditer(r"\d{4,}", text)]


def test_gate_tally_counts_misses_the_scanner_overlaps():
    note = make_note("t", TEXT, [(0, 8, "NAME"), (14, 18, "DATE"), (22, 30, "PHONE"), (34, 37, "NAME")])
    spans = [_Span(0, 8, "NAME"), _Span(14, 18, "DATE")]  # engine missed the phone and "Ana"
    red = "[NAME] seen [DATE] at 555-0142 by Ana."
    scanner = _Scanner()
    t = tally_note(note, red, spans, scanner)
    assert scanner.seen == [red]
    assert (t.missed, t.caught, t.notes_with_miss, t.notes_with_miss_blocked, t.fallbacks) == (2, 1, 1, 1, 0)
    clean = tally_note(note, "[N] seen [D] at [P] by [N].", [_Span(0, 8, "N"), _Span(14, 18, "D"),
                                                            _Span(22, 30, "P"), _Span(34, 37, "N")], _Scanner())
    assert (clean.missed, clean.clean_notes, clean.clean_blocked) == (0, 1, 0)
    total = GateTally()
    total.add(t)
    total.add(clean)
    assert (total.notes, total.missed, total.caught) == (2, 2, 1)


def test_physionet_split_by_patient_even_tuning_odd_held_out():
    from clinical_pipelines.deid.evaluation.corpus import Corpus
    from clinical_pipelines.deid.evaluation.physionet import split_by_patient

    notes = tuple(make_note(f"{pid}-{k}", "NO PHI.", []) for pid in (1, 2, 3, 10) for k in (1, 2))
    tuning, held_out = split_by_patient(Corpus("PhysioNet", "held-out", notes))
    assert tuning.role == "tuning" and held_out.role == "held-out"
    assert [n.note_id for n in tuning.notes] == ["2-1", "2-2", "10-1", "10-2"]
    assert [n.note_id for n in held_out.notes] == ["1-1", "1-2", "3-1", "3-2"]
    assert "even" in tuning.name and "odd" in held_out.name
