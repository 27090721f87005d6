"""Initials or a short user name right after a credential or "Pt:" where the phrase ends, in any case and even
when the letters spell a word ("-- CNA av", "Reconciled by RPh: dj", "called to LPN NO at 1020h", "Pt: ON reports
..."); function words and clinical phrases after a credential are not initials. Variants written for these tests."""
import pytest

from clinical_pipelines.deid.text.name_contexts import find_phrase_end_initials


@pytest.mark.parametrize("text, initials", [
    ("Reconciled by RPh ko |", "ko"), ("Reconciled by PharmD: we", "we"), ("-- CNA ty", "ty"),
    ("LPN my will call back by 2 pm.", "my"), ("Findings communicated to RN JD by phone at 0820.", "JD"),
    ("critical K called to LPN BE at 1020h", "BE"), ("Assessed by MSW: IT |", "IT"), ("cc: NP do |", "do"),
    ("Triage: RN: K.L. |", "K.L."), ("Received pt from day RN QR. Stable.", "QR"), ("Assessed by CM tj", "tj"),
    ("S: Pt: ON reports poor sleep.", "ON"), ("S: Pt: MI reports less dyspnea.", "MI"), ("Pt: ra denies pain.", "ra"),
    ("Caller: neighbour re: Pt: if |", "if"), ("Caller: son re: Pt: H. S. |", "H. S."),
])
def test_initials_at_phrase_end_after_a_credential_or_pt(text, initials):
    found = [text[c.start:c.end].rstrip(".") for c in find_phrase_end_initials(text)]
    assert initials.rstrip(".") in found


@pytest.mark.parametrize("text", [
    "called to RN at 0635h", "seen by RN in clinic today", "d/c per NP. Plan unchanged.", "RN to call family.",
    "Pt: is alert and oriented", "PT: OK to ambulate", "PT on 2L NC.", "RT: 40% FM.", "Pt: was seen by team",
    "pain managed by RN and MD, stable", "RN for 20 years",
])
def test_function_words_and_clinical_phrases_are_not_initials(text):
    assert find_phrase_end_initials(text) == []
