"""The learned token tagger: features, BIO labels, training and loading (fail closed), context vetoes, and the
policy switch. Training runs for real (python-crfsuite) on small invented corpora; no model is mocked."""
import random

import pytest

from clinical_pipelines.deid.errors import DeidError, PolicyError
from clinical_pipelines.deid.text.spans import Candidate
from clinical_pipelines.deid.text.tagger import TaggerError, TaggerSpec, TokenTagger, ensure_tagger
from clinical_pipelines.deid.text.tagger.context import keep_tagged
from clinical_pipelines.deid.text.tagger.features import OFFSETS, sequence_features, shape, tokens, word_features
from clinical_pipelines.deid.text.tagger.training import bio_labels, model_path, train_model

# invented names and towns (not from any corpus)
FIRST = ["Zorna", "Quillan", "Bexley", "Tamsin", "Orrin", "Havel", "Nyssa", "Corwin", "Idris", "Mireth"]
LAST = ["Vantreska", "Oldhaven", "Pellucci", "Brannagh", "Skavik", "Thornquist", "Yarrowby", "Delacourt"]
TOWNS = ["Marrowfield", "Eastbrook", "Kelvinton", "Ashgrove", "Penhallow"]
TEMPLATES = [
    "Pt seen by Dr. {l} this am , plan to diurese .",
    "Wife {f} at bedside , updated on plan .",
    "Spoke with daughter {f} {l} re : code status .",
    "Transferred from {t} Hospital overnight .",
    "Family lives in {t} , will visit tomorrow .",
    "Lasix 40 mg IV given , UO 300 cc .",
    "HR 88 , BP 120/80 , afebrile .",
]


def _note(rng: random.Random) -> tuple[str, list[tuple[int, int, str]]]:
    text, spans = "", []
    for _ in range(4):
        tpl = rng.choice(TEMPLATES)
        vals = {"f": rng.choice(FIRST), "l": rng.choice(LAST), "t": rng.choice(TOWNS)}
        pos = 0
        out = ""
        while True:
            i = tpl.find("{", pos)
            if i < 0:
                out += tpl[pos:]
                break
            out += tpl[pos:i]
            key = tpl[i + 1]
            start = len(text) + len(out)
            out += vals[key]
            spans.append((start, start + len(vals[key]), "LOCATION" if key == "t" else "NAME"))
            pos = i + 3
        text += out + "\n"
    return text, spans


@pytest.fixture(scope="module")
def small_model(tmp_path_factory):
    rng = random.Random(3)
    notes = [_note(rng) for _ in range(120)]
    path = tmp_path_factory.mktemp("tagger") / "m.crfsuite"
    train_model(notes, path, TaggerSpec(max_iterations=60))
    return path


def test_tokens_and_shapes():
    text = "Dr. O'Neil 3/14/21\nBP 120/80"
    assert [text[a:b] for a, b in tokens(text)] == ["Dr", ".", "O", "'", "Neil", "3", "/", "14", "/", "21", "BP",
                                                   "120", "/", "80"]
    assert shape("Okafor") == "Xxx" and shape("2019") == "dd" and shape("McKenna") == "XxXxx"


def test_sequence_features_mark_lines_context_and_padding():
    text = "Seen by Dr Xu\ntoday"
    toks = tokens(text)
    feats = sequence_features(text, toks)
    assert len(feats) == len(toks)
    assert "nl" in feats[0] and "nl" in feats[-1] and "nl" not in feats[1]
    assert "-2:pad" in feats[0] and "2:pad" in feats[-1]
    assert "-1:w=dr" in feats[3] and "1:w=today" in feats[3]
    assert all(any(f.startswith(f"{d}:") for f in feats[2]) for d in OFFSETS)


@pytest.mark.parametrize("word,cls", [
    ("Baltimore", "city"), ("HAVEN", "cityw"), ("october", "month"), ("Sept", "month"), ("Tues", "weekday"),
    ("Thanksgiving", "holiday"), ("Hospital", "orghead"), ("campus", "orghead"), ("daughter", "relation"),
    ("Dr", "titleword"),
])
def test_word_classes_come_from_fixed_lists(word, cls):
    own, context, _plain = word_features(word)
    assert cls in own
    assert any(f.endswith(":" + cls) for f in context[1])


def test_plain_words_have_no_word_class():
    own, _context, _plain = word_features("with")
    assert not {"city", "cityw", "month", "weekday", "holiday", "orghead", "relation", "titleword"} & set(own)


