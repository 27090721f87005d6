"""Metrics of the de-identification evaluation on tiny hand-made notes (values computed by hand)."""
import json
import math

import pytest

from clinical_pipelines.deid.evaluation import (CorpusFormatError, GoldSpan, make_note, median_rate, read_jsonl,
                                                score_corpus, uncovered_spans, wilson_interval, write_jsonl)

TEXT = "Seen by Dr. Ana Ruiz on 3/7/23, J.R. at 555-201-7788."
#       0         1         2         3         4         5
#       0123456789012345678901234567890123456789012345678901


def _note(spans=None):
    spans = spans if spans is not None else [(12, 20, "NAME"), (24, 30, "DATE"), (32, 36, "NAME"), (40, 52, "PHONE")]
    return make_note("n1", TEXT, spans)


def test_note_offsets_match_the_hand_made_text():
    n = _note()
    assert [TEXT[s.start:s.end] for s in n.spans] == ["Ana Ruiz", "3/7/23", "J.R.", "555-201-7788"]


def test_covered_needs_every_alphanumeric_character_but_not_punctuation():
    n = _note()
    # "J" and "R" covered separately: punctuation of "J.R." need not be covered
    pred = [(12, 20), (24, 30), (32, 33), (34, 35), (40, 52)]
    assert uncovered_spans(n, pred) == []
    # the last digit of the phone left out -> not covered
    assert uncovered_spans(n, [(12, 20), (24, 30), (32, 36), (40, 51)]) == [GoldSpan(40, 52, "PHONE")]
    # a span over "Ana" only leaves "Ruiz" -> the name is not covered, whatever the predicted type
    assert GoldSpan(12, 20, "NAME") in uncovered_spans(n, [(12, 15)])


def test_score_counts_recall_per_type_precision_and_leaks():
    n = _note()
    empty = make_note("n2", "Plan: BP 120/80, continue.", [])
    pred_n = [(12, 20), (24, 30), (40, 46), (0, 4)]  # NAME ok, DATE ok, J.R. missed, PHONE partial, "Seen" false
    pred_e = [(9, 15)]                              # "120/80" predicted in a note without PHI
    sc = score_corpus([n, empty], [pred_n, pred_e])
    assert (sc.per_type["NAME"].covered, sc.per_type["NAME"].total) == (1, 2)
    assert (sc.per_type["DATE"].covered, sc.per_type["DATE"].total) == (1, 1)
    assert (sc.per_type["PHONE"].covered, sc.per_type["PHONE"].total) == (0, 1)
    assert (sc.covered, sc.total) == (2, 4) and sc.recall == 0.5
    # predicted tokens: Seen, Ana, Ruiz, 3, 7, 23, 555, 201 (n1) + 120, 80 (n2) = 10; inside gold: 7
    assert (sc.predicted_tokens, sc.correct_tokens) == (10, 7)
    assert sc.token_precision == pytest.approx(0.7)
    assert sc.leaking_notes == 1 and sc.leak_fraction == 0.5
    assert sc.lowest_type()[0] == "PHONE"


def test_spans_may_be_objects_with_start_and_end():
    class S:
        def __init__(self, s, e):
            self.start, self.end = s, e
    sc = score_corpus([_note()], [[S(12, 20), S(24, 30), S(32, 36), S(40, 52)]])
    assert sc.recall == 1.0 and sc.leaking_notes == 0 and sc.token_precision == 1.0


def test_score_rejects_mismatched_lengths():
    with pytest.raises(ValueError):
        score_corpus([_note()], [])


def test_wilson_interval_known_values():
    lo, hi = wilson_interval(95, 100)
    assert lo == pytest.approx(0.8882, abs=5e-4) and hi == pytest.approx(0.9785, abs=5e-4)
    lo, hi = wilson_interval(10, 10)
    assert hi == 1.0 and lo == pytest.approx(0.7225, abs=5e-4)
    assert all(math.isnan(x) for x in wilson_interval(0, 0))


def test_median_rate_uses_the_median_pass():
    assert median_rate(100, [2.0, 10.0, 1.0]) == 50.0
    with pytest.raises(ValueError):
        median_rate(100, [])


@pytest.mark.parametrize("spans", [[(40, 60, "PHONE")], [(11, 20, "NAME")], [(12, 20, "PERSON")], [(5, 5, "NAME")]])
def test_invalid_spans_fail_closed(spans):
    with pytest.raises(CorpusFormatError):
        _note(spans)


def test_jsonl_round_trip_and_errors_name_the_line(tmp_path):
    n = make_note("a", TEXT, [(12, 20, "NAME")], {"mrn": ["318406552"]}, "ed_triage")
    p = tmp_path / "c.jsonl"
    assert write_jsonl([n], p) == 1
    assert read_jsonl(p) == [n]
    p.write_text(p.read_text() + json.dumps({"id": "b", "text": "x", "spans": [[0, 5, "NAME"]]}) + "\n")
    with pytest.raises(CorpusFormatError, match=r"c\.jsonl:2"):
        read_jsonl(p)
