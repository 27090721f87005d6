"""A month/day before a hospital-day or post-op-day count is a date even after a title dash; a first name and its
surname split by one line break of hard-wrapped text are one name; a heading after the break is not. ``engine``:
the session fixture of ``conftest.py``."""
import pytest


def _out(engine, text):
    return engine.deidentify([text])[0].text


@pytest.mark.parametrize("text, gone", [
    ("Daily progress note - 4/6 HD#2\n\nS: slept well", "4/6"),
    ("Progress note - 9/10 POD #3", "9/10"),
    ("ICU note - 5/5 HD 4", "5/5"),
    ("Daily progress note - 3/4 hospital day 2", "3/4"),
    ("Surgery note: 2/6, POD#1", "2/6"),
])
def test_month_day_before_a_hospital_day_is_a_date(engine, text, gone):
    assert gone not in _out(engine, text)


@pytest.mark.parametrize("text, kept", [
    ("strength 5/5 today", "5/5"),
    ("Pain 4/10 - 5/10 day 2", "4/10"),
    ("PEEP 5/5 overnight", "5/5"),
])
def test_scores_stay(engine, text, kept):
    assert kept in _out(engine, text)


@pytest.mark.parametrize("text, gone", [
    ("Lives independently in Omaha, NE; neighbor (Maria\nIvanova) nearby.", "Ivanova"),
    ("lives with neighbor Maria\nKowalczyk nearby", "Kowalczyk"),
    ("Contact: daughter (Linda\nOyelaran) at home", "Oyelaran"),
    ("husband John\r\nMbeki at bedside", "Mbeki"),
])
def test_surname_after_one_line_break_joins_the_first_name(engine, text, gone):
    assert gone not in _out(engine, text)


@pytest.mark.parametrize("text, kept", [
    ("Seen with daughter Maria\nPlan: continue", "Plan"),
    ("Seen with daughter Maria\n\nAssessment stable", "Assessment"),
    ("son John\nMRI today", "MRI"),
])
def test_heading_after_a_line_break_stays(engine, text, kept):
    assert kept in _out(engine, text)


@pytest.mark.parametrize("text, gone", [
    ("Dispo: anticipate d/c to St. Brigid's Hospital the 22nd.\n", "22nd"),
    ("Plan: discharge to St. Jude Rehab the 3rd.", "3rd"),
    ("Return to clinic in 5 weeks (9/10). Call with questions.", "9/10"),
    ("RTC in 3 wks (2/10).", "2/10"),
])
def test_planning_line_dates(engine, text, gone):
    assert gone not in _out(engine, text)


@pytest.mark.parametrize("text, gone", [
    ("F/u with BIANCHI, ANAND at clinic on Monday.", "ANAND"),
    ("F/u with WILSON, LORRAINE at the heart clinic.", "LORRAINE"),
    ("Seen with PARK, BEATRICE today.", "BEATRICE"),
    ("F/U WITH DR. LE AT THE CLINIC.", " LE "),
    ("Seen by Dr. Ng today.", "Ng"),
    ("Dr Vo called back.", "Vo"),
])
def test_names_after_with_and_short_doctor_surnames(engine, text, gone):
    assert gone not in _out(engine, text)


@pytest.mark.parametrize("text, kept", [
    ("NGT TO LIS, DRAINING BILE", "DRAINING"),
    ("treated with aspirin, heparin and fluids", "heparin"),
    ("pt with CHF, CAD, HTN", "CAD"),
    ("started with LASIX, LOPRESSOR", "LOPRESSOR"),
    ("NG tube placed, LE edema 2+", "LE edema"),
])
def test_clinical_lists_after_with_stay(engine, text, kept):
    assert kept in _out(engine, text)


@pytest.mark.parametrize("text, gone", [
    ("pt resting.\nsigned m. okafor rn bsn", "okafor"),
    ("ok\nsigned a. delacroix rn", "delacroix"),
    ("ok\nsigned by: k. rowe, rn", "rowe"),
    ("ok\nElectronically signed by: t vukovic rn", "vukovic"),
    ("ok\nj. parrilli rn bsn", "parrilli"),
])
def test_signed_sign_off_lines_in_lower_case(engine, text, gone):
    assert gone not in _out(engine, text)


@pytest.mark.parametrize("text", ["consent signed rn", "IV placed by rn", "form signed by rn"])
def test_signed_without_a_name_stays(engine, text):
    assert _out(engine, text) == text
