"""The format-grammar corpus: seeded, valid, covers every required kind, keeps look-alike clinical content
unannotated, and is independent of the project's note generator."""
import json
import re
import unicodedata
from pathlib import Path

import pytest

from clinical_pipelines.deid.evaluation.corpus import HIPAA_TYPES
from clinical_pipelines.deid.evaluation.grammar import STYLES, generate_corpus, generate_note, pools

DASH_CHARS = "\u2013\u2014\u2011\u2212"
PKG = Path(__file__).resolve().parents[2] / "clinical_pipelines" / "deid" / "evaluation" / "grammar"


@pytest.fixture(scope="module")
def corpus():
    return generate_corpus(1, 600)


@pytest.fixture(scope="module")
def golds(corpus):
    """(type, gold text, 30 chars before, 30 chars after) of every gold span."""
    out = []
    for n in corpus.notes:
        for s in n.spans:
            out.append((s.type, n.text[s.start:s.end], n.text[max(0, s.start - 30):s.start], n.text[s.end:s.end + 30]))
    return out


def _any(golds, typ, pattern, before=None, after=None):
    rx, rb, ra = re.compile(pattern), re.compile(before) if before else None, re.compile(after) if after else None
    return any(t == typ and rx.search(g) and (not rb or rb.search(b)) and (not ra or ra.search(a))
               for t, g, b, a in golds)


def test_seeded_and_prefix_stable():
    a, b = generate_corpus(2, 30), generate_corpus(2, 60)
    assert a.notes == b.notes[:30]
    assert generate_note(3, 7) == generate_note(3, 7)
    assert generate_note(2, 7).text != generate_note(3, 7).text
    assert generate_corpus(1, 1).role == "tuning" and generate_corpus(2, 1).role == "held-out"


def test_twelve_styles_balanced_and_every_type_present(corpus):
    assert len(STYLES) >= 11
    assert {n.style for n in corpus.notes} == set(STYLES)
    counts = corpus.type_counts()
    assert set(counts) == set(HIPAA_TYPES)
    assert min(counts.values()) >= 30


def test_spans_are_valid_and_never_overlap(corpus):
    for n in corpus.notes:
        prev_end = -1
        for s in n.spans:
            assert s.start >= prev_end
            assert n.text[s.start:s.end].strip() == n.text[s.start:s.end]
            prev_end = s.end


@pytest.mark.parametrize("typ,pattern,before,after", [
    ("DATE", r"^\d{1,2}/\d{1,2}/\d{2,4}$", None, r"^ ?@ ?\d{4}"),                    # date @ time
    ("DATE", r"^\d{1,2}:\d\d ?(AM|PM|[ap]m)$", r"\d ?$|at $|@ ?$", None),            # am/pm time after a date
    ("DATE", r"(first|second|third|fifth|eighth|ninth|twelfth|twentieth|-\w+th) of [A-Z]", r"the $", None),
    ("DATE", r"^[A-Z][a-z]+ (twenty|thirty)-\w+$", None, None),                      # "March twenty-first"
    ("DATE", r"^[A-Z][a-z]+ ['\u2019]\d\d$", None, None),                            # "March '19"
    ("DATE", f"[{DASH_CHARS}]", None, None),                                          # unicode dashes
    ("DATE", r"^\d{1,2}-[A-Z][a-z]{2}-\d{4}$", None, None),                          # d-Mon-yyyy
    ("DATE", r"^\d{4}-\d\d-\d\d$", None, None),                                      # ISO
    ("DATE", r"^\d{1,2}\.\d{1,2}\.\d{4}$", None, None),                              # European
    ("AGE", r"^(9\d|1\d\d)$", None, r"^YO[FM]"),                                     # 93YOF
    ("AGE", r"^(9\d|1\d\d)$", None, r"^/[FM]"),                                      # 93/F
    ("AGE", r"^(9\d|1\d\d)$", r"\($", r"^ ?y\)"),                                    # (93 y)
    ("AGE", r"^(9\d|1\d\d)$", None, r"^(st|nd|rd|th) b"),                           # 93rd birthday
    ("AGE", r"^[Nn]inety[- ]\w+$|^one hundred", None, r"^ years of age|^ year old|^-year-old"),
    ("AGE", r"^(18|19)\d\d$", r"(Born in|b\.|YOB|birth:?|born) $", None),            # birth year of a 90+ patient
    ("NAME", r"[^\x00-\x7f]", None, None),                                           # diacritics
    ("NAME", r"^[a-z]", r"(dr|son|daughter|wife|husband|sister|brother|niece|nephew) $", None),  # lower case
    ("NAME", r"^[A-Z]\.[A-Z]\.$|^[A-Z]{2}$|^[a-z]{2}$", r"(RN|LPN|CNA|Pt:|RN:) $", None),    # initials
    ("NAME", r"^(Will|Bill|Faith|Summer|Grant|Hope|Joy|Grace|June|Dawn|Mark|Chase|Wade)$", None, None),
    ("NAME", r"^[^\s,]+$", r"(RN|ANP|NP|PharmD|LCSW|RT|CNA|LPN|MSW|CM|FNP|EMT|MA) $", None),  # single after credential
    ("NAME", r"^[A-Za-z._]+\d?$", r"(printed by|by|User:) $", r"^( at workstation| --|  )"),  # user names
    ("NAME", r"^[A-Z\u00C0-\u024F'-]+, ?[A-Z\u00C0-\u024F-]+( [A-Z])?$", None, None),         # LAST, FIRST M
    ("NAME", r".", r"[,;\t|] ?$", r"^[,;\t|]"),                                        # name inside a delimited row
    ("LOCATION", r"^[A-Z][a-z]+", r"[,;\t|] ?$", r"^\s*$|^[,;\t|]"),                   # city in a delimited row
    ("MRN", r"^\d{3}[ ]\d{3}[ ]\d{3}$", None, None),                                  # 318 406 552 grouping
    ("SSN", r"^\d{3}\.\d\d\.\d{4}$", None, None),                                     # dots
    ("PHONE", r"^\d{3}/\d{3}-\d{4}$", None, None),                                    # 414/662-1093
    ("PHONE", r"^\(\d{3}\) \d{3} - \d{4}$", None, None),                              # (555) 201 - 7788
    ("PHONE", r"^\+(44|49|52|63|234|351) ", None, None),                              # international
    ("IP", r"^0\d\d\.\d{3}\.\d{3}\.\d{3}$", None, None),                              # zero-padded
    ("EMAIL", r" (at|AT|\[at\]) .* (dot|DOT|\[dot\]) ", None, None),                  # spelled
    ("URL", r"^(?!https?://)[a-z]", None, None),                                      # no scheme
    ("LOCATION", r"^\d{5}-\d{4}$", r"(Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|"
     r"Florida|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|"
     r"Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New \w+|North \w+|Ohio|Oklahoma|Oregon|"
     r"Pennsylvania|Rhode Island|South \w+|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|"
     r"Wisconsin|Wyoming),? $", None),
    ("LOCATION", r"(Route|Rte|Hwy|County Road|Co Rd) \d+", None, None),
    ("LOCATION", r" (Fl|Floor|Fl\.) \d+$", None, None),
    ("LOCATION", r"(Suite|Ste|Apt|Unit) ", None, None),
    ("LOCATION", r"^\d{2}-\d{2} ", None, None),                                       # 37-12 Willow Pl.
    ("LOCATION", r"^\d+$", r"(PO Box|P\.O\. Box|PO BOX|POB|P O Box) $", None),
    ("LOCATION", r"^[A-Z]{3,}( [A-Z]+)?$", None, None),                               # all-caps city
    ("LOCATION", r"^[A-Z]", r"(Hospital|Center|General|Regional|Health Center) \($", r"^, [A-Z]{2}\)"),
])
def test_every_kind_is_generated(golds, typ, pattern, before, after):
    assert _any(golds, typ, pattern, before, after), f"no {typ} variant for pattern #{pattern[:20]}"


