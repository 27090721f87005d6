"""Round-5 kinds, eponymous scores and scales are kept ("Aldrete 9", "Child-Pugh B", "Hunt and Hess 2"): a context
rule (a score value or word after the eponym, or a score word before it), so the same word as a person ("Dr.
Aldrete", "Aldrete, MD", "seen by Wells") is still a name."""
import pytest

from clinical_pipelines.deid.text.eponym_scores import inside_score, score_eponym_spans
from clinical_pipelines.deid.text.ner import NerEntity
from clinical_pipelines.deid.text.ner_filter import find_ner_entities

from .test_round5_orgs import covered, touched

SCORES = [
    ("Aldrete 9 on arrival to PACU.", "Aldrete"),
    ("Apgar 8/9.", "Apgar"),
    ("Apgars 8 and 9 at 1 and 5 minutes.", "Apgars"),
    ("Braden 14, high risk.", "Braden"),
    ("Morse 45.", "Morse"),
    ("Glasgow 15.", "Glasgow"),
    ("Bishop score 7.", "Bishop"),
    ("Wells 4.", "Wells"),
    ("Mallampati II.", "Mallampati"),
    ("Ranson 3.", "Ranson"),
    ("Child-Pugh B.", "Child-Pugh"),
    ("Child Pugh class C, MELD 22", "Child Pugh"),
    ("Hunt and Hess 2.", "Hunt and Hess"),
    ("Hunt-Hess grade III", "Hunt-Hess"),
    ("Fisher grade 3.", "Fisher"),
    ("modified Fisher 3", "Fisher"),
    ("Scores: Aldrete 9, Braden 14", "Aldrete"),
    ("Morse fall score 45", "Morse"),
    ("Gleason 3+4=7", "Gleason"),
    ("modified Rankin 3", "Rankin"),
    ("Tanner stage IV", "Tanner"),
    ("Killip class I", "Killip"),
    ("Cormack-Lehane grade 1", "Cormack-Lehane"),
    ("Salter-Harris II fracture of the distal radius", "Salter-Harris"),
    ("ALDRETE 10 AT DISCHARGE FROM PACU", "ALDRETE"),
    ("Braden scale 18 (low risk)", "Braden"),
    ("Wells criteria for PE: 1.5", "Wells"),
    ("Caprini 5, on enoxaparin", "Caprini"),
    ("Norton 12, turn q2h", "Norton"),
    ("Karnofsky 70, ECOG 2", "Karnofsky"),
    ("Centor 3, rapid strep sent", "Centor"),
    ("Hinchey II diverticulitis", "Hinchey"),
    ("Ramsay 3 on propofol", "Ramsay"),
    ("Breslow 1.2 mm, Clark level III", "Breslow"),
    ("Hoehn and Yahr 2.5", "Hoehn and Yahr"),
    ("Alvarado 7, surgery consulted", "Alvarado"),
    ("Mallampati class 3, TMD 3 fb", "Mallampati"),
    ("Rockall 4, Glasgow-Blatchford 9", "Glasgow-Blatchford"),
    ("Mallampati II. Braden 14.", "Braden"),
    ("aldrete 9, pain 2/10, to floor", "aldrete"),
    ("MORSE FALL SCORE 55 - HIGH RISK", "MORSE"),
    ("apgars 7 and 9", "apgars"),
    ("BRADEN 14, MORSE 45", "MORSE"),
    ("braden 14 morse 45", "braden"),
    ("CHILD-PUGH C", "CHILD-PUGH"),
    ("GLASGOW 3", "GLASGOW"),
    ("Glasgow 3 on arrival, intubated.", "Glasgow"),
    ("WELLS SCORE 6", "WELLS"),
]


@pytest.mark.parametrize("text,value", SCORES)
def test_score_eponyms_stay(text, value):
    assert not touched(text, value)


PEOPLE = [
    ("Seen by Dr. Aldrete today.", "Aldrete"),
    ("Aldrete, MD", "Aldrete"),
    ("Patient was seen by Wells.", "Wells"),
    ("Dr. Morse 45 min in room.", "Morse"),
    ("Discussed with Dr. Braden.", "Braden"),
    ("d/w Dr. Fisher 2 options", "Fisher"),
    ("Ranson, MD", "Ranson"),
    ("Paged Dr Bishop 3 times.", "Bishop"),
    ("FOLLOWED BY DR WELLS", "WELLS"),
]


@pytest.mark.parametrize("text,value", PEOPLE)
def test_eponym_as_person_is_still_a_name(text, value):
    assert covered(text, value)


@pytest.mark.parametrize("text", [
    "Wells 4 pm call back", "Morse 2 days ago", "John Morse 45", "Dr. Apgar 9", "seen by Wells 4 wks ago",
    "Harris 3", "Aldrete, MD 9",
])
def test_no_score_without_a_score_context(text):
    assert score_eponym_spans(text) == ()


@pytest.mark.parametrize("text,word,label", [
    ("Hunt and Hess 2, Fisher grade 3.", "Hess", "PERSON"),
    ("Aldrete 9 on arrival.", "Aldrete", "PERSON"),
    ("Child-Pugh B cirrhosis.", "Pugh", "PERSON"),
    ("Ranson 3 at 48 h.", "Ranson", "GPE"),
    ("Follow up in Pulm Clinic.", "Pulm Clinic", "ORG"),
    ("Neuro ICU bed 4.", "Neuro ICU", "ORG"),
])
def test_ner_entities_on_scores_and_specialty_clinics_are_dropped(text, word, label):
    s = text.index(word)
    assert find_ner_entities(text, [NerEntity(s, s + len(word), label, word)]) == []


def test_ner_entities_on_a_person_or_a_named_clinic_are_kept():
    text = "Seen by Dr. Aldrete at Lahey Clinic."
    ents = [NerEntity(text.index("Aldrete"), text.index("Aldrete") + 7, "PERSON", "Aldrete"),
            NerEntity(text.index("Lahey"), text.index("Lahey") + 12, "ORG", "Lahey Clinic")]
    assert len(find_ner_entities(text, ents)) == 2


@pytest.mark.parametrize("text,value,expected", [
    ("Apgar 8/9.", "Apgar 8/9", True), ("Apgar 8/9.", "8/9", True), ("Child-Pugh B cirrhosis", "Child-Pugh B", True),
    ("Hunt and Hess 2", "Hess 2", True), ("Braden scale 12", "Braden scale", True),
    ("Dr. Aldrete 9 am", "Aldrete", False), ("Apgar 8/9 on 8/9/2024", "8/9/2024", False),
])
def test_inside_score_phrase(text, value, expected):
    s = text.index(value)
    assert inside_score(text, s, s + len(value)) is expected
