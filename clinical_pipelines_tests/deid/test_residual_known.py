"""The record's own identifiers match in any spelling (digits only, case/accent folding, dates by value)."""
import pytest

from clinical_pipelines.deid.residual import KnownIdentifiers
from clinical_pipelines.deid.residual.normalize import fold
from clinical_pipelines_tests.deid._residual_helpers import covered, kinds

KNOWN = {"mrn": ["318406552"], "patient_name": ["Lucia Núñez"], "birth_date": ["1931-04-05"],
         "ssn": ["987-65-4320"], "phone": ["+1 (555) 201-7788"], "email": ["adaeze.ok77@example.com"],
         "street_address": ["14 Birch Street"], "city": ["Tuckahoe"], "ip_address": ["10.1.2.33"],
         "drivers_license": ["NG0482913"], "zip": ["05401"], "patient_portal_url": ["https://portal.example.org/p/x9"]}


@pytest.mark.parametrize("text,needle,kind", [
    ("MRN: 318 406 552.", "318 406 552", "mrn"), ("MRN 318-406-552", "318-406-552", "mrn"),
    ("MRN318406552", "318406552", "mrn"), ("MRN 318.406.552", "318.406.552", "mrn"),
    ("Discussed with Dr. Nunez", "Nunez", "patient_name"), ("NÚÑEZ, LUCIA seen", "NÚÑEZ, LUCIA", "patient_name"),
    ("nunez lucia seen", "nunez lucia", "patient_name"), ("Lucía came", "Lucía", "patient_name"),
    ("DOB 04/05/1931", "04/05/1931", "birth_date"), ("born 5 Apr 1931", "5 Apr 1931", "birth_date"),
    ("born April 5th, 1931", "April 5th, 1931", "birth_date"), ("born 1931-04-05", "1931-04-05", "birth_date"),
    ("Born in 1931 on a farm", "1931", "birth_date"), ("SSN 987\u201365\u20134320", "987\u201365\u20134320", "ssn"),
    ("SSN 987 65 4320", "987 65 4320", "ssn"), ("call 555.201.7788", "555.201.7788", "phone"),
    ("call 5552017788", "5552017788", "phone"), ("mail adaeze.ok77 at example dot com", "adaeze.ok77", "email"),
    ("lives 14 Birch St.", "14 Birch St", "street_address"), ("from tuckahoe", "tuckahoe", "city"),
    ("synced 010.001.002.033", "010.001.002.033", "ip_address"), ("DL NG-048-2913", "NG-048-2913", "drivers_license"),
    ("zip 05401-2210", "05401", "zip"), ("see portal.example.org/p/x9", "portal.example.org/p/x9", "patient_portal_url"),
])
def test_known_identifiers_in_other_spellings(text, needle, kind):
    assert covered(text, needle, KNOWN)
    assert f"known.{kind}" in kinds(text, KNOWN)


@pytest.mark.parametrize("text", ["BP 054/01", "zip3 054", "Born in 1971.", "lucid and calm", "8 Birch trees",
                                  "MRN 318406553", "seen 1931 hours", "CPT 05401", "BNP 05401 pg/mL",
                                  "pid 9f3a05401c2e", "pid 05401ab"])
def test_near_misses_do_not_match(text):
    assert not [k for k in kinds(text, KNOWN) if k.startswith("known.")]


def test_batch_index_matches_only_uncommon_name_parts():
    batch = KnownIdentifiers({"patient_name": ["Rose West", "Ifeoma Okonkwo"]}, name_parts="out_of_vocabulary")
    assert not batch.find(fold("Admitted to 4 West. Rose in BP.").text)
    assert [h.kind for h in batch.find(fold("Seen with Okonkwo").text)] == ["patient_name"]
    record = KnownIdentifiers({"patient_name": ["Rose West"]})
    assert record.find(fold("Rose came in").text)


def test_bare_birth_year_only_when_it_implies_90_plus():
    young = {"birth_date": ["1971-04-05"]}
    assert not [k for k in kinds("Born in 1971.", young) if k.startswith("known.")]


def test_known_values_are_not_kept_as_attributes_that_print():
    idx = KnownIdentifiers(KNOWN)
    assert "318406552" not in repr(idx.find(fold("no hit here").text))
