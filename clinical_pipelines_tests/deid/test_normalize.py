"""The analysis view: NFC, accent / dash / space folding, dropped format characters, offsets in caller coordinates."""
import unicodedata

import pytest

from clinical_pipelines.deid.text.normalize import analysis_view, fold_value
from clinical_pipelines.deid.text.spans import Span


def test_ascii_text_is_its_own_view():
    v = analysis_view("Seen on 3/4/2021 by Dr. Smith.")
    assert v.text == "Seen on 3/4/2021 by Dr. Smith." and v.starts is None
    assert v.to_original([Span(0, 4, "X")]) == [Span(0, 4, "X")]


@pytest.mark.parametrize("original, folded", [
    ("Núñez", "Nunez"), ("Nguyễn Thị Hồng", "Nguyen Thi Hong"), ("Łukasz Wałęsa", "Lukasz Walesa"),
    ("Øyvind Særen", "Oyvind Saren"), ("Çağlar Şahin", "Caglar Sahin"), ("Đặng", "Dang"),
    ("555–201–7788", "555-201-7788"), ("987—65—4320", "987-65-4320"), ("612‑40‑9981", "612-40-9981"),
    ("14−Mar−2025", "14-Mar-2025"), ("O’Brien", "O'Brien"), ("Hồ\u200bng", "Hong"), ("12\u00a0Main St", "12 Main St"),
    ("line\u2028two", "line\ntwo"), ("a\u0085b", "a\nb"), ("soft\u00adhyphen", "softhyphen"),
])
def test_folding(original, folded):
    for form in ("NFC", "NFD"):
        assert analysis_view(unicodedata.normalize(form, original)).text == folded


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_spans_map_back_to_whole_original_characters(form):
    text = unicodedata.normalize(form, "Interpreter: Nguyễn Thị Hồng. Called Hạnh at 555–201–7788.")
    v = analysis_view(text)
    for word in ("Nguyen", "Hong", "Hanh", "555-201-7788"):
        s = v.text.index(word)
        (sp,) = v.to_original([Span(s, s + len(word), "X")])
        got = text[sp.start:sp.end]
        assert analysis_view(got).text == word
        # the original span never cuts a letter from its combining marks
        assert sp.end == len(text) or not unicodedata.combining(text[sp.end])


def test_fold_value_matches_the_view():
    assert fold_value("Lucia Núñez") == analysis_view(unicodedata.normalize("NFD", "Lucia Núñez")).text == "Lucia Nunez"
