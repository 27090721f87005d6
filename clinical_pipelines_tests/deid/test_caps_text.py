"""Notes typed in capitals (common in nursing and older systems): ordinary words after a name cue, organisation
keywords, counts with units and ventilator settings are not identifiers; real names and places in capitals still are."""
import pytest

from clinical_pipelines.deid.text.addresses import find_locations
from clinical_pipelines.deid.text.identifiers import find_identifiers
from clinical_pipelines.deid.text.names import find_names
from clinical_pipelines.deid.text.organizations import find_organizations
from clinical_pipelines.deid.text.places import find_places


@pytest.mark.parametrize("text", [
    "WIFE WAS IN TO VISIT AND HAS QUESTIONS.", "SON HAD CALLED; DAUGHTER WANTS UPDATE.",
    "SEEN BY HOUSE OFFICER, PLAN DISCUSSED.", "PT WAS PLEASANT & COOPERATIVE WITH CARE.",
    "FAMILY AT HOME, WILL CALL BACK.", "VENT 700X10 PEEP 5, HEPARIN 1200U/HR, UO 100-200CC/HR.",
    "SLEPT 45 MINUTES ENCOURAGING PT TO REST.", "3 WAY FOLEY IN PLACE DRAINING CLEAR URINE.",
    "PO2 88 ON 4L; PO4 2.1.", "TIDAL VOLUMES 600X12, SUCTIONED X3.",
])
def test_ordinary_capitals_are_not_identifiers(text):
    found = [text[c.start:c.end] for fn in (find_names, find_organizations, find_identifiers, find_locations)
             for c in fn(text) if c.score >= 0.4]
    assert found == []


@pytest.mark.parametrize("text, secret", [
    ("SIGNED: FL, PAGER 4411", "FL"), ("SEEN BY DR. HALVORSEN THIS AM.", "HALVORSEN"),
    ("TRANSFERRED FROM CALVERT HOSPITAL ER.", "CALVERT HOSPITAL"), ("WIFE MARGARET AT BEDSIDE.", "MARGARET"),
    ("LIVES W/ NEIGHBOR IN OSSIPEE FLATS.", "OSSIPEE FLATS"), ("MAILING: PO BOX 4471", "PO BOX 4471"),
])
def test_identifiers_in_capitals_are_still_found(text, secret):
    mask = [" "] * len(text)
    for fn in (find_names, find_organizations, find_locations, find_places):
        for c in fn(text):
            mask[c.start:c.end] = text[c.start:c.end]
    i = text.index(secret)
    assert "".join(mask)[i:i + len(secret)] == secret


@pytest.mark.parametrize("text, secret", [
    ("F/U WITH R. SANCHEZ, MD AT SUMMIT CLINIC.", "R. SANCHEZ"), ("F/u with EDWARDS, VIRGINIA at the clinic", "EDWARDS, VIRGINIA"),
    ("F/u with NAKAMURA, EMEKA at the clinic", "NAKAMURA, EMEKA"), ("seen by Okafor, Ada yesterday", "Okafor, Ada"),
    ("WIFE (SOO-JIN) NEARBY.", "SOO-JIN"), ("FOLLOW UP: PCP DR. RAMAN (SUMMIT CLINIC)", "RAMAN"),
    ("F/u with Dr. WEST at the clinic", "WEST"), ("TRANSFERRED FROM SUMMIT ORTHOPEDICS ON 3/4.", "SUMMIT ORTHOPEDICS"),
])
def test_names_after_strong_cues_in_any_casing(text, secret):
    mask = [" "] * len(text)
    for fn in (find_names, find_organizations):
        for c in fn(text):
            mask[c.start:c.end] = text[c.start:c.end]
    i = text.index(secret)
    assert "".join(mask)[i:i + len(secret)] == secret


@pytest.mark.parametrize("text", ["Treated with aspirin, heparin and statin.", "Pain with CHF, CAD, HTN.",
                                  "Discussed with Cardiology, Nephrology today."])
def test_lists_after_cue_words_are_not_last_first_names(text):
    assert [text[c.start:c.end] for c in find_names(text)] == []


@pytest.mark.parametrize("text, date", [("Dispo: anticipate d/c to Maple Rehab 1/10.", "1/10"),
                                        ("F/u in clinic with Dr. Park 3/4.", "3/4")])
def test_month_day_after_a_planning_cue_on_the_line(text, date):
    from clinical_pipelines.deid.text.dates import find_dates

    assert date in [text[c.start:c.end] for c in find_dates(text)]


@pytest.mark.parametrize("text", ["Dispo: anticipate d/c home, 1/2 tab bid.", "Pain 3/10 at d/c."])
def test_planning_cue_does_not_make_fractions_dates(text):
    from clinical_pipelines.deid.text.dates import find_dates

    assert [text[c.start:c.end] for c in find_dates(text)] == []


@pytest.mark.parametrize("text, org", [("RIVERSIDE MEDICAL CENTER  12-LEAD ECG", "RIVERSIDE MEDICAL CENTER"),
                                       ("Location: RMC\nDevice: pacemaker", "RMC"),
                                       ("implanted 2017 at NGH\nSerial #: 6140", "NGH")])
def test_site_names_and_codes_in_capitals_stay_organisations(text, org):
    assert org in [text[c.start:c.end] for c in find_organizations(text)]
