"""Two kinds found by running the whole graph on a new cohort:

- a surname and a census first name after a person's field label ("PCP: TURNER, APRIL") are a name even when the
  first name is also a month or an ordinary word; the engine redacts them in any casing;
- the items of a clinical list ("PMH: DEPRESSION, PAROXYSMAL AF, TIA, PARKINSON'S DISEASE") are conditions and
  drugs, not "LAST, FIRST" names or pasted contact rows: the residual gate does not block on them, while the same
  shapes elsewhere still block.
"""
import pytest

from clinical_pipelines.deid.residual.scanner import ResidualScanner
from clinical_pipelines.deid.text import ClinicalTextDeidentifier


@pytest.fixture(scope="module")
def engine():
    return ClinicalTextDeidentifier()


@pytest.mark.parametrize("text, name", [
    ("PCP: TURNER, APRIL, VALLEY CLINIC (FAX 555-201-7788)\n", ("TURNER", "APRIL")),
    ("PCP: Turner, April\n", ("Turner", "April")),
    ("Attending: BAKER, MAY\n", ("BAKER", "MAY")),
    ("Referring: HUNTER, JUNE\nReason: chest pain\n", ("HUNTER", "JUNE")),
    ("Primary care: FISHER, DAWN\n", ("FISHER", "DAWN")),
    ("PCP: WALKER, SUMMER, RIVERTON CLINIC\n", ("WALKER", "SUMMER")),
])
def test_surname_and_first_name_after_a_person_field_are_redacted(engine, text, name):
    out = engine.deidentify([text], [{}])[0].text
    for part in name:
        assert part not in out, "a part of the name survived"


@pytest.mark.parametrize("text", [
    "Seen: MONDAY, APRIL 3 AT CLINIC\n", "PCP: NONE, MAY FOLLOW UP WITH CARDIOLOGY\n",
])
def test_a_date_or_a_sentence_after_a_field_is_not_a_last_first_name(engine, text):
    out = engine.deidentify([text], [{}])[0].text
    assert "[NAME]" not in out


@pytest.mark.parametrize("text", [
    "PMH: DEPRESSION, PAROXYSMAL AF, TIA, PARKINSON'S DISEASE\nMEDS: ATORVASTATIN 80 MG PO QHS\n",
    "PSH: CHOLECYSTECTOMY, APPENDECTOMY, TONSILLECTOMY\n",
    "Allergies: PENICILLIN, SULFONAMIDES\n", "Problem list: Gastroparesis, Paroxysmal AF; Hemochromatosis\n",
    "MEDICATIONS: METOPROLOL, APIXABAN, SERTRALINE\n",
])
def test_items_of_a_clinical_list_do_not_block_the_residual_gate(text):
    assert [f for f in ResidualScanner().scan_text(text) if f.blocking] == []


@pytest.mark.parametrize("text", [
    "Contacts: OKONKWO, ADAEZE; PETROVSKA, MILENA\n", "Signed: KOWALCZYK, AGNIESZKA\n",
])
def test_the_same_shapes_outside_a_clinical_list_still_block(text):
    assert any(f.blocking and f.kind == "name" for f in ResidualScanner().scan_text(text))
