"""A known street address given as a whole line ("5 Birch Road, Sudbury MA 01776") is also searched for by its
parts, as notes write them on their own: the street, the town and the ZIP (the state stays). Invented values."""
import pytest

from clinical_pipelines.deid.text.deny import address_parts, deny_entries
from clinical_pipelines.deid.text.deny_match import DenyMatcher


@pytest.mark.parametrize("value,parts", [
    ("5 Birch Road, Sudbury MA 01776", ["5 Birch Road", "01776", "Sudbury"]),
    ("12 Elm St, Apt 4, Lowell, MA 01852", ["12 Elm St", "Apt 4", "Lowell", "01852"]),
    ("PO Box 12, Taos, New Mexico 87571", ["PO Box 12", "Taos", "87571"]),
    ("77 Main Street", []),
])
def test_address_parts(value, parts):
    assert address_parts(value) == parts


@pytest.mark.parametrize("text,found", [
    ("we live on 5 birch rd in sudbury, zip 01776", ["5 birch rd", "sudbury", "01776"]),
    ("Home: Sudbury. Mail goes to 01776-2201.", ["Sudbury", "01776-2201"]),
])
def test_parts_of_a_known_address_are_found_alone(text, found):
    spans = DenyMatcher(deny_entries({"street_address": "5 Birch Road, Sudbury MA 01776"})).find(text)
    got = [text[s.start:s.end] for s in spans]
    assert all(any(f.lower() in g.lower() for g in got) for f in found), got


def test_the_state_of_a_known_address_stays():
    text = "Moved to MA last year; MA Kim roomed the patient."
    assert DenyMatcher(deny_entries({"street_address": "5 Birch Road, Sudbury MA 01776"})).find(text) == []
