"""The safe-list vocabulary and pass (Philter's method): words outside a vocabulary of English and clinical words are
names when capitalised in running text. All names below are invented or common census names, not PHI."""
import pytest

from clinical_pipelines.deid.errors import DeidError
from clinical_pipelines.deid.text import safelist_vocabulary
from clinical_pipelines.deid.text.safelist import find_safelist_names
from clinical_pipelines.deid.text.safelist_vocabulary import load_vocabulary
from clinical_pipelines.deid.text.safelist_words import is_clinical_word, is_known_word, is_safe_word


def found(text):
    return [text[c.start:c.end] for c in find_safelist_names(text)]


@pytest.mark.parametrize("word", [
    # English, clinical vocabulary, abbreviations, drug generics and brands, eponyms, devices
    "patient", "Assessment", "bedside", "metoprolol", "Entresto", "Jardiance", "apixaban", "Eliquis", "troponin",
    "normocephalic", "hypokinesis", "cardiomegaly", "empagliflozin", "Foley", "Parkinson", "Doppler", "Holter",
    "Impella", "TAPSE", "nkda", "Cosigned", "rechecked", "Monday", "April", "Virginia", "Spanish", "Medicare",
])
def test_clinical_and_english_words_are_safe(word):
    assert is_safe_word(word)


@pytest.mark.parametrize("word", ["will", "may", "hope", "long", "Faith", "summer", "Bill", "Young", "White"])
def test_census_names_that_are_common_words_stay_words(word):
    assert is_known_word(word) and is_safe_word(word)


@pytest.mark.parametrize("word", ["Okafor", "Kowalczyk", "Oyelaran", "Halvorsen", "Adaeze", "Tuckahoe", "Przemyslaw"])
def test_unknown_words_are_not_known(word):
    assert not is_known_word(word) and not is_safe_word(word)


@pytest.mark.parametrize("word", ["Hank", "Rose", "Nguyen", "Smith", "Maria", "Brown", "Hall"])
def test_name_dominant_census_words_are_known_but_not_safe(word):
    assert is_known_word(word) and not is_safe_word(word)


@pytest.mark.parametrize("word", ["warfarin", "Xarelto", "cholecystectomy", "Swan-Ganz", "white"])
def test_clinical_words_are_clinical(word):
    assert is_clinical_word(word)


@pytest.mark.parametrize("text,names", [
    ("Seen today by Okafor in clinic.", ["Okafor"]),
    ("Plan reviewed with Kowalczyk and the team.", ["Kowalczyk"]),
    ("Okafor called back at noon.", ["Okafor"]),                    # sentence-initial, not a word at all
    ("Nguyen reports chest pain.", ["Nguyen"]),                      # sentence-initial, strongly a name
    ("Message left for Hank about the results.", ["Hank"]),         # inside a sentence, name-dominant
    ("Family meeting: Adaeze, Tomasz present.", ["Adaeze", "Tomasz"]),
    ("Received Venkatesh Chaudhary from day shift.", ["Venkatesh Chaudhary"]),   # one span per run of words
    ("Discussed plan with Bello-Okonkwo today.", ["Bello-Okonkwo"]),
    ("Okafor's daughter called.", ["Okafor"]),
    ("Given to O'Halloran and McKinnley.", ["O'Halloran", "McKinnley"]),
])
def test_capitalised_words_outside_the_vocabulary_are_names(text, names):
    assert found(text) == names


@pytest.mark.parametrize("text", [
    "Metoprolol 25 mg PO BID. Lisinopril 10 mg daily. Entresto 49/51 mg BID.",
    "Parkinson's disease, Crohn disease, Foley catheter in place, Swan-Ganz catheter removed.",
    "History of Wernicke encephalopathy and Hashimoto thyroiditis.",
    "HISTORY OF PRESENT ILLNESS: Patient is a 67 yo with HFrEF, LVEF 35%, TAPSE 14 mm.",
    "Will call Monday. May need repeat echo in April.",
    "Rose to 38.5 overnight. White count 12.4. Young adult with Anti-Xa level pending.",
    "BP Mark 2 device placed. Grade 3 edema. Series 5 pump.",
    "Assessment: Stable. Plan: Continue Jardiance, follow up in Cardiology clinic.",
    "Normocephalic, atraumatic. Lungs: rhonchi bilaterally. Tele reviewed, Lytes repleted.",
    "Covered by Medicare and Aetna; Spanish interpreter used; lives in Virginia.",
])
def test_clinical_text_gives_no_safelist_names(text):
    assert found(text) == []


def test_vocabulary_is_built_once():
    assert load_vocabulary() is load_vocabulary()
    v = load_vocabulary()
    assert len(v.known) > 150_000 and v.strong_names <= v.name_dominant
    assert not (v.name_dominant & v.clinical)


def test_identity_names_sources_and_counts_only():
    ident = safelist_vocabulary.safelist_identity()
    assert "philter-lite 0.6.0" in ident["packages"] and "wordfreq 3.1.1" in ident["packages"]
    assert int(ident["known_words"]) > 150_000 and int(ident["name_dominant_words"]) > 1000


def test_missing_source_package_fails_closed(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    package = safelist_vocabulary.SAFELIST_PACKAGE
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a, **k: None if name == package else real(name, *a, **k))
    with pytest.raises(DeidError) as exc:
        safelist_vocabulary._philter_safe_list()
    assert "philter_lite" in str(exc.value) and "requirements.lock" in str(exc.value)
