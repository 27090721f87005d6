"""Seven-digit local telephone numbers grouped 3 + 4 by a space, after a telephone cue (NANP without its area
code): the engine redacts them and keeps numbers that are values."""
import pytest

from clinical_pipelines.deid.text.contact import find_contacts

POSITIVE = [
    ("Pt can be reached at home 867 5309.", "867 5309"),
    ("ph: 555 0142 ext 12", "555 0142"),
    ("Cell # 555 0199 (daughter)", "555 0199"),
    ("call 867 5309 after 5pm", "867 5309"),
    ("tel. 555 2368", "555 2368"),
    ("contact number 555 0100", "555 0100"),
    ("PHONE 555 0142", "555 0142"),
    ("Wk: 555 3141, Hm: 555 2718", "555 3141"),
    ("Wk: 555 3141, Hm: 555 2718", "555 2718"),
    ("mobile\t555 1212", "555 1212"),
    ("FAX: 555 0177", "555 0177"),
    ("son can be reached 555 0133", "555 0133"),
]
NEGATIVE = [
    "Intake 240 1000 ml overnight.",
    "BP 120 1800 ambulating",
    "ph 7.35 pco2 40 po2 80",
    "number of stools 3 today",
    "phone 555 01424",
    "home 120/80 on meds",
    "Home meds: aspirin 325 mg daily",
    "call light within reach, 2 assist",
    "HR 110 1200 steps",
]


@pytest.mark.parametrize("text,number", POSITIVE)
def test_local_number_after_a_telephone_cue_is_a_phone(text, number):
    start = text.index(number)
    found = [(c.start, c.end) for c in find_contacts(text) if c.type in ("PHONE", "FAX")]
    assert any(a <= start and b >= start + len(number) for a, b in found)


@pytest.mark.parametrize("text", NEGATIVE)
def test_values_and_other_groupings_are_no_local_phone(text):
    assert not [c for c in find_contacts(text) if c.type in ("PHONE", "FAX")]


def test_a_local_fax_number_is_typed_fax():
    text = "FAX: 555 0177"
    assert [c.type for c in find_contacts(text)] == ["FAX"]
