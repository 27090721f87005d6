"""Unicode folding keeps offsets in the caller's coordinates."""
import pytest

from clinical_pipelines.deid.residual.normalize import alnum_key, fold, fold_key


def test_ascii_is_identity():
    f = fold("MRN 123")
    assert f.text == "MRN 123" and f.to_original(4, 7) == (4, 7)


@pytest.mark.parametrize("raw,folded", [
    ("Núñez", "Nunez"), ("Nguyễn Thị Hồng", "Nguyen Thi Hong"), ("Łukasz Wałęsa", "Lukasz Walesa"),
    ("Đặng", "Dang"), ("Søren", "Soren"), ("Straße", "Strasse"), ("Zoë", "Zoe"),
    ("555\u2013201\u20137788", "555-201-7788"), ("987\u201165\u20114320", "987-65-4320"),
    ("14\u2014Mar\u20142025", "14-Mar-2025"), ("\u2212 5", "- 5"), ("318\u00a0406\u202f552", "318 406 552"),
    ("31\u200b84\u00ad06", "318406"), ("\uff13\uff11\uff18", "318"), ("\u0663\u0661\u0668", "318"),
    ("O\u2019Brien", "O'Brien"), ("N\u0303u", "Nu"),
])
def test_fold(raw, folded):
    assert fold(raw).text == folded


def test_offsets_map_back_to_the_original():
    raw = "Dr. Nguyễn\u200b Thị at 555\u2013201\u20137788"
    f = fold(raw)
    i = f.text.index("Thi")
    a, b = f.to_original(i, i + 3)
    assert raw[a:b] == "Thị"
    j = f.text.index("555")
    a, b = f.to_original(j, j + len("555-201-7788"))
    assert raw[a:b] == "555\u2013201\u20137788"


def test_keys():
    assert alnum_key("318 406\u2013552") == alnum_key("318406552") == "318406552"
    assert fold_key("NÚÑEZ,  Lucía") == "nunez lucia"
