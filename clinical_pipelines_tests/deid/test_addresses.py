"""Addresses and places (HIPAA Safe Harbor (B)): street forms of USPS Publication 28, numbered roads, units, PO boxes,
ZIP / ZIP+4, cities with their state in any casing and punctuation, places after residence cues; clinical text stays."""
import pytest

from clinical_pipelines.deid.text.addresses import find_locations
from clinical_pipelines.deid.text.places import find_places, is_place
from clinical_pipelines.deid.text.recognizers import FAMILIES


def _found(text: str) -> str:
    spans = sorted((c.start, c.end) for fn in (find_locations, find_places) for c in fn(text))
    mask = [" "] * len(text)
    for s, e in spans:
        mask[s:e] = text[s:e]
    return "".join(mask)


@pytest.mark.parametrize("text, secrets", [
    ("Lives at 37-12 Willow Pl. with her niece.", ["37-12", "Willow"]),
    ("New address 104-20 Queens Blvd Apt 6C, Forest Hills, NY 11375.", ["104-20", "Queens", "6C", "Forest Hills", "11375"]),
    ("Clinic moved to 310 Route 9 Fl 4, Kingston, NY 12401.", ["310 Route 9", "Kingston", "12401"]),
    ("Farm at 2250 State Hwy 17, lot 3.", ["2250 State Hwy 17"]),
    ("Mail to 88 County Road 12, Suite 200", ["88 County Road 12", "Suite 200"]),
    ("Rural route: RR 2 Box 14", ["RR 2 Box 14"]),
    ("Send bills to P.O. Box 918", ["918"]), ("POB 77 only", ["77"]), ("Post Office Box 3", ["Post Office Box 3"]),
    ("MAILING: PO BOX 4471, BILLINGS MONTANA 59103", ["4471", "BILLINGS", "59103"]),
    ("Home: 14 Birch Ln, Burlington, Vermont, 05401-2210", ["14 Birch Ln", "Burlington", "05401", "2210"]),
    ("Return address 9 Elm Court, Montpelier, Vermont 05602", ["9 Elm Court", "Montpelier", "05602"]),
    ("Transferred from Mercy Hospital (Dubuque, IA) overnight.", ["Dubuque"]),
    ("Outside films from (Billings, MT).", ["Billings"]),
    ("PT LIVES IN SAINT PAUL, MINNESOTA", ["SAINT PAUL"]),
    ("She lives in Tuckahoe with her son.", ["Tuckahoe"]),
    ("Grew up in St. Louis; moved to Jackson County in 1990.", ["St. Louis", "Jackson County"]),
    ("ZIP+4 on file 10707-1234.", ["10707-1234"]),
])
def test_addresses_and_places_are_found(text, secrets):
    got = _found(text)
    for secret in secrets:
        i = text.index(secret)
        assert got[i:i + len(secret)] == secret, f"part of an address left at offset {i}"


@pytest.mark.parametrize("text", [
    "2 MM ST elevation in V2-V4; 1 mm ST depression in lead III.",
    "QRS 120 ms; pain x 2 days; BP 120/80; 3 tabs PO",
    "Plan: follow up in clinic in ME 2 weeks? no.",
    "Seen in ED; PA and lateral views; OR at 0700.",
    "Ejection fraction 35%; LAD 80% stenosis; 4 Drive cycles of chemo",
    "Hope is that pain improves. Mobile unit arrived.",
])
def test_clinical_text_is_not_an_address(text):
    assert _found(text).strip() == ""


def test_place_index_pairs_need_the_right_state():
    assert is_place("Dubuque", "IA") and is_place("Dubuque", "Iowa") and not is_place("Dubuque", "TX")
    assert is_place("St. Louis", "MO") and is_place("Saint Louis")


def test_places_are_a_registered_family():
    assert "Places" in {name for name, _, _ in FAMILIES}


@pytest.mark.parametrize("text, secret", [
    ("Wound Clinic\n532 Cottonwood Ln Floor 12\nRapid City", "532 Cottonwood Ln Floor 12"),
    ("Address: 647 N RIDGE PL. FLOOR 7, LAREDO", "647 N RIDGE PL. FLOOR 7"),
    ("lives at 139 E Calle del Sol Dr, Medford", "139 E Calle del Sol Dr"),
    ("Hilltop Apothecary, RR 5 Box 734 Floor 5, Santa Fe", "RR 5 Box 734 Floor 5"),
    ("Mail: PO Box 12 Suite 4", "PO Box 12 Suite 4"),
])
def test_units_and_particles_stay_in_the_address(text, secret):
    got = _found(text)
    i = text.index(secret)
    assert got[i:i + len(secret)] == secret


@pytest.mark.parametrize("text, org", [
    ("Ordering provider: Doctor Farouk  Dayton Memorial Hospital", "Dayton Memorial Hospital"),
    ("Ordering provider: dr takahashi  Good Samaritan Rapid City", "Good Samaritan Rapid City"),
    ("C. Little, MD  Sacred Heart Pueblo (Pueblo, CO)", "Sacred Heart Pueblo"),
    ("C. Hill, MD  Wenatchee General in Wenatchee", "Wenatchee General"),
    ("FOLLOW-UP: Mei Kim, DO at Prairie Wind Pulmonology on 3/4", "Prairie Wind Pulmonology"),
    ("Canyon Kidney Care\n1357 NW Kensington Ln", "Canyon Kidney Care"),
    ("Referred to Bluebonnet Pediatrics for follow-up.", "Bluebonnet Pediatrics"),
    ("Transferred from St. Elizabeth's Medical Center.", "St. Elizabeth's Medical Center"),
])
def test_organisations_are_found_whole(text, org):
    from clinical_pipelines.deid.text.organizations import find_organizations

    mask = [" "] * len(text)
    for c in find_organizations(text):
        mask[c.start:c.end] = text[c.start:c.end]
    i = text.index(org)
    assert "".join(mask)[i:i + len(org)].strip() == org


@pytest.mark.parametrize("text", ["Pt seen in General Surgery clinic.", "Mercy was shown.", "St. John's wort 300 mg"])
def test_clinical_text_is_not_an_organisation(text):
    from clinical_pipelines.deid.text.organizations import find_organizations

    assert [text[c.start:c.end] for c in find_organizations(text)] == []