def test_bio_labels_follow_gold_spans():
    text = "Dr Ann Lee on 3/4"
    toks = tokens(text)
    labels = bio_labels(toks, [(3, 10, "NAME"), (14, 17, "DATE")])
    assert labels == ["O", "B-NAME", "I-NAME", "O", "B-DATE", "I-DATE", "I-DATE"]


def test_trained_tagger_finds_unseen_names_and_places_in_learned_contexts(small_model):
    tg = TokenTagger(small_model, threshold=0.3, training="invented", feature_version="1")
    text = "Pt seen by Dr. Farquhal this am , plan to diurese .\nFamily lives in Westerloe , will visit tomorrow ."
    found = {text[c.start:c.end]: c.type for c in tg.find(text)}
    assert found.get("Farquhal") == "NAME" and found.get("Westerloe") == "LOCATION"
    clinical = "Lasix 40 mg IV given , UO 300 cc .\nHR 88 , BP 120/80 , afebrile ."
    assert tg.find(clinical) == []
    assert tg.find("") == [] and tg.find("  \n ") == []


def test_spans_lose_edge_punctuation_and_end_at_line_breaks(small_model):
    tg = TokenTagger(small_model, threshold=0.3, training="invented", feature_version="1")
    text = "Spoke with daughter Zorna\nVantreska re : code status ."
    for c in tg.find(text):
        value = text[c.start:c.end]
        assert "\n" not in value and value == value.strip(" .,;:|()")


def test_threshold_trades_recall_for_precision(small_model):
    text = "Spoke with daughter Ilsabet Morrowind re : code status ."
    low = TokenTagger(small_model, threshold=0.05, training="invented", feature_version="1").find(text)
    high = TokenTagger(small_model, threshold=1.0, training="invented", feature_version="1").find(text)
    assert sum(c.end - c.start for c in low) >= sum(c.end - c.start for c in high)


def test_missing_or_broken_model_fails_closed(tmp_path):
    with pytest.raises(TaggerError, match="missing"):
        TokenTagger(tmp_path / "none.crfsuite", threshold=0.2, training="x", feature_version="1")
    bad = tmp_path / "bad.crfsuite"
    bad.write_bytes(b"not a model")
    with pytest.raises(TaggerError, match="cannot be read"):
        TokenTagger(bad, threshold=0.2, training="x", feature_version="1")
    assert issubclass(TaggerError, DeidError)


def test_no_model_and_no_corpus_says_how_to_fix(tmp_path, monkeypatch):
    empty = tmp_path / "corpus"
    empty.mkdir()
    monkeypatch.setenv("CLINICAL_PIPELINES_PHYSIONET_DEID", str(empty))
    monkeypatch.setenv("CLINICAL_PIPELINES_TAGGER_DIR", str(tmp_path / "cache"))
    with pytest.raises(TaggerError) as exc:
        ensure_tagger(TaggerSpec(), progress=None)
    msg = str(exc.value)
    assert "CLINICAL_PIPELINES_PHYSIONET_DEID" in msg and "deid-train-tagger" in msg and "enabled: false" in msg


def test_model_file_name_changes_with_corpus_and_parameters(tmp_path, monkeypatch):
    monkeypatch.setenv("CLINICAL_PIPELINES_TAGGER_DIR", str(tmp_path))
    a = model_path("0" * 64, TaggerSpec())
    assert a.parent == tmp_path
    assert a != model_path("1" * 64, TaggerSpec()) != model_path("0" * 64, TaggerSpec(c2=0.1))
    assert model_path("0" * 64, TaggerSpec(threshold=0.5)) == a  # the threshold is applied at run time