def test_nfd_names_and_known_identifiers_in_another_spelling(corpus):
    nfd = [n for n in corpus.notes for s in n.spans
           if s.type == "NAME" and unicodedata.is_normalized("NFC", n.text[s.start:s.end]) is False]
    assert nfd, "some names should be stored decomposed (NFD)"
    other_spelling = 0
    for n in corpus.notes:
        for mrn in (n.known_identifiers or {}).get("mrn", []):
            spans = [n.text[s.start:s.end] for s in n.spans if s.type == "MRN"]
            other_spelling += any(sp != mrn and re.sub(r"\D", "", sp).lstrip("0") == mrn.lstrip("0") for sp in spans)
    assert other_spelling >= 20
    assert 0.6 < sum(bool(n.known_identifiers) for n in corpus.notes) / len(corpus.notes) < 0.9


def test_lookalike_clinical_content_is_not_annotated(corpus):
    seen = {"bp": 0, "strength": 0, "icd": 0, "young_age": 0, "eponym": 0}
    for n in corpus.notes:
        gold = bytearray(len(n.text))
        for s in n.spans:
            gold[s.start:s.end] = b"\x01" * (s.end - s.start)
        for key, rx in (("bp", r"BP \d{2,3}/\d{2,3}"), ("strength", r"\d/5 strength"), ("icd", r"ICD-10-CM \S+"),
                        ("young_age", r"\b[1-8]\d(?= ?(YO[FM]|y/o|-year-old))"), ("eponym", r"Parkinson's|Crohn's|Foley")):
            for m in re.finditer(rx, n.text):
                seen[key] += 1
                assert not any(gold[m.start():m.end()]), key
    assert all(v > 0 for v in seen.values()), seen


def test_independent_of_the_project_generator_and_shared_cases():
    src = "\n".join(p.read_text(encoding="utf-8") for p in PKG.glob("*.py"))
    imported = re.findall(r"^\s*(?:from|import)\s+([\w.]+)", src, re.M)
    bad = [m for m in imported if "synthetic" in m or m == "names" or m.startswith("names.")]
    assert bad == [], "the grammar corpus must not import the project's generator or the census name lists"
    cases_dir = Path(__file__).resolve().parents[3] / "shared" / "cases"
    if not cases_dir.is_dir():
        pytest.skip("shared cases are not on this machine")
    texts = [json.loads(line)["text"] for p in cases_dir.glob("deid-*.jsonl")
             for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    corpus_text = "\n".join(n.text for n in generate_corpus(2, 300).notes)
    assert not any(t in corpus_text for t in texts)
    for name in ("Hank", "Kowalczyk", "Okafor", "Adaeze", "Halvorsen"):
        assert all(name not in pool for f, m, s in pools.NAMES.values() for pool in (f, m, s))
