"""The whole engine on notes with the three place kinds of this round (a ZIP after a town, a town after a transfer
cue, a foreign address): every town, ZIP, postcode, street and house number is gone, and the clinical words
around them stay (that the country stays is tested on the finder, ``test_round5_places_foreign``)."""
import pytest


def _out(engine, text):
    return engine.deidentify([text], [{}])[0].text


@pytest.mark.parametrize("text, secrets, kept", [
    ("Pt lives in Dorchester 02124 with her sister. BP 120/80.", ["Dorchester", "02124"], ["BP 120/80"]),
    ("Mailing: lowell, ma 01852. Heparin 25000 units.", ["lowell", "01852"], ["25000 units"]),
    ("TRANSFERRED FROM WORCESTER FOR CATH. HR 88.", ["WORCESTER"], ["CATH", "HR 88"]),
    ("transferred from worcester for higher level of care; from ICU to floor", ["worcester"], ["ICU", "floor"]),
    ("Daughter lives at 10 Downing Street, London SW1A 1AA, UK.", ["10 Downing", "London", "SW1A 1AA"], []),
    ("Sister: 12 rue de la Paix, 75002 Paris. Na 138.", ["12 rue", "Paix", "75002", "Paris"], ["Na 138"]),
    ("Calle Mayor 5, 28013 Madrid, Spain. INR 1.2", ["Calle Mayor", "28013", "Madrid"], ["INR 1.2"]),
    ("123 Rue Principale, Montréal QC H2X 1Y4, Canada", ["123 Rue", "Principale", "Montréal", "H2X 1Y4"], []),
    ("Son at 45 MG Road, Bangalore 560001, India. K 4.1.", ["45 MG", "Bangalore", "560001"], ["K 4.1"]),
])
def test_engine_removes_round5_places(engine, text, secrets, kept):
    out = _out(engine, text)
    assert all(s not in out for s in secrets)
    assert all(k in out for k in kept)
