"""The residual gate does not block clean de-identified notes for clinical content: lab tables pasted after a
contact table, relation columns, National Drug Codes, units read as identifier cues ("mg/dL SpO2 93"),
credentials and hyphenated relation words beside a placeholder, shift times written as "1900-07:30". The same
forms with a real identifier still block. Variants written for these tests."""
import pytest

from clinical_pipelines_tests.deid._residual_helpers import blocking, covered

CLEAN = [
    "Contacts:\nfirst;last;relation;phone\n[NAME];[NAME];self;[PHONE]\n[NAME];[NAME];mother;[PHONE]\n\n"
    "test;value;unit;flag\nNa;131.0;mmol/L;L\nCr;2.8;mg/dL;H\nHgb;9.0;g/dL;L",
    "first|last|relation|city\n[NAME]|[NAME]|son-in-law|[LOCATION]\n\ntest|value|unit\nK|5.9|mmol/L\nGlu|212|mg/dL",
    "name\trelation\tphone\n[NAME]\tgranddaughter\t[PHONE]\n[NAME]\tfriend\t[PHONE]",
    "Dispensed per pharmacy, NDC 50242-040-62. Next fill due.",
    "NDC: 0002-3227-30 (insulin lispro) given.", "Started apixaban, NDC 00003-0893-21.",
    "BG 149 mg/dL  SpO2 93% on room air  HR 88", "Glu 95 mg/dL  HCO3 18  ALT 54 U/L",
    "Hgb 10.4 g/dL | ICD-10-CM I21.4 | troponin pending",
    "Reconciled by PharmD [NAME] at bedside.", "Reviewed by RPh [NAME].", "Lives with son-in-law [NAME] in town.",
    "Lives with daughter-in-law [NAME]; neighbour checks in.",
    "NURSING SHIFT NOTE 1900-07:30 [DATE]\nReceived pt from day RN.", "Shift 0700-19:00 uneventful.",
]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_notes_with_clinical_content_do_not_block(text):
    assert [f.kind for f in blocking(text)] == []


@pytest.mark.parametrize("text, needle", [
    ("first;last;phone\nMaren;Oyelaran;[PHONE]", "Oyelaran"),
    ("MRN 50242-040-62 on the label", "50242-040-62"),
    ("DL D1234-5678-90 on file", "D1234-5678-90"),
    ("Reconciled by PharmD Kowalczyk at bedside.", "Kowalczyk"),
    ("Lives with son-in-law Tomasz in town.", "Tomasz"),
    ("seen 2021-07 in clinic", "2021-07"),
])
def test_identifiers_in_the_same_forms_still_block(text, needle):
    assert covered(text, needle)