@pytest.mark.parametrize("text,value,typ,kept", [
    ("Prior MI in 2019, stable.", "2019", "DATE", False),
    ("Married in '19.", "'19", "DATE", False),
    ("Cath on 3/14/2019.", "3/14/2019", "DATE", True),
    ("Seen 3/14.", "3/14", "DATE", True),
    ("Foley catheter in place.", "Foley", "NAME", False),
    ("Hx of Parkinson's disease.", "Parkinson", "NAME", False),
    ("JP drain with Rose tinged fluid.", "Rose", "NAME", False),
    ("BP Mark 2 device placed.", "Mark", "NAME", False),
    ("Quinton cath removed.", "Quinton", "NAME", False),
    ("Coum held tonight.", "Coum", "NAME", False),
    ("Wife Rose at bedside.", "Rose", "NAME", True),
    ("Dr. Mark Vantreska aware.", "Mark Vantreska", "NAME", True),
    ("Discussed with Quinton, plan to wean.", "Quinton", "NAME", True),
    ("Lives in Marrowfield with son.", "Marrowfield", "LOCATION", True),
    ("Call 555-0142 for results.", "555-0142", "PHONE", True),
    # scores, measurements, codes, grades and clock ranges are not dates or phones
    ("Apgar 8/9 at delivery.", "8/9", "DATE", False),
    ("pain 9/10, MMSE 22/30.", "9/10", "DATE", False),
    ("MMSE 22/30 today.", "22/30", "DATE", False),
    ("Entresto 24/26 mg bid.", "24/26", "DATE", False),
    ("3/6 systolic murmur at LUSB.", "3/6", "DATE", False),
    ("4/5 strength LLE.", "4/5", "DATE", False),
    ("NDC 70569-3431-45 dispensed.", "70569-3431-45", "PHONE", False),
    ("NDC 70569-3431-45 dispensed.", "NDC 70569-3431-45", "PHONE", False),
    ("Karnofsky 70, EF 55%.", "Karnofsky 70", "DATE", False),
    ("PHQ-9 13 today.", "9", "DATE", False),
    ("Report ID 479", "479", "PHONE", False),
    ("SHIFT NOTE 0700-0730", "0700-0730", "PHONE", False),
    ("BP 135/76 sitting.", "/76", "DATE", False),
    ("Callback #: 602.437.4211", "Callback", "PHONE", False),
    ("IV placed LA-10/3, flushes well.", "10/3", "DATE", True),
    ("Seen 3/4 by cardiology.", "3/4", "DATE", True),
    ("seen 6/8 in clinic", "6/8", "DATE", True),
    ("BC FROM 9/2 GM + COCCI", "9/2", "DATE", False),
    ("cultures from 8/31 eves", "8/31", "DATE", True),
    ("SVE 6/90/-1. FHR 140.", "6/90", "DATE", False),
    ("SLUMS 18/30 today.", "18/30", "DATE", False),
    ("PHQ9 21/27.", "21/27", "DATE", False),
    ("PS 15/5, FiO2 40%.", "15/5", "DATE", False),
    ("Home phone 617 555 0142.", "617 555 0142", "PHONE", True),
    ("lives in Dorchester 02124", "02124", "PHONE", False),
    ("Leeds LS6 2AB", "LS6 2AB", "PHONE", False),
    # states, countries, labels, signs and words are not names or places
    ("Fargo, North Dakota, 58102.", "Dakota", "LOCATION", False),
    ("Asheville, North Carolina 28801", "North Carolina", "NAME", False),
    ("Moved here from Vermont last year.", "Vermont", "LOCATION", False),
    ("Born in Canada.", "Canada", "LOCATION", False),
    ("Pt visiting from Germany.", "Germany", "LOCATION", False),
    ("Served in Korea.", "Korea", "LOCATION", False),
    ("Family in Viet Nam.", "Viet Nam", "LOCATION", False),
    ("PHQ-9 21, C-SSRS positive.", "9 21", "DATE", False),
    ("Discharge Date: 15 June 2019", "Discharge", "DATE", False),
    ("Holter monitor arranged.", "Holter", "DATE", False),
    ("Seen on the fifth of April.", "the fifth of April", "DATE", True),
    ("Next visit Tuesday the 7th.", "Tuesday the 7th", "DATE", True),
    ("| 79 yr  Female   Loc:4W", "79 yr  Female", "DATE", False),
    ("Pt: K. Vasquez  Rm 4C-4 | Neuro", "Rm 4C", "NAME", False),
    ("daughter Mrs. Butler visited", "Mrs", "NAME", False),
    ("Discharge Summary (LAKESHORE)", "Discharge Summary", "NAME", False),
    ("Seen with Olivia Grant today.", "Olivia Grant", "NAME", True),
    ("Harlow Falls, MA 01807", "MA", "LOCATION", False),
    ("zip 01776. ok", "ok", "LOCATION", False),
    ("WBC 11.2 x10^9/L, Hgb 13.", "9/L", "DATE", False),
    ("Gamma nail (Stryker) placed.", "nail", "NAME", False),
    ("hey its jose, see you soon", "jose", "NAME", True),
    ("read back verified by re.", "re", "NAME", True),
    ("+ McMurray sign R knee, Lachman negative.", "Lachman", "NAME", False),
    ("Karyotype 46,XY,t(8;21)(q22;q22).", "8;21", "DATE", False),
    ("F/U WITH EDWARDS, VIRGINIA AT CLINIC.", "VIRGINIA", "NAME", True),
    ("Caller: grandson re: refill", "Caller", "NAME", False),
    ("History of Romberg negative.", "Romberg", "LOCATION", False),
    ("History of Babinski downgoing.", "Babinski", "LOCATION", False),
    ("History of Mallory-Weiss tear.", "Mallory", "NAME", False),
    ("Lives with nephew and wife.", "nephew", "LOCATION", False),
    ("son rob lives in parkville.", "rob", "NAME", True),
    ("Frank blood in stool.", "Frank", "NAME", False),
    ("Rose called re: urine output.", "Rose", "NAME", True),
    ("Cousins visited today.", "Cousins", "NAME", False),
    ("Frank Okafor visited.", "Frank", "NAME", True),
    ("lives in parkville with son.", "parkville", "LOCATION", True),
    # a measurement's name before its value is not a name or place
    ("CXR with Kerley B lines.", "Kerley B lines", "NAME", False),
    ("EGD: LA grade B esophagitis.", "B esophagitis", "NAME", False),
    ("Foley catheter removed", "Foley catheter", "NAME", False),
    ("Seen by Kerley Bains today.", "Kerley Bains", "NAME", True),
    ("Paris. Na 138, K 4.1.", "Na", "NAME", False),
    ("Paris. Na 138, K 4.1.", "Na 138", "LOCATION", False),
    ("Lytes K: 4.1", "K: 4.1", "PHONE", False),
    ("Lytes: K: 4.1, Cl 101", "K", "NAME", False),
    ("Lytes: K: 4.1, Cl 101", "Cl", "LOCATION", False),
    ("Hb 9.8 after 2 units.", "Hb", "NAME", False),
    ("CA 8.9 and MG 2.0 repleted", "CA", "LOCATION", False),
    ("Ca >10 this am", "Ca", "NAME", False),
    ("Na Lin at bedside.", "Na Lin", "NAME", True),
    ("Wife Ca visited.", "Ca", "NAME", True),
])
def test_context_vetoes(text, value, typ, kept):
    s = text.index(value)
    assert keep_tagged(text, Candidate(s, s + len(value), typ, 1.0)) is kept


