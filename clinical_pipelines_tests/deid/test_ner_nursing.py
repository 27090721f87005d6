"""spaCy entities on bedside notes cut to their proper-noun cores: clauses typed in capitals that spaCy tags as
organisations or persons, misspelt and abbreviated words, contractions, colours, eponyms and devices keep no span;
names and places next to them keep theirs (initials, credentials, titles, relations, "aware" as evidence)."""
import pytest

from clinical_pipelines.deid.text.ner import NerEntity
from clinical_pipelines.deid.text.ner_filter import ner_entity_cores, word_class

LABELS = {"PERSON": "NAME", "ORG": "ORGANIZATION", "GPE": "LOCATION"}


def _cores(text: str, entity: str, spacy_label: str) -> list[tuple[str, str]]:
    i = text.index(entity)
    ent = NerEntity(i, i + len(entity), spacy_label, entity)
    return [(text[s:e], label) for s, e, label in ner_entity_cores(text, ent, LABELS[spacy_label])]


@pytest.mark.parametrize("text,entity,label", [
    # clauses typed in capitals, tagged as an organisation (demographics, verbs, drugs, typos, abbreviations)
    ("82 YO PORTUGESE SPEAKING MALE ADMITTED 3/4", "YO PORTUGESE SPEAKING MALE", "ORG"),
    ("PT CONTS TO RECV LASIX W/GOOD DIURESS OVERNIGHT", "RECV LASIX W/GOOD DIURESS", "ORG"),
    ("FEVER WORKUP SENT. CONTINUE ANTIBX AS ORDERED.", "CONTINUE ANTIBX AS", "ORG"),
    ("SKIN INTACT, PLACED ON KINETIK BED FOR TURNING", "KINETIK BED", "ORG"),
    ("IABP & ALINE R-FEM SITE DRY", "IABP & ALINE R-FEM", "ORG"),
    ("AM LABS SENT. ABX CHNGED & RESTARTED.", "ABX CHNGED & RESTARTED", "ORG"),
    ("URINE REMAINS DARK BROWN AND CLOUDY", "DARK BROWN", "ORG"),
    ("GU- FOLEY PATENT FOR AMBER SEDIMENTY URINE", "AMBER SEDIMENTY", "ORG"),
    ("WIFE AT BEDSIDE, WENT HOME TO REST", "WENT HOME", "ORG"),
    ("FAMILY WENT HOME EARLY AND CALLED AT 2200", "WENT HOME EARLY", "ORG"),
    ("FAMLY WENT HOME EARLY AND CALLED AT 2200", "FAMLY WENT HOME EARLY", "PERSON"),
    ("Allergies: Ca Channel Blockers, codeine", "Channel Blockers", "ORG"),
    ("Wheezes noted. Albuterol/Atrovent MDI's given q4h.", "Albuterol/Atrovent MDI's", "ORG"),
    ("GI: TF Replete HN at 40ml/hr, residuals low", "TF Replete HN", "ORG"),
    ("Cardiac~ Stable HR & Rhythm overnight.", "Cardiac~ Stable HR & Rhythm", "ORG"),
    # persons that are devices, findings, abbreviations, contractions and common words
    ("TEMP 99.1 PO.\nFOLEY CATH DRAINING CLEAR URINE", "FOLEY CATH DRAINING", "PERSON"),
    ("Stools x1 today. Abd S/ND/NT. Voiding.", "Abd S/ND/NT", "PERSON"),
    ("Coarse breath sounds. Sx'd for thick tan secretions.", "Sx'd", "PERSON"),
    ("rate with some effect. Con't to monitor.", "Con't", "PERSON"),
    ("GU: FOLEY DRAINING AMBER COLOR URINE", "FOLEY DRAINING AMBER", "PERSON"),
    ("COLOSTOMY DRAINING BROWN LOOSE STOOL 40 CC", "BROWN LOOSE", "PERSON"),
    ("PT RESPONDS TO NOXIOUS STIM W WDRAWAL ONLY", "NOXIOUS STIM W WDRAWAL", "PERSON"),
    ("BILATERAL TED HOSE IN PLACE", "TED HOSE", "PERSON"),
    ("ID=T MAX 100.2 PO", "MAX", "PERSON"),
    ("Lines- RIJ Triple lumen intact", "Lines- RIJ Triple", "PERSON"),
    ("Vent weaned after RSBI done this am", "RSBI", "PERSON"),
    ("Remains DNR, Comfort Care only.", "Care", "PERSON"),
    ("mag 2.1 mmol/L. Seen by team", "L. Seen", "PERSON"),
    ("DAUGHTER, FRIENDS IN TO VISIT", "FRIENDS", "PERSON"),
    ("CV: DOBUTAMINE CONT.WITH GOOD EFFECT", "CONT.WITH", "PERSON"),
    # places that are bed positions, abbreviations, eponyms or common words
    ("sats 95%. Sxn'd for thick yellow sputum", "Sxn'd", "GPE"),
    ("Pulm~ Remains on AC, no changes", "Pulm~", "GPE"),
    ("Hypotensive, pt placed in Trendelenberg position", "Trendelenberg", "GPE"),
    ("RIJ Swan and left radial A-line intact", "RIJ Swan", "GPE"),
    ("A-Pain control and Comfort.", "Comfort", "GPE"),
    ("Mallampati II airway", "Mallampati II", "GPE"),
])
def test_clause_or_clinical_entity_keeps_no_core(text, entity, label):
    assert _cores(text, entity, label) == []


