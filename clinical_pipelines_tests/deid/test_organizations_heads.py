"""Organisation names that end in a facility or business head word (Works, Freight, EMS, Ambulance, Practice,
Clinic, Unit), in Title case or in capitals, with "&" inside ("... HEART & VASCULAR CLINIC"), after employment,
transport, transfer and discharge cues or alone on a letterhead line; and the clause words and generic services
around them that stay ("BROUGHT IN BY PRIVATE AMBULANCE", "SEEN IN HEART CLINIC"). Variants written for these
tests."""
import pytest

from clinical_pipelines.deid.text.organizations import find_organizations


def _found(text):
    return [text[c.start:c.end] for c in find_organizations(text)]


def _covered(text, secret):
    spans = find_organizations(text)
    lo = text.index(secret)
    return all(any(s.start <= i < s.end for s in spans) for i in range(lo, lo + len(secret)) if text[i].isalnum())


@pytest.mark.parametrize("text, secret", [
    # employers after "works as a ... at", also across a line break
    ("Lives with wife in town. Works as a\nwelder at Brackenridge Freight. Denies tobacco.", "Brackenridge Freight"),
    ("Works in shipping\nat Tolliver Iron Works. Quit smoking 2010.", "Tolliver Iron Works"),
    ("Retired machinist (Pemberton Machine Works), lives alone.", "Pemberton Machine Works"),
    ("employed by Halvorsen Lumber for 20 years", "Halvorsen Lumber"),
    # transport services in capitals after "brought in by", "at"
    ("C/O SOB X 2H. BROUGHT IN BY COUNTY EMS AFTER SON CALLED 911.", "COUNTY EMS"),
    ("BROUGHT IN BY BLUE HERON AMBULANCE AFTER A FALL AT HOME.", "BLUE HERON AMBULANCE"),
    ("STRESS TEST AT COUNTY EMS IN 2019 WAS NEGATIVE", "COUNTY EMS"),
    # practices, clinics and units in capitals after transfer / follow-up / discharge cues
    ("TRANSFERRED FROM CEDAR HOLLOW FAMILY PRACTICE ON MAY 3.", "CEDAR HOLLOW FAMILY PRACTICE"),
    ("F/U WITH DR. OKAFOR AT ASHGROVE HEART & VASCULAR CLINIC ON 4/2 AT 9:00.", "ASHGROVE HEART & VASCULAR CLINIC"),
    ("FOLLOW UP AT KESWICK KIDNEY & SPINE CLINIC IN 2 WEEKS", "KESWICK KIDNEY & SPINE CLINIC"),
    ("SEEN AT HOLLISTER HEART CLINIC LAST WEEK", "HOLLISTER HEART CLINIC"),
    ("DISPO: ANTICIPATE D/C TO BRIARWOOD DIALYSIS UNIT 3/14.", "BRIARWOOD DIALYSIS UNIT"),
    # letterhead and signer blocks
    ("ASHGROVE HEART & VASCULAR CLINIC\n12 ELM ROW, SPRINGDALE\nTEL 555.010.4477", "ASHGROVE HEART & VASCULAR CLINIC"),
    ("MARCH 2, 2021\n\nDANA OKAFOR, MD\nBRIARWOOD DIALYSIS UNIT\n\nRE: PATIENT", "BRIARWOOD DIALYSIS UNIT"),
    ("Pine Hollow Heart & Vascular Clinic\n12 Elm Row", "Pine Hollow Heart & Vascular Clinic"),
])
def test_named_organisations_found(text, secret):
    assert _covered(text, secret)


@pytest.mark.parametrize("text", [
    "BROUGHT IN BY PRIVATE AMBULANCE AFTER A FALL.", "BROUGHT IN BY EMS AFTER FALL AT HOME.",
    "ARRIVED BY AMBULANCE, A+OX3.", "TRANSFERRED FROM FAMILY PRACTICE FOR EVAL.", "PT IN PRIVATE PRACTICE FOR YEARS.",
    "SEEN IN HEART CLINIC LAST WEEK.", "F/U IN CARDIAC CLINIC.", "PT WITH CHEST PAIN CLINIC F/U.",
    "D/C TO STEP DOWN UNIT WHEN BED AVAILABLE.", "ADMITTED TO DIALYSIS UNIT FOR HD.", "VIA ALS EMS FROM HOME.",
    "HE WORKS AS A TEACHER AT A SCHOOL.", "Husband works nights at the plant.", "Pt works as a welder.",
    "Works part time, lives with wife.",
])
def test_generic_services_and_clauses_stay(text):
    assert _found(text) == []


@pytest.mark.parametrize("text, word", [
    ("Received pt from day RN VA. Skin intact.", "day"),
    ("report from night RN Tucson VA", "night"),
])
def test_credentials_do_not_join_a_facility_name(text, word):
    from clinical_pipelines.deid.text.facilities import find_facilities
    lo = text.index(word)
    assert not any(c.start <= lo < c.end for c in find_organizations(text) + find_facilities(text))