def test_policy_switch_and_bad_values(tmp_path):
    import yaml

    from clinical_pipelines.deid.policy import DEFAULT_POLICY_PATH, parse_policy

    data = yaml.safe_load(open(DEFAULT_POLICY_PATH))
    spec = parse_policy(data, sha256="0" * 64).text.token_tagger
    assert spec is not None and 0 < spec.threshold <= 1
    data["text"]["token_tagger"]["enabled"] = False
    assert parse_policy(data, sha256="0" * 64).text.token_tagger is None
    for bad in ({"enabled": True, "threshold": 0}, {"enabled": True, "threshold": "high"},
                {"enabled": True}, "yes", {"enabled": True, "threshold": 0.2, "max_iterations": 0}):
        data["text"]["token_tagger"] = bad
        with pytest.raises(PolicyError, match="token_tagger"):
            parse_policy(data, sha256="0" * 64)


@pytest.mark.parametrize("text,value,expected", [
    ("Echo Morrow", "Echo Morrow", "Morrow"),
    ("Pager: Fernanda Will follow up.", "Fernanda Will", "Fernanda"),
    ("Discussed with Olivia Grant today.", "Olivia Grant", "Olivia Grant"),
    ("SEEN BY ECHO MORROW", "ECHO MORROW", "ECHO MORROW"),  # capitals: no word is known to be plain here
    ("Foley Quinlan placed it.", "Foley Quinlan", "Quinlan"),
    ("Cousins Buck, Earl visit.", "Cousins Buck", "Buck"),
])
def test_plain_words_at_the_edges_of_a_name_are_trimmed(text, value, expected):
    from clinical_pipelines.deid.text.tagger.context import trim_words

    s = text.index(value)
    c = trim_words(text, Candidate(s, s + len(value), "NAME", 1.0))
    assert text[c.start:c.end] == expected


@pytest.mark.parametrize("text,value", [
    ("Transferred to Neuro ICU.", "Neuro"), ("Follow up in Pulm clinic.", "Pulm"), ("Heme/Onc consult.", "Heme/Onc"),
])
def test_services_are_not_places(text, value):
    s = text.index(value)
    assert not keep_tagged(text, Candidate(s, s + len(value), "LOCATION", 1.0))


def test_candidates_inside_other_methods_spans_are_left_out(small_model):
    tg = TokenTagger(small_model, threshold=0.3, training="invented", feature_version="1")
    text = "Pt seen by Dr. Farquhal this am , plan to diurese ."
    found = tg.find(text)
    assert found
    mask = bytearray(len(text))
    for c in found:
        mask[c.start:c.end] = b"\x01" * (c.end - c.start)
    assert tg.find(text, mask) == []
    partial = bytearray(len(text))
    c = found[0]
    partial[c.start:c.start + 1] = b"\x01"
    assert tg.find(text, partial) == found