@pytest.mark.parametrize("text,entity,label,expected", [
    # a name in a clause typed in capitals: an initial, "aware", a credential or title, a relation as evidence
    ("K REPLACED. Q. HALVORSEN AWARE AND WILL FOLLOW", "Q. HALVORSEN AWARE", "PERSON", [("Q. HALVORSEN", "NAME")]),
    ("CT SITE OOZING. T. VANDERMOLEN IN TO CHECK", "T. VANDERMOLEN", "PERSON", [("T. VANDERMOLEN", "NAME")]),
    ("NO CAPTURE AT 5MA. DR. WESTERHOLM AWARE OF PACER ISSUE", "WESTERHOLM AWARE OF PACER ISSUE", "ORG",
     [("WESTERHOLM", "NAME")]),
    ("SOCIAL: SISTER & LEOPOLD (FRIEND) IN TODAY", "SISTER & LEOPOLD", "ORG", [("LEOPOLD", "NAME")]),
    ("LIVES ALONE. SON ROB CALLED", "ROB", "PERSON", [("ROB", "NAME")]),
    # a name in lower-case notes: credentials before or after, first name + surname, particles
    ("Results called to RN Dagny by phone.", "RN Dagny", "ORG", [("Dagny", "NAME")]),
    ("pt pronounced at 0410 by HO Ambrosetti.", "HO Ambrosetti", "GPE", [("Ambrosetti", "NAME")]),
    ("MVO2 61, NP Oyelowo aware.", "NP Oyelowo", "ORG", [("Oyelowo", "NAME")]),
    ("d/w team; Tram CNA will call back", "Tram", "PERSON", [("Tram", "NAME")]),
    ("Reconciled by Ximena RPh", "Ximena RPh", "PERSON", [("Ximena", "NAME")]),
    ("Reconciled by F. Adeyemi, RPh", "F. Adeyemi", "GPE", [("F. Adeyemi", "NAME")]),
    ("His friend Ottoline Brackenridge came in to visit.", "Ottoline Brackenridge", "PERSON",
     [("Ottoline Brackenridge", "NAME")]),
    ("Seen by Dr. Ying de la Cruz (cardiology) today", "Ying de la Cruz", "PERSON", [("Ying de la Cruz", "NAME")]),
    ("Received pt from Kirsten Johannsson overnight.", "Kirsten Johannsson", "PERSON",
     [("Kirsten Johannsson", "NAME")]),
    ("Lives with Hamid (partner) in town.", "Hamid", "PERSON", [("Hamid", "NAME")]),
    # places and organisations
    ("Facility: Bluewater Clinic in Great Falls\n", "Great Falls", "GPE", [("Great Falls", "LOCATION")]),
    ("DAUGHTER DRIVING IN FROM ROME TONIGHT", "ROME", "GPE", [("ROME", "LOCATION")]),
    ("knew he was in Baltimore, but not the date", "Baltimore", "GPE", [("Baltimore", "LOCATION")]),
    ("EVALUATED BY BALTIMORE REHAB TODAY", "BALTIMORE REHAB", "ORG", [("BALTIMORE REHAB", "ORGANIZATION")]),
    ("Name\tDOB\nLe\tHuong\t11.11.1954\tTupelo", "Le\tHuong", "ORG", [("Le\tHuong", "ORGANIZATION")]),
])
def test_proper_noun_core_is_kept(text, entity, label, expected):
    assert _cores(text, entity, label) == expected


@pytest.mark.parametrize("word,label,caps,kind", [
    ("TRAVESTAN", "ORGANIZATION", True, "weak"),    # unknown capitals: a typo as often as a name
    ("DIURESS", "ORGANIZATION", True, "junk"),      # a typo of a clinical word
    ("Vandermolen", "NAME", False, "name"),         # unknown title case in a lower-case note
    ("Sx'd", "NAME", False, "junk"),                # contraction
    ("RSBI", "NAME", False, "junk"),                # short capitals in a lower-case note
    ("BPPP", "NAME", True, "junk"),                 # no vowel
    ("X-Ray", "NAME", False, "junk"),               # one-letter part
    ("PMed", "NAME", False, "junk"),                # abbreviation glued to a word
    ("Foley", "NAME", False, "weak"),               # eponym
    ("BROWN", "NAME", True, "weak"),                # colour
    ("Stable", "NAME", False, "weak"),              # common word that is also a surname
    ("Hospital", "ORGANIZATION", False, "head"),
    ("of", "ORGANIZATION", False, "link"),
    ("de", "NAME", False, "link"),
    ("Q", "NAME", True, "junk"),                    # a capital letter in capitals is an abbreviation ("W" with)
])
def test_word_classes(word, label, caps, kind):
    assert word_class(word, label, caps, dotted=False) == kind


def test_initial_with_full_stop_in_capitals():
    assert word_class("Q", "NAME", True, dotted=True) == "initial"


@pytest.mark.parametrize("text,kept,names", [
    ("82 YO PORTUGESE SPEAKING MALE. CONTS TO RECV LASIX W/GOOD DIURESS. Q. HALVORSEN AWARE.",
     ["PORTUGESE", "DIURESS", "LASIX"], ["HALVORSEN"]),
    ("GU: FOLEY DRAINING AMBER COLOR URINE. BILATERAL TED HOSE ON. DR. WESTERHOLM AWARE.",
     ["FOLEY", "AMBER", "TED HOSE"], ["WESTERHOLM"]),
    ("Coarse BS, Sx'd for thick secretions. Con't to monitor. Results called to RN Dagny.",
     ["Sx'd", "Con't"], ["Dagny"]),
])
def test_engine_keeps_clinical_words_and_redacts_names(engine, text, kept, names):
    out = engine.deidentify([text])[0].text
    for w in kept:
        assert w in out, "clinical wording redacted"
    for n in names:
        assert n not in out, "name left in the output"
