"""Bedside-note measurements written as one token or as tuples (ranges with a vital / ventilator / laboratory name,
units or rhythms glued on, clock times) are no identifiers; identifiers with letters or in digit groups still are.
Contact details: the orientation shorthand "A@Ox3" is no e-mail, "x 2000" no extension, pager numbers are phones.
All values are invented."""
import pytest

from clinical_pipelines.deid.text.ages import find_ages
from clinical_pipelines.deid.text.contact import find_contacts
from clinical_pipelines.deid.text.delimited import find_delimited_identifiers
from clinical_pipelines.deid.text.identifiers import find_identifiers
from clinical_pipelines.deid.text.normalize import analysis_view
from clinical_pipelines.deid.text.numbers import find_numbers


def _flagged(finders, text):
    view = analysis_view(text).text
    return [view[c.start:c.end] for f in finders for c in f(view)]


ID_FINDERS = (find_identifiers, find_numbers)


@pytest.mark.parametrize("text", [
    # a measurement name joined to its range (hyphen, nothing, or the name's possessive)
    "resp: psv 12/ peep 8 fio2 50% tv's-350-450 rr 22",
    "O2 SATS91-97% ON 4L",
    "PAD'S16-22 after the bolus",
    "pad's19-24 range overnight",
    "HR-96-121, lopressor given",
    "cv: sbp-150-170's, hr-70-80's",
    "SBP132-148 this shift",
    "bp98-117/52-66 on the art line",
    "resp-rr-0,ps-8,peep-5,tv-640,o2sat-99%,bs-clear",
    "sat-94-97%, rr-20's",
    "RR-16-22 REG.",
    "Bp-88-104/ 46-58's",
    "CV-sr-70-90's, no ectopy",
    # a unit, rhythm or qualifier glued after the values
    "RESP RATE INCREASED TO 14-16BREATHS/MIN.",
    "hr 90-110sinus tach",
    "HR remaining 58-66SR with rare PVCs",
    "WBC 20-30K, lactate pending",
    "temp 97-96R overnight",
    "cuff pressure (>30cmH20) to seal",
    # clock times and a 24-hour time heading an entry
    "EXTUBATED AT 1015AM WITHOUT ISSUE",
    "NEO 150 MCG BY 10P-11A, BP DIPPING",
    "FOLEY OUT 815-1045PM.",
    "****0400-R ARM DSG CHANGED",
    "LABS=0600-BUN/CREAT 41/2.6",
    "abg at 1645-pnd.",
    # values run into the next word
    "FS RANGE HAD BEEN 140-150-UP TO 170",
    "GLUCOSE 161-112-TREATED PER SS",
    "sating better-96-99% today",
    "O2 SAT DOWN TO 91-92-PT SX AGAIN",
    # tuples after a ventilator or laboratory name
    "CURRENT VENT SETTINGS: 50/800/14 A/C.",
    "labs notable for +cks : 812, 1544/188/11. also wbc 19",
    "CPK'S AT 4 PM 1822/171 MB; K+ 3.9",
    "CK'S 1633/150 ON ADM",
    "peak ck so far at 9am was 1702/187.",
    "MVO2 58-49-55, NP aware",
])
def test_bedside_measurements_are_not_identifiers(text):
    assert _flagged(ID_FINDERS, text) == []


@pytest.mark.parametrize("text,value", [
    ("MRN 318 406 552 on the label", "318 406 552"),
    ("Smith, Ola (512-77-903) seen", "512-77-903"),
    ("ref 612.40.9981 for the claim", "612.40.9981"),
    ("pt id AB-1234-56 on the band", "AB-1234-56"),
    ("record JS4411-22 pulled", "JS4411-22"),
    ("code 4417K entered", "4417K"),
    ("ref K4417 entered", "K4417"),
    ("Acct H00012345", "H00012345"),
    ("member AB-123-45", "AB-123-45"),
    ("MRN-300-400 on the sticker", "MRN-300-400"),
    ("device PB7200 serial", "PB7200"),
    ("pt 512-77-903 on the wristband", "512-77-903"),
])
def test_identifiers_with_letters_or_groups_still_found(text, value):
    assert any(value in f for f in _flagged(ID_FINDERS, text))


@pytest.mark.parametrize("text", [
    "NEURO: PT APPEARS A@OX3...APPROPRIATE WITH FAMILY",
    "a@ox3.follows commands",
    "A@Ox4. MAE",
    "PADS TEENS TO 20'S @ 1600.CT CONTINUES TO DRAIN",
    "INSULIN AT .150/HR .45 X 2000  BS 140",
])
def test_bedside_shorthand_is_no_contact(text):
    assert _flagged((find_contacts,), text) == []


@pytest.mark.parametrize("text,value", [
    ("PG 23456", "23456"), ("pgr 4-5678", "4-5678"), ("beeper #41234", "41234"), ("call x4567", "4567"),
    ("pager: 52019", "52019"), ("mail j.doe@example.org today", "j.doe@example.org"),
    ("jd@mail.example.co.uk", "jd@mail.example.co.uk"), ("name @ example.com", "name @ example.com"),
])
def test_contacts_still_found(text, value):
    assert value in _flagged((find_contacts,), text)


@pytest.mark.parametrize("text,value", [
    ("until his b/p was over 100/ for a few hours", []),
    ("SR 100/ for most of the shift", []),
    ("pt is 93/F from home", ["93"]),
    ("94 / female", ["94"]),
])
def test_age_sex_form_needs_a_whole_sex_word(text, value):
    assert _flagged((find_ages,), text) == value


@pytest.mark.parametrize("text", [
    "GI-abd,soft,dist,bs-hypo,ogt-to lcws -bilious out-small,cont. tpn",
    "NEURO-a&ox3,mae,perrla,follows cmds",
    "resp-ls coarse,sx for thick tan,sats-97%",
])
def test_tight_comma_bedside_lists_are_no_record_rows(text):
    assert find_delimited_identifiers(text) == []


@pytest.mark.parametrize("text,value", [
    ("Okonkwo,Adaeze,Tuckahoe", "Adaeze"), ("Abernathy,Lucinda,1938-02-11,Tuckahoe", "Tuckahoe"),
])
def test_record_rows_still_give_names_and_places(text, value):
    assert value in [text[c.start:c.end] for c in find_delimited_identifiers(text)]
