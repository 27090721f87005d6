"""Comma lists of month/days with no space ("neg x3 (12/2,12/4,12/6)"), a town's general hospital in any case
("lawrence general"); ordinals with no "the" stay (they count beds, floors, doses and steps far more often than they
give a day: "on 1st step bed", "on 2nd floor"), and so do lists of scores ("strength 5/5,4/5"). All invented."""
import pytest

from clinical_pipelines.deid.text.dates import find_dates
from clinical_pipelines.deid.text.facilities import find_facilities

from ._finder_helpers import covered, touched


@pytest.mark.parametrize("text,value", [
    ("c-diff neg x3 (12/2,12/4,12/6)", "12/2"),
    ("c-diff neg x3 (12/2,12/4,12/6)", "12/6"),
    ("bc 3/9,3/14 no growth", "3/9"),
    ("CXRS 10/30, 11/2 UNCHANGED", "11/2"),
])
def test_day_found(text, value):
    assert covered(find_dates, text, value)


@pytest.mark.parametrize("text,value", [
    ("moved on 2nd floor to a private room", "2nd"),
    ("PT PLACED ON 1ST STEP BED WITH 5 ASSIST", "1ST"),
    ("on 3rd dose of vanco", "3rd"),
    ("since 1st grade", "1st"),
    ("on 2nd shift", "2nd"),
    ("until 3rd party payer approves", "3rd"),
    ("on 4th of the 6 doses", "4th"),
    ("strength 5/5,4/5 in uppers", "5/5"),
    ("pain 3/10,4/10 with movement", "3/10"),
    ("murmur 2/6,3/6 at apex", "2/6"),
])
def test_counts_and_scores_stay(text, value):
    assert not touched(find_dates, text, value)


@pytest.mark.parametrize("text,secret,stays", [
    ("transferred from lawrence general this am", "lawrence general", None),
    ("PT CAME FROM WINTHROP GENERAL WITH CP", "WINTHROP GENERAL", None),
    ("pt general appearance comfortable", None, "general"),
    ("in general pt is comfortable", None, "general"),
    ("ms pangborn general surgery following", None, "surgery"),
])
def test_town_general_hospital(text, secret, stays):
    spans = find_facilities(text)
    if secret:
        lo = text.index(secret)
        assert all(any(s.start <= i < s.end for s in spans) for i in range(lo, lo + len(secret)) if text[i].isalnum())
    else:
        lo = text.index(stays)
        assert not any(s.start < lo + len(stays) and s.end > lo for s in spans)
