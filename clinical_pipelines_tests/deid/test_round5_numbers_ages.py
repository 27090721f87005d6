"""Round 5 kinds of the ages family (deid.text.ages): ages over 89 said in speech-like writing ("(shes 95)", "mom is
93", "(100 yesterday!)", "actually 90 on 3/14") and the readings that are no age ("HR is 95", "pt is 94 on 2L",
"(95%)"). Every note is invented."""
import pytest

from clinical_pipelines.deid.text.ages import find_ages

from ._finder_helpers import covered, touched


@pytest.mark.parametrize("text,value", [
    ("Lives alone (shes 95) with daughter nearby.", "95"),
    ("(hes 92)", "92"),
    ("she's 95 and sharp as a tack", "95"),
    ("He's 101!", "101"),
    ("She was actually 90 on 3/14 per family.", "90"),
    ("actually 90 on 3/14", "90"),
    ("Grandma had her birthday (100 yesterday!) and is well.", "100"),
    ("(104 today)", "104"),
    ("turned 92 last week", "92"),
    ("celebrated, 96 last month", "96"),
    ("mom is 93 and frail", "93"),
    ("Mother was 98 when she died", "98"),
    ("who is now 101.", "101"),
    ("she is 95 and lives alone", "95"),
    ("patient is almost 91, walks with a cane", "91"),
    ("husband is 94, also a patient here", "94"),
    ("they're 90 and 92", "90"),
    ("dad will be 90 on 5/2", "90"),
    ("pt is 97 yo", "97"),
    ("she is ninety-one and still drives", "ninety-one"),
    ("Daughter reports she is ninety-one.", "ninety-one"),
    ("she's ninety-five", "ninety-five"),
    ("shes ninety five.", "ninety five"),
    ("Pt's ninety-two and sharp", "ninety-two"),
    ("she'll be 90 next month", "90"),
    ("Lives with husband (96) who is frail", "96"),
    ("her mother (97) lives with them", "97"),
    ("Mrs. Doe (93) seen with her son", "93"),
    ("At 95 she still lives alone", "95"),
    ("Pain better. At 95, he walks daily.", "95"),
    ("hit 100 last month", "100"),
    ("she reached 95 in May", "95"),
])
def test_spoken_ages_over_89_go(text, value):
    assert covered(find_ages, text, value)


@pytest.mark.parametrize("text,value", [
    ("pain 9/10, HR 95", "95"),
    ("HR is 95", "95"),
    ("O2 sat 92%", "92"),
    ("improved to (95%) on 2L", "95"),
    ("she was 92% on RA", "92"),
    ("pt is 94 on 2L NC", "94"),
    ("pt was 95 on room air", "95"),
    ("pt is 99 on NC", "99"),
    ("sats (92 yesterday)", "92"),
    ("HR improved (95 yesterday)", "95"),
    ("glucose 100 today", "100"),
    ("BP 100 yesterday", "100"),
    ("Pt's temp is 99 today", "99"),
    ("sat is 95, she is fine", "95"),
    ("he is 98.6", "98"),
    ("she is 95 lbs", "95"),
    ("patient is 90 kg", "90"),
    ("they are 100 feet away", "100"),
    ("she is 100 percent sure", "100"),
    ("(100 mg yesterday)", "100"),
    ("Weight (95 last week)", "95"),
    ("he is 91, she is 89", "89"),
    ("HR (95) stable", "95"),
    ("sats 92 (95) on 2L", "95"),
    ("patient (95%) on RA", "95"),
    ("pt (95 kg)", "95"),
    ("it's ninety minutes away", "ninety"),
    ("sats at 95 she was comfortable", "95"),
    ("HR reached 95", "95"),
    ("BP hit 100 systolic", "100"),
])
def test_readings_and_quantities_stay(text, value):
    assert not touched(find_ages, text, value)
