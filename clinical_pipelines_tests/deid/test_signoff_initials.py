"""Sign-off lines of initials and a credential ("- jt rn", "kw/rn") and initials after a technologist's or
radiographer's colon are names (HIPAA Safe Harbor (A)); clinical abbreviations in the same place stay. Invented."""
import pytest

from clinical_pipelines.deid.text.name_signoffs import find_nursing_names
from clinical_pipelines.deid.text.name_contexts import find_context_names


def _signed(text, initials):
    i = text.index(initials)
    return any(c.start <= i and c.end >= i + len(initials) for c in find_nursing_names(text))

@pytest.mark.parametrize("text,initials", [
    ("Will continue to monitor.\n- jt rn", "jt"), ("plan as above\n-- KM, RN", "KM"), ("vss, afeb.\nkw/rn", "kw"),
    ("~ab rrt", "ab"), ("  - JLT RN BSN", "JLT"), ("pain controlled\n/mo lpn", "mo"), ("- tk, r.n.", "tk"),
    ("resp: stable\nDS RRT", "DS"),
])
def test_initials_signing_off_a_line(text, initials):
    assert _signed(text, initials)

@pytest.mark.parametrize("text", [
    "- iv rn", "- pt rn", "- ok rn", "- no rn", "- am rn", "- pm rn", "per rn", "- ng rn", "- mg rn",
    "BP 120/80 - HR RN", "will update rn", "- to rn",
])
def test_clinical_abbreviations_before_a_credential_stay(text):
    assert not find_nursing_names(text)

@pytest.mark.parametrize("text,initials", [
    ("Technologist: RB", "RB"), ("Radiographer: T.W.", "T.W."), ("Phlebotomist: KL", "KL"),
])
def test_initials_after_an_imaging_or_lab_role(text, initials):
    i = text.index(initials)
    assert any(c.start <= i and c.end >= i + len(initials) for c in find_context_names(text))
