"""Month/day without a year after the words of a bedside history that date an event: a study or film ("CT scan
8/10"), a visit ("at PMD 6/6", "pcp office 3/5"), a procedure ("s/p CABG 2/4", "extubated 5/5"), an event ("arrest
4/10", "fx 1/23"); even when the pair looks like a scale or a fraction. The scores, fractions and settings after
other words stay. All invented."""
import pytest

from clinical_pipelines.deid.text.dates import find_dates

from ._finder_helpers import covered, touched


@pytest.mark.parametrize("text,value", [
    ("PT HAD A CT SCAN 8/10 AS WELL AS ON 1/14 WITH WORSENING MYOSITIS", "8/10"),
    ("head ct scan 3/5 neg for bleed", "3/5"),
    ("CXR film 2/4 with RLL infiltrate", "2/4"),
    ("x-ray 6/6 showed no fx", "6/6"),
    ("At PMD 6/6 wbc low, and pt stopped taking cytoxin", "6/6"),
    ("seen in pcp office 4/5 for cough", "4/5"),
    ("GI consult 1/4, scope planned", "1/4"),
    ("s/p CABG 2/4 with 3 grafts", "2/4"),
    ("PTCA 7/10 to RCA", "7/10"),
    ("extubated 5/5 and reintubated 5/6", "5/5"),
    ("trach 9/10, PEG 9/12", "9/10"),
    ("hip fx 1/2 after a fall at home", "1/2"),
    ("cardiac arrest 4/10, cooled per protocol", "4/10"),
    ("TEE 3/3 neg for vegetation", "3/3"),
    ("70 yr old female adm 4/4 am with acute sob", "4/4"),
    ("Will follow patient 5/5 AM for pulmonary care", "5/5"),
    ("cks 2245 4/4 eves, 1877 this am", "4/4"),
    ("FEBRILE, BC X 2. PANCULTURED 2/2, RESULTS PENDING.", "2/2"),
    ("Last cultured 2/5. Pt receiving tylenol", "2/5"),
    ("Please refer to initial evaluation 1/2 for history", "1/2"),
    ("PT SEEN FOR GOALS PER R/E 4/6 \nMS: ALERT", "4/6"),
    ("& 1+ MR. \n7/10-ADMITTED TO CCU.", "7/10"),
])
def test_event_word_dates_the_pair(text, value):
    assert covered(find_dates, text, value)


@pytest.mark.parametrize("text,value", [
    ("strength 4/5 in all extremities", "4/5"),
    ("SEM 2/6 at the apex", "2/6"),
    ("rates pain 7/10 in the incision", "7/10"),
    ("PEG feeds at 1/2 strength", "1/2"),
    ("on PS 10/5 with good volumes", "10/5"),
    ("PA 32/15 wedge 12", "32/15"),
    ("BC 2/2 bottles positive for GPC", "2/2"),
    ("scan of the head showed 1/2 of the lesion resolved", "1/2"),
    ("lasix 1/2 am and 1/2 pm", "1/2"),
    ("strength 4/5 am", "4/5"),
    ("rates pain 4/10 am", "4/10"),
    ("on PS 5/5 overnight", "5/5"),
])
def test_scores_and_fractions_stay(text, value):
    assert not touched(find_dates, text, value)
