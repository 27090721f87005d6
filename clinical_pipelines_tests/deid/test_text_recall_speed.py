"""Gazetteer names with context, sign-off initials, organisation / address forms, NER windows and the probe-filtered
deny matcher. All names below are invented or common census names, not PHI."""
import importlib.util

import pytest
import yaml

from clinical_pipelines.deid import gazetteer
from clinical_pipelines.deid.errors import DeidError, PolicyError
from clinical_pipelines.deid.policy import DEFAULT_POLICY_PATH, load_deid_policy
from clinical_pipelines.deid.text import ClinicalTextDeidentifier
from clinical_pipelines.deid.text.deny import deny_entries
from clinical_pipelines.deid.text.deny_match import DenyMatcher
from clinical_pipelines.deid.text.names import SIGNED_INITIALS_RE, gazetteer_names
from clinical_pipelines.deid.text.ner import ner_regions


def found(text):
    return [text[s:e] for s, e in gazetteer_names(text)]


@pytest.mark.parametrize("text,name", [
    ("F/u with DIAZ, ADAM at the clinic", "DIAZ, ADAM"),
    ("HPI:\nMary P. Quenneville is a 69 year old woman", "Mary P. Quenneville"),
    ("Discussed with Linda Garcia today.", "Linda Garcia"),
    ("Smith, John A seen in clinic", "Smith, John A"),
])
def test_gazetteer_names_with_context(text, name):
    assert found(text) == [name]


@pytest.mark.parametrize("text", [
    "Will call back tomorrow. May need repeat echo.",  # common words that are also census names
    "Frank Starling law applies",                     # eponym
    "PARKINSON DISEASE, CHEST PAIN",                  # clinical words in capitals
    "Bill to insurance; Mark the site; Hope for recovery",
    "mary smith",                                     # no capitalisation, no context
])
def test_gazetteer_needs_context(text):
    assert found(text) == []


def test_gazetteer_fails_closed_when_package_missing(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(DeidError, match="not installed") as exc:
        gazetteer._data_dir()
    assert "names==" in str(exc.value)


def test_gazetteer_lists_loaded():
    first, last = gazetteer.load_gazetteers()
    assert {"mary", "john"} <= first and {"smith", "garcia"} <= last
    assert len(last) > 50_000


@pytest.mark.parametrize("text,initials", [("Signed: MS, pager 1372", "MS"), ("-- JK\n", "JK"),
                                           ("e-signed JRT / RN", "JRT")])
def test_signed_initials(text, initials):
    assert [m.group(1) for m in SIGNED_INITIALS_RE.finditer(text)] == [initials]


def test_signed_initials_not_in_prose():
    assert not list(SIGNED_INITIALS_RE.finditer("CT scan signed off; EF 55% by TTE"))


@pytest.mark.parametrize("note,phi", [
    ("Jun 7, 2022\n\nAisha Woods, MD\nCounty EMS\n\nRe: follow-up", "County EMS"),
    ("stress test at Mercy\nValley Hospital in 2021.", "Mercy\nValley Hospital"),
    ("PCP KENNEDY, PATRICIA (TWO RIVERS HEALTH PARTNERS) WITHIN 1-2 WEEKS", "TWO RIVERS HEALTH PARTNERS"),
    ("CLINIC\n1515 BAYBERRY DR, NORTH ASHBY\n", "1515 BAYBERRY DR"),
    ("Transferred from Eastport Fire\nDepartment on admission.", "Eastport Fire\nDepartment"),
    ("Seen today.\nJerome Do, MD", "Jerome Do"),
    ("Reviewed with Dr Rajesh Rogers\nCrestline Cardiology Group\n", "Crestline Cardiology Group"),
])
def test_recall_forms(engine, note, phi):
    res = engine.deidentify([note])[0]
    i = note.index(phi)
    covered = set()
    for sp in res.spans:
        covered.update(range(sp.start, sp.end))
    assert all(k in covered or note[k].isspace() for k in range(i, i + len(phi)))


@pytest.mark.parametrize("safe", ["2 MM ST elevation", "Member ID"])
def test_precision_forms(engine, safe):
    note = f"ECG: {safe} in V2-V4; aspirin given."
    assert safe in engine.deidentify([note])[0].text


def test_ner_regions_cover_candidates_only():
    text = "bp 120/80, hr 72, on aspirin 81 mg daily\nSeen with Quimby Zorblat at bedside today"
    regs = ner_regions(text, 2)
    assert regs and all(text[s:e].count("\n") == 0 for s, e in regs)
    covered = "".join(text[s:e] for s, e in regs)
    assert "Quimby Zorblat" in covered and "aspirin" not in covered
    assert ner_regions(text, 0) == [(0, len(text))]
    assert ner_regions("all lower case text, no names", 3) == []


def test_ner_window_keeps_results(engine, policy):
    """NER on windows finds the same PHI as NER on the whole text."""
    from clinical_pipelines_tests.deid.test_text import NOTE

    full = ClinicalTextDeidentifier(policy, ner_window_words=0)
    assert engine.ner_window_words > 0
    assert engine.deidentify([NOTE])[0].text == full.deidentify([NOTE])[0].text


def test_deny_matcher_probe_filter_still_matches_reformatted_values():
    m = DenyMatcher(deny_entries({"phone": ["(217) 555-0143"], "patient_name": ["Zorblat Quimby"],
                                   "mrn": ["AB-1234"]}))
    text = "call 217.555.0143; ZORBLAT quimby; id AB1234"
    spans = m.find(text)
    got = {text[s.start:s.end] for s in spans}
    assert {"217.555.0143", "ZORBLAT quimby", "AB1234"} <= got
    assert m.find("nothing relevant here 555") == []


def test_policy_rejects_negative_ner_window(tmp_path):
    data = yaml.safe_load(DEFAULT_POLICY_PATH.read_text())
    data["text"]["ner_window_words"] = -1
    p = tmp_path / "p.yaml"
    p.write_text(yaml.safe_dump(data))
    with pytest.raises(PolicyError, match="ner_window_words"):
        load_deid_policy(p)


def test_context_recognizers_need_their_context_words(engine):
    """The enhancer skips context-scored candidates only when no context word is anywhere in the note."""
    with_ctx = engine.deidentify(["Moved last year; zip 62704 on file."])[0]
    without = engine.deidentify(["Counts 62704 cells per field."])[0]
    assert "62704" not in with_ctx.text
    assert "62704" in without.text
