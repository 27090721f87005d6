"""Organisation names in labelled fields ("Pharmacy:", "Employer:", "Facility:") are identifiers in any casing,
even when every word of the name is an ordinary English word ("Pine Harbor Drug", "Corner Drug & Compounding"):
a pharmacy or employer named after its town or street gives the town away (HIPAA Safe Harbor (B), geographic
subdivisions smaller than a state). The ordinary-capitals filter still keeps sentences after weaker cues."""
import pytest

from clinical_pipelines.deid.text import ClinicalTextDeidentifier


@pytest.fixture(scope="module")
def engine():
    return ClinicalTextDeidentifier()


@pytest.mark.parametrize("label, name", [
    ("PHARMACY:", "PINE HARBOR DRUG"), ("Pharmacy:", "Pine Harbor Drug"), ("PHARMACY:", "MAIN STREET DRUG"),
    ("PREFERRED PHARMACY:", "OAK GROVE DRUGS"), ("pharmacy:", "corner drug & compounding"),
    ("EMPLOYER:", "GOLDEN VALLEY FOODS"), ("Employer:", "Lake Shore Freight"), ("FACILITY:", "MAPLE RIDGE MANOR"),
    ("PHARMACY:", "WEST END APOTHECARY"), ("Pharmacy -", "Twin Oaks Rx"),
])
def test_a_named_organisation_in_a_labelled_field_is_redacted(engine, label, name):
    text = f"MEDS RECONCILED. {label} {name}, FAX 555-201-7788.\nPLAN: LABS (BMP) THIS WEEK."
    out = engine.deidentify([text], [{}])[0].text
    for word in name.replace("&", " ").split():
        if len(word) > 2 and word.lower() not in {"drug", "drugs", "rx"}:
            assert word not in out, f"a word of the {label} field survived"
    assert "PLAN: LABS (BMP) THIS WEEK." in out


@pytest.mark.parametrize("text", [
    "PHARMACY: NO CHANGES TO HOME MEDS.", "EMPLOYER: NONE, RETIRED.", "PHARMACY: PT WILL PICK UP AT USUAL.",
])
def test_a_labelled_field_that_holds_a_sentence_is_kept(engine, text):
    assert engine.deidentify([text], [{}])[0].text == text
