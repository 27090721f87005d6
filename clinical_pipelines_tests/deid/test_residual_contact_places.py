"""E-mail, URL and address formats (45 CFR 164.514(b)(2)(i)(B), (F), (N))."""
import pytest

from clinical_pipelines_tests.deid._residual_helpers import covered, kinds


@pytest.mark.parametrize("text,needle", [
    ("mail j.doe77@example.org", "j.doe77@example.org"), ("mail j_doe+x@mail.example.co.uk", "j_doe+x@mail.example.co.uk"),
    ("write to jdoe77 at example dot com", "jdoe77 at example dot com"),
    ("write to jdoe77 (at) example (dot) org", "jdoe77 (at) example (dot) org"),
    ("write to jdoe77 [at] example [dot] net", "jdoe77 [at] example [dot] net"),
    ("write to jdoe77 @ example.com", "jdoe77 @ example.com"),
])
def test_emails(text, needle):
    assert covered(text, needle) and "email" in kinds(text)


@pytest.mark.parametrize("text,needle", [
    ("portal https://mychart.example.org/p/ab12", "https://mychart.example.org/p/ab12"),
    ("portal www.example.com/p", "www.example.com/p"), ("portal mychart.example.org/login", "mychart.example.org/login"),
    ("see example-clinic.com", "example-clinic.com"), ("ftp://files.example.net/x", "ftp://files.example.net/x"),
])
def test_urls(text, needle):
    assert covered(text, needle) and "url" in kinds(text)


@pytest.mark.parametrize("text", ["follow up at clinic dot next week", "e.g. p.o. b.i.d.", "report.pdf attached",
                                  "Cr 0.96. K 4.4", "seen at home"])
def test_not_contact(text):
    assert not ({"email", "url"} & kinds(text))


@pytest.mark.parametrize("text,needle", [
    ("Lives at 22 Elm Street.", "22 Elm Street"), ("Lives at 4410 N. Oak Ridge Blvd Apt 3B.", "4410 N. Oak Ridge Blvd Apt 3B"),
    ("Lives at 112-08 Jamaica Ave.", "112-08 Jamaica Ave"), ("Lives at 9 Route 101, Bedford.", "9 Route 101"),
    ("Moved to 77 County Road 12.", "77 County Road 12"), ("Mail: P.O. Box 1187", "P.O. Box 1187"),
    ("Mail: Post Office Box 52", "Post Office Box 52"), ("Office at 500 Main St Suite 210", "500 Main St Suite 210"),
    ("From Springfield, IL 62701.", "Springfield"), ("From (Keokuk, IA) by ambulance.", "Keokuk"),
    ("From Rutland, Vermont.", "Rutland"), ("MAILING: BOX 18, ROCHESTER NEW YORK 14604", "ROCHESTER"),
    ("Lives alone in Quarryville.", "Quarryville"), ("Lives with son in Pine Hollow.", "Pine Hollow"),
    ("County: Essex County", "Essex County"), ("12 Birch Pl, Eastbrook", "Eastbrook"),
])
def test_addresses_and_places(text, needle):
    assert covered(text, needle)


@pytest.mark.parametrize("text", [
    "3 Way Foley placed", "12 Lead ECG", "mild LA enlargement, MS", "John reviewed with Cardiology, MD",
    "Lives alone in an apartment.", "Lives with her daughter.", "Transferred from home.", "Vermont resident",
])
def test_not_places(text):
    assert not ({"address", "location"} & kinds(text))
